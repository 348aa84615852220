#pragma once
// The board link (docs/link-protocol.md) over the firmware's vendor bulk
// USB interface (class 0xFF, subclass 0x4D, protocol 0x4C: "MCUNet link";
// core/runtime/firmware/usb_device.h): the same frames as on the UART, as a
// board::Transport, so LinkClient, the profiler and the MLPerf commands work
// over it unchanged. libusb stays inside core/device.
#include <cstdint>
#include <memory>

#include "board/link.h"
#include "device/usb_discovery.h"

namespace mcunet::device {

// The link interface's class triple, and the IDs our firmware reports
// (USBD_VENDOR_ID, USBD_PRODUCT_ID in usb_device.h; test_device_usb_link
// enumerates the firmware's descriptors and checks they agree).
inline constexpr int kUsbLinkClass = 0xFF, kUsbLinkSubClass = 0x4D, kUsbLinkProtocol = 0x4C;
inline constexpr std::uint16_t kUsbLinkVendor = 0x1209, kUsbLinkProduct = 0x0001;

// Opens the link interface of `device` (from listUsbDevices): finds the
// interface by its class triple and its bulk IN and OUT endpoints, detaches
// a kernel driver if one is bound, and claims it.
// Throws DeviceError: NotFound (the device is gone), Protocol (no link
// interface: not running our firmware, or built without USB), Permission
// (with the udev advice), Usb (the interface is claimed by another program).
// The transport's write and read throw board::LinkError when the device is
// unplugged or a transfer fails; read returns no bytes on a timeout.
std::unique_ptr<board::Transport> openUsbLink(const UsbDeviceInfo& device);

}  // namespace mcunet::device
