#include "plot/plot_style.h"

#include <algorithm>
#include <array>

#include "plot/qcustomplot_include.h"

namespace mcunet::ui::plot {

bool isDark(const QPalette& palette) { return palette.color(QPalette::Window).lightness() < 128; }

void applyStyle(QCustomPlot* plot, const QPalette& palette) {
    const bool dark = isDark(palette);
    const QColor base = palette.color(QPalette::Base);
    const QColor text = palette.color(QPalette::WindowText);
    QColor grid = text;
    grid.setAlpha(dark ? 40 : 30);
    QColor subGrid = text;
    subGrid.setAlpha(dark ? 18 : 12);
    plot->setBackground(base);
    for (QCPAxisRect* rect : plot->axisRects()) {
        rect->setBackground(base);
        for (QCPAxis* axis : rect->axes()) {
            QPen axisPen(text);
            axisPen.setWidthF(1.0);
            axis->setBasePen(axisPen);
            axis->setTickPen(axisPen);
            axis->setSubTickPen(axisPen);
            axis->setTickLabelColor(text);
            axis->setLabelColor(text);
            axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
            axis->grid()->setSubGridPen(QPen(subGrid, 1, Qt::DotLine));
            axis->grid()->setZeroLinePen(Qt::NoPen);
        }
    }
    plot->legend->setBrush(base);
    plot->legend->setBorderPen(QPen(grid));
    plot->legend->setTextColor(text);
    plot->legend->setSelectedTextColor(text);
}

QColor categorical(int i) {
    // Okabe-Ito inspired, tuned to read on white and on dark grey.
    static const std::array<QColor, 8> colors = {QColor(0x1f, 0x77, 0xb4), QColor(0xe6, 0x9f, 0x00),
                                                 QColor(0x00, 0x9e, 0x73), QColor(0xcc, 0x79, 0xa7),
                                                 QColor(0x56, 0xb4, 0xe9), QColor(0xd5, 0x5e, 0x00),
                                                 QColor(0x8c, 0x6d, 0x31), QColor(0x7f, 0x7f, 0x7f)};
    return colors[static_cast<std::size_t>(((i % 8) + 8) % 8)];
}

QColor sequential(double t) {
    t = std::clamp(t, 0.0, 1.0);
    // From a pale teal to a deep indigo (perceptually ordered, readable on both themes).
    const QColor a(0x9a, 0xd8, 0xc8), b(0x2c, 0x7f, 0xb8), c(0x3b, 0x1f, 0x7a);
    auto mix = [](const QColor& x, const QColor& y, double u) {
        return QColor::fromRgbF(float(x.redF() + (y.redF() - x.redF()) * u),
                                float(x.greenF() + (y.greenF() - x.greenF()) * u),
                                float(x.blueF() + (y.blueF() - x.blueF()) * u));
    };
    return t < 0.5 ? mix(a, b, t * 2) : mix(b, c, (t - 0.5) * 2);
}

QColor accent() { return QColor(0xe0, 0x3a, 0x3e); }
QColor limitColor() { return QColor(0xd1, 0x35, 0x35); }

}  // namespace mcunet::ui::plot
