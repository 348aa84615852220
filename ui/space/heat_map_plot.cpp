#include "space/heat_map_plot.h"

#include <cmath>
#include <limits>

#include <QToolTip>

#include "common/format.h"
#include "plot/plot_style.h"
#include "plot/qcustomplot_include.h"

namespace mcunet::ui {

HeatMapPlot::HeatMapPlot(QWidget* parent) : PlotPanel(tr("R × W: mean MACs of the networks that fit"), parent) {
    QCustomPlot* p = plot();
    p->xAxis->setLabel(tr("width multiplier W"));
    p->yAxis->setLabel(tr("input resolution R"));
    p->xAxis->grid()->setVisible(false);
    p->yAxis->grid()->setVisible(false);
    map_ = new QCPColorMap(p->xAxis, p->yAxis);
    map_->setInterpolate(false);
    map_->setTightBoundary(false);
    scale_ = new QCPColorScale(p);
    p->plotLayout()->addElement(0, 1, scale_);
    scale_->setType(QCPAxis::atRight);
    scale_->axis()->setLabel(tr("mean MACs of satisfying networks (M)"));
    QCPColorGradient gradient;
    gradient.clearColorStops();
    for (int k = 0; k <= 8; ++k) gradient.setColorStopAt(k / 8.0, plot::sequential(k / 8.0));
    gradient.setNanHandling(QCPColorGradient::nhNanColor);
    gradient.setNanColor(palette().color(QPalette::Window));
    map_->setColorScale(scale_);
    scale_->setGradient(gradient);  // the scale drives the map's gradient
    connect(this, &PlotPanel::paletteChanged, this, [this] {
        QCPColorGradient g = scale_->gradient();
        g.setNanColor(palette().color(QPalette::Window));
        scale_->setGradient(g);
        selectedOutline_->setPen(QPen(palette().color(QPalette::WindowText), 2, Qt::DashLine));
        if (result_) setResult(result_, grid_, selected_);
    });
    auto* group = new QCPMarginGroup(p);
    p->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, group);
    scale_->setMarginGroup(QCP::msBottom | QCP::msTop, group);
    chosenOutline_ = new QCPItemRect(p);
    chosenOutline_->setPen(QPen(plot::accent(), 3));
    chosenOutline_->setBrush(Qt::NoBrush);
    chosenOutline_->setVisible(false);
    selectedOutline_ = new QCPItemRect(p);
    selectedOutline_->setPen(QPen(palette().color(QPalette::WindowText), 2, Qt::DashLine));
    selectedOutline_->setBrush(Qt::NoBrush);
    selectedOutline_->setVisible(false);
    p->setMouseTracking(true);
    connect(p, &QCustomPlot::mousePress, this, [this](QMouseEvent* e) {
        if (e->button() != Qt::LeftButton) return;
        const int s = spaceAt(e->position());
        if (s >= 0) emit spaceClicked(s);
    });
    connect(p, &QCustomPlot::mouseMove, this, [this](QMouseEvent* e) {
        const int i = spaceAt(e->position());
        if (i < 0 || !result_) {
            QToolTip::hideText();
            return;
        }
        const auto& s = result_->spaces[static_cast<std::size_t>(i)];
        QString text = tr("<b>R %1 · W %2</b>%3<br>").arg(s.resolution).arg(s.width, 0, 'f', 2)
                           .arg(i == result_->chosen ? tr(" (chosen)") : QString());
        if (s.satisfying == 0)
            text += tr("none of the %1 samples fits").arg(s.samples);
        else
            text += tr("%1 of %2 samples fit (%3 %)<br>mean %4 MACs, largest %5 MACs")
                        .arg(s.satisfying)
                        .arg(s.samples)
                        .arg(s.satisfyingShare * 100, 0, 'f', 0)
                        .arg(formatMacs(s.meanMacs), formatMacs(double(s.macs.back())));
        QToolTip::showText(e->globalPosition().toPoint(), text, plot());
    });
    setCaption(tr("Colour: mean MACs of the sampled networks that fit (more is better). Label: that mean and the share "
                  "of samples that fit. Small R and W fit easily but compute little; large ones rarely fit. Click a "
                  "cell to select its space."));
}

void HeatMapPlot::clear() {
    result_.reset();
    map_->data()->clear();
    for (auto* l : labels_) plot()->removeItem(l);
    labels_.clear();
    chosenOutline_->setVisible(false);
    selectedOutline_->setVisible(false);
    plot()->replot();
}

void HeatMapPlot::setResult(std::shared_ptr<const space::OptimizerResult> result, const space::Grid& grid,
                            int selected) {
    result_ = std::move(result);
    grid_ = grid;
    selected_ = selected;
    for (auto* l : labels_) plot()->removeItem(l);
    labels_.clear();
    const int nw = static_cast<int>(grid_.widths.size()), nr = static_cast<int>(grid_.resolutions.size());
    map_->data()->setSize(nw, nr);
    map_->data()->setRange(QCPRange(0, std::max(nw - 1, 1)), QCPRange(0, std::max(nr - 1, 1)));
    if (nw == 1 || nr == 1) map_->data()->setRange(QCPRange(0, nw == 1 ? 0.0001 : nw - 1), QCPRange(0, nr == 1 ? 0.0001 : nr - 1));
    double hi = 0;
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * (nw > 7 ? 0.78 : 0.9));
    for (int r = 0; r < nr; ++r)
        for (int w = 0; w < nw; ++w) {
            const auto& s = result_->spaces[static_cast<std::size_t>(r * nw + w)];
            const double v = s.satisfying > 0 ? s.meanMacs / 1e6 : std::numeric_limits<double>::quiet_NaN();
            map_->data()->setCell(w, r, v);
            if (s.satisfying > 0) hi = std::max(hi, v);
        }
    map_->setDataRange(QCPRange(0, hi > 0 ? hi : 1));
    for (int r = 0; r < nr; ++r)
        for (int w = 0; w < nw; ++w) {
            const auto& s = result_->spaces[static_cast<std::size_t>(r * nw + w)];
            auto* t = new QCPItemText(plot());
            t->position->setCoords(w, r);
            t->setFont(small);
            t->setText(s.satisfying > 0 ? QStringLiteral("%1M\n%2 %").arg(s.meanMacs / 1e6, 0, 'f', 1).arg(s.satisfyingShare * 100, 0, 'f', 0)
                                        : QStringLiteral("–"));
            const double t01 = s.satisfying > 0 && hi > 0 ? (s.meanMacs / 1e6) / hi : 0;
            t->setColor(s.satisfying > 0 && t01 > 0.45 ? QColor(Qt::white) : palette().color(QPalette::WindowText));
            t->setClipToAxisRect(true);
            labels_.push_back(t);
        }
    auto wTicks = QSharedPointer<QCPAxisTickerText>::create();
    for (int w = 0; w < nw; ++w) wTicks->addTick(w, QString::number(grid_.widths[static_cast<std::size_t>(w)], 'f', 2));
    auto rTicks = QSharedPointer<QCPAxisTickerText>::create();
    for (int r = 0; r < nr; ++r) rTicks->addTick(r, QString::number(grid_.resolutions[static_cast<std::size_t>(r)]));
    plot()->xAxis->setTicker(wTicks);
    plot()->yAxis->setTicker(rTicks);
    plot()->xAxis->setRange(-0.5, nw - 0.5);
    plot()->yAxis->setRange(-0.5, nr - 0.5);
    placeOutline(chosenOutline_, result_->chosen);
    placeOutline(selectedOutline_, selected_ != result_->chosen ? selected_ : -1);
    plot()->replot();
}

void HeatMapPlot::setSelected(int space) {
    selected_ = space;
    if (!result_) return;
    placeOutline(selectedOutline_, selected_ != result_->chosen ? selected_ : -1);
    plot()->replot();
}

void HeatMapPlot::placeOutline(QCPItemRect* rect, int space) {
    const int nw = static_cast<int>(grid_.widths.size());
    if (space < 0 || nw == 0) {
        rect->setVisible(false);
        return;
    }
    const int r = space / nw, w = space % nw;
    rect->topLeft->setCoords(w - 0.48, r + 0.48);
    rect->bottomRight->setCoords(w + 0.48, r - 0.48);
    rect->setVisible(true);
}

int HeatMapPlot::spaceAt(const QPointF& pixel) const {
    if (!result_ || !plot()->axisRect()->rect().contains(pixel.toPoint())) return -1;
    const int nw = static_cast<int>(grid_.widths.size()), nr = static_cast<int>(grid_.resolutions.size());
    const int w = int(std::lround(plot()->xAxis->pixelToCoord(pixel.x())));
    const int r = int(std::lround(plot()->yAxis->pixelToCoord(pixel.y())));
    if (w < 0 || w >= nw || r < 0 || r >= nr) return -1;
    return r * nw + w;
}

}  // namespace mcunet::ui
