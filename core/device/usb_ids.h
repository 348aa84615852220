#pragma once
// Which USB devices are boards (or their programmers), by vendor:product ID.
// Two sources, merged: the built-in table below (DESIGN.md section 7) and the
// `usb` entries of the board catalog (resources/boards/*.json), which also
// say which catalog boards a device can belong to. Pure data: no libusb.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "board/board.h"

namespace mcunet::device {

// What a matching device is for.
enum class UsbKind {
    StLink,  // ST-LINK debug probe on Discovery / Nucleo boards: flash over SWD, virtual COM port
    Dfu,     // a device in USB DFU mode (the STM32 ROM bootloader, DfuSe)
    Data,    // a board's own USB interface (OpenMV, Arduino): the data link
};

// "st-link", "dfu", "data" (the catalog's `role` values).
std::string usbKindName(UsbKind kind);
// The inverse of usbKindName; std::nullopt for any other text.
std::optional<UsbKind> usbKindFromName(const std::string& name);

struct KnownUsbId {
    std::uint16_t vendor = 0;
    std::uint16_t product = 0;
    UsbKind kind = UsbKind::Data;
    const char* description = "";  // "ST-LINK/V2-1", "STM32 bootloader (DFU)", ...
};

// The built-in table: STM32 ROM DFU 0483:df11; ST-LINK V2-1 0483:374b, V3
// 0483:374e and 0483:374f; OpenMV 1209:abd1; Arduino Nano 33 BLE 2341:805a;
// our firmware's USB link 1209:0001.
std::span<const KnownUsbId> builtInUsbIds();

struct UsbIdentity {
    UsbKind kind = UsbKind::Data;
    std::string description;
    std::vector<std::string> boardIds;  // catalog boards that list this ID (may be empty)
};

// Identifies vendor:product.
//   vendor, product: the device descriptor's idVendor and idProduct.
//   catalog: boards whose `usb` list names the ID are reported in boardIds;
//            an ID only the catalog knows is identified by its `role`
//            (st-link, dfu, data; any other role counts as data). May be null.
// Returns std::nullopt for a device that is none of ours.
std::optional<UsbIdentity> identifyUsb(std::uint16_t vendor, std::uint16_t product,
                                       const board::Catalog* catalog);

// "0483:df11" (four lower-case hex digits each).
std::string formatUsbId(std::uint16_t vendor, std::uint16_t product);

}  // namespace mcunet::device
