#include "design/metric_gauge.h"

#include <algorithm>

#include <QPainter>
#include <QPainterPath>

#include "plot/plot_style.h"

namespace mcunet::ui {

MetricGauge::MetricGauge(const QString& name, QWidget* parent) : QWidget(parent), name_(name) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void MetricGauge::setFigure(double value, const QString& valueText, double limit, const QString& limitText) {
    value_ = value;
    valueText_ = valueText;
    limit_ = limit;
    limitText_ = limitText;
    level_ = levelOf(value, limit);
    const QString tip = limit > 0 ? QStringLiteral("%1: %2 of %3 (%4 %, %5)")
                                        .arg(name_, valueText, limitText)
                                        .arg(100.0 * value / limit, 0, 'f', 1)
                                        .arg(levelWord(level_))
                                  : QStringLiteral("%1: %2").arg(name_, valueText);
    setToolTip(tip);
    update();
}

void MetricGauge::setNote(const QString& note) {
    note_ = note;
    update();
}

QSize MetricGauge::sizeHint() const {
    const QFontMetrics fm(font());
    return {200, fm.height() * 3 + 22};
}

QSize MetricGauge::minimumSizeHint() const {
    const QFontMetrics fm(font());
    return {120, fm.height() * 3 + 22};
}

void MetricGauge::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const bool dark = plot::isDark(palette());
    const QRectF r = QRectF(rect()).adjusted(1, 1, -1, -1);
    QColor card = palette().color(QPalette::Base);
    p.setPen(QPen(palette().color(QPalette::Mid), 1));
    p.setBrush(card);
    p.drawRoundedRect(r, 6, 6);

    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.9);
    QFont big = font();
    big.setPointSizeF(font().pointSizeF() * 1.35);
    big.setBold(true);
    const QFontMetrics fs(small), fb(big);
    const double pad = 10;
    QColor muted = palette().color(QPalette::WindowText);
    muted.setAlphaF(0.65f);

    p.setFont(small);
    p.setPen(muted);
    p.drawText(QPointF(r.left() + pad, r.top() + pad + fs.ascent()), name_.toUpper());

    const QColor levelCol = levelColor(level_, dark);
    p.setFont(big);
    p.setPen(limit_ > 0 && level_ == Level::Over ? levelCol : palette().color(QPalette::WindowText));
    const double valueBase = r.top() + pad + fs.height() + 2 + fb.ascent();
    p.drawText(QPointF(r.left() + pad, valueBase), valueText_);

    p.setFont(small);
    p.setPen(muted);
    const QString right = limit_ > 0 ? QStringLiteral("of %1").arg(limitText_) : note_;
    const double rightX = r.left() + pad + fb.horizontalAdvance(valueText_) + 8;
    p.drawText(QPointF(rightX, valueBase), fs.elidedText(right, Qt::ElideRight, int(r.right() - pad - rightX)));

    if (limit_ > 0) {
        const QRectF bar(r.left() + pad, r.bottom() - pad - 6, r.width() - 2 * pad, 6);
        QColor track = palette().color(QPalette::WindowText);
        track.setAlphaF(0.12f);
        p.setPen(Qt::NoPen);
        p.setBrush(track);
        p.drawRoundedRect(bar, 3, 3);
        const double frac = std::clamp(value_ / limit_, 0.0, 1.0);
        p.setBrush(levelCol);
        p.drawRoundedRect(QRectF(bar.left(), bar.top(), bar.width() * frac, bar.height()), 3, 3);
        // Percent on the right, above the bar.
        p.setPen(levelCol);
        const QString pct = QStringLiteral("%1 %").arg(100.0 * value_ / limit_, 0, 'f', 0);
        p.drawText(QPointF(r.right() - pad - fs.horizontalAdvance(pct), r.top() + pad + fs.ascent()), pct);
    }
}

}  // namespace mcunet::ui
