#pragma once
// The on-device profile as a bar chart: per layer (x, execution order) the
// measured count (executed instructions on the virtual boards, cycles on real
// ones; the axis says which) beside the cost model's estimate in the same
// unit, with a legend; hover names the layer and both figures. Exports like
// every chart (PlotPanel).
#include <memory>

#include "board/profiler.h"
#include "plot/plot_panel.h"

class QCPBars;
class QCPBarsGroup;
class QMouseEvent;

namespace mcunet::ui {

class ProfilePlot : public plot::PlotPanel {
    Q_OBJECT
public:
    explicit ProfilePlot(QWidget* parent = nullptr);
    void setProfile(std::shared_ptr<const board::Profile> profile);  // nullptr: empty chart
    QCPBars* measuredBars() const { return measured_; }
    QCPBars* estimatedBars() const { return estimated_; }
    QString unit() const;  // "instructions" or "cycles"

private:
    void rebuild();
    void onHover(QMouseEvent* event);
    std::shared_ptr<const board::Profile> profile_;
    QCPBars* measured_ = nullptr;
    QCPBars* estimated_ = nullptr;
    QCPBarsGroup* group_ = nullptr;
    double scale_ = 1e6;  // counts per axis unit
};

}  // namespace mcunet::ui
