#pragma once
// Internal to core/device: the BoardDevice implementations openDevice
// (open_device.cpp) chooses between. Callers use board_device.h only.
#include <memory>

#include "device/board_device.h"
#include "device/dfuse_device.h"

namespace mcunet::device {

// The QEMU virtual board (virtual_device.cpp).
std::unique_ptr<BoardDevice> makeVirtualDevice(const board::Board& board);
// A board in its STM32 ROM bootloader (dfuse_board_device.cpp): `dfu` is open.
std::unique_ptr<BoardDevice> makeDfuseDevice(const board::Board& board, DfuseDevice dfu, const DeviceSelector& selector);
// A board behind its ST-LINK (stlink_device.cpp); libstlink opens it per operation.
std::unique_ptr<BoardDevice> makeStlinkDevice(const board::Board& board, const UsbDeviceInfo& usb,
                                              const DeviceSelector& selector);
// The serial link of a real board: `port` (may be "": the message says how
// to give one), wrapped to honour `cancel`.
std::unique_ptr<board::Transport> openSerialLink(const board::Board& board, const std::string& port, int baud,
                                                 const std::atomic<bool>* cancel);
// A real board's firmware link as `selector.link` asks: the firmware's USB
// link (a connected 1209:0001 with the link interface) or the serial link
// on `port`. Several USB links connected: Ambiguous, unless the UART is asked for.
std::unique_ptr<board::Transport> openFirmwareLink(const board::Board& board, const DeviceSelector& selector,
                                                   const std::string& port, const std::atomic<bool>* cancel);

}  // namespace mcunet::device
