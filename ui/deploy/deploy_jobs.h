#pragma once
// The Deploy view's pipeline steps, each run as one JobRunner job on a worker
// thread (never the GUI thread): generate the C project, cross-build the
// firmware, flash the board (through the device layer: the virtual board
// records and boots the ELF in QEMU, a real one is found on USB) and check
// that it answers with this model, profile it layer by layer and compare its
// output with the reference interpreter. Each step is a stage of core's
// deploy pipeline (core/deploy/pipeline.h), the one `mcunet build / flash /
// profile / deploy` call (same seeds: weights `seed`, input `seed + 1`), so
// the figures equal the CLI's. With a trained model directory the int8
// weights are the trained ones (`mcunet deploy --model DIR`).
//
// The job's cancel flag is the pipeline's: it stops a build between compiler
// runs, a flash between sectors, and any board link within 50 ms (QEMU is
// stopped and reaped before the step returns).
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "board/board.h"
#include "board/firmware_build.h"
#include "board/link.h"
#include "board/profiler.h"
#include "deploy/stages.h"
#include "codegen/codegen.h"
#include "device/board_device.h"
#include "common/defaults.h"
#include "document/design_analysis.h"
#include "quant/model.h"

namespace mcunet::ui {

class JobContext;

// The stage's title for people: "Generate", "Build", "Flash", "Profile".
const char* deployStepName(deploy::Stage s);

struct GenerateRequest {
    std::shared_ptr<const DesignAnalysis> analysis;  // architecture, board, selected planner
    std::string directory;
    bool clearDirectory = false;  // the view's own temporary folder: start from an empty one
    std::uint64_t seed = defaults::kSeed;  // weights (as `mcunet codegen --seed`) when not trained
    // A trained model directory of this very architecture: its int8 weights
    // instead of seeded ones. Empty: seeded random weights.
    std::string trainedModel;
};

struct GeneratedProject {
    std::shared_ptr<const DesignAnalysis> analysis;  // what it was generated from
    std::shared_ptr<const quant::QuantizedModel> model;
    memory::Planner planner = memory::Planner::Ours;
    std::uint64_t seed = defaults::kSeed;
    std::string trainedModel;         // the model directory whose weights it has; empty: seeded
    double trainedInt8Accuracy = -1;  // its recorded int8 test accuracy (-1: none)
    std::string directory;
    codegen::Generated generated;
    nlohmann::json plan;                        // plan.json as written
    std::map<std::string, std::string> sources;  // model.c, model.h, plan.json: for the preview
    double seconds = 0;
};

struct BuiltFirmware {
    board::FirmwareBuild firmware;
    std::int64_t plannedArenaBytes = 0;    // plan.json
    std::int64_t estimatedFlashBytes = 0;  // the cost model's (as the Design view shows it)
    double seconds = 0;
};

struct FlashedBoard {
    std::string elf;
    device::DeviceIdentity device;  // what was flashed through (QEMU, an ST-LINK with its serial, ...)
    board::Hello hello;
    double seconds = 0;
};

struct ProfileRun {
    board::Profile profile;
    std::vector<std::int8_t> input;
    std::vector<std::int8_t> reference;  // the reference interpreter's output for the same input
    bool matchesReference = false;
    double seconds = 0;
};

// Step functions (worker thread). They throw mcunet::Error with a message for
// the user, and stop early (throwing) once `job` is cancelled.
std::shared_ptr<const GeneratedProject> generateProject(const GenerateRequest& request, JobContext& job);
std::shared_ptr<const BuiltFirmware> buildProject(const GeneratedProject& project, JobContext& job);
//   serial: the USB serial number of the board to use ("" = the one connected).
std::shared_ptr<const FlashedBoard> flashBoard(const GeneratedProject& project, const std::string& elf,
                                               const std::string& serial, JobContext& job);
// Profiles what the flash step put on the board (board/flashed_state.h).
std::shared_ptr<const ProfileRun> profileBoard(const GeneratedProject& project, int runs, const std::string& serial,
                                               JobContext& job);

// The profiling input: seeded random image, quantized with the input tensor's parameters.
std::vector<std::int8_t> profilingInput(const GeneratedProject& project);

}  // namespace mcunet::ui
