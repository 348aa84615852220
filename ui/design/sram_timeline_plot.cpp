#include "design/sram_timeline_plot.h"

#include <algorithm>

#include <QButtonGroup>
#include <QHBoxLayout>
#include <QLabel>
#include <QRadioButton>
#include <QToolTip>

#include "common/format.h"
#include "plot/plot_style.h"
#include "plot/qcustomplot_include.h"

namespace mcunet::ui {

namespace {
const char* roleLabel(int role) {
    switch (static_cast<memory::LiveRole>(role)) {
        case memory::LiveRole::Input: return "layer input";
        case memory::LiveRole::Output: return "layer output (beyond in-place)";
        case memory::LiveRole::Live: return "other live tensors (residuals)";
        case memory::LiveRole::Scratch: return "kernel scratch";
        case memory::LiveRole::Persistent: return "persistent";
    }
    return "";
}
QColor roleColor(int role) {
    switch (static_cast<memory::LiveRole>(role)) {
        case memory::LiveRole::Input: return plot::categorical(0);
        case memory::LiveRole::Output: return plot::categorical(4);
        case memory::LiveRole::Live: return plot::categorical(1);
        case memory::LiveRole::Scratch: return plot::categorical(3);
        case memory::LiveRole::Persistent: return plot::categorical(7);
    }
    return {};
}
// Stack order (bottom to top) and the priority in which overlapping bytes are counted.
constexpr memory::LiveRole kOrder[] = {memory::LiveRole::Live, memory::LiveRole::Input, memory::LiveRole::Output,
                                       memory::LiveRole::Scratch, memory::LiveRole::Persistent};
}  // namespace

SramTimelinePlot::SramTimelinePlot(QWidget* parent) : PlotPanel(tr("SRAM per layer: what the arena holds"), parent) {
    QCustomPlot* p = plot();
    p->xAxis->setLabel(tr("layer (execution order)"));
    p->yAxis->setLabel(tr("live bytes (kB)"));
    p->xAxis->grid()->setVisible(false);
    QCPBars* below = nullptr;
    for (memory::LiveRole role : kOrder) {
        const int r = static_cast<int>(role);
        auto* b = new QCPBars(p->xAxis, p->yAxis);
        b->setName(QString::fromLatin1(roleLabel(r)));
        QColor fill = roleColor(r);
        b->setBrush(fill);
        b->setPen(Qt::NoPen);
        b->setWidth(0.78);
        b->setSelectable(QCP::stNone);
        if (below) b->moveAbove(below);
        below = b;
        bars_[r] = b;
    }
    limitLine_ = new QCPItemStraightLine(p);
    limitLine_->setPen(QPen(plot::limitColor(), 1.8));
    arenaLine_ = new QCPItemStraightLine(p);
    arenaLine_->setPen(QPen(palette().color(QPalette::WindowText), 1.2, Qt::DashLine));
    limitLabel_ = new QCPItemText(p);
    arenaLabel_ = new QCPItemText(p);
    for (QCPItemText* t : {limitLabel_, arenaLabel_}) {
        t->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
        t->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
        t->setPadding(QMargins(2, 0, 4, 2));
    }
    limitLabel_->setColor(plot::limitColor());
    peakLabel_ = new QCPItemText(p);
    peakLabel_->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    peakLabel_->setPadding(QMargins(4, 0, 4, 2));
    QFont bold = font();
    bold.setBold(true);
    peakLabel_->setFont(bold);
    peakArrow_ = new QCPItemLine(p);
    peakArrow_->setHead(QCPLineEnding::esSpikeArrow);
    p->legend->setVisible(true);
    QFont lf = font();
    lf.setPointSizeF(font().pointSizeF() * 0.88);
    p->legend->setFont(lf);
    p->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    p->legend->setWrap(5);
    // Top right: MCU networks peak in their first layers, where a legend on
    // the left hid the bars and the peak's label.
    p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    p->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    p->axisRect()->setRangeZoom(Qt::Horizontal);
    p->axisRect()->setRangeDrag(Qt::Horizontal);
    p->setMouseTracking(true);
    connect(p, &QCustomPlot::mouseMove, this, &SramTimelinePlot::onHover);
    connect(this, &PlotPanel::fitRequested, this, &SramTimelinePlot::rebuild);
    connect(this, &PlotPanel::paletteChanged, this, &SramTimelinePlot::rebuild);

    auto* group = new QButtonGroup(this);
    headerControls()->addWidget(new QLabel(tr("planner:")));
    for (memory::Planner pl : memory::allPlanners()) {
        auto* b = new QRadioButton(QString::fromLatin1(memory::plannerName(pl)));
        b->setObjectName(QStringLiteral("planner-%1").arg(QString::fromLatin1(memory::plannerName(pl))));
        planners_[pl] = b;
        group->addButton(b, static_cast<int>(pl));
        headerControls()->addWidget(b);
    }
    connect(group, &QButtonGroup::idClicked, this,
            [this](int id) { emit plannerRequested(static_cast<memory::Planner>(id)); });
}

memory::Planner SramTimelinePlot::shownPlanner() const {
    return analysis_ ? analysis_->selectedPlanner : memory::Planner::Ours;
}

void SramTimelinePlot::setAnalysis(std::shared_ptr<const DesignAnalysis> analysis) {
    analysis_ = std::move(analysis);
    rebuild();
}

void SramTimelinePlot::rebuild() {
    if (!analysis_) return;
    const DesignAnalysis& d = *analysis_;
    const memory::Plan& plan = d.selectedPlan();
    const int n = d.graph.opCount();
    for (memory::Planner pl : memory::allPlanners()) {
        QRadioButton* b = planners_.at(pl);
        const QSignalBlocker block(b);
        b->setChecked(pl == d.selectedPlanner);
        b->setText(QStringLiteral("%1 %2").arg(QString::fromLatin1(memory::plannerName(pl)),
                                                formatKiB(d.plan(pl).arenaBytes)));
    }
    QVector<double> keys(n);
    QVector<double> values[kRoles];
    for (auto& v : values) v.fill(0.0, n);
    std::vector<std::pair<std::int64_t, std::int64_t>> covered;
    double peakValue = 0;
    int peakLayer = 0;
    for (int i = 0; i < n; ++i) {
        keys[i] = i;
        const memory::LayerMemory& lm = plan.timeline[static_cast<std::size_t>(i)];
        covered.clear();
        // Count each byte once, in stack order: an output written in place over
        // its input only adds what it needs beyond the input.
        for (memory::LiveRole role : kOrder) {
            std::int64_t added = 0;
            for (const memory::LiveBuffer& lb : lm.live) {
                if (lb.role != role) continue;
                const memory::Placement& pl = plan.placements[static_cast<std::size_t>(lb.placement)];
                std::int64_t lo = pl.offset, hi = pl.offset + pl.bytes;
                std::int64_t overlap = 0;
                for (const auto& [a, b] : covered) overlap += std::max<std::int64_t>(0, std::min(hi, b) - std::max(lo, a));
                added += std::max<std::int64_t>(0, pl.bytes - overlap);
                covered.emplace_back(lo, hi);
                std::sort(covered.begin(), covered.end());
                // merge
                std::vector<std::pair<std::int64_t, std::int64_t>> merged;
                for (const auto& r : covered) {
                    if (!merged.empty() && r.first <= merged.back().second)
                        merged.back().second = std::max(merged.back().second, r.second);
                    else
                        merged.push_back(r);
                }
                covered.swap(merged);
            }
            values[static_cast<int>(role)][i] = double(added) / 1024.0;
        }
        const double total = double(lm.usedBytes) / 1024.0;
        if (total > peakValue) {
            peakValue = total;
            peakLayer = i;
        }
    }
    for (int r = 0; r < kRoles; ++r) bars_[r]->setData(keys, values[r], true);
    // Hide empty roles from the legend.
    for (int r = 0; r < kRoles; ++r) {
        const bool any = std::any_of(values[r].begin(), values[r].end(), [](double v) { return v > 0; });
        if (any) bars_[r]->addToLegend();
        else bars_[r]->removeFromLegend();
    }
    const double limit = double(d.limits.sramBytes) / 1024.0, arena = double(plan.arenaBytes) / 1024.0;
    limitLine_->point1->setCoords(0, limit);
    limitLine_->point2->setCoords(1, limit);
    arenaLine_->point1->setCoords(0, arena);
    arenaLine_->point2->setCoords(1, arena);
    arenaLabel_->position->setCoords(0.995, arena);
    arenaLabel_->setText(tr("arena (%1) %2").arg(QString::fromLatin1(memory::plannerName(plan.planner)),
                                                 formatKiB(plan.arenaBytes)));
    arenaLabel_->setColor(palette().color(QPalette::WindowText));
    arenaLine_->setPen(QPen(palette().color(QPalette::WindowText), 1.2, Qt::DashLine));
    // Stage boundaries as ticks.
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    int lastStage = -2;
    for (int i = 0; i < n; ++i) {
        const graph::Op& op = d.graph.op(i);
        const int stage = op.stage;
        if (i == 0) ticker->addTick(0, tr("stem"));
        else if (stage >= 0 && stage != lastStage) ticker->addTick(i, tr("s%1").arg(stage + 1));
        else if (stage < 0 && lastStage >= 0) ticker->addTick(i, tr("head"));
        lastStage = stage;
    }
    plot()->xAxis->setTicker(ticker);
    plot()->xAxis->setRange(-0.8, n - 0.2);
    // The axis follows the data: a limit far above it (a 10 kB network on a
    // 320 kB board) would flatten every bar, so it is then named at the top
    // edge instead of drawn to scale.
    const double highest = std::max(arena, peakValue);
    const bool limitOnScale = limit <= 3.0 * highest;
    const double top = (limitOnScale ? std::max(limit, highest) : highest) * 1.5;  // room for the legend above
    plot()->yAxis->setRange(0, top);
    limitLabel_->position->setCoords(0.995, limit);
    limitLabel_->setText(limitOnScale ? tr("SRAM limit %1").arg(formatKiB(d.limits.sramBytes))
                                      : tr("SRAM limit %1, above the chart").arg(formatKiB(d.limits.sramBytes)));
    limitLabel_->setVisible(limitOnScale);  // else the caption names it
    const double yTip = peakValue;
    peakArrow_->start->setCoords(peakLayer + std::max(1.5, n * 0.04), yTip + top * 0.07);
    peakArrow_->end->setCoords(peakLayer + 0.4, yTip);
    peakArrow_->setPen(QPen(palette().color(QPalette::WindowText), 1.2));
    peakLabel_->position->setCoords(peakLayer + std::max(1.5, n * 0.04), yTip + top * 0.07);
    peakLabel_->setText(tr("peak %1 at %2").arg(formatBytes(plan.timeline[static_cast<std::size_t>(peakLayer)].usedBytes),
                                                QString::fromStdString(d.graph.op(peakLayer).name)));
    peakLabel_->setColor(palette().color(QPalette::WindowText));
    QStringList arenas;
    for (memory::Planner pl : memory::allPlanners())
        arenas << QStringLiteral("%1 %2").arg(QString::fromLatin1(memory::plannerName(pl)), formatKiB(d.plan(pl).arenaBytes));
    setCaption(tr("Planner %1: arena %2 (lower bound %3). %4: switch planners to see where the whole-network schedule "
                  "saves memory.%5")
                   .arg(QString::fromLatin1(memory::plannerName(plan.planner)), withCommas(plan.arenaBytes) + QStringLiteral(" B"),
                        withCommas(plan.lowerBound) + QStringLiteral(" B"), arenas.join(QStringLiteral(" · ")),
                        limitOnScale ? QString()
                                     : tr(" The SRAM limit, %1, is above the chart (the axis follows the network).")
                                           .arg(formatKiB(d.limits.sramBytes))));
    plot()->replot(QCustomPlot::rpQueuedReplot);
}

void SramTimelinePlot::onHover(QMouseEvent* event) {
    if (!analysis_ || !plot()->axisRect()->rect().contains(event->position().toPoint())) {
        QToolTip::hideText();
        return;
    }
    const DesignAnalysis& d = *analysis_;
    const int i = int(std::lround(plot()->xAxis->pixelToCoord(event->position().x())));
    if (i < 0 || i >= d.graph.opCount()) {
        QToolTip::hideText();
        return;
    }
    const memory::Plan& plan = d.selectedPlan();
    const memory::LayerMemory& lm = plan.timeline[static_cast<std::size_t>(i)];
    const graph::Op& op = d.graph.op(i);
    QString rows;
    for (const memory::LiveBuffer& lb : lm.live) {
        const memory::Placement& pl = plan.placements[static_cast<std::size_t>(lb.placement)];
        QString alias;
        if (pl.aliasOf >= 0) alias = tr(" (in place of %1)").arg(QString::fromStdString(d.graph.tensor(pl.aliasOf).name));
        rows += QStringLiteral("<tr><td>%1</td><td>%2</td><td align=right>%3</td><td align=right>@%4</td></tr>")
                    .arg(QString::fromStdString(pl.name) + alias, QString::fromLatin1(memory::liveRoleName(lb.role)),
                         withCommas(pl.bytes), withCommas(pl.offset));
    }
    QToolTip::showText(event->globalPosition().toPoint(),
                       tr("<b>%1. %2</b> (%3)<br>uses %4 · arena high water %5<table cellspacing=4>%6</table>")
                           .arg(i)
                           .arg(QString::fromStdString(op.name), QString::fromLatin1(graph::opKindName(op.kind)),
                                withCommas(lm.usedBytes) + QStringLiteral(" B"), withCommas(lm.highWater) + QStringLiteral(" B"), rows),
                       plot());
}

}  // namespace mcunet::ui
