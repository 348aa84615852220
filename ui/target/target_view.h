#pragma once
// Step 1, Target: the board (from board::Catalog) and the SRAM / Flash limits
// the design must fit, with what they mean for the current design.
#include <QWidget>

class QTableWidget;
class QCheckBox;
class QSpinBox;
class QLabel;

namespace mcunet::ui {

class ProjectDocument;
class MetricGauge;

class TargetView : public QWidget {
    Q_OBJECT
public:
    explicit TargetView(ProjectDocument* document, QWidget* parent = nullptr);
    QTableWidget* boardTable() const { return table_; }

private:
    void refreshFromDocument();
    void refreshFigures();
    void pushLimits(bool sram);

    ProjectDocument* document_;
    QTableWidget* table_ = nullptr;
    QLabel* boardDetails_ = nullptr;
    QCheckBox* sramOverride_ = nullptr;
    QCheckBox* flashOverride_ = nullptr;
    QSpinBox* sramKb_ = nullptr;
    QSpinBox* flashKb_ = nullptr;
    MetricGauge* sramGauge_ = nullptr;
    MetricGauge* flashGauge_ = nullptr;
    MetricGauge* tflmGauge_ = nullptr;
    MetricGauge* tinyEngineGauge_ = nullptr;
    QLabel* verdict_ = nullptr;
    bool updating_ = false;
};

}  // namespace mcunet::ui
