#include "device/usb_libusb.h"

#include <array>

namespace mcunet::device::usb {

Context::Context() {
    const int r = libusb_init(&ctx_);
    if (r != LIBUSB_SUCCESS) {
        ctx_ = nullptr;
        throw errorFromLibusb(r, "starting libusb");
    }
}

Context::~Context() {
    if (ctx_ != nullptr) libusb_exit(ctx_);
}

DeviceError errorFromLibusb(int code, const std::string& doing) {
    const std::string what = std::string(libusb_error_name(code)) + " (" + libusb_strerror(code) + ")";
    switch (code) {
        case LIBUSB_ERROR_ACCESS:
            return DeviceError(DeviceErrorKind::Permission,
                               doing + ": permission denied on the USB device. " + udevRuleAdvice());
        case LIBUSB_ERROR_NO_DEVICE:
            return DeviceError(DeviceErrorKind::Disconnected,
                               doing + ": the device is gone (unplugged or reset). Check the cable, "
                                       "reconnect the board and try again");
        case LIBUSB_ERROR_TIMEOUT:
            return DeviceError(DeviceErrorKind::Timeout,
                               doing + ": the device did not answer in time. Reset the board and try again");
        case LIBUSB_ERROR_BUSY:
            return DeviceError(DeviceErrorKind::Usb,
                               doing + ": the device is in use by another program (close STM32CubeProgrammer, "
                                       "dfu-util, st-util or a serial terminal) and try again");
        default:
            return DeviceError(DeviceErrorKind::Usb, doing + ": " + what);
    }
}

std::string stringDescriptor(libusb_device_handle* handle, std::uint8_t index) {
    if (index == 0) return {};
    std::array<unsigned char, 256> text{};
    const int n = libusb_get_string_descriptor_ascii(handle, index, text.data(), static_cast<int>(text.size()));
    if (n <= 0) return {};
    return std::string(reinterpret_cast<const char*>(text.data()), static_cast<std::size_t>(n));
}

UsbDeviceInfo describeDevice(libusb_device* device, const UsbIdentity& identity) {
    UsbDeviceInfo info;
    libusb_device_descriptor d{};
    libusb_get_device_descriptor(device, &d);  // cannot fail since libusb 1.0.16
    info.vendor = d.idVendor;
    info.product = d.idProduct;
    info.bus = libusb_get_bus_number(device);
    info.address = libusb_get_device_address(device);
    std::array<std::uint8_t, 8> ports{};
    const int depth = libusb_get_port_numbers(device, ports.data(), static_cast<int>(ports.size()));
    info.port = std::to_string(info.bus);
    for (int i = 0; i < depth; ++i) info.port += (i == 0 ? "-" : ".") + std::to_string(ports[static_cast<std::size_t>(i)]);
    info.kind = identity.kind;
    info.description = identity.description;
    info.boardIds = identity.boardIds;

    libusb_device_handle* raw = nullptr;
    const int r = libusb_open(device, &raw);
    if (r != LIBUSB_SUCCESS) {
        info.openError = r == LIBUSB_ERROR_ACCESS ? "permission denied" : libusb_strerror(r);
        return info;
    }
    Handle handle(raw);
    info.manufacturer = stringDescriptor(raw, d.iManufacturer);
    info.productName = stringDescriptor(raw, d.iProduct);
    info.serial = stringDescriptor(raw, d.iSerialNumber);
    return info;
}

libusb_device* findDevice(libusb_device** list, ssize_t count, const UsbDeviceInfo& wanted) {
    for (ssize_t i = 0; i < count; ++i) {
        libusb_device_descriptor d{};
        libusb_get_device_descriptor(list[i], &d);
        if (libusb_get_bus_number(list[i]) == wanted.bus && libusb_get_device_address(list[i]) == wanted.address &&
            d.idVendor == wanted.vendor && d.idProduct == wanted.product)
            return list[i];
    }
    return nullptr;
}

}  // namespace mcunet::device::usb
