#pragma once
// Where a model runs, one inference at a time (live demos, docs/demo.md;
// `mcunet eval` on a board): the generated C on this
// computer, the real firmware on a virtual board (QEMU), or on a real board
// through the device layer (flashed first; its USB or serial link). Each target is
// built once when it is opened and then answers one inference at a time,
// its output byte for byte the reference interpreter's. No Qt; the studio
// opens and drives targets from a worker thread.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "board/board.h"
#include "device/board_device.h"
#include "quant/model.h"

namespace mcunet::deploy {

struct Inference {
    std::vector<std::int8_t> output;
    double seconds = 0;            // wall time of the request, as the demo waits for it
    std::uint64_t deviceCount = 0; // the run's count on the target: instructions or cycles; 0 on the host
    std::string unit;              // "instructions", "cycles", or "" on the host
};

class Target {
public:
    virtual ~Target() = default;
    virtual std::string name() const = 0;
    // Throws mcunet::Error (or board::LinkError) when the target fails.
    virtual Inference infer(const std::vector<std::int8_t>& input) = 0;
};

struct TargetRequest {
    const quant::QuantizedModel* model = nullptr;  // required; kept alive by the caller
    std::string modelName;
    std::string target = "host";  // "host", a virtual board's id or a real board's (targetNames)
    std::string workDir;          // the generated project and its build (an empty folder of ours)
    const board::Catalog* catalog = nullptr;  // required for boards
    const board::Board* board = nullptr;      // the board itself (a project's limits applied); else the catalog's `target`
    device::DeviceSelector device;            // which connected board, over which link (real boards)
    // A virtual board opened through the device layer, as a real board is
    // (flash, then its link over the UART; no semihosting): tests the real
    // boards' path without hardware.
    bool throughDeviceLayer = false;
    const std::atomic<bool>* cancel = nullptr;  // may be null: stops flashing and link waits
};

// Generates and builds for the target, then starts it (the host runner as a
// helper process, QEMU with the firmware, or a real board flashed and its
// link opened). A real board is looked for first, so "no <board> connected"
// (device::DeviceError) comes before any build. Throws mcunet::Error naming
// an unknown target (with the known ones), a missing compiler or QEMU.
std::unique_ptr<Target> openTarget(const TargetRequest& request);

// "host", the virtual boards, then the real boards this machine can flash
// and talk to (device::boardSupport: deployable).
std::vector<std::string> targetNames(const board::Catalog& catalog);

}  // namespace mcunet::deploy
