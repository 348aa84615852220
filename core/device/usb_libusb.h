#pragma once
// Internal to core/device (not part of its public headers): owning wrappers
// around libusb-1.0 objects and the one translation of libusb error codes to
// DeviceError messages. Only this folder's .cpp files include <libusb.h>.
#include <libusb.h>

#include <cstdint>
#include <memory>
#include <string>

#include "device/device_error.h"
#include "device/usb_discovery.h"

namespace mcunet::device::usb {

// One libusb context. Each user (a discovery call, a watcher, an open DFU
// device) has its own, so they never share event handling.
class Context {
public:
    Context();  // throws DeviceError (Usb) when libusb cannot start
    ~Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;
    libusb_context* get() const { return ctx_; }

private:
    libusb_context* ctx_ = nullptr;
};

struct DeviceListDeleter {
    void operator()(libusb_device** list) const { libusb_free_device_list(list, 1); }
};
using DeviceList = std::unique_ptr<libusb_device*, DeviceListDeleter>;

struct HandleDeleter {
    void operator()(libusb_device_handle* h) const { libusb_close(h); }
};
using Handle = std::unique_ptr<libusb_device_handle, HandleDeleter>;

struct ConfigDeleter {
    void operator()(libusb_config_descriptor* c) const { libusb_free_config_descriptor(c); }
};
using Config = std::unique_ptr<libusb_config_descriptor, ConfigDeleter>;

// The DeviceError for a libusb error code.
//   code: a negative LIBUSB_ERROR_* value.
//   doing: what was being done, for the message ("opening ST-LINK/V2-1 ...").
// Maps ACCESS to Permission (with udevRuleAdvice()), NO_DEVICE to
// Disconnected, TIMEOUT to Timeout, everything else to Usb.
DeviceError errorFromLibusb(int code, const std::string& doing);

// Reads what a device says about itself: IDs, bus, address, port path and,
// when it can be opened, its manufacturer, product and serial strings (else
// `openError` says why, e.g. permission denied).
//   device: a device from libusb_get_device_list or a hot-plug event.
//   identity: from identifyUsb (the caller decided the device is ours).
UsbDeviceInfo describeDevice(libusb_device* device, const UsbIdentity& identity);

// The libusb device at the bus and address `wanted` was found at, with its
// vendor and product IDs (nullptr when it is gone or another device took the
// address).
libusb_device* findDevice(libusb_device** list, ssize_t count, const UsbDeviceInfo& wanted);

// An ASCII string descriptor, or "" when the index is 0 or the read fails.
std::string stringDescriptor(libusb_device_handle* handle, std::uint8_t index);

}  // namespace mcunet::device::usb
