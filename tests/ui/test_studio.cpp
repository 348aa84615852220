// ui: the studio as users drive it (offscreen): project save / load and
// autosave recovery, undo / redo of design edits, the Design view's figures
// against `mcunet cost --json`, the Search-space view's choice against
// `mcunet space --json`, and bad project files leaving the open project alone.
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QTableView>
#include <QComboBox>
#include <QLineEdit>
#include <QSpinBox>
#include <QtTest>
#include <QDateTime>

#include <fstream>

#include <sys/stat.h>

#include <QPlainTextEdit>

#include <nlohmann/json.hpp>

#include "arch/architecture_json.h"
#include "arch/presets.h"
#include "board/board.h"
#include "deploy/deploy_view.h"
#include "design/architecture_diagram.h"
#include "design/design_view.h"
#include "design/sram_timeline_plot.h"
#include "plot/qcustomplot_include.h"
#include "document/autosaver.h"
#include "document/project_document.h"
#include "graph/build.h"
#include "interop/tflite_export.h"
#include "quant/model.h"
#include "jobs/job_runner.h"
#include "project/project.h"
#include "search/front_plot.h"
#include "search/search_panel.h"
#include "search/train_search_view.h"
#include "common/preferences.h"
#include "shell/guide_banner.h"
#include "shell/preferences_dialog.h"
#include "shell/theme.h"
#include "shell/main_window.h"
#include "shell/status_totals.h"
#include "space/cdf_plot.h"
#include "space/search_space_view.h"

using namespace mcunet;
using namespace mcunet::ui;

namespace {

QJsonObject runCli(const QStringList& args) {
    QProcess p;
    p.start(MCUNET_CLI_PATH, args);
    if (!p.waitForFinished(120000)) {
        p.kill();
        return {};
    }
    if (p.exitCode() != 0) qWarning("mcunet %s: %s", qPrintable(args.join(' ')), p.readAllStandardError().constData());
    return QJsonDocument::fromJson(p.readAllStandardOutput()).object();
}

// Scripted answers instead of dialogs.
struct Script {
    int errors = 0;
    QString lastError;
    QString importReport;
    bool recover = true;
    Prompts prompts() {
        Prompts p;
        p.saveChanges = [](const QString&) { return Prompts::SaveChoice::Discard; };
        p.recover = [this](const QString&) { return recover; };
        p.error = [this](const QString&, const QString& m) {
            ++errors;
            lastError = m;
        };
        p.importReport = [this](const QString&, const QString& report) { importReport = report; };
        return p;
    }
};

}  // namespace

class TestStudio : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("MCUNetTest");
        QCoreApplication::setApplicationName("studio-test");
    }

    void saveLoadRoundTripAndAutosave() {
        QTemporaryDir dir;
        ProjectDocument doc(board::Catalog::builtIn());
        DesignView design(&doc);
        QVERIFY(design.setKernel(1, 0, 5));
        QVERIFY(design.setResolution(96));
        QVERIFY(doc.isModified());
        const QString path = dir.filePath("work.mcuproj");
        QString error;
        QVERIFY2(doc.save(path, &error), qPrintable(error));
        QVERIFY(!doc.isModified());
        QCOMPARE(doc.filePath(), QFileInfo(path).absoluteFilePath());

        ProjectDocument other(board::Catalog::builtIn());
        QVERIFY2(other.load(path, &error), qPrintable(error));
        QVERIFY(other.project().architecture == doc.project().architecture);
        QCOMPARE(other.project().architecture.stages[1].blocks[0].kernel, 5);
        QCOMPARE(other.project().architecture.resolution, 96);
        QCOMPARE(other.project().name, std::string("work"));

        // Autosave: nothing to write while clean; after an edit it writes beside the file.
        Autosaver autosaver(&other, 60000);
        QVERIFY(!autosaver.autosaveNow());
        DesignView otherDesign(&other);
        QVERIFY(otherDesign.setExpand(2, 0, 4));
        QVERIFY(autosaver.autosaveNow());
        const QString autosave = path + ".autosave";
        QVERIFY(QFile::exists(autosave));
        QVERIFY(project::hasNewerAutosave(path.toStdString()));

        // Opening the project offers the newer autosave; accepting recovers the edit, unsaved.
        MainWindow window(board::Catalog::builtIn());
        Script script;
        window.setPrompts(script.prompts());
        QVERIFY(window.openProject(path));
        QCOMPARE(window.document()->project().architecture.stages[2].blocks[0].expand, 4);
        QVERIFY(window.document()->isModified());
        QVERIFY(window.save());
        QVERIFY(!QFile::exists(autosave));  // saving removes the autosave
        QCOMPARE(project::load(path.toStdString()).architecture.stages[2].blocks[0].expand, 4);

        // Declining recovery opens the saved file and drops the autosave.
        QVERIFY(otherDesign.setExpand(2, 0, 6));
        QVERIFY(autosaver.autosaveNow());
        script.recover = false;
        window.setPrompts(script.prompts());
        QVERIFY(window.openProject(path));
        QCOMPARE(window.document()->project().architecture.stages[2].blocks[0].expand, 4);
        QVERIFY(!window.document()->isModified());
        QVERIFY(!QFile::exists(autosave));
        QCOMPARE(script.errors, 0);
    }

    // Issue 14.6: a corrupt autosave (newer than the project, truncated):
    // accepting recovery says why it failed, sets the autosave aside, opens
    // the project itself, and the prompt does not come back.
    void corruptAutosaveIsSetAside() {
        QTemporaryDir dir;
        const QString path = dir.filePath("p.mcuproj");
        ProjectDocument doc(board::Catalog::builtIn());
        QString error;
        QVERIFY2(doc.save(path, &error), qPrintable(error));
        const QString autosave = QString::fromStdString(project::autosavePath(path.toStdString()));
        QFile f(autosave);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"schema_version\": 2, \"na");
        f.close();
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.setFileTime(QDateTime::currentDateTime().addSecs(60), QFileDevice::FileModificationTime));
        f.close();
        QVERIFY(project::hasNewerAutosave(path.toStdString()));
        MainWindow window(board::Catalog::builtIn());
        Script script;
        window.setPrompts(script.prompts());
        QVERIFY(window.openProject(path));
        QCOMPARE(window.document()->filePath(), QFileInfo(path).absoluteFilePath());
        QCOMPARE(script.errors, 1);
        QVERIFY2(script.lastError.contains("set aside"), qPrintable(script.lastError));
        QVERIFY(!QFile::exists(autosave));
        QCOMPARE(QDir(dir.path()).entryList({"*.corrupt-*"}).size(), 1);  // kept, not deleted
        QVERIFY(!project::hasNewerAutosave(path.toStdString()));
        QVERIFY(window.openProject(path));  // no prompt, no error the second time
        QCOMPARE(script.errors, 1);
    }

    void undoRedoEveryEdit() {
        ProjectDocument doc(board::Catalog::builtIn());
        DesignView design(&doc);
        QUndoStack* undo = doc.undoStack();
        const arch::Architecture start = doc.project().architecture;
        const std::int64_t startMacs = design.shownFigures().macs;
        const int stage1Blocks = static_cast<int>(start.stages[1].blocks.size());

        QVERIFY(design.setKernel(0, 0, 7));
        QVERIFY(design.setExpand(0, 1, 6));
        QVERIFY(design.insertBlock(1, 0));
        QVERIFY(design.removeBlock(3, 1));
        QVERIFY(design.setStageChannels(2, 88));
        QCOMPARE(undo->count(), 5);
        QCOMPARE(int(doc.project().architecture.stages[1].blocks.size()), stage1Blocks + 1);
        QVERIFY(design.shownFigures().macs != startMacs);

        // Spin-box steps merge into one step.
        QVERIFY(design.setResolution(96));
        QVERIFY(design.setResolution(112));
        QVERIFY(design.setResolution(128));
        QCOMPARE(undo->count(), 6);
        QCOMPARE(doc.project().architecture.resolution, 128);

        // Invalid edits are refused and leave no step.
        QSignalSpy refused(&design, &DesignView::editRefused);
        QVERIFY(!design.setKernel(0, 0, 4));
        QVERIFY(!design.removeBlock(5, 0));  // the last stage has one block
        QCOMPARE(refused.count(), 2);
        QCOMPARE(undo->count(), 6);

        const arch::Architecture edited = doc.project().architecture;
        while (undo->canUndo()) undo->undo();
        QVERIFY(doc.project().architecture == start);
        QCOMPARE(design.shownFigures().macs, startMacs);
        QVERIFY(!doc.isModified());
        while (undo->canRedo()) undo->redo();
        QVERIFY(doc.project().architecture == edited);
        QCOMPARE(doc.project().architecture.stages[0].blocks[0].kernel, 7);
        QCOMPARE(doc.project().architecture.stages[2].baseChannels, 88);

        // Target edits are undoable too and move the limits the analysis uses.
        project::Target t = doc.project().target;
        t.sramLimitBytes = 100 * 1024;
        QVERIFY(doc.editTarget(t, "SRAM limit"));
        QCOMPARE(doc.analysis()->limits.sramBytes, std::int64_t(100 * 1024));
        undo->undo();
        QCOMPARE(doc.analysis()->limits.sramBytes, doc.board().sramBytes);

        // Keyboard edits on the diagram go through the same stack.
        design.diagram()->setSelection(1, 0);
        const int before = undo->index();
        QTest::keyClick(design.diagram(), Qt::Key_3);
        QCOMPARE(doc.project().architecture.stages[1].blocks[0].kernel, 3);
        QCOMPARE(undo->index(), before + 1);
    }

    void designFiguresEqualCliCost_data() {
        QTest::addColumn<QString>("boardId");
        QTest::addColumn<QString>("edit");
        QTest::newRow("demo on virtual-m7") << "virtual-m7" << "";
        QTest::newRow("edited on virtual-m7") << "virtual-m7" << "edit";
        QTest::newRow("mcunet-in3 on stm32f746g-disco") << "stm32f746g-disco" << "in3";
    }
    void designFiguresEqualCliCost() {
        QFETCH(QString, boardId);
        QFETCH(QString, edit);
        QTemporaryDir dir;
        ProjectDocument doc(board::Catalog::builtIn());
        DesignView design(&doc);
        project::Target t = doc.project().target;
        t.boardId = boardId.toStdString();
        QVERIFY(doc.editTarget(t, "board"));
        if (edit == "edit") {
            QVERIFY(design.setKernel(2, 1, 7));
            QVERIFY(design.insertBlock(4, 2));
            QVERIFY(design.setWidth(0.6));
            QVERIFY(design.setResolution(112));
        } else if (edit == "in3") {
            QVERIFY(design.loadPreset("mcunet-in3"));
        }
        const QString file = dir.filePath("arch.json");
        arch::saveArchitecture(doc.project().architecture, file.toStdString());
        const QJsonObject cli = runCli({"cost", file, "--board", boardId, "--json"});
        QVERIFY(!cli.isEmpty());
        const ShownFigures f = design.shownFigures();
        QCOMPARE(qint64(f.macs), cli["macs"].toInteger());
        QCOMPARE(qint64(f.params), cli["params"].toInteger());
        QCOMPARE(qint64(f.flashBytes), cli["flash_bytes"].toInteger());
        QCOMPARE(qint64(f.peakSramBytes), cli["peak_sram_bytes"].toInteger());
        QCOMPARE(f.latencyMs, cli["latency_ms"].toDouble());
        // The other planners the timeline switches to, as well.
        const QJsonObject peaks = cli["peak_sram_by_planner"].toObject();
        for (memory::Planner p : memory::allPlanners())
            QCOMPARE(qint64(doc.analysis()->plan(p).arenaBytes), peaks[memory::plannerName(p)].toInteger());
    }

    void searchSpaceChoiceEqualsCli() {
        ProjectDocument doc(board::Catalog::builtIn());
        SearchSpaceView view(&doc);
        project::SpaceSettings s = doc.project().space;
        s.grid.resolutions = {64, 96, 128, 160};
        s.grid.widths = {0.3, 0.5, 0.7};
        s.samplesPerSpace = 60;
        s.seed = 5;
        doc.editSpaceSettings(s, "settings");
        project::Target t = doc.project().target;
        t.sramLimitBytes = 128 * 1024;
        QVERIFY(doc.editTarget(t, "limit"));
        QSignalSpy finished(view.optimizerJob(), &JobRunner::finished);
        view.runSearch();
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() > 0, 60000);  // the signal may come before waiting starts
        QVERIFY(finished.front().at(1).toBool());
        const auto result = view.result();
        QVERIFY(result && result->chosen >= 0);
        const auto& chosen = result->spaces[static_cast<std::size_t>(result->chosen)];

        const QJsonObject cli = runCli({"space", "--board", "virtual-m7", "--sram", "128", "--grid",
                                        "64,96,128,160/0.3,0.5,0.7", "--samples", "60", "--seed", "5", "--classes",
                                        QString::number(doc.project().architecture.numClasses), "--json"});
        QVERIFY(!cli.isEmpty());
        const QJsonObject c = cli["chosen"].toObject();
        QCOMPARE(chosen.resolution, c["resolution"].toInt());
        QCOMPARE(chosen.width, c["width"].toDouble());
        QCOMPARE(chosen.meanMacs, c["mean_macs"].toDouble());
        QCOMPARE(chosen.satisfyingShare, c["satisfying_share"].toDouble());
        const QJsonArray spaces = cli["spaces"].toArray();
        QCOMPARE(int(result->spaces.size()), int(spaces.size()));
        for (int i = 0; i < spaces.size(); ++i)
            QCOMPARE(result->spaces[static_cast<std::size_t>(i)].satisfying, spaces[i].toObject()["satisfying"].toInt());
        // One curve per space with satisfying networks; the run is recorded in the project.
        int withNets = 0;
        for (const auto& sp : result->spaces) withNets += sp.satisfying > 0;
        QCOMPARE(view.cdfPlot()->curveCount(), withNets);
        QVERIFY(doc.project().lastSpaceChoice.has_value());
        QCOMPARE(doc.project().lastSpaceChoice->resolution, chosen.resolution);
        // Issue 23: the rule is shown, and its minimum share is the user's (the CLI's --min-share).
        QVERIFY2(view.summaryText().contains("at least 5 %"), qPrintable(view.summaryText()));
        {
            project::SpaceSettings strict = doc.project().space;
            strict.minSatisfyingShare = 0.6;
            doc.editSpaceSettings(strict, "rule");
            QSignalSpy again(view.optimizerJob(), &JobRunner::finished);
            view.runSearch();
            QTRY_VERIFY_WITH_TIMEOUT(again.count() > 0, 60000);
            const auto& c60 = view.result()->spaces[static_cast<std::size_t>(view.result()->chosen)];
            const QJsonObject cli60 = runCli({"space", "--board", "virtual-m7", "--sram", "128", "--grid",
                                              "64,96,128,160/0.3,0.5,0.7", "--samples", "60", "--seed", "5", "--classes",
                                              QString::number(doc.project().architecture.numClasses), "--min-share", "60", "--json"});
            QCOMPARE(c60.resolution, cli60["chosen"].toObject()["resolution"].toInt());
            QCOMPARE(c60.width, cli60["chosen"].toObject()["width"].toDouble());
            QVERIFY(c60.satisfyingShare >= 0.6);
            QVERIFY2(view.summaryText().contains("at least 60 %"), qPrintable(view.summaryText()));
            strict.minSatisfyingShare = 0.05;
            doc.editSpaceSettings(strict, "rule");
            QSignalSpy back(view.optimizerJob(), &JobRunner::finished);
            view.runSearch();
            QTRY_VERIFY_WITH_TIMEOUT(back.count() > 0, 60000);
        }

        // "Use this space" sets R and W through the undo stack.
        const int steps = doc.undoStack()->count();
        view.useSelectedSpace();
        QCOMPARE(doc.project().architecture.resolution, chosen.resolution);
        QCOMPARE(doc.project().architecture.width, chosen.width);
        QCOMPARE(doc.undoStack()->count(), steps + 1);
        doc.undoStack()->undo();
        QCOMPARE(doc.project().architecture.resolution, 80);
        view.samplingJob()->wait(60000);
    }

    // Visiting the Search space step runs stage 1 and records its choice: a
    // result of the project's own settings, so quitting afterwards must not
    // ask to save a project with nothing to undo (issue 23).
    void stageOneLeavesASavedProjectUnmodified() {
        QTemporaryDir dir;
        ProjectDocument doc(board::Catalog::builtIn());
        project::SpaceSettings s = doc.project().space;
        s.grid.resolutions = {64, 96};
        s.grid.widths = {0.3, 0.5};
        s.samplesPerSpace = 40;
        doc.editSpaceSettings(s, "settings");
        QString error;
        QVERIFY2(doc.save(dir.filePath("p.mcuproj"), &error), qPrintable(error));
        QVERIFY(!doc.isModified());
        SearchSpaceView view(&doc);
        QSignalSpy finished(view.optimizerJob(), &JobRunner::finished);
        view.runSearch();
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() > 0, 60000);
        QVERIFY(finished.front().at(1).toBool());
        QVERIFY(doc.project().lastSpaceChoice.has_value());
        QVERIFY(!doc.isModified());
        QVERIFY(doc.undoStack()->isClean());
        // Recorded all the same: the next save writes it.
        QVERIFY(doc.save(dir.filePath("p.mcuproj"), &error));
        ProjectDocument again(board::Catalog::builtIn());
        QVERIFY2(again.load(dir.filePath("p.mcuproj"), &error), qPrintable(error));
        QVERIFY(again.project().lastSpaceChoice.has_value());
        QCOMPARE(again.project().lastSpaceChoice->resolution, doc.project().lastSpaceChoice->resolution);
        view.samplingJob()->wait(60000);
    }

    // The SRAM timeline's axis follows the network, not the board: a small
    // fashion-MNIST network on a 320 kB board used to be a flat line at the
    // bottom (issue 23); a limit within 3x of the peak stays drawn to scale.
    void sramTimelineFollowsSmallNetworks() {
        const board::Board b = board::Catalog::builtIn().byId("virtual-m7");
        arch::Architecture small = arch::mobileNetV2(0.3, 32, 10);
        small.inputChannels = 1;
        SramTimelinePlot plot;
        const auto a = analyze(small, b, {b.sramBytes, b.flashBytes});
        plot.setAnalysis(a);
        const double arenaKiB = double(a->plan(memory::Planner::Ours).arenaBytes) / 1024.0;
        QVERIFY(arenaKiB < 20);
        QVERIFY2(plot.plot()->yAxis->range().upper < 3 * arenaKiB, qPrintable(QString::number(plot.plot()->yAxis->range().upper)));
        QVERIFY(!plot.limitLabel()->visible());
        QVERIFY2(plot.caption().contains("is above the chart"), qPrintable(plot.caption()));
        const auto vww = analyze(arch::preset("mcunet-vww1"), b, {128 * 1024, b.flashBytes});
        plot.setAnalysis(vww);
        QVERIFY(plot.plot()->yAxis->range().upper >= 128);
        QVERIFY(plot.limitLabel()->visible());
        QVERIFY2(plot.limitLabel()->text().startsWith("SRAM limit 128") && !plot.limitLabel()->text().contains("above"),
                 qPrintable(plot.limitLabel()->text()));
    }

    void cancelStopsTheSearch() {
        ProjectDocument doc(board::Catalog::builtIn());
        SearchSpaceView view(&doc);
        project::SpaceSettings s = doc.project().space;
        s.samplesPerSpace = 20000;  // long enough to still be running when cancelled
        doc.editSpaceSettings(s, "settings");
        QSignalSpy finished(view.optimizerJob(), &JobRunner::finished);
        view.runSearch();
        QVERIFY(view.optimizerJob()->isRunning());
        QTest::qWait(100);
        view.cancelSearch();
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() > 0, 30000);  // the signal may come before waiting starts
        QVERIFY(!finished.front().at(1).toBool());
        QVERIFY(!view.result());
    }

    void badProjectFilesLeaveTheOpenProjectUntouched_data() {
        QTest::addColumn<QString>("content");
        QTest::addColumn<QString>("expected");
        nlohmann::json good = project::toJson(project::demoProject());
        const std::string text = good.dump(2);
        QTest::newRow("truncated") << QString::fromStdString(text.substr(0, text.size() / 2)) << "bad.mcuproj";
        nlohmann::json v = good;
        v["schema_version"] = project::kProjectSchemaVersion + 1;
        QTest::newRow("wrong version") << QString::fromStdString(v.dump())
                                       << QStringLiteral("schema_version: %1").arg(project::kProjectSchemaVersion + 1);
        nlohmann::json ty = good;
        ty["search_space"]["seed"] = "one";
        QTest::newRow("wrong type") << QString::fromStdString(ty.dump()) << "search_space.seed: expected an integer";
        nlohmann::json b = good;
        b["target"]["board"] = "esp32";
        QTest::newRow("unknown board") << QString::fromStdString(b.dump()) << "target.board: unknown board";
        QTest::newRow("missing file") << QString() << "bad.mcuproj";
    }
    // File > Import .tflite: our own export opens as an unsaved, read-only
    // project whose figures equal `mcunet import --json`'s; saved and
    // reopened it is the same network; a file that does not import leaves
    // the open project alone with the reason.
    void importTfliteOpensItAsAProject() {
        QTemporaryDir dir;
        const quant::QuantizedModel m = quant::quantizeSeeded(graph::buildGraph(arch::preset("mcunet-vww1")), 2);
        const QString file = dir.filePath("vww1.tflite");
        {
            const auto bytes = interop::exportTflite(m, "vww1");
            std::ofstream(file.toStdString(), std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
        }
        MainWindow window(board::Catalog::builtIn());
        Script script;
        window.setPrompts(script.prompts());
        QVERIFY(window.importTflite(file));
        QCOMPARE(script.errors, 0);
        // Issue 23: the op coverage report, as `mcunet import` prints it.
        const QByteArray cliReport = [&] {
            QProcess p;
            p.start(MCUNET_CLI_PATH, {"import", file});
            p.waitForFinished(60000);
            return p.readAllStandardOutput();
        }();
        QVERIFY2(!script.importReport.isEmpty() && cliReport.startsWith(script.importReport.toUtf8()),
                 qPrintable(script.importReport));
        // File > Export .tflite writes the imported model back: the CLI imports it with the same costs.
        const QString exported = dir.filePath("exported.tflite");
        QVERIFY(window.exportTflite(exported));
        const QJsonObject again = runCli({"import", exported, "--json"});
        QVERIFY(again["supported"].toBool());
        ProjectDocument* doc = window.document();
        QVERIFY(doc->isImported());
        // Issue 23: "Use this space" / "Open its largest fitting network" on
        // an imported network: refused, nothing modified, no undo step.
        {
            const int undoSteps = doc->undoStack()->count();
            arch::Architecture a = doc->project().architecture;
            a.resolution = 96;
            QString why;
            QVERIFY(!doc->editArchitecture(a, "Use space", MergeKey::None, &why));
            QVERIFY2(why.contains("read-only"), qPrintable(why));
            QCOMPARE(doc->undoStack()->count(), undoSteps);
            QVERIFY(!doc->isModified());
        }
        QVERIFY(doc->importedModel());
        QCOMPARE(doc->project().name, std::string("vww1"));
        QVERIFY(doc->filePath().isEmpty());
        QVERIFY(window.designView()->showsImported());
        QCOMPARE(window.designView()->importedLayers()->model()->rowCount(), m.graph.opCount());
        const QJsonObject cli = runCli({"import", file, "--board", QString::fromStdString(doc->project().target.boardId), "--json"});
        const QJsonObject model = cli["model"].toObject();
        const ShownFigures f = window.designView()->shownFigures();
        QCOMPARE(qint64(f.macs), model["macs"].toInteger());
        QCOMPARE(qint64(f.flashBytes), model["flash_bytes"].toInteger());
        QCOMPARE(qint64(f.peakSramBytes), model["peak_sram_by_planner"].toObject()["ours"].toInteger());

        const QString saved = dir.filePath("imported.mcuproj");
        QVERIFY(window.saveAs(saved));
        QVERIFY(window.openProject(saved));
        QVERIFY(doc->importedModel());
        QCOMPARE(doc->analysis()->graph.opCount(), m.graph.opCount());

        const QString broken = dir.filePath("broken.tflite");
        {
            QFile out(broken);
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write("not a model");
        }
        const project::Project before = doc->project();
        QVERIFY(!window.importTflite(broken));
        QCOMPARE(script.errors, 1);
        QVERIFY2(script.lastError.contains("broken.tflite"), qPrintable(script.lastError));
        QVERIFY(doc->project() == before);

        // A designed network without trained weights has nothing to export: said, nothing written.
        window.newProject();
        const int errorsBefore = script.errors;
        QVERIFY(!window.exportTflite(dir.filePath("none.tflite")));
        QCOMPARE(script.errors, errorsBefore + 1);
        QVERIFY2(script.lastError.contains("no trained weights"), qPrintable(script.lastError));
        QVERIFY(!QFile::exists(dir.filePath("none.tflite")));
    }

    void badProjectFilesLeaveTheOpenProjectUntouched() {
        QFETCH(QString, content);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        MainWindow window(board::Catalog::builtIn());
        Script script;
        window.setPrompts(script.prompts());
        const QString good = dir.filePath("good.mcuproj");
        project::Project p = project::demoProject();
        p.architecture = arch::preset("mcunet-in3");
        project::save(p, good.toStdString());
        QVERIFY(window.openProject(good));
        QVERIFY(window.designView()->setKernel(0, 0, 5));  // unsaved work in the open project
        const project::Project before = window.document()->project();
        const int undoSteps = window.document()->undoStack()->count();
        const auto analysisBefore = window.document()->analysis();

        const QString bad = dir.filePath("bad.mcuproj");
        if (!content.isEmpty()) {
            QFile f(bad);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(content.toUtf8());
        }
        QVERIFY(!window.openProject(bad));
        QCOMPARE(script.errors, 1);
        QVERIFY2(script.lastError.contains(expected), qPrintable(script.lastError));
        QVERIFY(window.document()->project() == before);
        QCOMPARE(window.document()->filePath(), QFileInfo(good).absoluteFilePath());
        QCOMPARE(window.document()->undoStack()->count(), undoSteps);
        QVERIFY(window.document()->isModified());
        QCOMPARE(window.document()->analysis().get(), analysisBefore.get());
    }

    // Issue 23: the first-run guide says what each step does and the next
    // click, moves with the steps, and stays hidden once hidden (settings)
    // until Help > Show the guide.
    void firstRunGuide() {
        GuideBanner::setHiddenInSettings(false);  // a first run
        {
            MainWindow window(board::Catalog::builtIn());
            window.newProject();
            QVERIFY(window.guide()->isVisibleTo(&window));
            QVERIFY2(window.guide()->text().contains("Step 1 of 6") && window.guide()->text().contains("Target"),
                     qPrintable(window.guide()->text()));
            auto* next = window.guide()->findChildren<QPushButton*>().at(0);
            QCOMPARE(next->text(), QString("Next step"));
            next->click();
            QCOMPARE(window.steps()->currentIndex(), int(MainWindow::SearchSpaceStep));
            QVERIFY(window.guide()->text().contains("Step 2 of 6") && window.guide()->text().contains("Optimize"));
            window.showStep(MainWindow::DeployStep);  // the guide follows the steps however they are chosen
            QVERIFY(window.guide()->text().contains("Deploy and profile"));
            window.showStep(MainWindow::DemoStep);
            QVERIFY(next->isHidden());  // the last step has no next
            window.guide()->findChildren<QPushButton*>().at(1)->click();  // Hide the guide
            QVERIFY(!window.guide()->isVisibleTo(&window));
            QVERIFY(GuideBanner::hiddenInSettings());
        }
        {
            MainWindow again(board::Catalog::builtIn());
            again.newProject();
            QVERIFY(!again.guide()->isVisibleTo(&again));  // remembered
            again.setGuideShown(true);
            QVERIFY(again.guide()->isVisibleTo(&again));
            QVERIFY(!GuideBanner::hiddenInSettings());
        }
    }

    // Issue 23: Preferences: Check says where each tool was found and its
    // version, or why not; OK stores the choices, puts the toolchain folder
    // in front of PATH and the board in new projects, and the panels start
    // with the threads.
    void preferencesAreCheckedStoredAndApplied() {
        QTemporaryDir dir;
        QVERIFY(QDir().mkpath(dir.filePath("bin")));
        QFile fake(dir.filePath("bin/arm-none-eabi-gcc"));
        QVERIFY(fake.open(QIODevice::WriteOnly));
        fake.write("#!/bin/sh\necho 'arm-none-eabi-gcc (fake) 99.1'\n");
        fake.close();
        QVERIFY(fake.setPermissions(fake.permissions() | QFileDevice::ExeOwner));
        const QByteArray pathBefore = qgetenv("PATH");
        {
            MainWindow window(board::Catalog::builtIn());
            window.newProject();
            PreferencesDialog* d = window.showPreferences(false);
            d->toolchainEdit()->setText(dir.filePath("bin"));
            d->qemuEdit()->setText(dir.filePath("missing"));
            QSignalSpy checked(d, &PreferencesDialog::checked);
            d->check();
            QTRY_COMPARE_WITH_TIMEOUT(checked.count(), 1, 15000);
            QVERIFY2(d->checkResult().contains("arm-none-eabi-gcc: " + dir.filePath("bin/arm-none-eabi-gcc") +
                                               " (arm-none-eabi-gcc (fake) 99.1)"),
                     qPrintable(d->checkResult()));
            QVERIFY2(d->checkResult().contains("qemu-system-arm: not found") && d->checkResult().contains("is not a folder"),
                     qPrintable(d->checkResult()));
            d->qemuEdit()->clear();
            d->boardBox()->setCurrentIndex(d->boardBox()->findData("virtual-m4"));
            d->threadsBox()->setValue(1);
            d->themeBox()->setCurrentIndex(d->themeBox()->findData("dark"));
            d->accept();
            QVERIFY2(qgetenv("PATH").startsWith(QFile::encodeName(dir.filePath("bin")) + ":"), qgetenv("PATH").constData());
            QCOMPARE(preferences::theme(), QString("dark"));
            window.newProject();
            QCOMPARE(window.document()->project().target.boardId, std::string("virtual-m4"));
        }
        {
            MainWindow again(board::Catalog::builtIn());
            QCOMPARE(again.trainSearchView()->searchPanel()->settings().threads, 1);
        }
        preferences::setToolFolders(QString(), QString());
        QCOMPARE(qgetenv("PATH"), pathBefore);
        preferences::setDefaultBoard(QString());
        preferences::setTrainingThreads(0);
        preferences::setTheme("light");
        applyTheme(Theme::Light);
    }

    void statusBarAndDeployFollowEdits() {
        QTemporaryDir dir;
        MainWindow window(board::Catalog::builtIn());
        Script script;
        window.setPrompts(script.prompts());
        window.newProject();
        QVERIFY(window.statusTotals()->text().contains("virtual-m7"));
        QVERIFY(window.statusTotals()->text().contains("11.58 M"));
        window.document()->editPlanner(memory::Planner::TinyEngine);
        const QString planFile = dir.filePath("plan.json");
        QSignalSpy done(window.deployView()->jobs(), &JobRunner::finished);
        QVERIFY(window.deployView()->exportPlan(planFile));
        QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 10000);  // the signal may come before waiting starts
        const auto doc = nlohmann::json::parse(std::ifstream(planFile.toStdString()));
        QCOMPARE(doc["planner"].get<std::string>(), std::string("tinyengine"));
        QCOMPARE(doc["arena_bytes"].get<std::int64_t>(), std::int64_t(93992));  // TinyEngine's published arena
        QCOMPARE(doc["buffers"].size(), window.document()->analysis()->plan(memory::Planner::TinyEngine).placements.size());
        QVERIFY(window.deployView()->log()->toPlainText().contains("plan.json"));
        QCOMPARE(window.deployView()->latencyBarCount(), window.document()->analysis()->graph.opCount());
    }

    // A project whose recorded search run holds a FIFO, garbage and a report
    // of another format: the Search step names the file and never waits on it.
    void hostileSearchRunFilesAreNamedNotWaitedOn() {
        QTemporaryDir run;
        QVERIFY(QDir(run.path()).mkpath(QStringLiteral("search")));
        QVERIFY(::mkfifo(QDir(run.path()).filePath(QStringLiteral("report.json")).toLocal8Bit().constData(), 0600) == 0);
        QFile garbage(QDir(run.path()).filePath(QStringLiteral("search/search.json")));
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        garbage.write("{\"evaluated\": [");
        garbage.close();
        ProjectDocument doc(board::Catalog::builtIn());
        SearchPanel panel(&doc);
        project::Project p = project::demoProject();
        p.searchRun = run.path().toStdString();
        QElapsedTimer clock;
        clock.start();
        doc.reset(p);  // the panel shows the recorded run
        QVERIFY(clock.elapsed() < 5000);
        QVERIFY(!panel.report().has_value());
        QVERIFY(panel.frontPlot()->candidates().empty());
        QVERIFY(panel.errorLabel()->text().contains(QStringLiteral("report.json")));
        QVERIFY(panel.startButton()->isEnabled());
    }
};

QTEST_MAIN(TestStudio)
#include "test_studio.moc"
