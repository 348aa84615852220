#include "space/cdf_plot.h"

#include <algorithm>
#include <numeric>

#include <QToolTip>

#include "common/format.h"
#include "plot/plot_style.h"
#include "plot/qcustomplot_include.h"

namespace mcunet::ui {

CdfPlot::CdfPlot(QWidget* parent) : PlotPanel(tr("MACs distribution of the networks that fit, per (R, W) space"), parent) {
    QCustomPlot* p = plot();
    p->xAxis->setLabel(tr("MACs of a satisfying network (millions)"));
    p->yAxis->setLabel(tr("share of satisfying networks ≤ x (CDF)"));
    p->yAxis->setRange(0, 1.02);
    p->legend->setVisible(true);
    QFont lf = font();
    lf.setPointSizeF(font().pointSizeF() * 0.9);
    p->legend->setFont(lf);
    p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
    p->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom | QCP::iSelectLegend);
    p->axisRect()->setRangeZoom(Qt::Horizontal);
    p->axisRect()->setRangeDrag(Qt::Horizontal);
    p->setMouseTracking(true);
    connect(p, &QCustomPlot::legendClick, this, [this](QCPLegend*, QCPAbstractLegendItem* item, QMouseEvent*) {
        auto* li = qobject_cast<QCPPlottableLegendItem*>(item);
        if (!li) return;
        QCPAbstractPlottable* pl = li->plottable();
        pl->setVisible(!pl->visible());
        QColor c = palette().color(QPalette::WindowText);
        if (!pl->visible()) c.setAlphaF(0.35f);
        li->setTextColor(c);
        li->setSelected(false);
        plot()->replot();
    });
    connect(p, &QCustomPlot::plottableClick, this, [this](QCPAbstractPlottable* pl, int, QMouseEvent*) {
        for (std::size_t i = 0; i < curves_.size(); ++i)
            if (curves_[i] == pl) emit spaceClicked(static_cast<int>(i));
    });
    connect(p, &QCustomPlot::mouseMove, this, &CdfPlot::onHover);
    connect(this, &PlotPanel::paletteChanged, this, &CdfPlot::rebuild);
    connect(this, &PlotPanel::fitRequested, this, [this] {
        fit();
        plot()->replot();
    });
    setCaption(tr("Each curve is one search space (input resolution R, width multiplier W): the networks sampled from it "
                  "that fit the SRAM and Flash limits, sorted by MACs. Under the same memory constraint, more "
                  "computation means a more accurate model (MCUNet, section 3.1), so the curve furthest to the right "
                  "wins: that space is chosen (thick line). Click a legend entry to hide a curve, a curve to select it."));
}

void CdfPlot::clear() {
    result_.reset();
    rebuild();
}

void CdfPlot::setResult(std::shared_ptr<const space::OptimizerResult> result, int selected) {
    result_ = std::move(result);
    selected_ = selected;
    rebuild();
}

void CdfPlot::setSelected(int space) {
    if (space == selected_) return;
    selected_ = space;
    rebuild();
}

QCPGraph* CdfPlot::curveOf(int space) const {
    if (space < 0 || space >= static_cast<int>(curves_.size())) return nullptr;
    return curves_[static_cast<std::size_t>(space)];
}

int CdfPlot::curveCount() const {
    return static_cast<int>(std::count_if(curves_.begin(), curves_.end(), [](QCPGraph* g) { return g != nullptr; }));
}

void CdfPlot::rebuild() {
    QCustomPlot* p = plot();
    p->clearGraphs();
    p->legend->clearItems();
    curves_.clear();
    if (!result_) {
        p->replot();
        return;
    }
    const auto& spaces = result_->spaces;
    curves_.assign(spaces.size(), nullptr);
    // Rank spaces by mean MACs: the best few get the legend and colours.
    std::vector<int> order(spaces.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) {
        return spaces[static_cast<std::size_t>(a)].meanMacs > spaces[static_cast<std::size_t>(b)].meanMacs;
    });
    std::vector<int> rank(spaces.size(), 0);
    for (std::size_t k = 0; k < order.size(); ++k) rank[static_cast<std::size_t>(order[k])] = static_cast<int>(k);

    QColor faint = palette().color(QPalette::WindowText);
    faint.setAlphaF(0.16f);
    auto addCurve = [&](int i) {
        const space::SpaceResult& s = spaces[static_cast<std::size_t>(i)];
        const int n = static_cast<int>(s.macs.size());
        if (n == 0) return;
        const int points = pointsFor(n);
        QVector<double> x(points), y(points);
        for (int k = 0; k < points; ++k) {
            const int idx = points == n ? k : int(std::lround(double(k) * (n - 1) / double(points - 1)));
            x[k] = double(s.macs[static_cast<std::size_t>(idx)]) / 1e6;
            y[k] = double(idx + 1) / double(n);
        }
        QCPGraph* g = p->addGraph();
        g->setData(x, y, true);
        g->setLineStyle(QCPGraph::lsStepLeft);
        g->setName(QStringLiteral("R %1 · W %2 — mean %3 MACs")
                       .arg(s.resolution)
                       .arg(s.width, 0, 'f', 2)
                       .arg(formatMacs(s.meanMacs)));
        const int r = rank[static_cast<std::size_t>(i)];
        if (i == selected_) {
            g->setPen(QPen(plot::accent(), 3.2));
        } else if (r < kLegendSpaces) {
            g->setPen(QPen(plot::categorical(r), 1.8));
        } else {
            g->setPen(QPen(faint, 1.0));
            g->removeFromLegend();
        }
        g->setSelectable(QCP::stNone);
        curves_[static_cast<std::size_t>(i)] = g;
    };
    // Faint first, legend spaces next, the selected one last (on top).
    for (int i = static_cast<int>(order.size()) - 1; i >= 0; --i) {
        const int s = order[static_cast<std::size_t>(i)];
        if (s != selected_ && i >= kLegendSpaces) addCurve(s);
    }
    for (int i = std::min(kLegendSpaces, static_cast<int>(order.size())) - 1; i >= 0; --i)
        if (order[static_cast<std::size_t>(i)] != selected_) addCurve(order[static_cast<std::size_t>(i)]);
    if (selected_ >= 0 && selected_ < static_cast<int>(spaces.size())) addCurve(selected_);
    // Legend in rank order, the selected one first.
    p->legend->clearItems();
    if (QCPGraph* g = curveOf(selected_)) g->addToLegend();
    for (int k = 0; k < std::min(kLegendSpaces, static_cast<int>(order.size())); ++k)
        if (order[static_cast<std::size_t>(k)] != selected_)
            if (QCPGraph* g = curveOf(order[static_cast<std::size_t>(k)])) g->addToLegend();
    if (QCPGraph* g = curveOf(selected_)) {
        if (auto* item = p->legend->itemWithPlottable(g)) {
            QFont bold = p->legend->font();
            bold.setBold(true);
            item->setFont(bold);
        }
        g->setName(g->name() + (selected_ == result_->chosen ? tr("  (chosen)") : tr("  (selected)")));
    }
    fit();
    p->replot();
}

void CdfPlot::fit() {
    QCustomPlot* p = plot();
    double hi = 0;
    if (result_)
        for (const auto& s : result_->spaces)
            if (!s.macs.empty()) hi = std::max(hi, double(s.macs.back()) / 1e6);
    p->xAxis->setRange(0, hi > 0 ? hi * 1.04 : 1.0);
    p->yAxis->setRange(0, 1.02);
}

void CdfPlot::onHover(QMouseEvent* event) {
    if (!result_) return;
    QCustomPlot* p = plot();
    const QPointF pos = event->position();
    double bestDist = 12.0 * 12.0;
    int bestSpace = -1, bestPoint = -1;
    for (std::size_t i = 0; i < curves_.size(); ++i) {
        QCPGraph* g = curves_[i];
        if (!g || !g->visible()) continue;
        int k = 0;
        for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it, ++k) {
            const double px = p->xAxis->coordToPixel(it->key), py = p->yAxis->coordToPixel(it->value);
            const double d = (px - pos.x()) * (px - pos.x()) + (py - pos.y()) * (py - pos.y());
            if (d < bestDist) {
                bestDist = d;
                bestSpace = static_cast<int>(i);
                bestPoint = k;
            }
        }
    }
    if (bestSpace < 0) {
        QToolTip::hideText();
        return;
    }
    const space::SpaceResult& s = result_->spaces[static_cast<std::size_t>(bestSpace)];
    const auto point = curves_[static_cast<std::size_t>(bestSpace)]->data()->at(bestPoint);
    QToolTip::showText(event->globalPosition().toPoint(),
                       tr("<b>R %1 · W %2</b>%3<br>%4 % of the %5 networks that fit have ≤ %6 MACs<br>"
                          "mean %7 MACs · %8 % of %9 samples fit")
                           .arg(s.resolution)
                           .arg(s.width, 0, 'f', 2)
                           .arg(bestSpace == result_->chosen ? tr(" (chosen)") : QString())
                           .arg(point->value * 100, 0, 'f', 0)
                           .arg(s.satisfying)
                           .arg(formatMacs(point->key * 1e6))
                           .arg(formatMacs(s.meanMacs))
                           .arg(s.satisfyingShare * 100, 0, 'f', 0)
                           .arg(s.samples),
                       p);
}

}  // namespace mcunet::ui
