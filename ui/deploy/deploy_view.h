#pragma once
// Step 4, Deploy. Today: the memory plan the code generator will use for the
// selected planner (arena size, every buffer with offset, bytes, lifetime and
// in-place alias), its export as JSON, and the per-layer estimate (MACs,
// latency) as a table and a bar chart. Below them a job pane (progress, Cancel,
// log) on a JobRunner, where code generation, build, flash and profiling will
// run as worker jobs when they arrive.
#include <memory>

#include <QWidget>

#include "memory/plan.h"

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableView;
class QCPBars;

namespace mcunet::ui {

class ProjectDocument;
class JobRunner;
class BufferTableModel;
class LayerCostModel;
namespace plot {
class PlotPanel;
}

class DeployView : public QWidget {
    Q_OBJECT
public:
    explicit DeployView(ProjectDocument* document, QWidget* parent = nullptr);
    JobRunner* jobs() const { return jobs_; }
    BufferTableModel* bufferModel() const { return buffers_; }
    LayerCostModel* layerModel() const { return layers_; }
    plot::PlotPanel* latencyChart() const { return chart_; }
    int latencyBarCount() const;  // data points over all bar series
    QPlainTextEdit* log() const { return log_; }

public slots:
    // Writes the plan of the selected planner as JSON (on the job runner); returns false if a job is running.
    bool exportPlan(const QString& filePath);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void refresh();
    void refreshIfVisible();
    void appendLog(const QString& line);

    ProjectDocument* document_;
    JobRunner* jobs_;
    BufferTableModel* buffers_;
    LayerCostModel* layers_;
    QComboBox* planner_;
    QLabel* arena_;
    QPushButton* exportButton_;
    QTableView* bufferTable_;
    QTableView* layerTable_;
    plot::PlotPanel* chart_;
    std::vector<QCPBars*> bars_;
    QProgressBar* progress_;
    QPushButton* cancel_;
    QLabel* jobLabel_;
    QPlainTextEdit* log_;
    bool stale_ = false;  // edits while hidden: refresh when shown
};

}  // namespace mcunet::ui
