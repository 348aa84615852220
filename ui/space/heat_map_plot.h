#pragma once
// R x W heat map of stage 1: each cell is one search space, coloured by the
// mean MACs of its satisfying networks and labelled with that mean and the
// share of samples that fit (grey: nothing fits). The chosen space has a thick
// outline; a clicked cell is selected (dashed outline).
#include <memory>
#include <vector>

#include "plot/plot_panel.h"
#include "space/optimizer.h"

class QCPColorMap;
class QCPColorScale;
class QCPItemRect;
class QCPItemText;

namespace mcunet::ui {

class HeatMapPlot : public plot::PlotPanel {
    Q_OBJECT
public:
    explicit HeatMapPlot(QWidget* parent = nullptr);
    void setResult(std::shared_ptr<const space::OptimizerResult> result, const space::Grid& grid, int selected);
    void setSelected(int space);
    void clear();
    QCPColorMap* colorMap() const { return map_; }
    int labelCount() const { return static_cast<int>(labels_.size()); }

signals:
    void spaceClicked(int space);

private:
    int spaceAt(const QPointF& pixel) const;
    void placeOutline(QCPItemRect* rect, int space);
    std::shared_ptr<const space::OptimizerResult> result_;
    space::Grid grid_;
    int selected_ = -1;
    QCPColorMap* map_ = nullptr;
    QCPColorScale* scale_ = nullptr;
    QCPItemRect* chosenOutline_ = nullptr;
    QCPItemRect* selectedOutline_ = nullptr;
    std::vector<QCPItemText*> labels_;
};

}  // namespace mcunet::ui
