#pragma once
// The log pane under a job's charts: read-only, fixed-width font, four lines
// high, at most 3000 lines kept.
#include <QFontDatabase>
#include <QPlainTextEdit>

namespace mcunet::ui {

inline QPlainTextEdit* makeLogView(const QString& placeholder) {
    auto* log = new QPlainTextEdit;
    log->setReadOnly(true);
    log->setMaximumBlockCount(3000);
    log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    log->setFixedHeight(4 * log->fontMetrics().height() + 10);
    log->setPlaceholderText(placeholder);
    return log;
}

}  // namespace mcunet::ui
