#pragma once
// Colours of the charts, taken from the application palette so plots follow
// the light / dark theme, and a categorical colour cycle.
#include <QColor>
#include <QPalette>

class QCustomPlot;

namespace mcunet::ui::plot {

bool isDark(const QPalette& palette);
// Backgrounds, axes, grid, ticks and legend in the palette's colours.
void applyStyle(QCustomPlot* plot, const QPalette& palette);
QColor categorical(int i);       // distinct, colour-blind-friendly hues (cycle of 8)
QColor sequential(double t);     // t in [0, 1]: light to dark blue-purple
QColor accent();                 // the highlighted series
QColor limitColor();             // constraint lines

}  // namespace mcunet::ui::plot
