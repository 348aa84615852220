#pragma once
// Connected boards on USB (libusb-1.0): which of the attached devices are
// ours (usb_ids.h), where they are, their serial numbers, and the one a
// command should use. Reading a device's strings opens it, which needs
// access to its /dev/bus/usb node: without the udev rule
// (packaging/udev/49-mcunet.rules) a device is still listed, with
// `openError` set. docs/usb-devices.md.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "board/board.h"
#include "device/device_error.h"
#include "device/usb_ids.h"

namespace mcunet::device {

struct UsbDeviceInfo {
    std::uint16_t vendor = 0, product = 0;  // idVendor, idProduct
    int bus = 0;                            // USB bus number (as in lsusb)
    int address = 0;                        // device address on that bus (changes on every re-plug)
    std::string port;                       // port path "1-4.2": stable while it stays in that socket
    UsbKind kind = UsbKind::Data;
    std::string description;                // "ST-LINK/V2-1", "STM32 bootloader (DFU)", ...
    std::vector<std::string> boardIds;      // catalog boards that may be behind it
    std::string manufacturer, productName, serial;  // string descriptors ("" when unread)
    std::string openError;                  // why the strings could not be read ("" when they were)
};

// "ST-LINK/V2-1 0483:374b serial 0668FF... (bus 1, address 5)".
std::string describe(const UsbDeviceInfo& device);

// Every connected device that is ours, ordered by bus then address.
//   catalog: identifies devices and fills boardIds (identifyUsb); may be null
//            for the built-in table only.
// Throws DeviceError (Usb) only when libusb itself cannot start or list.
std::vector<UsbDeviceInfo> listUsbDevices(const board::Catalog* catalog);

// Which device a command wants. Empty fields match anything.
struct UsbSelector {
    std::optional<UsbKind> kind;  // e.g. UsbKind::Dfu to flash through the ROM bootloader
    std::string boardId;          // a catalog board id: its usb IDs only
    std::string serial;           // exact serial number
};

// Picks exactly one device from `devices`.
//   devices: from listUsbDevices.
//   selector: what must match.
// Throws DeviceError: NotFound ("no board connected", naming what was looked
// for and what is connected instead), Ambiguous (several match: lists their
// serial numbers and asks for one), Permission (the one match cannot be
// opened, or a match could not be told apart by serial because it cannot be
// opened: with udevRuleAdvice()).
UsbDeviceInfo selectUsbDevice(const std::vector<UsbDeviceInfo>& devices, const UsbSelector& selector);

}  // namespace mcunet::device
