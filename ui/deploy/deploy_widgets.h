#pragma once
// Small widget helpers shared by the Deploy view's files (deploy_view.cpp:
// the pipeline; deploy_view_results.cpp: the tabs that show its results).
#include <QFontDatabase>
#include <QHeaderView>
#include <QPlainTextEdit>
#include <QString>
#include <QTableView>

namespace mcunet::ui::deploy_widgets {

inline QTableView* makeTable(QAbstractItemModel* model) {
    auto* t = new QTableView;
    t->setModel(model);
    t->setAlternatingRowColors(true);
    t->setShowGrid(false);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->verticalHeader()->setVisible(false);
    t->verticalHeader()->setDefaultSectionSize(t->fontMetrics().height() + 6);
    t->horizontalHeader()->setStretchLastSection(true);
    t->setWordWrap(false);
    return t;
}

inline QPlainTextEdit* makeText(int maxBlocks = 0) {
    auto* e = new QPlainTextEdit;
    e->setReadOnly(true);
    e->setLineWrapMode(QPlainTextEdit::NoWrap);
    e->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    if (maxBlocks > 0) e->setMaximumBlockCount(maxBlocks);
    return e;
}

inline QString firstLine(const QString& text, int maxChars = 140) {
    QString line = text.section(QLatin1Char('\n'), 0, 0).trimmed();
    if (line.size() > maxChars) line = line.left(maxChars - 1) + QStringLiteral("…");
    return line.toHtmlEscaped();
}

inline QString seconds(double s) { return QStringLiteral("%1 s").arg(s, 0, 'f', s < 10 ? 1 : 0); }

}  // namespace mcunet::ui::deploy_widgets
