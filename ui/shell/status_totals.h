#pragma once
// The status bar's live totals: board, MACs, peak SRAM against its limit,
// Flash against its limit, estimated latency; SRAM and Flash coloured
// green / amber / red.
#include <QWidget>

class QLabel;

namespace mcunet::ui {

class ProjectDocument;

class StatusTotals : public QWidget {
    Q_OBJECT
public:
    explicit StatusTotals(ProjectDocument* document, QWidget* parent = nullptr);
    QString text() const;  // plain text of all fields (tests)

private:
    void refresh();
    ProjectDocument* document_;
    QLabel *board_, *macs_, *sram_, *flash_, *latency_;
};

}  // namespace mcunet::ui
