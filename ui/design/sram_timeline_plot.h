#pragma once
// Per-layer SRAM timeline: for each layer (x) the bytes of the buffers live
// while it runs, stacked by role (its input, its output beyond what it writes
// in place, other live tensors such as a residual, kernel scratch, persistent
// data), the SRAM limit and the plan's arena as lines, the peak marked. A
// switch between the three planners shows what the schedule saves; hover
// names the layer and its buffers.
#include <map>
#include <memory>

#include "document/design_analysis.h"
#include "plot/plot_panel.h"

class QCPBars;
class QCPItemStraightLine;
class QCPItemText;
class QCPItemLine;
class QRadioButton;

namespace mcunet::ui {

class SramTimelinePlot : public plot::PlotPanel {
    Q_OBJECT
public:
    static constexpr int kRoles = 5;  // memory::LiveRole
    explicit SramTimelinePlot(QWidget* parent = nullptr);
    void setAnalysis(std::shared_ptr<const DesignAnalysis> analysis);
    QCPBars* bars(memory::LiveRole role) const { return bars_[static_cast<int>(role)]; }
    memory::Planner shownPlanner() const;
    QCPItemText* limitLabel() const { return limitLabel_; }

signals:
    void plannerRequested(memory::Planner planner);

private:
    void rebuild();
    void onHover(QMouseEvent* event);
    std::shared_ptr<const DesignAnalysis> analysis_;
    QCPBars* bars_[kRoles] = {};
    QCPItemStraightLine* limitLine_ = nullptr;
    QCPItemStraightLine* arenaLine_ = nullptr;
    QCPItemText* limitLabel_ = nullptr;
    QCPItemText* arenaLabel_ = nullptr;
    QCPItemText* peakLabel_ = nullptr;
    QCPItemLine* peakArrow_ = nullptr;
    std::map<memory::Planner, QRadioButton*> planners_;  // one per memory::allPlanners()
};

}  // namespace mcunet::ui
