#pragma once
// The int8 model's confusion matrix on the test set as a heat map: rows are
// the true classes (named), columns the predicted ones (numbered, named on
// hover), each cell labelled with its count and coloured by its share of the
// row, so a class the model confuses stands out whatever the class sizes.
#include <string>
#include <vector>

#include "plot/plot_panel.h"

class QCPColorMap;
class QCPItemText;
class QMouseEvent;

namespace mcunet::ui {

class ConfusionPlot : public plot::PlotPanel {
    Q_OBJECT
public:
    explicit ConfusionPlot(QWidget* parent = nullptr);
    // counts[true][predicted]; class names may be fewer than the rows (numbers then).
    void setMatrix(const std::vector<std::vector<int>>& counts, const std::vector<std::string>& classes,
                   const QString& engine);
    void clear();
    int classCount() const { return static_cast<int>(counts_.size()); }
    QCPColorMap* colorMap() const { return map_; }

private:
    void rebuild();
    void recolour();
    void onHover(QMouseEvent* event);
    QString className(int i) const;
    std::vector<std::vector<int>> counts_;
    std::vector<std::string> classes_;
    QString engine_;
    QCPColorMap* map_ = nullptr;
    std::vector<QCPItemText*> labels_;
};

}  // namespace mcunet::ui
