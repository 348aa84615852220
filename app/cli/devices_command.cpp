// `mcunet devices [--json]`: the boards connected over USB (core/device),
// which catalog boards each may be, and why a device cannot be opened
// (permission: the udev rule). docs/usb-devices.md.
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/options.h"
#include "device/usb_discovery.h"

namespace mcunet::cli {

namespace {

nlohmann::json deviceJson(const device::UsbDeviceInfo& d) {
    char id[16];
    std::snprintf(id, sizeof id, "%04x:%04x", d.vendor, d.product);
    return {{"usb_id", id},          {"kind", device::usbKindName(d.kind)}, {"description", d.description},
            {"bus", d.bus},          {"address", d.address},               {"port", d.port},
            {"serial", d.serial},    {"manufacturer", d.manufacturer},     {"product", d.productName},
            {"boards", d.boardIds},  {"open_error", d.openError}};
}

int devices(bool asJson) {
    const std::vector<device::UsbDeviceInfo> found = device::listUsbDevices(&board::Catalog::builtIn());
    if (asJson) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& d : found) list.push_back(deviceJson(d));
        std::cout << nlohmann::json{{"devices", list}}.dump(2) << "\n";
        return 0;
    }
    if (found.empty()) {
        std::cout << "No board connected over USB (ST-LINK, DFU bootloader, OpenMV, Arduino Nano 33 BLE).\n"
                     "The virtual boards (mcunet boards) need none.\n";
        return 0;
    }
    for (const auto& d : found) {
        std::cout << device::describe(d) << "\n";
        if (!d.boardIds.empty()) {
            std::cout << "  may be:";
            for (const auto& b : d.boardIds) std::cout << " " << b;
            std::cout << "\n";
        }
        if (!d.openError.empty()) std::cout << "  cannot open: " << d.openError << "\n";
    }
    return 0;
}

}  // namespace

Runner defineDevices(CLI::App& app) {
    auto asJson = std::make_shared<bool>(false);
    addJsonFlag(app, *asJson);
    return [asJson] { return devices(*asJson); };
}

}  // namespace mcunet::cli
