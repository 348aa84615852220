#pragma once
// Step 2, Search space (TinyNAS stage 1): runs space::optimize on a worker
// thread with progress and Cancel, shows every space's MACs CDF, the R x W
// heat map and sampled networks of the selected space, and hands the chosen
// (R, W) to Design through the undo stack.
#include <memory>
#include <optional>

#include <QWidget>

#include "space/optimizer.h"

class QSpinBox;
class QDoubleSpinBox;
class QPushButton;
class QProgressBar;
class QLabel;
class QTabWidget;

namespace mcunet::ui {

class ProjectDocument;
class JobRunner;
class CdfPlot;
class HeatMapPlot;
class ParetoPlot;

class SearchSpaceView : public QWidget {
    Q_OBJECT
public:
    explicit SearchSpaceView(ProjectDocument* document, QWidget* parent = nullptr);

    JobRunner* optimizerJob() const { return optimizerJob_; }
    JobRunner* samplingJob() const { return samplingJob_; }
    std::shared_ptr<const space::OptimizerResult> result() const { return result_; }
    QString summaryText() const;  // the chosen space, the rule and the limits, as shown
    int selectedSpace() const { return selected_; }
    CdfPlot* cdfPlot() const { return cdf_; }
    HeatMapPlot* heatMap() const { return heatMap_; }
    ParetoPlot* paretoPlot() const { return pareto_; }
    QTabWidget* charts() const { return charts_; }
    int sampledNetworksPerSpace() const { return 300; }

public slots:
    void runSearch();
    void cancelSearch();
    void selectSpace(int index);
    // Sets the design's resolution and width to the selected space (one undo step).
    void useSelectedSpace();
    // Replaces the design with the selected space's largest satisfying network.
    void openLargestSatisfying();

signals:
    void designRequested();  // the user handed something to Design: switch to it

protected:
    void showEvent(QShowEvent* event) override;

private:
    void loadSettings();
    void pushSettings();
    void onResult(space::OptimizerResult r);
    void sampleSelected();
    void updateSummary();
    void setRunning(bool running);

    ProjectDocument* document_;
    JobRunner* optimizerJob_;
    JobRunner* samplingJob_;
    std::shared_ptr<const space::OptimizerResult> result_;
    space::Grid resultGrid_;
    space::Constraints resultLimits_;
    int selected_ = -1;
    bool stale_ = false;
    bool updating_ = false;

    QSpinBox *r0_, *r1_, *rStep_, *samples_, *seed_;
    QDoubleSpinBox *w0_, *w1_, *wStep_, *minShare_;
    double resultMinShare_ = 0;  // the rule the shown result was chosen by
    QPushButton *run_, *cancel_, *useSpace_, *useLargest_;
    QProgressBar* progress_;
    QLabel *status_, *summary_, *gridSize_;
    QTabWidget* charts_;
    CdfPlot* cdf_;
    HeatMapPlot* heatMap_;
    ParetoPlot* pareto_;
};

}  // namespace mcunet::ui
