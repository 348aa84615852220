#include "space/pareto_plot.h"

#include <algorithm>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolTip>

#include "common/format.h"
#include "plot/plot_style.h"
#include "plot/qcustomplot_include.h"

namespace mcunet::ui {

ParetoPlot::ParetoPlot(QWidget* parent) : PlotPanel(tr("Sampled networks of the selected space"), parent) {
    QCustomPlot* p = plot();
    p->plotLayout()->clear();
    for (int k = 0; k < 2; ++k) {
        rects_[k] = new QCPAxisRect(p);
        p->plotLayout()->addElement(0, k, rects_[k]);
        QCPAxis* x = rects_[k]->axis(QCPAxis::atBottom);
        QCPAxis* y = rects_[k]->axis(QCPAxis::atLeft);
        x->setLabel(k == 0 ? tr("peak SRAM, planner ours (kB)") : tr("Flash (kB)"));
        for (int w = 0; w < 3; ++w) {
            graphs_[k][w] = p->addGraph(x, y);
            graphs_[k][w]->setLineStyle(w == 2 ? QCPGraph::lsLine : QCPGraph::lsNone);
            graphs_[k][w]->setSelectable(QCP::stNone);
        }
        QColor fitColor = plot::categorical(0);
        fitColor.setAlphaF(0.85f);
        QColor overColor = palette().color(QPalette::WindowText);
        overColor.setAlphaF(0.25f);
        graphs_[k][0]->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, fitColor, 7));
        graphs_[k][0]->setName(tr("fits"));
        graphs_[k][1]->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, overColor, 5));
        graphs_[k][1]->setName(tr("over a limit"));
        graphs_[k][2]->setPen(QPen(plot::accent(), 1.6));
        graphs_[k][2]->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QPen(plot::accent()), plot::accent(), 8));
        graphs_[k][2]->setName(tr("front: most MACs for the memory"));
        limitLines_[k] = new QCPItemStraightLine(p);
        limitLines_[k]->setClipAxisRect(rects_[k]);
        limitLines_[k]->point1->setAxes(x, y);
        limitLines_[k]->point2->setAxes(x, y);
        limitLines_[k]->setPen(QPen(plot::limitColor(), 1.5, Qt::DashLine));
    }
    auto* legend = new QCPLegend;
    rects_[1]->insetLayout()->addElement(legend, Qt::AlignBottom | Qt::AlignRight);
    legend->setLayer(QStringLiteral("legend"));
    for (int w = 0; w < 3; ++w) legend->addItem(new QCPPlottableLegendItem(legend, graphs_[1][w]));
    p->legend = legend;
    plot::applyStyle(p, palette());
    p->setMouseTracking(true);
    connect(this, &PlotPanel::paletteChanged, this, [this] {
        QColor over = palette().color(QPalette::WindowText);
        over.setAlphaF(0.25f);
        for (auto& g : graphs_) g[1]->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, over, 5));
    });

    yChoice_ = new QComboBox;
    yChoice_->addItem(tr("MACs"));
    yChoice_->addItem(tr("latency (estimate)"));
    headerControls()->addWidget(new QLabel(tr("vertical axis:")));
    headerControls()->addWidget(yChoice_);
    connect(yChoice_, &QComboBox::currentIndexChanged, this,
            [this](int i) { setYAxis(i == 0 ? YAxis::Macs : YAxis::Latency); });
    connect(p, &QCustomPlot::mousePress, this, [this](QMouseEvent* e) {
        int panel = 0;
        const int i = pointAt(e->position(), &panel);
        if (i >= 0 && e->button() == Qt::LeftButton) emit networkClicked(samples_[static_cast<std::size_t>(i)].architecture);
    });
    connect(p, &QCustomPlot::mouseMove, this, [this](QMouseEvent* e) {
        int panel = 0;
        const int i = pointAt(e->position(), &panel);
        if (i < 0) {
            QToolTip::hideText();
            return;
        }
        const SampledNetwork& n = samples_[static_cast<std::size_t>(i)];
        QString blocks;
        for (std::size_t s = 0; s < n.architecture.stages.size(); ++s) {
            blocks += QStringLiteral("[");
            for (std::size_t b = 0; b < n.architecture.stages[s].blocks.size(); ++b)
                blocks += QStringLiteral("%1k%2e%3").arg(b ? QStringLiteral(" ") : QString())
                              .arg(n.architecture.stages[s].blocks[b].kernel)
                              .arg(n.architecture.stages[s].blocks[b].expand);
            blocks += QStringLiteral("] ");
        }
        QToolTip::showText(e->globalPosition().toPoint(),
                           tr("<b>%1</b> %2<br>%3 MACs · %4 params · %5<br>peak SRAM %6 · Flash %7<br>%8<br>"
                              "<i>click to open in Design</i>")
                               .arg(QString::fromStdString(n.architecture.name), n.fits ? tr("fits") : tr("over a limit"),
                                    formatMacs(double(n.macs)), formatMacs(double(n.params)), formatMs(n.latencyMs),
                                    formatBytes(n.peakSramBytes), formatBytes(n.flashBytes), blocks.trimmed()),
                           plot());
    });
    setCaption(tr("Each dot is a network sampled from the selected (R, W) space; dashed lines are the limits. "
                  "Highlighted: the non-dominated networks that fit (no other one has more MACs for less memory): "
                  "the candidates a search would keep. Click a dot to open it in Design."));
}

void ParetoPlot::clear() {
    samples_.clear();
    rebuild();
}

void ParetoPlot::setSamples(std::vector<SampledNetwork> samples, const space::Constraints& limits,
                            const QString& spaceName) {
    samples_ = std::move(samples);
    limits_ = limits;
    spaceName_ = spaceName;
    rebuild();
}

void ParetoPlot::setLimits(const space::Constraints& limits) {
    limits_ = limits;
    for (auto& s : samples_) s.fits = s.peakSramBytes <= limits.sramBytes && s.flashBytes <= limits.flashBytes;
    rebuild();
}

void ParetoPlot::setYAxis(YAxis y) {
    y_ = y;
    if (yChoice_->currentIndex() != (y == YAxis::Macs ? 0 : 1)) yChoice_->setCurrentIndex(y == YAxis::Macs ? 0 : 1);
    rebuild();
}

double ParetoPlot::yOf(const SampledNetwork& n) const {
    return y_ == YAxis::Macs ? double(n.macs) / 1e6 : n.latencyMs;
}

void ParetoPlot::rebuild() {
    std::vector<double> sram, flash, benefit;
    std::vector<int> fitting;
    for (int i = 0; i < static_cast<int>(samples_.size()); ++i) {
        const auto& n = samples_[static_cast<std::size_t>(i)];
        if (!n.fits) continue;
        fitting.push_back(i);
        sram.push_back(double(n.peakSramBytes));
        flash.push_back(double(n.flashBytes));
        benefit.push_back(double(n.macs));
    }
    sramFront_.clear();
    flashFront_.clear();
    for (int k : paretoFront(sram, benefit)) sramFront_.push_back(fitting[static_cast<std::size_t>(k)]);
    for (int k : paretoFront(flash, benefit)) flashFront_.push_back(fitting[static_cast<std::size_t>(k)]);

    for (int panel = 0; panel < 2; ++panel) {
        auto xOf = [panel](const SampledNetwork& n) {
            return double(panel == 0 ? n.peakSramBytes : n.flashBytes) / 1024.0;
        };
        std::vector<int> sets[3];
        for (int i = 0; i < static_cast<int>(samples_.size()); ++i)
            sets[samples_[static_cast<std::size_t>(i)].fits ? 0 : 1].push_back(i);
        sets[2] = panel == 0 ? sramFront_ : flashFront_;
        double xHi = double(panel == 0 ? limits_.sramBytes : limits_.flashBytes) / 1024.0, yHi = 0;
        for (int w = 0; w < 3; ++w) {
            std::vector<int>& idx = sets[w];
            std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) {
                return xOf(samples_[static_cast<std::size_t>(a)]) < xOf(samples_[static_cast<std::size_t>(b)]);
            });
            QVector<double> x, y;
            for (int i : idx) {
                const auto& n = samples_[static_cast<std::size_t>(i)];
                x.push_back(xOf(n));
                y.push_back(yOf(n));
                xHi = std::max(xHi, xOf(n));
                yHi = std::max(yHi, yOf(n));
            }
            graphs_[panel][w]->setData(x, y, true);
            order_[panel][w] = idx;
        }
        QCPAxis* xa = rects_[panel]->axis(QCPAxis::atBottom);
        QCPAxis* ya = rects_[panel]->axis(QCPAxis::atLeft);
        ya->setLabel(y_ == YAxis::Macs ? tr("MACs (millions)") : tr("estimated latency (ms)"));
        xa->setRange(0, xHi * 1.05 + 1);
        ya->setRange(0, yHi * 1.08 + (yHi > 0 ? 0 : 1));
        const double limit = double(panel == 0 ? limits_.sramBytes : limits_.flashBytes) / 1024.0;
        limitLines_[panel]->point1->setCoords(limit, 0);
        limitLines_[panel]->point2->setCoords(limit, 1);
    }
    const int fitCount = static_cast<int>(fitting.size());
    setCaption(samples_.empty()
                   ? tr("Run the search-space optimizer to sample networks of the chosen space.")
                   : tr("%1: %2 sampled networks, %3 fit the limits (dashed). Highlighted: the non-dominated ones that "
                        "fit (no other has more MACs for less memory), the candidates a search keeps; MACs stand in "
                        "for accuracy until Search trains a supernet. Click a dot to open it in Design.")
                         .arg(spaceName_)
                         .arg(samples_.size())
                         .arg(fitCount));
    plot()->replot();
}

int ParetoPlot::pointAt(const QPointF& pixel, int* panel) const {
    double best = 8.0 * 8.0;
    int found = -1;
    for (int k = 0; k < 2; ++k) {
        if (!rects_[k]->rect().contains(pixel.toPoint())) continue;
        for (int w = 2; w >= 0; --w) {
            const QCPGraph* g = graphs_[k][w];
            int j = 0;
            for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it, ++j) {
                const double px = g->keyAxis()->coordToPixel(it->key), py = g->valueAxis()->coordToPixel(it->value);
                const double d = (px - pixel.x()) * (px - pixel.x()) + (py - pixel.y()) * (py - pixel.y());
                if (d < best) {
                    best = d;
                    found = order_[k][w][static_cast<std::size_t>(j)];
                    *panel = k;
                }
            }
        }
    }
    return found;
}

}  // namespace mcunet::ui
