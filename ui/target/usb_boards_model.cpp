#include "target/usb_boards_model.h"

#include <algorithm>

#include <QMetaObject>
#include <QPointer>
#include <QStringList>

#include "device/usb_watcher.h"

namespace mcunet::ui {

namespace {

bool sameDevice(const device::UsbDeviceInfo& a, const device::UsbDeviceInfo& b) {
    return a.bus == b.bus && a.address == b.address && a.vendor == b.vendor && a.product == b.product;
}

}  // namespace

UsbBoardsModel::UsbBoardsModel(QObject* parent) : QAbstractTableModel(parent) {
    // The constructor only starts libusb and registers for events; reading
    // the devices (opening each for its strings) happens on the watcher's thread.
    QPointer<UsbBoardsModel> self(this);
    try {
        watcher_ = std::make_unique<device::UsbWatcher>(
            [self](device::UsbEvent e, const device::UsbDeviceInfo& d) {
                QMetaObject::invokeMethod(
                    self.data(), [self, e, d] {
                        if (self) self->apply(e == device::UsbEvent::Arrived, d);
                    },
                    Qt::QueuedConnection);
            },
            device::UsbWatcher::Options{&board::Catalog::builtIn(), true, false, 1000});
    } catch (const std::exception& e) {
        watchError_ = QString::fromStdString(e.what());
    }
}

UsbBoardsModel::~UsbBoardsModel() {
    if (watcher_) watcher_->stop();  // no callback after this; queued ones find `self` null
}

void UsbBoardsModel::apply(bool arrived, const device::UsbDeviceInfo& d) {
    const auto it = std::find_if(devices_.begin(), devices_.end(), [&d](const auto& x) { return sameDevice(x, d); });
    if (arrived && it == devices_.end()) {
        const int row = static_cast<int>(devices_.size());
        beginInsertRows({}, row, row);
        devices_.push_back(d);
        endInsertRows();
    } else if (!arrived && it != devices_.end()) {
        const int row = static_cast<int>(it - devices_.begin());
        beginRemoveRows({}, row, row);
        devices_.erase(it);
        endRemoveRows();
    } else {
        return;
    }
    emit devicesChanged();
}

std::vector<device::UsbDeviceInfo> UsbBoardsModel::devicesFor(const std::string& boardId) const {
    std::vector<device::UsbDeviceInfo> out;
    for (const auto& d : devices_)
        if (std::find(d.boardIds.begin(), d.boardIds.end(), boardId) != d.boardIds.end()) out.push_back(d);
    return out;
}

int UsbBoardsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(devices_.size());
}

int UsbBoardsModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant UsbBoardsModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const device::UsbDeviceInfo& d = devices_[static_cast<std::size_t>(index.row())];
    if (role == Qt::ToolTipRole) return QString::fromStdString(device::describe(d));
    if (role != Qt::DisplayRole) return {};
    switch (index.column()) {
        case Boards: {
            QStringList ids;
            for (const auto& b : d.boardIds) ids << QString::fromStdString(b);
            return ids.isEmpty() ? tr("not in the catalog") : ids.join(QStringLiteral(", "));
        }
        case Device: return QString::fromStdString(d.description);
        case UsbId: return QString::fromStdString(device::formatUsbId(d.vendor, d.product));
        case Serial: return d.serial.empty() ? tr("(unread)") : QString::fromStdString(d.serial);
        case Status: return d.openError.empty() ? tr("ready") : QString::fromStdString(d.openError);
    }
    return {};
}

QVariant UsbBoardsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
        case Boards: return tr("May be");
        case Device: return tr("Device");
        case UsbId: return tr("USB ID");
        case Serial: return tr("Serial number");
        case Status: return tr("Status");
    }
    return {};
}

}  // namespace mcunet::ui
