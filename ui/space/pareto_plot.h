#pragma once
// Sampled networks of the selected space: MACs (or estimated latency) against
// peak SRAM and against Flash, with the limits as lines and the non-dominated
// front (the most MACs for the memory, among the networks that fit)
// highlighted. MACs stand in for accuracy until Search trains a supernet.
// Clicking a point opens that network in Design.
#include <vector>

#include "plot/plot_panel.h"
#include "space/optimizer.h"
#include "space/space_sampling.h"

class QCPGraph;
class QCPAxisRect;
class QCPItemStraightLine;
class QComboBox;

namespace mcunet::ui {

class ParetoPlot : public plot::PlotPanel {
    Q_OBJECT
public:
    enum class YAxis { Macs, Latency };
    explicit ParetoPlot(QWidget* parent = nullptr);
    void setSamples(std::vector<SampledNetwork> samples, const space::Constraints& limits, const QString& spaceName);
    void setLimits(const space::Constraints& limits);
    void setYAxis(YAxis y);
    void clear();
    const std::vector<SampledNetwork>& samples() const { return samples_; }
    // Front indices (into samples()) on the SRAM panel and the Flash panel.
    const std::vector<int>& sramFront() const { return sramFront_; }
    const std::vector<int>& flashFront() const { return flashFront_; }
    // Graphs of a panel (0: SRAM, 1: Flash): fitting points, points over a limit, the front.
    QCPGraph* graph(int panel, int which) const { return graphs_[panel][which]; }

signals:
    void networkClicked(const arch::Architecture& a);

private:
    void rebuild();
    int pointAt(const QPointF& pixel, int* panel) const;
    double yOf(const SampledNetwork& n) const;
    std::vector<SampledNetwork> samples_;
    space::Constraints limits_;
    QString spaceName_;
    YAxis y_ = YAxis::Macs;
    QCPAxisRect* rects_[2] = {nullptr, nullptr};
    QCPGraph* graphs_[2][3] = {{nullptr, nullptr, nullptr}, {nullptr, nullptr, nullptr}};
    std::vector<int> order_[2][3];  // graph data index -> sample index
    QCPItemStraightLine* limitLines_[2] = {nullptr, nullptr};
    std::vector<int> sramFront_, flashFront_;
    QComboBox* yChoice_ = nullptr;
};

}  // namespace mcunet::ui
