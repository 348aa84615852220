#include "device/usb_discovery.h"

#include <algorithm>

#include "device/device_error.h"
#include "device/usb_libusb.h"

namespace mcunet::device {

namespace {

bool matchesIgnoringSerial(const UsbDeviceInfo& d, const UsbSelector& s) {
    if (s.kind && d.kind != *s.kind) return false;
    if (!s.boardId.empty() && std::find(d.boardIds.begin(), d.boardIds.end(), s.boardId) == d.boardIds.end())
        return false;
    return true;
}

std::string wanted(const UsbSelector& s) {
    std::string text = s.kind ? usbKindName(*s.kind) + " device" : std::string("board");
    if (!s.boardId.empty()) text += " for " + s.boardId;
    if (!s.serial.empty()) text += " with serial number " + s.serial;
    return text;
}

std::string listed(const std::vector<UsbDeviceInfo>& devices) {
    std::string text;
    for (const UsbDeviceInfo& d : devices) text += (text.empty() ? "" : "; ") + describe(d);
    return text;
}

[[noreturn]] void notFound(const std::vector<UsbDeviceInfo>& devices, const UsbSelector& s) {
    std::string message = "no " + wanted(s) + " is connected";
    if (devices.empty()) {
        message += " (no known USB board at all). Check the cable (some carry power only)";
        if (s.kind == UsbKind::Dfu)
            message += ", and start the board in its ROM bootloader (BOOT0 high, then reset)";
    } else {
        message += ". Connected: " + listed(devices);
    }
    throw DeviceError(DeviceErrorKind::NotFound, message);
}

}  // namespace

std::string describe(const UsbDeviceInfo& d) {
    std::string text = (d.description.empty() ? std::string("USB device") : d.description) + " " +
                       formatUsbId(d.vendor, d.product);
    if (!d.serial.empty()) text += " serial " + d.serial;
    text += " (bus " + std::to_string(d.bus) + ", address " + std::to_string(d.address);
    if (!d.openError.empty()) text += ", " + d.openError;
    return text + ")";
}

std::vector<UsbDeviceInfo> listUsbDevices(const board::Catalog* catalog) {
    usb::Context ctx;
    libusb_device** raw = nullptr;
    const ssize_t n = libusb_get_device_list(ctx.get(), &raw);
    if (n < 0) throw usb::errorFromLibusb(static_cast<int>(n), "listing USB devices");
    usb::DeviceList list(raw);
    std::vector<UsbDeviceInfo> out;
    for (ssize_t i = 0; i < n; ++i) {
        libusb_device_descriptor d{};
        libusb_get_device_descriptor(raw[i], &d);
        if (const auto identity = identifyUsb(d.idVendor, d.idProduct, catalog))
            out.push_back(usb::describeDevice(raw[i], *identity));
    }
    std::sort(out.begin(), out.end(), [](const UsbDeviceInfo& a, const UsbDeviceInfo& b) {
        return a.bus != b.bus ? a.bus < b.bus : a.address < b.address;
    });
    return out;
}

UsbDeviceInfo selectUsbDevice(const std::vector<UsbDeviceInfo>& devices, const UsbSelector& selector) {
    std::vector<UsbDeviceInfo> candidates;
    for (const UsbDeviceInfo& d : devices)
        if (matchesIgnoringSerial(d, selector)) candidates.push_back(d);
    if (!selector.serial.empty()) {
        std::vector<UsbDeviceInfo> bySerial, unreadable;
        for (const UsbDeviceInfo& d : candidates) {
            if (d.serial == selector.serial) bySerial.push_back(d);
            else if (!d.openError.empty()) unreadable.push_back(d);
        }
        if (bySerial.empty() && !unreadable.empty())
            throw DeviceError(DeviceErrorKind::Permission,
                              "the serial number of " + listed(unreadable) +
                                  " cannot be read, so the " + wanted(selector) + " cannot be found. " +
                                  udevRuleAdvice());
        candidates = std::move(bySerial);
    }
    if (candidates.empty()) notFound(devices, selector);
    if (candidates.size() > 1) {
        std::string message = std::to_string(candidates.size()) + " boards match where one is wanted: " +
                              listed(candidates) + ". Choose one by its serial number";
        if (std::any_of(candidates.begin(), candidates.end(), [](const UsbDeviceInfo& d) { return d.serial.empty(); }))
            message += " (or unplug the others; serial numbers that cannot be read need the udev rule: " +
                       udevRuleAdvice() + ")";
        throw DeviceError(DeviceErrorKind::Ambiguous, message);
    }
    const UsbDeviceInfo& chosen = candidates.front();
    if (chosen.openError == "permission denied")
        throw DeviceError(DeviceErrorKind::Permission,
                          describe(chosen) + ": permission denied on the USB device. " + udevRuleAdvice());
    return chosen;
}

}  // namespace mcunet::device
