#pragma once
// Search, in the Train & search step: TinyNAS's whole flow on the user's data
// for the project's board and limits (`mcunet tinynas --json` in a child
// process, SearchJob). Settings: data, budget, latency limit, seed, threads;
// the SRAM / Flash limits are the project's (Target). While it runs: the
// flow's steps with their state, the training curves of the step that trains
// (supernet, fine-tuning, baselines), the best accuracy per generation, and
// the front of every evaluated network (FrontPlot), live. Cancel stops the
// child; Start again continues the same run (the CLI resumes each step).
// When it is done: the searched network against random search and the
// scaled MobileNetV2, int8 on the test images and on the board, and "Use this
// network", which makes the fine-tuned int8 model the project's design and
// trained model for Deploy. Clicking a network opens it in Design.
//
// Run folders go beside the project (NAME-searches/DATE-TIME), or into the
// application's data folder while the project is unsaved; the project
// records the folder (search_run) and shows it again when opened.
#include <optional>

#include <QWidget>

#include "search/search_job.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace mcunet::ui {

class ProjectDocument;
class LossCurvePlot;
class AccuracyCurvePlot;
class FrontPlot;
class GenerationPlot;

class SearchPanel : public QWidget {
    Q_OBJECT
public:
    explicit SearchPanel(ProjectDocument* document, QWidget* parent = nullptr);

    struct Settings {
        QString data = QString::fromLatin1(defaults::kTrainData);
        QString budget = QStringLiteral("default");
        double latencyMs = 0;  // 0: none
        long long seed = defaults::kSeed;
        int threads = 0;  // 0: every core
    };
    Settings settings() const;
    void setSettings(const Settings& s);
    void setProgram(const QString& program) { program_ = program; }
    // Where new run folders go (default: beside the project, see above).
    void setRunsFolder(const QString& folder) { runsFolder_ = folder; }
    QString runsFolder() const;
    // The request the next Start uses: the project's run folder when it holds
    // a run of the same settings (continued), else a new folder.
    SearchRequest request() const;

    SearchJob* job() const { return job_; }
    FrontPlot* frontPlot() const { return front_; }
    GenerationPlot* generationPlot() const { return generations_; }
    LossCurvePlot* lossPlot() const { return loss_; }
    AccuracyCurvePlot* accuracyPlot() const { return accuracy_; }
    QListWidget* stepList() const { return steps_; }
    QLabel* resultLabel() const { return result_; }
    QLabel* errorLabel() const { return error_; }
    QPushButton* startButton() const { return startButton_; }
    QPushButton* cancelButton() const { return cancelButton_; }
    QPushButton* useButton() const { return useButton_; }
    const std::optional<TinynasReport>& report() const { return report_; }

public slots:
    bool start();
    void cancel();
    // Makes the run's fine-tuned int8 model the project's design and trained model.
    bool useSearchedNetwork();
    // Opens an evaluated network in Design (an undoable edit of the architecture).
    bool openInDesign(const mcunet::ui::SearchCandidate& candidate);

signals:
    // A network was opened in Design: switch there, and say what it scored.
    void designRequested(const QString& note);
    void deployRequested();
    void statusChanged(const QString& shortStatus);  // for the tab title: "supernet 2/3", "done", ""

private:
    QWidget* buildSettings();
    QWidget* buildResults();
    void connectJob();
    void appendLog(const QString& line);
    void showError(const QString& text);
    void updateActions();
    void markStep(const QString& step, const QString& state);
    void resetSteps();
    void onTrainingStarted(const QString& step, const TrainStart& s);
    void onEpoch(const QString& step, const TrainEpoch& e);
    void onGeneration(const FlowGeneration& g);
    void onReport(const TinynasReport& r);
    void onFinished(SearchJob::Outcome outcome, const QString& error);
    void showRun();  // the project's recorded run: its front and report from disk
    void applyLimits();
    QString newRunDirectory() const;

    ProjectDocument* document_;
    SearchJob* job_;
    QString program_, runsFolder_;
    QString currentStep_;
    std::optional<TinynasReport> report_;
    QComboBox* data_ = nullptr;
    QComboBox* budget_ = nullptr;
    QDoubleSpinBox* latency_ = nullptr;
    QSpinBox* seed_ = nullptr;
    QSpinBox* threads_ = nullptr;
    QLabel* limits_ = nullptr;
    QLabel* runFolder_ = nullptr;
    QPushButton* startButton_ = nullptr;
    QPushButton* cancelButton_ = nullptr;
    QListWidget* steps_ = nullptr;
    QLabel* status_ = nullptr;
    QLabel* error_ = nullptr;
    LossCurvePlot* loss_ = nullptr;
    AccuracyCurvePlot* accuracy_ = nullptr;
    GenerationPlot* generations_ = nullptr;
    FrontPlot* front_ = nullptr;
    QPlainTextEdit* log_ = nullptr;
    QLabel* result_ = nullptr;
    QPushButton* useButton_ = nullptr;
};

}  // namespace mcunet::ui
