#include "shell/status_totals.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QRegularExpression>

#include "common/format.h"
#include "document/project_document.h"
#include "plot/plot_style.h"

namespace mcunet::ui {

StatusTotals::StatusTotals(ProjectDocument* document, QWidget* parent) : QWidget(parent), document_(document) {
    auto* l = new QHBoxLayout(this);
    l->setContentsMargins(0, 0, 4, 0);
    l->setSpacing(16);
    for (QLabel** label : {&board_, &macs_, &sram_, &flash_, &latency_}) {
        *label = new QLabel;
        (*label)->setTextFormat(Qt::RichText);
        l->addWidget(*label);
    }
    connect(document_, &ProjectDocument::analysisChanged, this, &StatusTotals::refresh);
    refresh();
}

QString StatusTotals::text() const {
    QStringList parts;
    for (QLabel* l : {board_, macs_, sram_, flash_, latency_}) {
        QString t = l->text();
        t.remove(QRegularExpression(QStringLiteral("<[^>]*>")));
        parts << t;
    }
    return parts.join(QStringLiteral(" | "));
}

void StatusTotals::refresh() {
    const auto a = document_->analysis();
    const bool dark = plot::isDark(palette());
    auto colored = [&](std::int64_t v, std::int64_t limit) {
        const Level level = levelOf(double(v), double(limit));
        return QStringLiteral("<span style='color:%1'><b>%2</b></span> / %3")
            .arg(levelColor(level, dark).name(), formatBytes(v), formatBytes(limit));
    };
    board_->setText(tr("Board <b>%1</b>").arg(QString::fromStdString(a->board.id)));
    macs_->setText(tr("MACs <b>%1</b>").arg(formatMacs(double(a->cost.macs))));
    sram_->setText(tr("SRAM %1").arg(colored(a->peakSram(), a->limits.sramBytes)));
    flash_->setText(tr("Flash %1").arg(colored(a->cost.flashBytes, a->limits.flashBytes)));
    latency_->setText(tr("Latency <b>%1</b>").arg(formatMs(a->cost.latencyMs)));
}

}  // namespace mcunet::ui
