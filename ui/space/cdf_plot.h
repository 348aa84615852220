#pragma once
// The MACs CDF of every (R, W) space (MCUNet figure 3): for each space, the
// share of its satisfying networks (those that fit SRAM and Flash) with at
// most x MACs. The chosen space is drawn thick in the accent colour; the best
// spaces are in the legend (click an entry to hide or show its curve); the rest
// stay faint for context. Hover shows values; clicking a curve selects its space.
#include <memory>
#include <vector>

#include "plot/plot_panel.h"
#include "space/optimizer.h"

class QCPGraph;

namespace mcunet::ui {

class CdfPlot : public plot::PlotPanel {
    Q_OBJECT
public:
    static constexpr int kMaxPoints = 200;
    static constexpr int kLegendSpaces = 8;
    // Points a curve with n satisfying networks is drawn with.
    static int pointsFor(int satisfying) { return satisfying < kMaxPoints ? satisfying : kMaxPoints; }

    explicit CdfPlot(QWidget* parent = nullptr);
    void setResult(std::shared_ptr<const space::OptimizerResult> result, int selected);
    void setSelected(int space);
    void clear();
    // The curve of a space (nullptr when it has no satisfying network).
    QCPGraph* curveOf(int space) const;
    int curveCount() const;

signals:
    void spaceClicked(int space);

private:
    void rebuild();
    void fit();
    void onHover(QMouseEvent* event);
    std::shared_ptr<const space::OptimizerResult> result_;
    int selected_ = -1;
    std::vector<QCPGraph*> curves_;  // per space
};

}  // namespace mcunet::ui
