// ui: every view rendered at 1600 x 1000 (run under xvfb-run by CTest), saved
// to <build>/screenshots/*.png, checked to be non-blank and to hold the
// plotted data (the Train panel after a short real `mcunet train` run, the
// Search panel after a real `mcunet tinynas --budget quick` run);
// every chart exported to PNG, SVG and PDF.
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include "arch/architecture_json.h"
#include "arch/presets.h"
#include "board/board.h"
#include "graph/build.h"
#include "interop/tflite_export.h"
#include "quant/model.h"
#include "deploy/board_accuracy.h"
#include "deploy/buffer_table_model.h"
#include "deploy/deploy_view.h"
#include "deploy/profile_plot.h"
#include "deploy/profile_table_model.h"
#include "design/design_view.h"
#include "design/sram_timeline_plot.h"
#include "document/project_document.h"
#include "jobs/job_runner.h"
#include "plot/plot_panel.h"
#include "plot/qcustomplot_include.h"
#include "search/front_plot.h"
#include "search/search_panel.h"
#include "search/train_search_view.h"
#include "shell/guide_banner.h"
#include "shell/main_window.h"
#include "shell/theme.h"
#include "space/cdf_plot.h"
#include "space/heat_map_plot.h"
#include "space/pareto_plot.h"
#include "space/search_space_view.h"
#include "live/classroom_window.h"
#include "live/demo_runner.h"
#include "live/demo_view.h"
#include "live/teach_panel.h"
#include "train/confusion_plot.h"
#include "train/train_curves.h"
#include "train/train_panel.h"

using namespace mcunet;
using namespace mcunet::ui;

namespace {

// Variance of the grey levels: a blank or single-colour image has ~0.
double greyVariance(const QImage& image) {
    const QImage g = image.convertToFormat(QImage::Format_Grayscale8);
    double sum = 0, sum2 = 0;
    const double n = double(g.width()) * g.height();
    for (int y = 0; y < g.height(); ++y) {
        const uchar* row = g.constScanLine(y);
        for (int x = 0; x < g.width(); ++x) {
            sum += row[x];
            sum2 += double(row[x]) * row[x];
        }
    }
    const double mean = sum / n;
    return sum2 / n - mean * mean;
}

}  // namespace

class TestScreenshots : public QObject {
    Q_OBJECT
    QString dir_ = QStringLiteral(MCUNET_SCREENSHOT_DIR);
    MainWindow* window_ = nullptr;
    QTemporaryDir models_;  // the Train panel's model directories

    void shoot(const QString& name) {
        QApplication::processEvents();
        QTest::qWait(50);
        const QImage image = window_->grab().toImage();
        QCOMPARE(image.size(), QSize(1600, 1000));
        const QString path = QDir(dir_).filePath(name + ".png");
        QVERIFY(image.save(path));
        const double variance = greyVariance(image);
        QVERIFY2(variance > 150, qPrintable(QStringLiteral("%1 looks blank (variance %2)").arg(name).arg(variance)));
    }

    void exportAll(plot::PlotPanel* panel, const QString& name) {
        const QString base = QDir(dir_).filePath(QStringLiteral("exports/") + name);
        for (auto [format, suffix] : {std::pair{plot::ExportFormat::Png, ".png"}, std::pair{plot::ExportFormat::Svg, ".svg"},
                                      std::pair{plot::ExportFormat::Pdf, ".pdf"}}) {
            const QString file = base + QLatin1String(suffix);
            QString error;
            QVERIFY2(plot::exportPlot(panel->plot(), file, format, 1000, 600, &error), qPrintable(error));
            QFile f(file);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray head = f.read(512);
            if (format == plot::ExportFormat::Pdf) QVERIFY(head.startsWith("%PDF"));
            if (format == plot::ExportFormat::Svg) QVERIFY(head.contains("<svg"));
            if (format == plot::ExportFormat::Png) QVERIFY(greyVariance(QImage(file)) > 100);
        }
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("MCUNetTest");
        QCoreApplication::setApplicationName("screenshots");
        QDir().mkpath(dir_ + QStringLiteral("/exports"));
        applyTheme(Theme::Light);
        GuideBanner::setHiddenInSettings(false);  // what a first run shows (the tutorial's pictures)
        window_ = new MainWindow(board::Catalog::builtIn());
        Prompts quiet;
        quiet.saveChanges = [](const QString&) { return Prompts::SaveChoice::Discard; };
        quiet.recover = [](const QString&) { return false; };
        quiet.error = [](const QString&, const QString& m) { qWarning("%s", qPrintable(m)); };
        window_->setPrompts(quiet);
        // A copy of the demo project: its autosave must not land in the source tree.
        const QString demo = models_.filePath(QStringLiteral("demo.mcuproj"));
        QVERIFY(QFile::copy(MainWindow::demoProjectPath(), demo));
        QVERIFY(window_->openProject(demo));
        // A lighter run than the default so the test stays fast; the full grid.
        project::SpaceSettings s = window_->document()->project().space;
        s.samplesPerSpace = 300;
        window_->document()->editSpaceSettings(s, "settings");
        window_->resize(1600, 1000);
        window_->show();
        QVERIFY(QTest::qWaitForWindowExposed(window_));
    }

    void cleanupTestCase() { delete window_; }

    void target() {
        window_->showStep(MainWindow::TargetStep);
        shoot("1-target");
    }

    void searchSpace() {
        SearchSpaceView* view = window_->searchSpaceView();
        QSignalSpy sampled(view->samplingJob(), &JobRunner::finished);
        window_->showStep(MainWindow::SearchSpaceStep);  // the first visit runs stage 1
        QVERIFY(view->optimizerJob()->isRunning() || view->result());
        QTRY_VERIFY_WITH_TIMEOUT(view->result() != nullptr, 180000);
        QTRY_VERIFY_WITH_TIMEOUT(sampled.count() > 0, 180000);  // the signal may come before waiting starts
        const auto r = view->result();
        QVERIFY(r->chosen >= 0);
        int withNets = 0;
        for (std::size_t i = 0; i < r->spaces.size(); ++i) {
            const auto& sp = r->spaces[i];
            if (sp.satisfying == 0) {
                QVERIFY(view->cdfPlot()->curveOf(int(i)) == nullptr);
                continue;
            }
            ++withNets;
            QCOMPARE(view->cdfPlot()->curveOf(int(i))->dataCount(), CdfPlot::pointsFor(sp.satisfying));
        }
        QVERIFY(withNets > 10);
        QCOMPARE(view->cdfPlot()->curveCount(), withNets);
        view->charts()->setCurrentIndex(0);
        shoot("2-search-space-cdf");
        exportAll(view->cdfPlot(), "cdf");

        const auto grid = window_->document()->project().space.grid;
        QCOMPARE(view->heatMap()->colorMap()->data()->keySize(), int(grid.widths.size()));
        QCOMPARE(view->heatMap()->colorMap()->data()->valueSize(), int(grid.resolutions.size()));
        QCOMPARE(view->heatMap()->labelCount(), int(r->spaces.size()));
        view->charts()->setCurrentIndex(1);
        shoot("3-search-space-heatmap");
        exportAll(view->heatMap(), "heatmap");

        ParetoPlot* pareto = view->paretoPlot();
        QCOMPARE(int(pareto->samples().size()), view->sampledNetworksPerSpace());
        QCOMPARE(pareto->graph(0, 0)->dataCount() + pareto->graph(0, 1)->dataCount(), view->sampledNetworksPerSpace());
        QVERIFY(!pareto->sramFront().empty());
        QCOMPARE(pareto->graph(0, 2)->dataCount(), int(pareto->sramFront().size()));
        QCOMPARE(pareto->graph(1, 2)->dataCount(), int(pareto->flashFront().size()));
        view->charts()->setCurrentIndex(2);
        shoot("4-search-space-pareto");
        exportAll(pareto, "pareto");
    }

    void design() {
        window_->showStep(MainWindow::DesignStep);
        DesignView* view = window_->designView();
        const auto a = window_->document()->analysis();
        for (auto role : {memory::LiveRole::Input, memory::LiveRole::Output, memory::LiveRole::Live,
                          memory::LiveRole::Scratch})
            QCOMPARE(view->timeline()->bars(role)->dataCount(), a->graph.opCount());
        // The stacked bars add up to each layer's use.
        for (int i = 0; i < a->graph.opCount(); i += 7) {
            double sum = 0;
            for (int r = 0; r < SramTimelinePlot::kRoles; ++r)
                sum += view->timeline()->bars(static_cast<memory::LiveRole>(r))->data()->at(i)->value;
            QVERIFY(qAbs(sum * 1024 - double(a->selectedPlan().timeline[std::size_t(i)].usedBytes)) < 1.0);
        }
        shoot("5-design");
        exportAll(view->timeline(), "sram-timeline");
        window_->document()->editPlanner(memory::Planner::TFLiteMicro);
        QCOMPARE(view->timeline()->shownPlanner(), memory::Planner::TFLiteMicro);
        shoot("6-design-tflm");
        window_->document()->undoStack()->undo();
        QCOMPARE(view->timeline()->shownPlanner(), memory::Planner::Ours);
    }

    void train() {
        window_->showStep(MainWindow::TrainSearchStep);
        TrainSearchView* view = window_->trainSearchView();
        TrainPanel* panel = view->trainPanel();
        view->setCurrentIndex(TrainSearchView::TrainTab);
        panel->setProgram(QStringLiteral(MCUNET_CLI_PATH));
        panel->setModelsFolder(models_.path());  // not beside the demo project in the source tree
        TrainPanel::Settings s;  // a short real run: 8 epochs of 450 images at 32x32 gray
        s.epochs = 8;
        s.batch = 25;
        s.threads = 1;
        s.resolution = 32;
        s.channels = 1;
        s.trainPerClass = 50;
        s.testPerClass = 10;
        panel->setSettings(s);
        shoot("5b-train-idle");
        QSignalSpy finished(panel, &TrainPanel::runFinished);
        QVERIFY(panel->start());
        QVERIFY(finished.count() > 0 || finished.wait(120000));
        QVERIFY2(finished.at(0).at(0).value<TrainJob::Outcome>() == TrainJob::Outcome::Done,
                 qPrintable(panel->log()->toPlainText()));
        QVERIFY(panel->lossPlot()->stepLoss()->dataCount() >= 8);
        QCOMPARE(panel->accuracyPlot()->validation()->dataCount(), 8);
        QCOMPARE(panel->confusionPlot()->classCount(), 10);
        QVERIFY(!window_->document()->project().trainedModel.empty());
        shoot("5c-train");
        exportAll(panel->lossPlot(), "train-loss");
        exportAll(panel->accuracyPlot(), "train-accuracy");
        exportAll(panel->confusionPlot(), "confusion");
    }

    void deploy() {
        window_->showStep(MainWindow::DeployStep);
        DeployView* view = window_->deployView();
        const auto a = window_->document()->analysis();
        QCOMPARE(view->latencyBarCount(), a->graph.opCount());
        QCOMPARE(view->bufferModel()->rowCount(), int(a->selectedPlan().placements.size()));
        shoot("7-deploy");
        exportAll(view->latencyChart(), "layer-latency");

        // The real pipeline (generate, build, flash to virtual-m7, profile), then its tabs.
        QSignalSpy finished(view, &DeployView::pipelineFinished);
        QVERIFY(view->deployAndProfile());
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() > 0, 120000);  // the signal may come before waiting starts
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(view->log()->toPlainText()));
        QCOMPARE(view->tabs()->currentIndex(), int(DeployView::ProfileTab));
        QCOMPARE(view->profileModel()->rowCount(), a->graph.opCount());
        QCOMPARE(view->profilePlot()->measuredBars()->dataCount(), a->graph.opCount());  // one bar per layer
        QCOMPARE(view->profilePlot()->estimatedBars()->dataCount(), a->graph.opCount());
        QVERIFY(view->profiled()->matchesReference);
        shoot("7b-deploy-profile");
        exportAll(view->profilePlot(), "deploy-profile");
        view->tabs()->setCurrentIndex(DeployView::CodeTab);
        shoot("7c-deploy-code");
        view->tabs()->setCurrentIndex(DeployView::BuildTab);
        shoot("7d-deploy-build");

        // The trained model: once the design is its network, Generate uses its weights and says so.
        QVERIFY(view->weightsNote()->text().contains("seeded random"));
        QVERIFY(window_->trainSearchView()->trainPanel()->adoptTrainedArchitecture());
        QVERIFY(view->weightsNote()->text().contains("weights: trained"));
        QSignalSpy generated(view, &DeployView::pipelineFinished);
        QVERIFY(view->runStep(deploy::Stage::Generate));
        QVERIFY(generated.count() > 0 || generated.wait(120000));
        QVERIFY2(generated.at(0).at(0).toBool(), qPrintable(view->log()->toPlainText()));
        QVERIFY(!view->generated()->trainedModel.empty());
        view->tabs()->setCurrentIndex(DeployView::CodeTab);
        shoot("7e-deploy-trained");
        window_->document()->undoStack()->undo();  // back to the demo's network for the rest
        view->tabs()->setCurrentIndex(DeployView::PlanTab);
    }

    // Train & search: a real `mcunet tinynas --budget quick` run in the
    // studio (about a minute): the live front holds every network the search
    // evaluated, the baselines are marked, clicking a front point opens that
    // network in Design with its accuracy, "Use this network" hands the
    // fine-tuned int8 model to Deploy, and the project remembers the run.
    void search() {
        window_->showStep(MainWindow::TrainSearchStep);
        TrainSearchView* view = window_->trainSearchView();
        view->setCurrentIndex(TrainSearchView::SearchTab);
        SearchPanel* panel = view->searchPanel();
        panel->setProgram(QStringLiteral(MCUNET_CLI_PATH));
        panel->setRunsFolder(models_.filePath(QStringLiteral("searches")));
        SearchPanel::Settings s;
        s.budget = QStringLiteral("quick");
        s.threads = 2;
        panel->setSettings(s);
        shoot("5d-search-idle");
        QSignalSpy finished(panel->job(), &SearchJob::finished);
        QSignalSpy generations(panel->job(), &SearchJob::generationReported);
        QVERIFY(panel->start());
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() > 0, 400000);
        QVERIFY2(finished.at(0).at(0).value<SearchJob::Outcome>() == SearchJob::Outcome::Done,
                 qPrintable(finished.at(0).at(1).toString()));
        QVERIFY(generations.count() >= 3);  // the evolution's generations 0..2, then random search's draw
        QVERIFY(panel->report().has_value());
        const QString run = window_->document()->searchRunDirectory();
        QVERIFY(run.startsWith(models_.filePath(QStringLiteral("searches"))));
        // Every network search.json holds reached the front plot live, from the progress lines.
        QFile searchFile(QDir(run).filePath(QStringLiteral("search/search.json")));
        QVERIFY(searchFile.open(QIODevice::ReadOnly));
        const QJsonArray evaluated = QJsonDocument::fromJson(searchFile.readAll()).object()["evaluated"].toArray();
        FrontPlot* front = panel->frontPlot();
        QCOMPARE(int(front->candidates().size()), int(evaluated.size()));
        QCOMPARE(front->evaluatedGraph()->dataCount(), int(evaluated.size()));
        QVERIFY(!front->front().empty());
        QCOMPARE(front->frontGraph()->dataCount(), int(front->front().size()));
        for (int m = 0; m < 3; ++m) QCOMPARE(front->modelGraph(m)->dataCount(), 1);  // searched, random, mbv2
        for (int i = 0; i < panel->stepList()->count(); ++i)
            QCOMPARE(panel->stepList()->item(i)->data(Qt::UserRole + 1).toString(), QStringLiteral("done"));
        QVERIFY(panel->resultLabel()->text().contains(QStringLiteral("on the board")));
        shoot("5e-search-done");
        exportAll(front, "search-front");
        exportAll(panel->generationPlot(), "search-generations");
        front->setXAxis(FrontPlot::XAxis::Sram);
        shoot("5f-search-front-sram");

        // A click on a front point opens that network in Design, with its accuracy.
        const int pick = front->front().front();
        const SearchCandidate picked = front->candidates()[std::size_t(pick)];
        QTest::mouseClick(front->plot(), Qt::LeftButton, {}, front->pixelOf(pick).toPoint());
        QCOMPARE(window_->steps()->currentIndex(), int(MainWindow::DesignStep));
        QVERIFY(window_->document()->project().architecture ==
                arch::fromJson(nlohmann::json::parse(picked.architectureJson)));
        QVERIFY(window_->designView()->originLabel()->isVisible());
        QVERIFY(window_->designView()->originLabel()->text().contains(QStringLiteral("validation accuracy")));
        shoot("5g-design-from-search");

        // "Use this network": the fine-tuned int8 model becomes the trained model; Deploy is next.
        QVERIFY(panel->useSearchedNetwork());
        QCOMPARE(window_->steps()->currentIndex(), int(MainWindow::DeployStep));
        QCOMPARE(QFileInfo(window_->document()->trainedModelDirectory()).canonicalFilePath(),
                 QFileInfo(QDir(run).filePath(QStringLiteral("model"))).canonicalFilePath());
        QVERIFY(window_->deployView()->weightsNote()->text().contains("weights: trained"));
        BoardAccuracyRow* onBoard = window_->deployView()->boardAccuracy();
        QVERIFY(onBoard->isVisible());
        QVERIFY(onBoard->resultLabel()->text().contains(QStringLiteral("measured by the search run")));
        // Measured again from Deploy: `mcunet eval` builds the firmware and runs the images on the board.
        onBoard->setProgram(QStringLiteral(MCUNET_CLI_PATH));
        onBoard->setImages(10);
        QSignalSpy measured(onBoard, &BoardAccuracyRow::measured);
        QSignalSpy failed(onBoard, &BoardAccuracyRow::failed);
        QVERIFY(onBoard->measure());
        QTRY_VERIFY_WITH_TIMEOUT(measured.count() + failed.count() > 0, 300000);
        QVERIFY2(measured.count() == 1, qPrintable(onBoard->resultLabel()->text()));
        QCOMPARE(measured.at(0).at(1).toInt(), 10);
        QVERIFY(onBoard->resultLabel()->text().contains(QStringLiteral("identical to")));
        shoot("5h-deploy-searched");

        // The project records the run: saved and opened again, the step shows it.
        const QString saved = models_.filePath(QStringLiteral("searched.mcuproj"));
        QVERIFY(window_->saveAs(saved));
        QVERIFY(window_->openProject(saved));
        QCOMPARE(QFileInfo(window_->document()->searchRunDirectory()).canonicalFilePath(), QFileInfo(run).canonicalFilePath());
        QCOMPARE(int(panel->frontPlot()->candidates().size()), int(evaluated.size()));
        QVERIFY(panel->report().has_value());
        QVERIFY(panel->useButton()->isEnabled());
        QCOMPARE(panel->startButton()->text(), QStringLiteral("Start"));  // a finished run is not continued
    }

    // The Demo step on the bundled model and the sample clip (host), then
    // classroom mode grabbed on its own.
    void demo() {
        qputenv("XDG_CACHE_HOME", models_.filePath(QStringLiteral("cache")).toUtf8());
        window_->showStep(MainWindow::DemoStep);
        DemoView* view = window_->demoView();
        view->chooseModel(QStringLiteral("sample"));
        view->chooseTarget(QStringLiteral("host"));
        int frames = 0;
        auto c = connect(view, &DemoView::frameShown, this, [&] { ++frames; });
        view->start();
        QTRY_VERIFY_WITH_TIMEOUT(frames >= 25, 120000);
        QVERIFY(!view->labelText().isEmpty());
        shoot("11-demo");
        view->setClassroomMode(true);
        ClassroomWindow* room = view->classroom();
        room->resize(1600, 1000);
        const int shown = frames;
        QTRY_VERIFY_WITH_TIMEOUT(frames >= shown + 5, 60000);
        QApplication::processEvents();
        const QImage image = room->grab().toImage();
        QVERIFY(image.save(QDir(dir_).filePath(QStringLiteral("12-classroom.png"))));
        QVERIFY(greyVariance(image) > 150);
        QVERIFY(!room->labelText().isEmpty());
        view->setClassroomMode(false);
        view->stop();
        QVERIFY(view->runner()->wait(30000));
        disconnect(c);
    }

    // The Demo step listening: the bundled keyword model on the sample
    // recording (ten words by a voice it never heard), in real time, shot
    // once a few words have been heard.
    void keywordDemo() {
        if (QStandardPaths::findExecutable(QStringLiteral("espeak-ng")).isEmpty()) QSKIP("espeak-ng is not installed");
        qputenv("XDG_CACHE_HOME", models_.filePath(QStringLiteral("cache")).toUtf8());
        window_->showStep(MainWindow::DemoStep);
        DemoView* view = window_->demoView();
        view->chooseModel(QStringLiteral("sample-kws"));
        view->chooseTarget(QStringLiteral("host"));
        QCOMPARE(view->sourceChoice(), QStringLiteral("sample-kws"));
        int words = 0;
        auto c = connect(view, &DemoView::frameShown, this, [&](const DemoFrame& f) { words += !f.heardWord.isEmpty(); });
        view->start();
        QTRY_VERIFY_WITH_TIMEOUT(words >= 3, 120000);
        QTest::qWait(300);  // the third word's marker drawn
        shoot("13-demo-keywords");
        view->stop();
        QVERIFY(view->runner()->wait(30000));
        disconnect(c);
        view->chooseModel(QStringLiteral("sample"));
    }

    // Teach-your-own: the sample clip previewed (no model yet) while two
    // classes are captured into a folder of the test's.
    void teachDemo() {
        qputenv("XDG_CACHE_HOME", models_.filePath(QStringLiteral("cache")).toUtf8());
        window_->showStep(MainWindow::DemoStep);
        DemoView* view = window_->demoView();
        view->chooseModel(QStringLiteral("sample"));
        view->chooseSource(QStringLiteral("sample"));
        TeachPanel* teach = view->teach();
        teach->setFolder(models_.filePath(QStringLiteral("taught")));
        teach->setPictures(6);
        teach->setEvery(1);
        QVERIFY(teach->addClass(QStringLiteral("ankle boot")));
        QVERIFY(teach->captureSelected());
        QTRY_VERIFY_WITH_TIMEOUT(teach->pictureCount(QStringLiteral("ankle boot")) == 6, 60000);
        QVERIFY(teach->addClass(QStringLiteral("pullover")));
        teach->setPictures(30);
        QVERIFY(teach->captureSelected());
        QTRY_VERIFY_WITH_TIMEOUT(teach->pictureCount(QStringLiteral("pullover")) >= 4, 60000);
        QVERIFY(view->isPreviewing());
        shoot("14-demo-teach");
        view->stop();
        QVERIFY(view->runner()->wait(30000));
    }

    void darkTheme() {
        applyTheme(Theme::Dark);
        window_->showStep(MainWindow::DesignStep);
        shoot("8-design-dark");
        window_->showStep(MainWindow::SearchSpaceStep);
        window_->searchSpaceView()->charts()->setCurrentIndex(0);
        shoot("9-search-space-dark");
        applyTheme(Theme::Light);
    }

    // File > Import .tflite: the Design step's read-only layer table with
    // the live figures (person_detect when the peer model is present, else
    // an export of ours).
    void importedDesign() {
        QString file = QStringLiteral(MCUNET_SHARED_MODELS "/person_detect.tflite");
        if (!QFile::exists(file)) {
            file = models_.filePath("vww1.tflite");
            const auto bytes =
                interop::exportTflite(quant::quantizeSeeded(graph::buildGraph(arch::preset("mcunet-vww1")), 1), "vww1");
            QFile out(file);
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write(reinterpret_cast<const char*>(bytes.data()), qint64(bytes.size()));
        }
        QVERIFY(window_->importTflite(file));
        QVERIFY(window_->designView()->showsImported());
        shoot("10-design-imported");
    }
};

QTEST_MAIN(TestScreenshots)
#include "test_screenshots.moc"
