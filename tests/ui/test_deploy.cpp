// ui: the Deploy view drives the real pipeline (offscreen, real JobRunner
// threads): generate -> build -> flash -> profile for the demo project
// (mcunet-vww1 on virtual-m7) with the figures checked against plan.json and
// the reference interpreter; a real board goes through the device layer (no
// board connected here: Flash fails with that message), a board it cannot
// flash disables build / flash / profile with its explanation; Cancel while
// QEMU runs leaves no QEMU behind.
#include <sys/types.h>
#include <unistd.h>

#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <QLabel>

#include "arch/presets.h"
#include "board/board.h"
#include "graph/build.h"
#include "interop/tflite_export.h"
#include "quant/model.h"
#include "deploy/deploy_jobs.h"
#include "deploy/deploy_view.h"
#include "deploy/profile_plot.h"
#include "deploy/profile_table_model.h"
#include "document/project_document.h"
#include "jobs/job_runner.h"
#include "plot/qcustomplot_include.h"
#include "project/project.h"

using namespace mcunet;
using namespace mcunet::ui;
using mcunet::deploy::Stage;

namespace {

// Processes whose parent is this test and whose name is qemu-system-arm.
int qemuChildren() {
    int n = 0;
    const QString me = QString::number(getpid());
    for (const QString& pid : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile status(QStringLiteral("/proc/%1/status").arg(pid));
        if (!status.open(QIODevice::ReadOnly)) continue;
        QString name, ppid;
        for (const QByteArray& line : status.readAll().split('\n')) {
            if (line.startsWith("Name:")) name = QString::fromLatin1(line.mid(5)).trimmed();
            if (line.startsWith("PPid:")) ppid = QString::fromLatin1(line.mid(5)).trimmed();
        }
        if (ppid == me && name.startsWith(QLatin1String("qemu-system-arm"))) ++n;
    }
    return n;
}

struct Session {
    ProjectDocument document{board::Catalog::builtIn()};
    DeployView view{&document};
    Session() {
        document.reset(project::demoProject());
        view.resize(1500, 900);
    }
};

}  // namespace

class TestDeploy : public QObject {
    Q_OBJECT
    QTemporaryDir state_;
private slots:
    void initTestCase() {
        QVERIFY(state_.isValid());
        qputenv("XDG_STATE_HOME", state_.path().toUtf8());  // the flash records, not the user's
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("MCUNetTest");
        QCoreApplication::setApplicationName("deploy-test");
    }

    void deployAndProfileTheDemo() {
        Session s;
        DeployView& view = s.view;
        QCOMPARE(s.document.board().id, std::string("virtual-m7"));
        QVERIFY(view.deployButton()->isEnabled());
        QSignalSpy finished(&view, &DeployView::pipelineFinished);
        QElapsedTimer clock;
        clock.start();
        QVERIFY(view.deployAndProfile());
        QVERIFY(view.pipelineRunning());
        QVERIFY(view.jobs()->isRunning());  // on a worker thread: the GUI thread is free
        QVERIFY(!view.deployButton()->isEnabled());
        QVERIFY(!view.deployAndProfile());  // one pipeline at a time
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() > 0, 120000);  // the signal may come before waiting starts
        const qint64 ms = clock.elapsed();
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(view.log()->toPlainText()));
        qInfo("deploy and profile (generate, build, flash, profile x%d) took %.1f s", view.runsBox()->value(), double(ms) / 1000);
        QVERIFY(!view.pipelineRunning());
        QVERIFY(view.deployButton()->isEnabled());
        QCOMPARE(view.tabs()->currentIndex(), int(DeployView::ProfileTab));

        // Generated code: model.c in the preview, the plan's arena.
        const auto gen = view.generated();
        QVERIFY(gen);
        QVERIFY(view.generatedIsCurrent());
        QFile modelC(QDir(QString::fromStdString(gen->directory)).filePath("model.c"));
        QVERIFY(modelC.open(QIODevice::ReadOnly));
        const QString source = QString::fromUtf8(modelC.readAll());
        QCOMPARE(view.codePreview()->toPlainText(), source);
        QVERIFY(source.contains("model_invoke"));
        QVERIFY(source.contains("MCUNET_PROFILE_BEGIN"));
        QVERIFY(view.codePreview()->isReadOnly());
        const std::int64_t planned = gen->plan["arena_bytes"].get<std::int64_t>();
        // The plan the studio shows (the same as `mcunet cost`: 78,568 B for mcunet-vww1 since the
        // depthwise kernels' 4 spare scratch bytes) is the one generated.
        QCOMPARE(planned, s.document.analysis()->plan(memory::Planner::Ours).arenaBytes);
        qInfo("arena: plan.json %lld B", static_cast<long long>(planned));

        // Build: the ELF's arena is the planned one; the figures are in the table.
        const auto built = view.built();
        QVERIFY(built);
        QCOMPARE(built->firmware.arenaBytes, planned);
        QCOMPARE(built->plannedArenaBytes, planned);
        QVERIFY(built->firmware.flashBytes > 0 && built->firmware.flashBytes < s.document.board().flashBytes);
        QVERIFY(built->firmware.sramBytes >= planned && built->firmware.sramBytes < s.document.board().sramBytes);
        QVERIFY(view.buildFigures()->item(2, 3)->text().contains("= plan"));
        QVERIFY(view.flashed());
        QCOMPARE(view.flashed()->hello.model, std::string("mcunet-vww1"));

        // Profile: one row per layer, every count positive, in instructions.
        ProfileTableModel* table = view.profileModel();
        const int layers = s.document.analysis()->graph.opCount();
        QCOMPARE(layers, 55);
        QCOMPARE(table->rowCount(), 55);
        for (int r = 0; r < table->rowCount(); ++r)
            QVERIFY2(table->data(table->index(r, ProfileTableModel::Count), Qt::UserRole).toULongLong() > 0,
                     qPrintable(QStringLiteral("layer %1 has no instructions").arg(r)));
        QCOMPARE(table->unit(), QStringLiteral("instructions"));
        QCOMPARE(table->headerData(ProfileTableModel::Count, Qt::Horizontal, Qt::DisplayRole).toString(),
                 QStringLiteral("Instructions"));
        for (int c = 0; c < ProfileTableModel::ColumnCount; ++c)
            QVERIFY(!table->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString().contains("ycle"));
        QVERIFY(view.profilePlot()->plot()->yAxis->label().contains("instructions"));
        QCOMPARE(view.profilePlot()->measuredBars()->dataCount(), layers);
        QCOMPARE(view.profilePlot()->estimatedBars()->dataCount(), layers);
        const auto run = view.profiled();
        QVERIFY(run->profile.instructions);
        QCOMPARE(run->profile.unit(), std::string("instructions"));
        QVERIFY(run->matchesReference);
        QCOMPARE(run->profile.output, run->reference);
        QVERIFY(view.outputVerdict()->text().contains("output identical to the reference interpreter"));

        // Profile alone again: the board is flashed, so only that step runs.
        finished.clear();
        QVERIFY(view.runStep(deploy::Stage::Profile));
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() > 0, 60000);  // the signal may come before waiting starts
        QVERIFY(finished.at(0).at(0).toBool());
        QVERIFY(view.log()->toPlainText().contains(QRegularExpression("Profile: done\\s*$")));
        QCOMPARE(view.profiled()->profile.total, run->profile.total);  // -icount: exactly repeatable

        for (Stage st : deploy::allStages()) QVERIFY(!view.stageStatus(st)->text().contains("out of date"));
        // An edit makes the generated project out of date, and every step's
        // result with it, the profile too (it used to stay "done").
        s.document.editPlanner(memory::Planner::TinyEngine);
        QVERIFY(!view.generatedIsCurrent());
        for (Stage st : deploy::allStages())
            QVERIFY2(view.stageStatus(st)->text().contains("out of date"), qPrintable(view.stageStatus(st)->text()));
        QCOMPARE(qemuChildren(), 0);
    }

    // An imported .tflite (File > Import .tflite) deploys unchanged, with its
    // own weights: the board answers with the file's name and its output
    // equals the reference interpreter's on the imported model.
    void importedModelDeploysWithItsOwnWeights() {
        QTemporaryDir dir;
        const QString file = dir.filePath("vww1 copy.tflite");
        {
            const quant::QuantizedModel m = quant::quantizeSeeded(graph::buildGraph(arch::preset("mcunet-vww1")), 3);
            const auto bytes = interop::exportTflite(m, "vww1");
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(reinterpret_cast<const char*>(bytes.data()), qint64(bytes.size()));
        }
        Session s;
        QString error;
        QVERIFY2(s.document.importTflite(file, &error), qPrintable(error));
        DeployView& view = s.view;
        QVERIFY(view.weightsNote()->text().contains("weights: imported"));
        QSignalSpy finished(&view, &DeployView::pipelineFinished);
        QVERIFY(view.deployAndProfile());
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() > 0, 120000);  // the signal may come before waiting starts
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(view.log()->toPlainText()));
        QCOMPARE(view.generated()->model.get(), s.document.importedModel().get());
        // The Generate card names the weights as imported (it said "seeded").
        const QString card = view.stageStatus(Stage::Generate)->text();
        QVERIFY2(card.contains("imported weights") && !card.contains("seeded"), qPrintable(card));
        QCOMPARE(view.flashed()->hello.model, std::string("vww1_copy"));  // the file's name, made safe
        QVERIFY(view.profiled()->matchesReference);
        QCOMPARE(view.profiled()->profile.output, view.profiled()->reference);
        QVERIFY(view.log()->toPlainText().contains("the imported model's weights"));
        QCOMPARE(qemuChildren(), 0);
    }

    void realBoardGoesThroughTheDeviceLayer() {
        Session s;
        project::Target t = s.document.project().target;
        t.boardId = "stm32f746g-disco";
        QVERIFY(s.document.editTarget(t, "board"));
        DeployView& view = s.view;
        QVERIFY(view.actionButton(deploy::Stage::Flash)->isEnabled());
        QVERIFY2(view.deviceBox()->currentText().startsWith("no stm32f746g-disco connected"),
                 qPrintable(view.deviceBox()->currentText()));
        QSignalSpy finished(&view, &DeployView::pipelineFinished);
        QVERIFY(view.runStep(deploy::Stage::Flash));  // generate, build for the F746, then look for the board
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() > 0, 180000);
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QVERIFY(view.built());
        QVERIFY2(view.log()->toPlainText().contains("no stm32f746g-disco connected"), qPrintable(view.log()->toPlainText()));
    }

    // The project's SRAM override binds the build: at 64 kB, mcunet-vww1's
    // 78,568 B arena fails to link with the overflow, as Target says it does
    // not fit (Build used to link against the board's 320 kB and pass).
    void projectLimitsBindTheBuild() {
        Session s;
        project::Target t = s.document.project().target;
        t.sramLimitBytes = 64 * 1024;
        QVERIFY(s.document.editTarget(t, "SRAM limit"));
        QVERIFY(!s.document.analysis()->fits());
        QCOMPARE(s.document.analysis()->deployBoard().sramBytes, std::int64_t(64 * 1024));
        QCOMPARE(s.document.analysis()->deployBoard().flashBytes, s.document.board().flashBytes);
        DeployView& view = s.view;
        QSignalSpy finished(&view, &DeployView::pipelineFinished);
        QVERIFY(view.runStep(Stage::Build));
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() > 0, 120000);
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QVERIFY(!view.built());
        const QString log = view.log()->toPlainText();
        QVERIFY2(log.contains("does not fit") && log.contains("65536 B SRAM") && log.contains("SRAM over by"), qPrintable(log));
        QVERIFY2(view.stageStatus(Stage::Build)->text().contains("does not fit"), qPrintable(view.stageStatus(Stage::Build)->text()));
        // With room again, the same project builds, against the project's limit.
        t.sramLimitBytes = 100 * 1024;
        QVERIFY(s.document.editTarget(t, "SRAM limit"));
        finished.clear();
        QVERIFY(view.runStep(Stage::Build));
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() > 0, 120000);
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(view.log()->toPlainText()));
        QVERIFY(view.built());
        QVERIFY2(view.stageStatus(Stage::Build)->text().contains("of 100.0 kB"), qPrintable(view.stageStatus(Stage::Build)->text()));
        QCOMPARE(qemuChildren(), 0);
    }

    void boardWithoutFirmwareDisablesBuildFlashProfile() {
        Session s;
        project::Target t = s.document.project().target;
        t.boardId = "nucleo-h743zi";
        QVERIFY(s.document.editTarget(t, "board"));
        DeployView& view = s.view;
        for (QPushButton* b : {view.deployButton(), view.actionButton(deploy::Stage::Build), view.actionButton(deploy::Stage::Flash),
                               view.actionButton(deploy::Stage::Profile)}) {
            QVERIFY(!b->isEnabled());
            QVERIFY2(b->toolTip().contains("no firmware board layer"), qPrintable(b->toolTip()));
        }
        QVERIFY(view.actionButton(deploy::Stage::Generate)->isEnabled());
        QVERIFY(!view.deployAndProfile());
        QVERIFY(!view.runStep(deploy::Stage::Profile));
        QVERIFY(view.log()->toPlainText().contains("no firmware board layer"));
        // Code generation works for every board.
        QSignalSpy finished(&view, &DeployView::pipelineFinished);
        QVERIFY(view.runStep(deploy::Stage::Generate));
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() > 0, 60000);  // the signal may come before waiting starts
        QVERIFY(finished.at(0).at(0).toBool());
        QCOMPARE(view.generated()->plan["board"].get<std::string>(), std::string("nucleo-h743zi"));
        QVERIFY(!view.actionButton(deploy::Stage::Build)->isEnabled());
        // Back to a virtual board: enabled again.
        t.boardId = "virtual-m4";
        QVERIFY(s.document.editTarget(t, "board"));
        QVERIFY(view.deployButton()->isEnabled());
        QVERIFY(view.actionButton(deploy::Stage::Profile)->isEnabled());
        QVERIFY(!view.generatedIsCurrent());
    }

    void generateToAChosenFolder() {
        Session s;
        QTemporaryDir dir;
        QSignalSpy finished(&s.view, &DeployView::pipelineFinished);
        QVERIFY(s.view.generateTo(dir.filePath("vww1")));
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() > 0, 60000);  // the signal may come before waiting starts
        QVERIFY(finished.at(0).at(0).toBool());
        for (const char* f : {"model.c", "model.h", "model_weights.c", "plan.json", "firmware/main.c"})
            QVERIFY2(QFile::exists(dir.filePath(QStringLiteral("vww1/") + f)), f);
        QCOMPARE(s.view.outputDirectory(), QDir(dir.filePath("vww1")).absolutePath());
        QCOMPARE(s.view.tabs()->currentIndex(), int(DeployView::CodeTab));
    }

    // Issue 24: a folder of the user's is refused before any job, nothing in
    // it written, the previous output folder kept; a project of ours is reused.
    void generateToRefusesAUsersFolder() {
        Session s;
        QTemporaryDir dir;
        QVERIFY(QDir().mkpath(dir.filePath("mine")));
        QFile own(dir.filePath("mine/CMakeLists.txt"));
        QVERIFY(own.open(QIODevice::WriteOnly));
        own.write("project(mine)\n");
        own.close();
        const QString before = s.view.outputDirectory();
        QVERIFY(!s.view.generateTo(dir.filePath("mine")));
        QVERIFY(!s.view.jobs()->isRunning());
        QCOMPARE(s.view.outputDirectory(), before);
        QCOMPARE(QDir(dir.filePath("mine")).entryList(QDir::NoDotAndDotDot | QDir::AllEntries | QDir::Hidden),
                 QStringList{"CMakeLists.txt"});
        QVERIFY(s.view.log()->toPlainText().contains("not made by MCUNet Studio"));
    }

    void cancelWhileProfilingLeavesNoQemu() {
        Session s;
        DeployView& view = s.view;
        view.runsBox()->setValue(20);  // a long profile to cancel in
        QSignalSpy finished(&view, &DeployView::pipelineFinished);
        QVERIFY(view.deployAndProfile());
        QTRY_VERIFY_WITH_TIMEOUT(view.jobs()->currentJob().startsWith("Profile") && qemuChildren() > 0, 120000);
        QTRY_VERIFY_WITH_TIMEOUT(qemuChildren() == 1, 10000);
        QElapsedTimer clock;
        clock.start();
        view.cancel();
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() > 0, 30000);  // the signal may come before waiting starts
        qInfo("cancel took %lld ms", clock.elapsed());
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QVERIFY(!view.jobs()->isRunning());
        QCOMPARE(qemuChildren(), 0);
        QVERIFY(view.log()->toPlainText().contains("Profile (4 of 4): cancelled"));
        QVERIFY(view.built());  // the earlier steps kept their results
        QVERIFY(view.deployButton()->isEnabled());
    }

    void closingTheViewDuringARunStopsQemu() {
        auto s = std::make_unique<Session>();
        QVERIFY(s->view.deployAndProfile());
        QTRY_VERIFY_WITH_TIMEOUT(qemuChildren() > 0, 120000);
        s.reset();  // the window closes: the job is cancelled and QEMU killed
        QCOMPARE(qemuChildren(), 0);
    }
};

QTEST_MAIN(TestDeploy)
#include "test_deploy.moc"
