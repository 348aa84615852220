#include "device/usb_ids.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace mcunet::device {

namespace {

// DESIGN.md section 7; the same IDs are in packaging/udev/49-mcunet.rules.
constexpr std::array<KnownUsbId, 7> kBuiltIn{{
    {0x0483, 0xdf11, UsbKind::Dfu, "STM32 bootloader (DFU)"},
    {0x0483, 0x374b, UsbKind::StLink, "ST-LINK/V2-1"},
    {0x0483, 0x374e, UsbKind::StLink, "STLINK-V3"},
    {0x0483, 0x374f, UsbKind::StLink, "STLINK-V3"},
    {0x1209, 0xabd1, UsbKind::Data, "OpenMV Cam"},
    {0x2341, 0x805a, UsbKind::Data, "Arduino Nano 33 BLE"},
    // Our firmware's own USB link (core/runtime/firmware/usb_device.h):
    // pid.codes' test PID until the project registers one.
    {0x1209, 0x0001, UsbKind::Data, "MCUNet Studio firmware (USB link)"},
}};

}  // namespace

std::string usbKindName(UsbKind kind) {
    switch (kind) {
        case UsbKind::StLink: return "st-link";
        case UsbKind::Dfu: return "dfu";
        case UsbKind::Data: return "data";
    }
    return "data";
}

std::optional<UsbKind> usbKindFromName(const std::string& name) {
    for (UsbKind k : {UsbKind::StLink, UsbKind::Dfu, UsbKind::Data})
        if (usbKindName(k) == name) return k;
    return std::nullopt;
}

std::span<const KnownUsbId> builtInUsbIds() { return kBuiltIn; }

std::string formatUsbId(std::uint16_t vendor, std::uint16_t product) {
    char text[16];
    std::snprintf(text, sizeof text, "%04x:%04x", vendor, product);
    return text;
}

std::optional<UsbIdentity> identifyUsb(std::uint16_t vendor, std::uint16_t product,
                                       const board::Catalog* catalog) {
    std::optional<UsbIdentity> found;
    for (const KnownUsbId& k : kBuiltIn) {
        if (k.vendor == vendor && k.product == product) {
            found = UsbIdentity{k.kind, k.description, {}};
            break;
        }
    }
    if (catalog == nullptr) return found;
    for (const board::Board& b : catalog->boards()) {
        for (const board::UsbId& u : b.usb) {
            if (u.vendor != vendor || u.product != product) continue;
            if (!found) {
                const UsbKind kind = usbKindFromName(u.role).value_or(UsbKind::Data);
                found = UsbIdentity{kind, b.name + " (" + u.role + ")", {}};
            }
            if (std::find(found->boardIds.begin(), found->boardIds.end(), b.id) == found->boardIds.end())
                found->boardIds.push_back(b.id);
        }
    }
    return found;
}

}  // namespace mcunet::device
