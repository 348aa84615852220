#include "device/device_error.h"

namespace mcunet::device {

std::string udevRuleAdvice() {
    return "Install the udev rule that gives the logged-in user access to the boards' USB devices: "
           "sudo cp packaging/udev/49-mcunet.rules /etc/udev/rules.d/ && sudo udevadm control --reload-rules "
           "&& sudo udevadm trigger, then unplug and replug the board (docs/usb-devices.md)";
}

}  // namespace mcunet::device
