#pragma once
// Step 1, Target: the board (from board::Catalog) and the SRAM / Flash limits
// the design must fit, with what they mean for the current design, and the
// boards connected over USB right now (live, usb_boards_model.h).
#include <QWidget>

class QTableView;
class QTableWidget;
class QCheckBox;
class QSpinBox;
class QLabel;

namespace mcunet::ui {

class ProjectDocument;
class MetricGauge;
class UsbBoardsModel;

class TargetView : public QWidget {
    Q_OBJECT
public:
    explicit TargetView(ProjectDocument* document, QWidget* parent = nullptr);
    QTableWidget* boardTable() const { return table_; }
    UsbBoardsModel* usbBoards() const { return usbBoards_; }  // connected over USB, live

private:
    void refreshFromDocument();
    void refreshFigures();
    void pushLimits(bool sram);
    void refreshUsbNote();

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
    UsbBoardsModel* usbBoards_ = nullptr;
    QTableView* usbTable_ = nullptr;
    QLabel* usbNote_ = nullptr;
    bool updating_ = false;
};

}  // namespace mcunet::ui
