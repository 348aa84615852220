#pragma once
// Step 4, Deploy: from the design to a profile on the board, one click each.
//
// Actions: Generate (the C project: model.c, weights, kernels, firmware,
// plan.json), Build (arm-none-eabi-gcc: Flash and SRAM from the ELF against
// the estimate and the board), Flash (boot the ELF on the virtual board and
// check that it answers with this model), Profile (per-layer executed
// instructions against the estimate, output checked against the reference
// interpreter) and "Deploy and profile" (all four afresh). A step first runs
// the steps it needs that are missing or out of date (the rule is core's:
// deploy::stagesFor in deploy/stages.h, as for the CLI). Every step runs on the
// JobRunner (worker thread; deploy_jobs.h) with progress, Cancel and the log.
//
// Tabs: the memory plan the code generator uses (buffers, per-layer estimate
// and latency chart, export as JSON), the generated code (plan.json summary,
// model.c / model.h / plan.json preview with C highlighting), the build
// (ELF figures against the estimate and the limits, the compiler's log), and
// the profile (table and measured-vs-estimate chart). Generated projects go to
// a temporary folder owned by the view (gone with the window) unless the user
// picks one ("Generate to folder…"). Build, flash and profile go through the
// device layer: the virtual board, or a board on USB chosen in the "Board"
// list (fed live by the hot-plug watcher, usb_boards_model.h); boards the
// device layer cannot build for or flash (device::boardSupport) have them
// disabled with its explanation.
//
// Weights: the project's trained model (Design > Train) when it is the
// design's network, else seeded random ones; a line under the actions says
// which, with the trained model's int8 accuracy.
#include <deque>
#include <memory>
#include <optional>

#include <QWidget>

#include "deploy/deploy_jobs.h"
#include "memory/plan.h"
#include "train/trained_model_info.h"

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableView;
class QTableWidget;
class QTemporaryDir;
class QCPBars;

namespace mcunet::ui {

class ProjectDocument;
class JobRunner;
class BufferTableModel;
class LayerCostModel;
class ProfileTableModel;
class ProfilePlot;
class CHighlighter;
class UsbBoardsModel;
namespace plot {
class PlotPanel;
}

class BoardAccuracyRow;

class DeployView : public QWidget {
    Q_OBJECT
public:
    enum Tab { PlanTab, CodeTab, BuildTab, ProfileTab };

    explicit DeployView(ProjectDocument* document, QWidget* parent = nullptr);
    ~DeployView() override;

    JobRunner* jobs() const { return jobs_; }
    BufferTableModel* bufferModel() const { return buffers_; }
    LayerCostModel* layerModel() const { return layers_; }
    plot::PlotPanel* latencyChart() const { return chart_; }
    int latencyBarCount() const;  // data points over all bar series
    QPlainTextEdit* log() const { return log_; }
    QTabWidget* tabs() const { return tabs_; }

    // Results of the last steps (nullptr until run).
    std::shared_ptr<const GeneratedProject> generated() const { return generated_; }
    std::shared_ptr<const BuiltFirmware> built() const { return built_; }
    std::shared_ptr<const FlashedBoard> flashed() const { return flashed_; }
    std::shared_ptr<const ProfileRun> profiled() const { return profiled_; }
    ProfileTableModel* profileModel() const { return profileModel_; }
    ProfilePlot* profilePlot() const { return profilePlot_; }
    QPlainTextEdit* codePreview() const { return code_; }
    QLabel* outputVerdict() const { return verdict_; }
    QTableWidget* buildFigures() const { return buildTable_; }
    QPushButton* actionButton(deploy::Stage step) const;  // Generate, Build, Flash, Profile
    QLabel* stageStatus(deploy::Stage step) const;       // the line under each action
    QPushButton* deployButton() const { return deployButton_; }
    QSpinBox* runsBox() const { return runs_; }  // inferences per profile
    QComboBox* deviceBox() const { return deviceBox_; }  // the connected board to flash and profile
    UsbBoardsModel* usbBoards() const { return usbBoards_; }
    QString outputDirectory() const;  // where the next Generate writes
    bool pipelineRunning() const { return running_; }
    QLabel* weightsNote() const { return weights_; }
    BoardAccuracyRow* boardAccuracy() const { return boardAccuracy_; }  // "weights: trained (…)" or "weights: seeded random (…)"
    // The trained model directory Generate uses: the project's, when it is
    // readable and the design's network; empty otherwise (seeded weights).
    QString trainedModelForDeploy() const;
    // The generated project matches the current design, board, limits, planner and weights.
    bool generatedIsCurrent() const;
    // Runs `step` after whatever it needs that is missing or out of date;
    // false (nothing started) while a job runs or when the board cannot do it.
    bool runStep(deploy::Stage step);

public slots:
    // Writes the plan of the selected planner as JSON (on the job runner); returns false if a job is running.
    bool exportPlan(const QString& filePath);
    bool deployAndProfile();  // all four steps afresh
    // Generates into `directory` from now on, then runs Generate: a new or
    // empty folder, or a project folder of ours; false (the log says why) for
    // a folder of the user's, which is never written into.
    bool generateTo(const QString& directory);
    void cancel();

signals:
    void pipelineFinished(bool ok);  // the last requested step ended (ok, failed or cancelled)

protected:
    void showEvent(QShowEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    QWidget* buildPlanTab();
    QWidget* buildCodeTab();
    QWidget* buildBuildTab();
    QWidget* buildProfileTab();
    void refresh();
    void refreshIfVisible();
    void appendLog(const QString& line);
    // What is done for the current design, board, limits, planner and weights.
    deploy::StageState stageState() const;
    bool startPipeline(const std::vector<deploy::Stage>& stages);
    void startNext();
    void onJobFinished(const QString& name, bool ok, bool cancelled, const QString& error);
    void updateActions();
    void updateStatus();
    void showGenerated();
    void showBuilt();
    void showProfile();
    void showSource(const QString& file);
    GenerateRequest generateRequest();
    void readTrainedModel();
    void updateWeights();
    void updateBoardAccuracy();
    void refreshDevices();
    std::string selectedSerial() const;  // "" = whichever is connected

    ProjectDocument* document_;
    JobRunner* jobs_;
    // Plan tab
    BufferTableModel* buffers_ = nullptr;
    LayerCostModel* layers_ = nullptr;
    QComboBox* planner_ = nullptr;
    QLabel* arena_ = nullptr;
    QPushButton* exportButton_ = nullptr;
    QTableView* bufferTable_ = nullptr;
    QTableView* layerTable_ = nullptr;
    plot::PlotPanel* chart_ = nullptr;
    std::vector<QCPBars*> bars_;
    // Actions and status
    QPushButton* deployButton_ = nullptr;
    QPushButton* stepButtons_[4] = {};
    QSpinBox* runs_ = nullptr;
    QPushButton* folderButton_ = nullptr;
    QLabel* folderLabel_ = nullptr;
    QLabel* boardNote_ = nullptr;
    QComboBox* deviceBox_ = nullptr;
    UsbBoardsModel* usbBoards_ = nullptr;
    QLabel* weights_ = nullptr;
    BoardAccuracyRow* boardAccuracy_ = nullptr;
    QLabel* stepStatus_[4] = {};
    QTabWidget* tabs_ = nullptr;
    // Code tab
    QLabel* planSummary_ = nullptr;
    QComboBox* sourceFile_ = nullptr;
    QPlainTextEdit* code_ = nullptr;
    CHighlighter* highlighter_ = nullptr;
    // Build tab
    QLabel* buildSummary_ = nullptr;
    QTableWidget* buildTable_ = nullptr;
    QPlainTextEdit* buildLog_ = nullptr;
    // Profile tab
    QLabel* profileSummary_ = nullptr;
    QLabel* verdict_ = nullptr;
    ProfileTableModel* profileModel_ = nullptr;
    QTableView* profileTable_ = nullptr;
    ProfilePlot* profilePlot_ = nullptr;
    // Jobs pane
    QProgressBar* progress_ = nullptr;
    QPushButton* cancel_ = nullptr;
    QLabel* jobLabel_ = nullptr;
    QPlainTextEdit* log_ = nullptr;

    std::unique_ptr<QTemporaryDir> tempDir_;  // generated projects unless the user chose a folder
    QString userDirectory_;
    QString lastRefusal_;  // why generateTo refused the last folder
    std::shared_ptr<const GeneratedProject> generated_;
    std::shared_ptr<const BuiltFirmware> built_;
    std::shared_ptr<const FlashedBoard> flashed_;
    std::shared_ptr<const ProfileRun> profiled_;
    std::shared_ptr<const GeneratedProject> profiledFrom_;  // the project the profile ran
    std::deque<deploy::Stage> pending_;  // steps still to run in this pipeline
    deploy::Stage current_ = deploy::Stage::Generate;
    int stepIndex_ = 0, stepTotal_ = 0;  // "Build (2 of 4)"
    deploy::Stage last_ = deploy::Stage::Generate;  // the step the user asked for
    bool running_ = false;       // a pipeline is under way
    bool stepRunning_ = false;   // one of its steps is the current job
    QString failure_[4];         // last error per step
    bool stale_ = false;         // edits while hidden: refresh when shown
    std::optional<TrainedModelInfo> trained_;  // the project's trained model (model.json), when readable
    QString trainedError_;                     // why it cannot be read
};

}  // namespace mcunet::ui
