#pragma once
// The deploy pipeline, once for the CLI (`mcunet build / flash / profile /
// deploy`) and the studio's Deploy step: generate the C project, cross-build
// the firmware, flash it through the device layer (device/board_device.h)
// and check that the board answers with this model, profile it layer by
// layer against the reference interpreter's output.
//
// Every stage reports progress (stage, fraction, message) through
// Control::progress on the calling thread and stops with board::Cancelled
// (board/cancel.h) once Control::cancel is set: between compiler runs, between
// flash sectors / blocks, and within 50 ms on any board link (QEMU is then
// stopped and reaped before the call returns). What a cancelled or failed run
// leaves: no QEMU, no firmware.elf from a build that did not finish, no flash
// record (board/flashed_state.h) unless the board answered HELLO with the
// flashed model, and no temporary project folder run() made itself unless the
// flash finished (the record points into it).
// No Qt; the studio calls it from a worker thread.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "board/board.h"
#include "board/firmware_build.h"
#include "board/flashed_state.h"
#include "board/profiler.h"
#include "codegen/codegen.h"
#include "deploy/stages.h"
#include "device/board_device.h"
#include "memory/plan.h"
#include "quant/model.h"

namespace mcunet::deploy {

struct Progress {
    Stage stage = Stage::Generate;
    double fraction = 0;  // of this stage, 0..1
    std::string message;
};

struct Control {
    std::function<void(const Progress&)> progress;  // may be empty
    const std::atomic<bool>* cancel = nullptr;      // may be null; set from any thread
    void report(Stage stage, double fraction, const std::string& message) const;
    void check(Stage stage) const;  // throws board::Cancelled once cancel is set
};

// True for board::Cancelled and a device's DeviceErrorKind::Cancelled.
bool isCancellation(const std::exception& e);

// --- the stages ---

struct Generated {
    std::string directory;
    codegen::Generated generated;
    nlohmann::json plan;  // plan.json as written
};
// Plans the arena with `planner` and writes the C project (prefix "model":
// the firmware build expects it) into `directory`.
Generated generate(const quant::QuantizedModel& model, memory::Planner planner, const std::string& directory,
                   codegen::Options options, const Control& control);

// board::buildFirmware with the stage's progress and cancel.
board::FirmwareBuild build(const std::string& directory, const board::Board& board, board::FirmwareOptions options,
                           const Control& control);

struct Flashed {
    device::DeviceIdentity device;
    device::FlashResult result;
    board::Hello hello;
    board::FlashedState state;  // the record written
};
// Writes `elf` onto the board, opens its link, checks HELLO against `plan`
// (when given: the plan.json the ELF was built from, at `planPath`), then
// records what was flashed. Throws DeviceError, board::LinkError,
// board::Cancelled, mcunet::Error (HELLO does not match the plan).
Flashed flash(device::BoardDevice& device, const board::Board& board, const std::string& elf,
              const std::string& planPath, const nlohmann::json* plan, const Control& control);

struct Profiled {
    board::Profile profile;
    std::vector<std::int8_t> input;
};
// Runs the flashed model `runs` times on `input` over the device's link and
// reads the per-layer counts (board::profileModel).
Profiled profile(device::BoardDevice& device, const board::Board& board, const std::vector<board::LayerInfo>& layers,
                 const std::vector<std::int8_t>& input, int runs, const Control& control);

// The profiling input `mcunet deploy --profile` and the studio use: seeded
// random values (seed + 1 of the weights' seed), quantized with the model's
// input tensor parameters.
std::vector<std::int8_t> profilingInput(const quant::QuantizedModel& model, std::uint64_t seed);

// The MLPerf Tiny task whose input and output plan.json's match (vww01 for
// 96x96x3 -> 2, ...; board::mlperfTaskFor), or "" (the firmware then reports
// the model's name). docs/mlperf.md.
std::string mlperfTaskForPlan(const nlohmann::json& plan);

// --- all of it ---

struct Request {
    const quant::QuantizedModel* model = nullptr;  // required
    std::string modelName;
    memory::Planner planner = memory::Planner::Ours;
    board::Board board;
    std::string directory;  // "" = a temporary folder, removed if the run fails or is cancelled before the flash finished
    bool replace = false;   // `directory` may hold a project generated earlier: replace it (never a folder of the user's)
    board::FirmwareOptions firmware;  // an empty mlperfTaskId becomes mlperfTaskForPlan(the generated plan)
    device::DeviceSelector selector;
    const board::Catalog* catalog = nullptr;  // identifies USB devices (may be null)
    bool profile = false;
    int runs = 1;
    std::vector<std::int8_t> input;  // profiling input; empty = profilingInput(model, seed)
    std::uint64_t seed = 1;
};

struct Result {
    Generated generated;
    board::FirmwareBuild firmware;
    Flashed flashed;
    std::optional<Profiled> profiled;
    std::vector<std::int8_t> reference;  // the reference interpreter's output for the profiling input
    bool matchesReference = false;
};

// Opens the board first (so "no board connected" comes before any work),
// then every stage afresh through flash or profile (stagesAfresh; the
// profile compared with the reference interpreter). Throws what the stages
// throw.
Result run(const Request& request, const Control& control);

}  // namespace mcunet::deploy
