// ui/train with the real child (offscreen): TrainJob runs `mcunet train
// --json` on a tiny Fashion-MNIST subset and reports start, steps, epochs and
// done; Cancel stops the child after a checkpoint and Resume finishes the
// run; destroying the job never leaves the child behind; the Train panel
// draws the curves, shows the int8 confusion matrix and records the model in
// the project (undoable), after which Deploy generates with the trained
// weights; the child's errors (exit 2) are shown in the panel.
#include <signal.h>
#include <sys/types.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>

#include "arch/architecture_json.h"
#include "arch/presets.h"
#include "board/board.h"
#include "deploy/deploy_view.h"
#include "document/project_document.h"
#include "plot/qcustomplot_include.h"
#include "project/project.h"
#include "train/confusion_plot.h"
#include "train/train_curves.h"
#include "train/train_job.h"
#include "train/train_panel.h"

using namespace mcunet;
using namespace mcunet::ui;

namespace {

constexpr int kRunTimeoutMs = 120000;  // generous: the machine may be busy building

// A child that exits is reaped by QProcess; a live one answers signal 0.
bool processAlive(qint64 pid) {
    if (pid <= 0) return false;
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly)) return false;
    return !status.readAll().contains("State:\tZ");  // a zombie has exited
}

// The tiny run the brief allows: 10 classes x 20 images, 32x32 gray, two epochs.
TrainRequest tinyRequest(const QTemporaryDir& dir, const QString& name, int epochs = 2, int trainPerClass = 20) {
    TrainRequest r;
    r.program = QStringLiteral(MCUNET_CLI_PATH);
    r.architecture = dir.filePath(QStringLiteral("vww1.json"));
    arch::saveArchitecture(arch::preset("mcunet-vww1"), r.architecture.toStdString());
    r.out = dir.filePath(name);
    r.board = QStringLiteral("virtual-m7");
    r.resolution = 32;
    r.channels = 1;
    r.epochs = epochs;
    r.batch = 20;
    r.threads = 1;
    r.trainPerClass = trainPerClass;
    r.testPerClass = 5;
    return r;
}

TrainPanel::Settings tinySettings() {
    TrainPanel::Settings s;
    s.epochs = 2;
    s.batch = 20;
    s.threads = 1;
    s.resolution = 32;
    s.channels = 1;
    s.trainPerClass = 20;
    s.testPerClass = 5;
    return s;
}

}  // namespace

class TestTrain : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("MCUNetTest");
        QCoreApplication::setApplicationName("train-test");
        QVERIFY2(QFileInfo(QStringLiteral(MCUNET_CLI_PATH)).isExecutable(), MCUNET_CLI_PATH);
    }

    void findsTheCliFromTheEnvironment() {
        qputenv("MCUNET_CLI", MCUNET_CLI_PATH);
        QCOMPARE(findMcunetCli(), QFileInfo(QStringLiteral(MCUNET_CLI_PATH)).absoluteFilePath());
        qputenv("MCUNET_CLI", "/nonexistent/mcunet");
        QVERIFY(findMcunetCli().isEmpty());  // an explicit choice is not second-guessed
        qunsetenv("MCUNET_CLI");
    }

    void jobRunsTheRealChild() {
        QTemporaryDir dir;
        TrainJob job;
        QSignalSpy started(&job, &TrainJob::trainingStarted);
        QSignalSpy steps(&job, &TrainJob::stepReported);
        QSignalSpy epochs(&job, &TrainJob::epochReported);
        QSignalSpy done(&job, &TrainJob::doneReported);
        QSignalSpy finished(&job, &TrainJob::finished);
        const TrainRequest r = tinyRequest(dir, QStringLiteral("model"));
        QElapsedTimer clock;
        clock.start();
        QString error;
        QVERIFY2(job.start(r, &error), qPrintable(error));
        QVERIFY(job.isRunning());
        QVERIFY(!job.start(r, &error));  // one run at a time
        QVERIFY(finished.count() > 0 || finished.wait(kRunTimeoutMs));
        qInfo("a tiny real training run took %.1f s", double(clock.elapsed()) / 1000);
        QCOMPARE(finished.at(0).at(0).value<TrainJob::Outcome>(), TrainJob::Outcome::Done);
        QVERIFY(!job.isRunning());
        QCOMPARE(started.count(), 1);
        const auto start = started.at(0).at(0).value<TrainStart>();
        QCOMPARE(start.epochs, 2);
        QCOMPARE(start.resolution, 32);
        QCOMPARE(start.channels, 1);
        QVERIFY(start.trainImages > 0 && start.trainImages <= 200);
        QCOMPARE(epochs.count(), 2);
        QCOMPARE(epochs.at(1).at(0).value<TrainEpoch>().epoch, 2);
        QVERIFY(steps.count() >= 2);  // at least each epoch's last step
        const auto last = steps.at(steps.count() - 1).at(0).value<TrainStep>();
        QCOMPARE(last.globalStep, last.totalSteps);
        QCOMPARE(done.count(), 1);
        const auto d = done.at(0).at(0).value<TrainDone>();
        QVERIFY(d.floatAccuracy >= 0 && d.floatAccuracy <= 1);
        QVERIFY(d.int8Accuracy >= 0 && d.int8Accuracy <= 1);
        QCOMPARE(d.testImages, 50LL);
        QVERIFY(d.engine("int8-reference") && d.engine("int8-reference")->confusion.size() == 10);
        QCOMPARE(QFileInfo(QString::fromStdString(d.model)).absoluteFilePath(), QFileInfo(r.out).absoluteFilePath());
        QVERIFY(QFile::exists(r.out + "/model.json"));
        QVERIFY(!QFileInfo::exists(r.out + ".training"));  // the work folder goes once the model is written
        QVERIFY(!job.canResume());
    }

    void cancelKeepsACheckpointAndResumeFinishes() {
        QTemporaryDir dir;
        TrainJob job;
        QSignalSpy steps(&job, &TrainJob::stepReported);
        QSignalSpy epochs(&job, &TrainJob::epochReported);
        QSignalSpy finished(&job, &TrainJob::finished);
        // Long enough to be caught mid-run: 3 epochs of 50 steps.
        const TrainRequest r = tinyRequest(dir, QStringLiteral("model"), 3, 100);
        QVERIFY(job.start(r));
        QVERIFY(steps.count() > 0 || steps.wait(kRunTimeoutMs));  // training is under way
        const qint64 pid = job.processId();
        QVERIFY(processAlive(pid));
        job.cancel();
        QCOMPARE(job.state(), TrainJob::State::Stopping);
        QVERIFY(finished.count() > 0 || finished.wait(kRunTimeoutMs));
        QCOMPARE(finished.at(0).at(0).value<TrainJob::Outcome>(), TrainJob::Outcome::Stopped);
        QVERIFY(!processAlive(pid));
        QVERIFY(QFile::exists(r.checkpointPath()));
        QVERIFY(!QFile::exists(r.out + "/model.json"));
        QVERIFY(job.canResume());
        const qsizetype epochsBefore = epochs.count();

        QSignalSpy done(&job, &TrainJob::doneReported);
        QString error;
        QVERIFY2(job.resume(&error), qPrintable(error));
        QVERIFY(finished.count() > 1 || finished.wait(kRunTimeoutMs));
        QCOMPARE(finished.at(1).at(0).value<TrainJob::Outcome>(), TrainJob::Outcome::Done);
        QCOMPARE(done.count(), 1);
        QVERIFY(QFile::exists(r.out + "/model.json"));
        // The resumed run continued: it reported only the epochs left.
        QCOMPARE(epochs.count(), 3);
        QVERIFY(epochsBefore < 3);
        QVERIFY(!job.canResume());
    }

    void destroyingTheJobStopsTheChild() {
        QTemporaryDir dir;
        qint64 pid = 0;
        TrainRequest r = tinyRequest(dir, QStringLiteral("model"), 3, 100);
        {
            TrainJob job;
            QSignalSpy steps(&job, &TrainJob::stepReported);
            QVERIFY(job.start(r));
            QVERIFY(steps.count() > 0 || steps.wait(kRunTimeoutMs));
            pid = job.processId();
            QVERIFY(processAlive(pid));
        }  // the studio closing: the job goes away with its child
        QVERIFY(!processAlive(pid));
        QVERIFY(QFile::exists(r.checkpointPath()));  // stopped the gentle way: resumable from the CLI
    }

    void panelShowsCurvesAndTheProjectRecordsTheModel() {
        QTemporaryDir dir;
        ProjectDocument document(board::Catalog::builtIn());
        document.reset(project::demoProject());
        TrainPanel panel(&document);
        DeployView deploy(&document);
        panel.resize(1500, 420);
        panel.setProgram(QStringLiteral(MCUNET_CLI_PATH));
        panel.setModelsFolder(dir.filePath("models"));
        panel.setSettings(tinySettings());
        QVERIFY(deploy.weightsNote()->text().contains("seeded random (not trained)"));
        QVERIFY(panel.request().arguments(false).join(' ').contains("--board virtual-m7"));

        QSignalSpy finished(&panel, &TrainPanel::runFinished);
        QVERIFY(panel.start());
        QVERIFY(!panel.startButton()->isEnabled());
        QVERIFY(panel.cancelButton()->isEnabled());
        QVERIFY(finished.count() > 0 || finished.wait(kRunTimeoutMs));
        QVERIFY2(finished.at(0).at(0).value<TrainJob::Outcome>() == TrainJob::Outcome::Done,
                 qPrintable(panel.log()->toPlainText()));
        QVERIFY(panel.startButton()->isEnabled());

        // Curves: loss per reported step, accuracy per epoch, the test marks.
        QVERIFY(panel.lossPlot()->stepLoss()->dataCount() >= 2);
        QCOMPARE(panel.lossPlot()->epochLoss()->dataCount(), 2);
        QCOMPARE(panel.accuracyPlot()->train()->dataCount(), 2);
        QCOMPARE(panel.accuracyPlot()->validation()->dataCount(), 2);
        QCOMPARE(panel.accuracyPlot()->testInt8()->dataCount(), 1);
        QCOMPARE(panel.confusionPlot()->classCount(), 10);
        QVERIFY(panel.resultLabel()->text().contains("int8"));
        QVERIFY(!panel.errorLabel()->isVisible());

        // The project records the model: modified, one undoable step.
        const QString model = document.trainedModelDirectory();
        QVERIFY(!model.isEmpty());
        QVERIFY(model.startsWith(dir.filePath("models")));
        QVERIFY(QFile::exists(model + "/model.json"));
        QVERIFY(document.isModified());
        QVERIFY(document.undoStack()->text(document.undoStack()->index() - 1).startsWith("Trained model"));
        document.undoStack()->undo();
        QVERIFY(document.project().trainedModel.empty());
        document.undoStack()->redo();
        QCOMPARE(document.trainedModelDirectory(), model);

        // 10 classes at 32x32x1 is not the demo's network: Deploy keeps seeded weights and says why.
        QVERIFY(deploy.trainedModelForDeploy().isEmpty());
        QVERIFY(deploy.weightsNote()->text().contains("seeded random"));
        QVERIFY(deploy.weightsNote()->text().contains("10 classes"));
        QVERIFY(panel.adoptButton()->isVisibleTo(&panel));
        QVERIFY(panel.adoptTrainedArchitecture());
        QCOMPARE(document.project().architecture.numClasses, 10);
        QCOMPARE(document.project().architecture.resolution, 32);
        QCOMPARE(deploy.trainedModelForDeploy(), model);
        QVERIFY2(deploy.weightsNote()->text().contains("weights: trained"), qPrintable(deploy.weightsNote()->text()));
        QVERIFY(deploy.weightsNote()->text().contains("int8 accuracy"));

        // Generate uses the trained int8 weights.
        QSignalSpy pipeline(&deploy, &DeployView::pipelineFinished);
        QVERIFY(deploy.runStep(mcunet::deploy::Stage::Generate));
        QVERIFY(pipeline.count() > 0 || pipeline.wait(kRunTimeoutMs));
        QVERIFY2(pipeline.at(0).at(0).toBool(), qPrintable(deploy.log()->toPlainText()));
        QCOMPARE(QString::fromStdString(deploy.generated()->trainedModel), model);
        QVERIFY(deploy.generated()->trainedInt8Accuracy >= 0);
        QVERIFY(deploy.generatedIsCurrent());
        document.undoStack()->undo();  // back to the demo's network: the generated project is out of date
        QVERIFY(!deploy.generatedIsCurrent());

        // Saved and reopened, the project still knows its model.
        const QString path = dir.filePath("trained.mcuproj");
        QString error;
        QVERIFY2(document.save(path, &error), qPrintable(error));
        QCOMPARE(QString::fromStdString(project::load(path.toStdString()).trainedModel), model);
        ProjectDocument reopened(board::Catalog::builtIn());
        QVERIFY2(reopened.load(path, &error), qPrintable(error));
        TrainPanel again(&reopened);
        QCOMPARE(again.confusionPlot()->classCount(), 10);
        QCOMPARE(again.accuracyPlot()->validation()->dataCount(), 2);  // from the model's history
    }

    void childErrorsAreShown() {
        QTemporaryDir dir;
        ProjectDocument document(board::Catalog::builtIn());
        TrainPanel panel(&document);
        panel.setProgram(QStringLiteral(MCUNET_CLI_PATH));
        panel.setModelsFolder(dir.filePath("models"));
        TrainPanel::Settings s = tinySettings();
        s.data = dir.filePath("no-such-images");
        panel.setSettings(s);
        QSignalSpy finished(&panel, &TrainPanel::runFinished);
        QVERIFY(panel.start());
        QVERIFY(finished.count() > 0 || finished.wait(kRunTimeoutMs));
        QCOMPARE(finished.at(0).at(0).value<TrainJob::Outcome>(), TrainJob::Outcome::Failed);
        QVERIFY(panel.errorLabel()->isVisibleTo(&panel));
        const QString shown = panel.errorLabel()->text();
        QVERIFY2(shown.contains("no-such-images"), qPrintable(shown));
        QVERIFY(document.project().trainedModel.empty());
        QVERIFY(!panel.resumeButton()->isEnabled());

        // A missing program is refused at once, with the reason.
        panel.setProgram(dir.filePath("not-mcunet"));
        QVERIFY(!panel.start());
        QVERIFY(panel.errorLabel()->text().contains("not-mcunet"));
    }
};

QTEST_MAIN(TestTrain)
#include "test_train.moc"
