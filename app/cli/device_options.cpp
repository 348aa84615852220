#include "cli/device_options.h"

#include "cli/options.h"
#include "device/device_error.h"

namespace mcunet::cli {

void addDeviceOptions(CLI::App& app, DeviceOptions& o) {
    app.add_option("--serial", o.serial, "the USB serial number of the board to use when several are connected "
                                         "(mcunet devices lists them)")->type_name("SN");
    app.add_option("--port", o.port, "the serial port of the board's link when it cannot be found from USB "
                                     "(a board flashed through its DFU bootloader)")->type_name("PATH");
    // A word, checked as typed ("2" is not a link, whatever enum value it would be).
    app.add_option_function<std::string>(
           "--link",
           [&o](const std::string& word) {
               o.link = word == "usb" ? device::LinkChoice::Usb
                        : word == "serial" ? device::LinkChoice::Serial
                                           : device::LinkChoice::Auto;
           },
           "how to reach a real board's firmware: usb (its own USB link), serial (its UART through the ST-LINK or "
           "--port), auto (usb when one is connected; default)")
        ->check(oneOf({"auto", "usb", "serial"}))
        ->type_name("auto|usb|serial");
}

std::unique_ptr<device::BoardDevice> openBoard(const board::Board& b, const DeviceOptions& o) {
    try {
        return device::openDevice(b, o.selector(), &board::Catalog::builtIn());
    } catch (const device::DeviceError& e) {
        if (e.kind() != device::DeviceErrorKind::Ambiguous) throw;
        throw device::DeviceError(e.kind(), std::string(e.what()) + " with --serial SN");
    }
}

}  // namespace mcunet::cli
