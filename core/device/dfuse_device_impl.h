#pragma once
// Internal to core/device: what an open DfuseDevice holds, shared by
// dfuse_open.cpp (finding the device and its DFU interface) and
// dfuse_flash.cpp (the flashing steps).
#include "device/dfuse_device.h"
#include "device/usb_libusb.h"

namespace mcunet::device {

struct DfuseDevice::Impl {
    usb::Context context;  // declared first: destroyed last
    usb::Handle handle;
    DfuseDeviceInfo info;
    bool claimed = false;
    int currentAlt = -1;  // the alternate setting selected, -1 before the first

    ~Impl() {
        if (claimed && handle) libusb_release_interface(handle.get(), info.interfaceNumber);
    }
};

}  // namespace mcunet::device
