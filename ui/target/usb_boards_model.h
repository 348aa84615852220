#pragma once
// The boards connected over USB, live: a table model fed by core/device's
// hot-plug watcher (device/usb_watcher.h). The watcher runs on its own
// thread (it opens each device to read its serial number there); its events
// reach this model through queued calls, so the GUI thread never waits on
// USB. Shown by the Target step (every connected board and which catalog
// board each may be) and the Deploy step (the boards that can flash the
// project's board, to choose one by serial number).
#include <memory>
#include <vector>

#include <QAbstractTableModel>
#include <QString>

#include "device/usb_discovery.h"

namespace mcunet::device {
class UsbWatcher;
}

namespace mcunet::ui {

class UsbBoardsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Boards, Device, UsbId, Serial, Status, ColumnCount };

    // Starts watching at once (present devices arrive first); `pollIntervalMs`
    // is used where libusb has no hot-plug.
    explicit UsbBoardsModel(QObject* parent = nullptr);
    ~UsbBoardsModel() override;  // stops the watcher before the rows go

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const std::vector<device::UsbDeviceInfo>& devices() const { return devices_; }
    // The connected devices that may be `boardId` (its catalog USB IDs).
    std::vector<device::UsbDeviceInfo> devicesFor(const std::string& boardId) const;
    // "" while watching; why USB cannot be watched otherwise.
    QString watchError() const { return watchError_; }

    // Applies one event (what the watcher's thread queues; public for tests).
    void apply(bool arrived, const device::UsbDeviceInfo& device);

signals:
    void devicesChanged();

private:
    std::vector<device::UsbDeviceInfo> devices_;
    std::unique_ptr<device::UsbWatcher> watcher_;
    QString watchError_;
};

}  // namespace mcunet::ui
