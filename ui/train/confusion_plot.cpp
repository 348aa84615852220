#include "train/confusion_plot.h"

#include <algorithm>
#include <cmath>

#include <QToolTip>

#include "plot/plot_style.h"
#include "plot/qcustomplot_include.h"

namespace mcunet::ui {

ConfusionPlot::ConfusionPlot(QWidget* parent) : PlotPanel(tr("Confusion matrix (int8, test set)"), parent) {
    QCustomPlot* p = plot();
    p->xAxis->setLabel(tr("predicted class"));
    p->yAxis->setLabel(tr("true class"));
    p->yAxis->setRangeReversed(true);  // class 0 at the top, as tables read
    p->xAxis->grid()->setVisible(false);
    p->yAxis->grid()->setVisible(false);
    map_ = new QCPColorMap(p->xAxis, p->yAxis);
    map_->setInterpolate(false);
    map_->setTightBoundary(false);
    map_->setDataRange(QCPRange(0, 1));
    p->setMouseTracking(true);
    connect(p, &QCustomPlot::mouseMove, this, &ConfusionPlot::onHover);
    connect(this, &PlotPanel::paletteChanged, this, &ConfusionPlot::rebuild);
    connect(this, &PlotPanel::fitRequested, this, &ConfusionPlot::rebuild);
    rebuild();
}

void ConfusionPlot::setMatrix(const std::vector<std::vector<int>>& counts, const std::vector<std::string>& classes,
                              const QString& engine) {
    counts_ = counts;
    classes_ = classes;
    engine_ = engine;
    rebuild();
}

void ConfusionPlot::clear() { setMatrix({}, {}, {}); }

QString ConfusionPlot::className(int i) const {
    return i < static_cast<int>(classes_.size()) ? QString::fromStdString(classes_[static_cast<std::size_t>(i)])
                                                 : QString::number(i);
}

void ConfusionPlot::rebuild() {
    QCustomPlot* p = plot();
    recolour();
    for (QCPItemText* t : labels_) p->removeItem(t);
    labels_.clear();
    const int n = classCount();
    map_->data()->setSize(std::max(n, 1), std::max(n, 1));
    map_->data()->setRange(QCPRange(0, std::max(n - 1, 1)), QCPRange(0, std::max(n - 1, 1)));
    map_->data()->fill(0);
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * (n > 8 ? 0.78 : 0.9));
    long long total = 0, correct = 0;
    for (int r = 0; r < n; ++r) {
        const auto& row = counts_[static_cast<std::size_t>(r)];
        long long rowTotal = 0;
        for (int v : row) rowTotal += v;
        total += rowTotal;
        for (int c = 0; c < n && c < static_cast<int>(row.size()); ++c) {
            const int v = row[static_cast<std::size_t>(c)];
            if (r == c) correct += v;
            const double share = rowTotal > 0 ? double(v) / double(rowTotal) : 0.0;
            map_->data()->setCell(c, r, share);
            auto* t = new QCPItemText(p);
            t->position->setCoords(c, r);
            t->setFont(small);
            t->setText(QString::number(v));
            t->setColor(share > 0.45 ? QColor(Qt::white) : palette().color(QPalette::WindowText));
            t->setClipToAxisRect(true);
            labels_.push_back(t);
        }
    }
    auto rows = QSharedPointer<QCPAxisTickerText>::create();
    auto cols = QSharedPointer<QCPAxisTickerText>::create();
    for (int i = 0; i < n; ++i) {
        QString name = className(i);
        if (name.size() > 14) name = name.left(13) + QStringLiteral("…");
        rows->addTick(i, QStringLiteral("%1 %2").arg(name).arg(i));
        cols->addTick(i, QString::number(i));
    }
    p->yAxis->setTicker(rows);
    p->xAxis->setTicker(cols);
    p->xAxis->setRange(-0.5, std::max(n, 1) - 0.5);
    p->yAxis->setRange(-0.5, std::max(n, 1) - 0.5);
    if (n == 0)
        setCaption(tr("Appears when a training run ends: how the int8 model the board runs classifies each test "
                      "class."));
    else
        setCaption(tr("%1 on %2 test images: %3 % correct (the diagonal). Rows: true class; columns: predicted; "
                      "colour: share of the row.")
                       .arg(engine_)
                       .arg(total)
                       .arg(total ? 100.0 * double(correct) / double(total) : 0.0, 0, 'f', 1));
    p->replot(QCustomPlot::rpQueuedReplot);
}

void ConfusionPlot::recolour() {
    // Empty cells in the background colour, so the mistakes that happen stand out.
    QCPColorGradient gradient;
    gradient.clearColorStops();
    gradient.setColorStopAt(0, palette().color(QPalette::Base));
    for (int k = 1; k <= 8; ++k) gradient.setColorStopAt(k / 8.0, plot::sequential(k / 8.0));
    map_->setGradient(gradient);
}

void ConfusionPlot::onHover(QMouseEvent* event) {
    const int n = classCount();
    if (n == 0 || !plot()->axisRect()->rect().contains(event->position().toPoint())) {
        QToolTip::hideText();
        return;
    }
    const int c = int(std::lround(plot()->xAxis->pixelToCoord(event->position().x())));
    const int r = int(std::lround(plot()->yAxis->pixelToCoord(event->position().y())));
    if (r < 0 || r >= n || c < 0 || c >= n) {
        QToolTip::hideText();
        return;
    }
    const auto& row = counts_[static_cast<std::size_t>(r)];
    long long rowTotal = 0;
    for (int v : row) rowTotal += v;
    const int v = c < static_cast<int>(row.size()) ? row[static_cast<std::size_t>(c)] : 0;
    QToolTip::showText(event->globalPosition().toPoint(),
                       tr("true <b>%1</b>, predicted <b>%2</b>: %3 of %4 (%5 %)")
                           .arg(className(r), className(c))
                           .arg(v)
                           .arg(rowTotal)
                           .arg(rowTotal ? 100.0 * v / double(rowTotal) : 0.0, 0, 'f', 1),
                       plot());
}

}  // namespace mcunet::ui
