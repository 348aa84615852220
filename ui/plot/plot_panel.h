#pragma once
// A chart as every view shows it: a title, a one-line caption, an Export
// button (PNG, SVG, PDF) and the QCustomPlot itself, whose context menu offers
// the same exports and "Fit to data". Follows the palette (light / dark).
#include <QString>
#include <QWidget>

class QCustomPlot;
class QLabel;
class QHBoxLayout;

namespace mcunet::ui::plot {

enum class ExportFormat { Png, Svg, Pdf };

// Writes the plot at width x height pixels (points for PDF / SVG). Returns false
// and sets `error` when the file cannot be written.
bool exportPlot(QCustomPlot* plot, const QString& filePath, ExportFormat format, int width, int height,
                QString* error = nullptr);
ExportFormat formatForSuffix(const QString& filePath);  // by suffix: .svg, .pdf, else PNG

class PlotPanel : public QWidget {
    Q_OBJECT
public:
    explicit PlotPanel(const QString& title, QWidget* parent = nullptr);
    QCustomPlot* plot() const { return plot_; }
    void setCaption(const QString& text);
    QString caption() const;
    // Extra controls (planner switch, axis choice) go in the header, right of the title.
    QHBoxLayout* headerControls() const { return controls_; }
    QString title() const { return title_; }
    // Asks for a file name and exports; used by the button and the context menu.
    void exportInteractively(ExportFormat format);

signals:
    void fitRequested();  // "Fit to data": owners rescale their own way
    void paletteChanged();  // the theme changed: owners recolour their items

protected:
    void changeEvent(QEvent* event) override;

private:
    void showContextMenu(const QPoint& pos);
    QString title_;
    QLabel* titleLabel_ = nullptr;
    QLabel* caption_ = nullptr;
    QHBoxLayout* controls_ = nullptr;
    QCustomPlot* plot_ = nullptr;
};

}  // namespace mcunet::ui::plot
