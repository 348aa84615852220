#pragma once
// The error a connected board reports (docs/usb-devices.md). It is a
// mcunet::Error, so the CLI prints it and exits with code 2 like any bad
// input; `kind` lets a caller tell "plug a board in" from "the transfer broke"
// without parsing the message. Every message names what to do next.
#include <string>

#include "common/error.h"

namespace mcunet::device {

enum class DeviceErrorKind {
    NotFound,      // no connected board matches
    Ambiguous,     // several match where one is wanted: ask for a serial number
    Permission,    // the USB device node is not accessible: install the udev rule
    Disconnected,  // the device went away (unplugged, reset) during an operation
    Timeout,       // a transfer or a DFU busy state did not end in time
    DeviceStatus,  // the device reported an error status (DFU bStatus != OK)
    Protocol,      // the device answered something the protocol does not allow
    Refused,       // refused before touching the device (image outside the layout, ...)
    Verify,        // read back differs from what was written
    Cancelled,     // the caller's cancel flag or progress callback stopped it
    Usb,           // any other libusb failure
};

class DeviceError : public Error {
public:
    // kind: what went wrong (above); what: the complete, user-facing message.
    DeviceError(DeviceErrorKind kind, const std::string& what) : Error(what), kind_(kind) {}
    DeviceErrorKind kind() const { return kind_; }

private:
    DeviceErrorKind kind_;
};

// How to let a normal user open the boards' USB devices: the udev rule this
// project ships (packaging/udev/49-mcunet.rules) and the commands that
// install it. Appended to every permission error.
std::string udevRuleAdvice();

}  // namespace mcunet::device
