#include "search/front_plot.h"

#include <algorithm>
#include <set>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolTip>

#include "common/format.h"
#include "plot/plot_style.h"
#include "plot/qcustomplot_include.h"
#include "space/space_sampling.h"

namespace mcunet::ui {

namespace {

constexpr const char* kModelNames[3] = {"searched", "random", "mbv2"};

}  // namespace

FrontPlot::FrontPlot(QWidget* parent) : PlotPanel(tr("Accuracy against cost: every network the search evaluated"), parent) {
    QCustomPlot* p = plot();
    evaluated_ = p->addGraph();
    evaluated_->setLineStyle(QCPGraph::lsNone);
    QColor dot = plot::categorical(0);
    dot.setAlphaF(0.6f);
    evaluated_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, dot, 6));
    evaluated_->setName(tr("evaluated (validation, in the supernet)"));
    frontGraph_ = p->addGraph();
    frontGraph_->setLineStyle(QCPGraph::lsStepLeft);
    frontGraph_->setPen(QPen(plot::accent(), 1.6));
    frontGraph_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QPen(plot::accent()), plot::accent(), 8));
    frontGraph_->setName(tr("front: most accurate for the cost"));
    bestGraph_ = p->addGraph();
    bestGraph_->setLineStyle(QCPGraph::lsNone);
    bestGraph_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssStar, QPen(plot::accent(), 2), QBrush(Qt::NoBrush), 16));
    bestGraph_->setName(tr("most accurate in the supernet"));
    const QCPScatterStyle::ScatterShape shapes[3] = {QCPScatterStyle::ssDiamond, QCPScatterStyle::ssTriangle,
                                                     QCPScatterStyle::ssSquare};
    const QString names[3] = {tr("searched, fine-tuned (int8, test)"), tr("random search, fine-tuned (int8, test)"),
                              tr("scaled MobileNetV2 (int8, test)")};
    for (int i = 0; i < 3; ++i) {
        models_[i] = p->addGraph();
        models_[i]->setLineStyle(QCPGraph::lsNone);
        const QColor c = plot::categorical(i + 2);
        models_[i]->setScatterStyle(QCPScatterStyle(shapes[i], QPen(c, 2), c, 12));
        models_[i]->setName(names[i]);
    }
    for (QCPGraph* g : {evaluated_, frontGraph_, bestGraph_}) g->setSelectable(QCP::stNone);
    limitLine_ = new QCPItemStraightLine(p);
    limitLine_->setPen(QPen(plot::limitColor(), 1.5, Qt::DashLine));
    p->yAxis->setLabel(tr("accuracy (%)"));
    p->legend->setVisible(true);
    // Beside the chart, never over the points (the front runs to every corner).
    p->axisRect()->insetLayout()->take(p->legend);
    auto* side = new QCPLayoutGrid;
    p->plotLayout()->addElement(0, 1, side);
    p->plotLayout()->setColumnStretchFactor(1, 0.001);
    side->addElement(0, 0, p->legend);
    side->addElement(1, 0, new QCPLayoutElement(p));  // the rest of the height, empty
    side->setRowStretchFactor(0, 0.001);
    p->legend->setMaximumSize(260, QWIDGETSIZE_MAX);
    plot::applyStyle(p, palette());
    p->setMouseTracking(true);

    xChoice_ = new QComboBox;
    xChoice_->addItems({tr("latency (estimate)"), tr("peak SRAM"), tr("Flash")});
    headerControls()->addWidget(new QLabel(tr("horizontal axis:")));
    headerControls()->addWidget(xChoice_);
    connect(xChoice_, &QComboBox::currentIndexChanged, this, [this](int i) { setXAxis(static_cast<XAxis>(i)); });
    connect(p, &QCustomPlot::mousePress, this, [this](QMouseEvent* e) {
        const int i = candidateAt(e->position());
        if (i >= 0 && e->button() == Qt::LeftButton) emit candidateClicked(candidates_[static_cast<std::size_t>(i)]);
    });
    connect(p, &QCustomPlot::mouseMove, this,
            [this](QMouseEvent* e) { showTip(e->position(), e->globalPosition().toPoint()); });
    connect(this, &PlotPanel::fitRequested, this, &FrontPlot::rebuild);
    rebuild();
}

void FrontPlot::clear() {
    candidates_.clear();
    finals_.clear();
    rebuild();
}

void FrontPlot::setLimits(const Limits& limits) {
    limits_ = limits;
    rebuild();
}

void FrontPlot::addCandidates(const std::vector<SearchCandidate>& candidates) {
    std::set<std::string> known;
    for (const SearchCandidate& c : candidates_) known.insert(c.key);
    for (const SearchCandidate& c : candidates)
        if (known.insert(c.key).second) candidates_.push_back(c);
    rebuild();
}

void FrontPlot::setReport(const TinynasReport& report) {
    finals_ = report.models;
    rebuild();
}

void FrontPlot::setXAxis(XAxis x) {
    x_ = x;
    if (xChoice_->currentIndex() != static_cast<int>(x)) xChoice_->setCurrentIndex(static_cast<int>(x));
    rebuild();
}

double FrontPlot::xOf(const SearchCandidate& c) const {
    switch (x_) {
        case XAxis::Latency: return c.latencyMs;
        case XAxis::Sram: return double(c.peakSramBytes) / 1024.0;
        case XAxis::Flash: return double(c.flashBytes) / 1024.0;
    }
    return 0;
}

void FrontPlot::rebuild() {
    QCustomPlot* p = plot();
    std::vector<double> cost, benefit;
    for (const SearchCandidate& c : candidates_) {
        cost.push_back(xOf(c));
        benefit.push_back(c.accuracy);
    }
    front_ = paretoFront(cost, benefit);
    std::sort(front_.begin(), front_.end(), [&](int a, int b) { return cost[std::size_t(a)] < cost[std::size_t(b)]; });
    best_ = -1;
    for (int i = 0; i < int(candidates_.size()); ++i)
        if (best_ < 0 || candidates_[std::size_t(i)].accuracy > candidates_[std::size_t(best_)].accuracy) best_ = i;
    QVector<double> x, y, fx, fy;
    double xHi = 0, yLo = 100, yHi = 0;
    const auto track = [&](double cx, double cy) {
        xHi = std::max(xHi, cx);
        yLo = std::min(yLo, cy);
        yHi = std::max(yHi, cy);
    };
    for (std::size_t i = 0; i < candidates_.size(); ++i) {
        x.push_back(cost[i]);
        y.push_back(100 * candidates_[i].accuracy);
        track(x.back(), y.back());
    }
    for (int i : front_) {
        fx.push_back(cost[std::size_t(i)]);
        fy.push_back(100 * candidates_[std::size_t(i)].accuracy);
    }
    evaluated_->setData(x, y, true);  // already in candidate order; QCustomPlot sorts by key itself
    frontGraph_->setData(fx, fy, true);
    bestGraph_->data()->clear();
    if (best_ >= 0) bestGraph_->addData(cost[std::size_t(best_)], 100 * candidates_[std::size_t(best_)].accuracy);
    for (int m = 0; m < 3; ++m) {
        models_[m]->data()->clear();
        for (const ReportModel& r : finals_) {
            if (r.name != kModelNames[m] || r.int8Accuracy < 0) continue;
            SearchCandidate c;
            c.latencyMs = r.latencyMs;
            c.peakSramBytes = r.peakSramBytes;
            c.flashBytes = r.flashBytes;
            models_[m]->addData(xOf(c), 100 * r.int8Accuracy);
            track(xOf(c), 100 * r.int8Accuracy);
        }
    }
    const double limit = x_ == XAxis::Latency ? limits_.latencyMs
                         : x_ == XAxis::Sram  ? double(limits_.sramBytes) / 1024.0
                                              : double(limits_.flashBytes) / 1024.0;
    limitLine_->setVisible(limit > 0);
    limitLine_->point1->setCoords(limit, 0);
    limitLine_->point2->setCoords(limit, 1);
    xHi = std::max(xHi, limit);
    p->xAxis->setLabel(x_ == XAxis::Latency ? tr("estimated latency (ms)")
                       : x_ == XAxis::Sram  ? tr("peak SRAM, planner ours (kB)")
                                            : tr("Flash (kB)"));
    p->xAxis->setRange(0, xHi * 1.06 + (xHi > 0 ? 0 : 1));
    if (yHi < yLo) yLo = 0, yHi = 100;
    const double pad = std::max(1.0, (yHi - yLo) * 0.08);
    p->yAxis->setRange(std::max(0.0, yLo - pad), std::min(100.0, yHi + pad));
    setCaption(candidates_.empty()
                   ? tr("Start a search: each network it evaluates appears here with its accuracy and costs.")
                   : tr("%1 networks evaluated, %2 on the front; dashed: the limit. Accuracy of a dot: validation, "
                        "in the supernet after BatchNorm recalibration. Click a dot to open it in Design.")
                         .arg(candidates_.size())
                         .arg(front_.size()));
    p->replot();
}

QPointF FrontPlot::pixelOf(int i) const {
    const SearchCandidate& c = candidates_[std::size_t(i)];
    return {plot()->xAxis->coordToPixel(xOf(c)), plot()->yAxis->coordToPixel(100 * c.accuracy)};
}

int FrontPlot::candidateAt(const QPointF& pixel) const {
    double best = 8.0 * 8.0;
    int found = -1;
    for (int i = 0; i < int(candidates_.size()); ++i) {
        const QPointF q = pixelOf(i);
        const double d = (q.x() - pixel.x()) * (q.x() - pixel.x()) + (q.y() - pixel.y()) * (q.y() - pixel.y());
        if (d < best) {
            best = d;
            found = i;
        }
    }
    return found;
}

void FrontPlot::showTip(const QPointF& pixel, const QPoint& global) {
    const int i = candidateAt(pixel);
    if (i < 0) {
        QToolTip::hideText();
        return;
    }
    const SearchCandidate& c = candidates_[std::size_t(i)];
    QToolTip::showText(global,
                       tr("<b>%1</b><br>%2% validation accuracy (generation %3)<br>%4 MACs · %5 params · %6<br>"
                          "peak SRAM %7 · Flash %8<br><i>click to open in Design</i>")
                           .arg(QString::fromStdString(c.key).toHtmlEscaped())
                           .arg(100 * c.accuracy, 0, 'f', 2)
                           .arg(c.generation)
                           .arg(formatMacs(double(c.macs)), formatMacs(double(c.params)), formatMs(c.latencyMs),
                                formatBytes(c.peakSramBytes), formatBytes(c.flashBytes)),
                       plot());
}

// ---------------------------------------------------------------------------

GenerationPlot::GenerationPlot(QWidget* parent) : PlotPanel(tr("Best accuracy per generation"), parent) {
    QCustomPlot* p = plot();
    evolution_ = p->addGraph();
    evolution_->setPen(QPen(plot::accent(), 2));
    evolution_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 6));
    evolution_->setName(tr("evolution"));
    random_ = p->addGraph();
    random_->setLineStyle(QCPGraph::lsNone);
    random_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssTriangle, QPen(plot::categorical(3), 2), QBrush(Qt::NoBrush), 11));
    random_->setName(tr("random search (same budget)"));
    p->xAxis->setLabel(tr("generation"));
    p->yAxis->setLabel(tr("best validation accuracy (%)"));
    p->legend->setVisible(true);
    p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
    plot::applyStyle(p, palette());
    setCaption(tr("The most accurate network found so far, in the supernet on the validation images."));
    clear();
}

void GenerationPlot::clear() {
    evolution_->data()->clear();
    random_->data()->clear();
    generations_ = 1;
    low_ = 1;
    high_ = 0;
    plot()->xAxis->setRange(0, 1);
    plot()->yAxis->setRange(0, 100);
    plot()->replot();
}

void GenerationPlot::addGeneration(const FlowGeneration& g) {
    const double acc = 100 * g.bestAccuracy;
    if (g.step == "random") {
        random_->data()->clear();
        random_->addData(generations_, acc);  // drawn at the evolution's last generation: the same number of networks
    } else {
        generations_ = std::max(generations_, g.generations);
        evolution_->addData(g.generation, acc);
    }
    low_ = std::min(low_, acc);
    high_ = std::max(high_, acc);
    plot()->xAxis->setRange(-0.3, generations_ + 0.3);
    const double pad = std::max(0.5, (high_ - low_) * 0.15);
    plot()->yAxis->setRange(std::max(0.0, low_ - pad), std::min(100.0, high_ + pad));
    plot()->replot();
}

}  // namespace mcunet::ui
