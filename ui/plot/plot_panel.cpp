#include "plot/plot_panel.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QRegularExpression>
#include <QSvgGenerator>
#include <QToolButton>
#include <QVBoxLayout>

#include "plot/plot_style.h"
#include "plot/qcustomplot_include.h"

namespace mcunet::ui::plot {

ExportFormat formatForSuffix(const QString& filePath) {
    const QString suffix = QFileInfo(filePath).suffix().toLower();
    if (suffix == QLatin1String("svg")) return ExportFormat::Svg;
    if (suffix == QLatin1String("pdf")) return ExportFormat::Pdf;
    return ExportFormat::Png;
}

bool exportPlot(QCustomPlot* plot, const QString& filePath, ExportFormat format, int width, int height,
                QString* error) {
    bool ok = false;
    switch (format) {
        case ExportFormat::Png: ok = plot->savePng(filePath, width, height, 2.0); break;
        case ExportFormat::Pdf: ok = plot->savePdf(filePath, width, height, QCP::epNoCosmetic, QStringLiteral("MCUNet Studio")); break;
        case ExportFormat::Svg: {
            QSvgGenerator generator;
            generator.setFileName(filePath);
            generator.setSize(QSize(width, height));
            generator.setViewBox(QRect(0, 0, width, height));
            generator.setTitle(QStringLiteral("MCUNet Studio chart"));
            QCPPainter painter;
            ok = painter.begin(&generator);
            if (ok) {
                plot->toPainter(&painter, width, height);
                ok = painter.end();
            }
            ok = ok && QFileInfo(filePath).size() > 0;
            break;
        }
    }
    if (!ok && error) *error = QStringLiteral("cannot write %1").arg(QDir::toNativeSeparators(filePath));
    return ok;
}

PlotPanel::PlotPanel(const QString& title, QWidget* parent) : QWidget(parent), title_(title) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    auto* header = new QHBoxLayout;
    header->setContentsMargins(4, 0, 0, 0);
    titleLabel_ = new QLabel(QStringLiteral("<b>%1</b>").arg(title.toHtmlEscaped()));
    header->addWidget(titleLabel_);
    header->addStretch(1);
    controls_ = new QHBoxLayout;
    controls_->setSpacing(6);
    header->addLayout(controls_);
    auto* exportButton = new QToolButton;
    exportButton->setText(tr("Export"));
    exportButton->setToolTip(tr("Export this chart as PNG, SVG or PDF"));
    exportButton->setPopupMode(QToolButton::InstantPopup);
    exportButton->setAutoRaise(true);
    auto* menu = new QMenu(exportButton);
    menu->addAction(tr("PNG image…"), this, [this] { exportInteractively(ExportFormat::Png); });
    menu->addAction(tr("SVG vector…"), this, [this] { exportInteractively(ExportFormat::Svg); });
    menu->addAction(tr("PDF document…"), this, [this] { exportInteractively(ExportFormat::Pdf); });
    exportButton->setMenu(menu);
    header->addWidget(exportButton);
    layout->addLayout(header);
    caption_ = new QLabel;
    caption_->setWordWrap(true);
    caption_->setContentsMargins(4, 0, 4, 0);
    caption_->setVisible(false);
    QFont small = caption_->font();
    small.setPointSizeF(small.pointSizeF() * 0.92);
    caption_->setFont(small);
    layout->addWidget(caption_);
    plot_ = new QCustomPlot(this);
    plot_->setObjectName(title);
    plot_->setContextMenuPolicy(Qt::CustomContextMenu);
    plot_->setNoAntialiasingOnDrag(true);
    plot_->setMinimumHeight(160);
    connect(plot_, &QWidget::customContextMenuRequested, this, &PlotPanel::showContextMenu);
    layout->addWidget(plot_, 1);
    applyStyle(plot_, palette());
}

QString PlotPanel::caption() const { return caption_->text(); }

void PlotPanel::setCaption(const QString& text) {
    caption_->setText(text);
    caption_->setVisible(!text.isEmpty());
}

void PlotPanel::showContextMenu(const QPoint& pos) {
    QMenu menu(this);
    menu.addAction(tr("Fit to data"), this, [this] { emit fitRequested(); });
    menu.addSeparator();
    menu.addAction(tr("Export as PNG…"), this, [this] { exportInteractively(ExportFormat::Png); });
    menu.addAction(tr("Export as SVG…"), this, [this] { exportInteractively(ExportFormat::Svg); });
    menu.addAction(tr("Export as PDF…"), this, [this] { exportInteractively(ExportFormat::Pdf); });
    menu.exec(plot_->mapToGlobal(pos));
}

void PlotPanel::exportInteractively(ExportFormat format) {
    const char* suffix = format == ExportFormat::Svg ? "svg" : format == ExportFormat::Pdf ? "pdf" : "png";
    const char* filter = format == ExportFormat::Svg   ? "SVG vector (*.svg)"
                         : format == ExportFormat::Pdf ? "PDF document (*.pdf)"
                                                       : "PNG image (*.png)";
    QString base = title_.toLower();
    base.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
    const QString path = QFileDialog::getSaveFileName(this, tr("Export chart"),
                                                      QDir::home().filePath(base + QLatin1Char('.') + QLatin1String(suffix)),
                                                      tr(filter));
    if (path.isEmpty()) return;
    QString error;
    const int w = std::max(plot_->width(), 800), h = std::max(plot_->height(), 500);
    if (!exportPlot(plot_, path, format, w, h, &error)) QMessageBox::warning(this, tr("Export chart"), error);
}

void PlotPanel::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && plot_) {
        applyStyle(plot_, palette());
        emit paletteChanged();
        plot_->replot();
    }
}

}  // namespace mcunet::ui::plot
