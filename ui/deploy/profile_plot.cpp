#include "deploy/profile_plot.h"

#include <algorithm>
#include <cmath>

#include <QToolTip>

#include "common/format.h"
#include "plot/plot_style.h"
#include "plot/qcustomplot_include.h"

namespace mcunet::ui {

ProfilePlot::ProfilePlot(QWidget* parent) : PlotPanel(tr("On-device profile per layer"), parent) {
    QCustomPlot* p = plot();
    p->xAxis->setLabel(tr("layer (execution order)"));
    p->xAxis->grid()->setVisible(false);
    group_ = new QCPBarsGroup(p);
    group_->setSpacingType(QCPBarsGroup::stAbsolute);
    group_->setSpacing(0);
    measured_ = new QCPBars(p->xAxis, p->yAxis);
    estimated_ = new QCPBars(p->xAxis, p->yAxis);
    for (QCPBars* b : {measured_, estimated_}) {
        b->setWidth(0.42);
        b->setPen(Qt::NoPen);
        b->setSelectable(QCP::stNone);
        b->setBarsGroup(group_);
    }
    p->legend->setVisible(true);
    p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    connect(this, &PlotPanel::fitRequested, this, &ProfilePlot::rebuild);
    connect(this, &PlotPanel::paletteChanged, this, &ProfilePlot::rebuild);
    connect(p, &QCustomPlot::mouseMove, this, &ProfilePlot::onHover);
    rebuild();
}

QString ProfilePlot::unit() const {
    return !profile_ || profile_->instructions ? QStringLiteral("instructions") : QStringLiteral("cycles");
}

void ProfilePlot::setProfile(std::shared_ptr<const board::Profile> profile) {
    profile_ = std::move(profile);
    rebuild();
}

void ProfilePlot::rebuild() {
    QCustomPlot* p = plot();
    const QString u = unit();
    measured_->setName(u == QLatin1String("instructions") ? tr("measured: executed instructions (QEMU)")
                                                         : tr("measured: cycles"));
    estimated_->setName(tr("estimate (cost model, same unit)"));
    measured_->setBrush(plot::categorical(0));
    estimated_->setBrush(plot::categorical(1));
    QVector<double> x, measured, estimated;
    double top = 0;
    if (profile_) {
        for (const auto& l : profile_->layers) top = std::max({top, double(l.count), l.estimate});
        scale_ = top >= 2e6 ? 1e6 : 1e3;
        for (std::size_t i = 0; i < profile_->layers.size(); ++i) {
            const auto& l = profile_->layers[i];
            x.push_back(double(i));
            measured.push_back(double(l.count) / scale_);
            estimated.push_back(l.estimate / scale_);
        }
    }
    measured_->setData(x, measured, true);
    estimated_->setData(x, estimated, true);
    p->yAxis->setLabel(tr("%1 (%2)").arg(u, scale_ >= 1e6 ? tr("millions") : tr("thousands")));
    const int n = profile_ ? int(profile_->layers.size()) : 0;
    p->xAxis->setRange(-1, std::max(n, 1));
    p->yAxis->setRange(0, top > 0 ? top / scale_ * 1.12 : 1);
    if (profile_) {
        const auto& pr = *profile_;
        setCaption(tr("%1 on %2: %3 %4 in all for %5 MACs (%6 MACs per %7); the estimate says %8. Minimum of %9 run(s).")
                       .arg(QString::fromStdString(pr.model), QString::fromStdString(pr.board),
                            withCommas(static_cast<std::int64_t>(pr.total)), u, withCommas(pr.macs))
                       .arg(pr.total ? double(pr.macs) / double(pr.total) : 0.0, 0, 'f', 3)
                       .arg(pr.instructions ? tr("instruction") : tr("cycle"))
                       .arg(withCommas(static_cast<std::int64_t>(pr.estimateTotal)))
                       .arg(pr.runs));
    } else {
        setCaption(tr("Profile the model on the virtual board to see its per-layer %1 here.").arg(u));
    }
    p->replot(QCustomPlot::rpQueuedReplot);
}

void ProfilePlot::onHover(QMouseEvent* event) {
    if (!profile_ || !plot()->axisRect()->rect().contains(event->position().toPoint())) {
        QToolTip::hideText();
        return;
    }
    const long i = std::lround(plot()->xAxis->pixelToCoord(event->position().x()));
    if (i < 0 || i >= long(profile_->layers.size())) {
        QToolTip::hideText();
        return;
    }
    const auto& l = profile_->layers[static_cast<std::size_t>(i)];
    QToolTip::showText(event->globalPosition().toPoint(),
                       tr("<b>%1. %2</b> (%3)<br>%4 MACs<br>measured %5 %6 (%7 %)<br>estimate %8")
                           .arg(i)
                           .arg(QString::fromStdString(l.layer.name), QString::fromStdString(l.layer.op),
                                withCommas(l.layer.macs), withCommas(static_cast<std::int64_t>(l.count)), unit())
                           .arg(100.0 * l.share, 0, 'f', 1)
                           .arg(withCommas(static_cast<std::int64_t>(l.estimate))),
                       plot());
}

}  // namespace mcunet::ui
