// openDevice: from a catalog board to the BoardDevice that drives it here.
// The virtual board needs nothing; a real board is looked for on USB by the
// IDs its board file lists (the ST-LINK before the ROM bootloader), with one
// message per way this can fail.
#include <algorithm>

#include "board/serial_port.h"
#include "device/board_devices.h"
#include "device/usb_ids.h"
#include "device/usb_link.h"

namespace mcunet::device {

namespace {

// "its ST-LINK/V2-1 (0483:374b) or its STM32 bootloader in DFU mode (0483:df11)"
std::string lookedFor(const board::Board& b, const std::vector<FlashKind>& flashers) {
    std::string text;
    for (const board::UsbId& id : b.usb) {
        const auto identity = identifyUsb(id.vendor, id.product, nullptr);
        const bool usable = (id.role == "st-link" && std::count(flashers.begin(), flashers.end(), FlashKind::StLink)) ||
                            (id.role == "dfu" && std::count(flashers.begin(), flashers.end(), FlashKind::Dfuse));
        if (!usable) continue;
        text += std::string(text.empty() ? "" : " or ") + "its " +
                (identity ? identity->description : id.role) + " (" + formatUsbId(id.vendor, id.product) + ")";
    }
    return text;
}

bool holds(const std::vector<FlashKind>& flashers, UsbKind kind) {
    const FlashKind wanted = kind == UsbKind::StLink ? FlashKind::StLink : kind == UsbKind::Dfu ? FlashKind::Dfuse : FlashKind::None;
    return wanted != FlashKind::None && std::find(flashers.begin(), flashers.end(), wanted) != flashers.end();
}

[[noreturn]] void noBoard(const board::Board& b, const std::vector<FlashKind>& flashers,
                          const std::vector<UsbDeviceInfo>& all, const DeviceSelector& selector) {
    std::string message = "no " + b.id + " connected" +
                          (selector.serial.empty() ? "" : " with serial number " + selector.serial) + ": looked for " +
                          lookedFor(b, flashers) + " on USB";
    if (all.empty()) {
        message += " and found no known board at all. Check the cable (some carry power only) and that the board is "
                   "powered";
    } else {
        message += ". Connected:";
        for (const UsbDeviceInfo& d : all) message += " " + describe(d) + ";";
        message.pop_back();
    }
    throw DeviceError(DeviceErrorKind::NotFound, message);
}

// The connected devices that can flash `b`, the preferred flash method first.
std::vector<UsbDeviceInfo> candidatesFor(const board::Board& b, const std::vector<FlashKind>& flashers,
                                         const std::vector<UsbDeviceInfo>& all) {
    std::vector<UsbDeviceInfo> out;
    for (const UsbDeviceInfo& d : all)
        if (holds(flashers, d.kind) && std::find(d.boardIds.begin(), d.boardIds.end(), b.id) != d.boardIds.end())
            out.push_back(d);
    std::stable_sort(out.begin(), out.end(), [&flashers](const UsbDeviceInfo& x, const UsbDeviceInfo& y) {
        const auto rank = [&flashers](const UsbDeviceInfo& d) {
            return std::find_if(flashers.begin(), flashers.end(),
                                [&d](FlashKind k) { return holds({k}, d.kind); }) - flashers.begin();
        };
        return rank(x) < rank(y);
    });
    return out;
}

std::vector<UsbDeviceInfo> listOrNone(const board::Catalog* catalog) {
    try {
        return listUsbDevices(catalog);
    } catch (const DeviceError& e) {
        // A machine without usbfs (a container): no board can be connected.
        if (e.kind() == DeviceErrorKind::Usb) return {};
        throw;
    }
}

}  // namespace

std::unique_ptr<BoardDevice> openDevice(const board::Board& b, const DeviceSelector& selector,
                                        const board::Catalog* catalog) {
    const BoardSupport support = boardSupport(b);
    if (b.isVirtual) return makeVirtualDevice(b);
    if (support.flashers.empty()) throw DeviceError(DeviceErrorKind::Refused, support.whyNot);
    const std::vector<UsbDeviceInfo> all = listOrNone(catalog);
    const std::vector<UsbDeviceInfo> candidates = candidatesFor(b, support.flashers, all);
    if (candidates.empty()) noBoard(b, support.flashers, all, selector);
    UsbSelector usbSelector;
    usbSelector.serial = selector.serial;
    // Two ST-LINKs (or two bootloaders) are ambiguous; one ST-LINK beside a
    // bootloader is too, unless a serial number decides: selectUsbDevice
    // lists the serial numbers in both cases.
    const UsbDeviceInfo chosen = [&] {
        try {
            return selectUsbDevice(candidates, usbSelector);
        } catch (const DeviceError& e) {
            if (e.kind() == DeviceErrorKind::NotFound) noBoard(b, support.flashers, all, selector);
            throw;
        }
    }();
    if (chosen.kind == UsbKind::StLink) return makeStlinkDevice(b, chosen, selector);
    UsbSelector dfu{UsbKind::Dfu, "", chosen.serial};
    return makeDfuseDevice(b, DfuseDevice::open(dfu, catalog), selector);
}

std::unique_ptr<board::Transport> openFirmwareLink(const board::Board& b, const DeviceSelector& selector,
                                                   const std::string& port, const std::atomic<bool>* cancel) {
    const bool tryUsb = selector.link == LinkChoice::Usb || (selector.link == LinkChoice::Auto && selector.serialPort.empty());
    if (tryUsb) {
        std::vector<UsbDeviceInfo> links;
        for (const UsbDeviceInfo& d : listOrNone(nullptr))
            if (d.vendor == kUsbLinkVendor && d.product == kUsbLinkProduct) links.push_back(d);
        if (links.size() == 1) return cancellableTransport(openUsbLink(links[0]), cancel);
        if (links.size() > 1) {
            std::string which;
            for (const UsbDeviceInfo& d : links) which += "\n  " + describe(d);
            throw DeviceError(DeviceErrorKind::Ambiguous, std::to_string(links.size()) +
                                                              " MCUNet USB links are connected:" + which +
                                                              "\nunplug all but one, or use the serial link (--link serial)");
        }
        if (selector.link == LinkChoice::Usb)
            throw DeviceError(DeviceErrorKind::NotFound,
                              b.id + ": no MCUNet USB link connected (" + formatUsbId(kUsbLinkVendor, kUsbLinkProduct) +
                                  "): connect the board's USB device port (STM32F746G-DISCO: CN13, USB FS) running "
                                  "the studio's firmware, or use the serial link (--link serial)");
    }
    return openSerialLink(b, port, selector.baud, cancel);
}

std::unique_ptr<board::Transport> openSerialLink(const board::Board& b, const std::string& port, int baud,
                                                 const std::atomic<bool>* cancel) {
    if (port.empty())
        throw DeviceError(DeviceErrorKind::NotFound,
                          b.id + ": no serial port found for the board's link (its UART): connect it through the "
                                 "ST-LINK's virtual COM port or a USB-serial adapter and name the port (e.g. /dev/ttyUSB0)");
    board::SerialOptions options;
    options.baud = baud;
    return cancellableTransport(board::openSerialPort(port, options), cancel);
}

}  // namespace mcunet::device
