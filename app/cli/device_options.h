#pragma once
// Which connected board a command uses (--serial, --port, --link): the same
// options and the same lookup for flash, profile, deploy and demo.
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "board/board.h"
#include "device/board_device.h"

namespace mcunet::cli {

struct DeviceOptions {
    std::string serial, port;
    device::LinkChoice link = device::LinkChoice::Auto;
    device::DeviceSelector selector() const { return {serial, port, 115200, link}; }
};

void addDeviceOptions(CLI::App& app, DeviceOptions& o);

// The board through the device layer: the virtual board at once, a real one
// found on USB (no board, several boards, permission: messages, exit code 2).
std::unique_ptr<device::BoardDevice> openBoard(const board::Board& b, const DeviceOptions& o);

}  // namespace mcunet::cli
