#pragma once
// Train, beside the design: train the architecture in the Design view on a
// data set and watch it learn. The run is `mcunet train --json` in a child
// process (TrainJob); the panel builds its flags from the project (the
// design's architecture as a temporary JSON, the board and the SRAM / Flash
// overrides) and the settings here (data, epochs, batch, optimizer, input
// override, per-class subsets, threads), and shows its progress lines as they
// come: loss per step, train / validation accuracy per epoch, images/s, ETA,
// a log. When it is done: float and int8 test accuracy and the int8 confusion
// matrix, and the project records the model directory (an undoable edit), so
// Deploy generates code with the trained weights. Errors from the child (its
// stderr, exit code 2) are shown in red above the curves.
//
// Model directories go beside the project (NAME-models/ARCH-DATE-TIME), or
// into the application's data folder while the project is unsaved.
#include <memory>

#include <QWidget>

#include "common/defaults.h"
#include "train/train_job.h"
#include "train/trained_model_info.h"

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTemporaryDir;

namespace mcunet::ui {

class ProjectDocument;
class LossCurvePlot;
class AccuracyCurvePlot;
class ConfusionPlot;

class TrainPanel : public QWidget {
    Q_OBJECT
public:
    explicit TrainPanel(ProjectDocument* document, QWidget* parent = nullptr);
    ~TrainPanel() override;

    TrainJob* job() const { return job_; }
    LossCurvePlot* lossPlot() const { return loss_; }
    AccuracyCurvePlot* accuracyPlot() const { return accuracy_; }
    ConfusionPlot* confusionPlot() const { return confusion_; }
    QPlainTextEdit* log() const { return log_; }
    QLabel* errorLabel() const { return error_; }
    QLabel* resultLabel() const { return result_; }
    QLabel* rateLabel() const { return rate_; }
    QPushButton* startButton() const { return startButton_; }
    QPushButton* cancelButton() const { return cancelButton_; }
    QPushButton* resumeButton() const { return resumeButton_; }
    QPushButton* adoptButton() const { return adoptButton_; }

    // Settings (what the form holds); tests and scripts set them directly.
    struct Settings {
        QString data = QString::fromLatin1(defaults::kTrainData);
        int epochs = defaults::kTrainEpochs, batch = defaults::kTrainBatch, threads = 0;  // threads 0: all cores
        QString optimizer = QString::fromLatin1(defaults::kTrainOptimizer);
        int resolution = 0, channels = 0;  // 0: as designed
        int trainPerClass = 0, testPerClass = 0;  // 0: all
    };
    Settings settings() const;
    void setSettings(const Settings& s);
    // Where model directories go (default: beside the project, see above).
    void setModelsFolder(const QString& folder) { modelsFolder_ = folder; }
    QString modelsFolder() const;
    // The flags the next Start would use (the architecture file is written by start()).
    TrainRequest request() const;
    // The CLI; found with findMcunetCli() unless set.
    void setProgram(const QString& program) { program_ = program; }

public slots:
    bool start();
    bool resume();
    void cancel();
    // Makes the design the trained network (classes, input) so Deploy can use its weights.
    bool adoptTrainedArchitecture();

signals:
    // A run ended (Done, Stopped or Failed) and the panel shows it.
    void runFinished(mcunet::ui::TrainJob::Outcome outcome);
    void statusChanged(const QString& shortStatus);  // "epoch 2/10", "done", "": for the tab title

protected:
    void changeEvent(QEvent* event) override;

private:
    QWidget* buildSettings();
    QWidget* buildResults();
    void connectJob();
    void appendLog(const QString& line);
    void showError(const QString& text);
    void updateActions();
    void updateInputChoices();
    void showTrainedModel();  // the project's trained model: results, curves from its history
    void onStep(const TrainStep& step);
    void onEpoch(const TrainEpoch& epoch);
    void onDone(const TrainDone& done);
    void onFinished(TrainJob::Outcome outcome, const QString& error);
    QString newModelDirectory() const;
    QString writeArchitecture(QString* error);

    ProjectDocument* document_;
    TrainJob* job_;
    QString program_;
    QString modelsFolder_;
    std::unique_ptr<QTemporaryDir> archDir_;  // the --arch files; kept for Resume
    // Settings form
    QComboBox* data_ = nullptr;
    QPushButton* folderButton_ = nullptr;
    QSpinBox* epochs_ = nullptr;
    QSpinBox* batch_ = nullptr;
    QComboBox* optimizer_ = nullptr;
    QComboBox* resolution_ = nullptr;
    QComboBox* channels_ = nullptr;
    QSpinBox* trainPerClass_ = nullptr;
    QSpinBox* testPerClass_ = nullptr;
    QSpinBox* threads_ = nullptr;
    QLabel* inputNote_ = nullptr;
    QPushButton* startButton_ = nullptr;
    QPushButton* cancelButton_ = nullptr;
    QPushButton* resumeButton_ = nullptr;
    // Progress and curves
    QProgressBar* progress_ = nullptr;
    QLabel* rate_ = nullptr;
    QLabel* error_ = nullptr;
    LossCurvePlot* loss_ = nullptr;
    AccuracyCurvePlot* accuracy_ = nullptr;
    QPlainTextEdit* log_ = nullptr;
    // Results
    QLabel* result_ = nullptr;
    QPushButton* adoptButton_ = nullptr;
    ConfusionPlot* confusion_ = nullptr;
    std::optional<TrainedModelInfo> trained_;  // the project's trained model, when readable
};

}  // namespace mcunet::ui
