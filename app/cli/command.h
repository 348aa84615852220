#pragma once
// The `mcunet` commands on CLI11. Each define function adds one command's
// options to its subcommand and returns what runs once the command line is
// parsed: the exit code, or mcunet::Error for bad input (exit code 2).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "arch/architecture.h"
#include "board/board.h"
#include "quant/model.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace mcunet::cli {

using Runner = std::function<int()>;

// design_commands.cpp
Runner defineBoards(CLI::App& app);
Runner definePresets(CLI::App& app);
Runner definePreset(CLI::App& app);
Runner defineCost(CLI::App& app);
Runner defineSpace(CLI::App& app);
// deploy_commands.cpp
Runner defineCodegen(CLI::App& app);
Runner defineRun(CLI::App& app);
Runner defineExportTflite(CLI::App& app);
Runner defineBuild(CLI::App& app);
Runner defineFlash(CLI::App& app);
Runner defineProfile(CLI::App& app);
Runner defineDeploy(CLI::App& app);
// import_command.cpp
Runner defineImport(CLI::App& app);
// train_commands.cpp: `train` checks its flags, then hands `argv` (the words
// after "train") to mcunet-train unchanged.
Runner defineTrain(CLI::App& app, const std::vector<std::string>& argv);
// Path of mcunet-train: $MCUNET_TRAIN, beside this program (or its train/
// folder in a build tree), then PATH. Empty when not found.
std::string trainProgramPath();
// tinynas_command.cpp: the whole TinyNAS flow, data to a profiled board.
Runner defineTinynas(CLI::App& app);
Runner defineSearch(CLI::App& app, const std::vector<std::string>& argv);
Runner defineEval(CLI::App& app);
// devices_command.cpp
Runner defineDevices(CLI::App& app);
// demo_command.cpp: a model live on camera or video frames.
Runner defineDemo(CLI::App& app);
Runner defineCapture(CLI::App& app);
Runner defineSampleImages(CLI::App& app);

// --- shared by the commands (command_options.cpp) ---

// The network a command works on: ARCH.json (a positional word), --preset
// NAME or --tflite FILE (an int8 .tflite with its own weights,
// docs/tflite-import.md); for the commands that need weights, a trained
// --model DIR or --seed S for seeded random weights of an architecture (which
// recognise nothing, so they must be asked for).
struct ModelOptions {
    std::optional<std::string> archFile, preset, model, tflite;
    std::optional<std::uint64_t> seed;
};
void addArchitectureOptions(CLI::App& app, ModelOptions& o);
void addModelOptions(CLI::App& app, ModelOptions& o);  // the above, --model and --seed
arch::Architecture architectureFrom(const ModelOptions& o);

struct ModelSource {
    std::string name;  // the architecture's name, or the .tflite file's name without its extension
    arch::Architecture architecture;  // empty for an imported .tflite (its graph is model.graph)
    quant::QuantizedModel model;
    std::string weights;  // "trained (DIR)" or "seeded random (seed S)"
    std::uint64_t seed = 1;
};
ModelSource modelFrom(const ModelOptions& o);

// The network's name and graph without weights (cost): ARCH.json, --preset or --tflite.
struct NamedGraph {
    std::string name;
    graph::Graph graph;
};
NamedGraph graphFrom(const ModelOptions& o);

// --board ID, and the board it names; `action` ("flashing", ...) asks that
// the board can be built for, flashed and profiled here
// (device::boardSupport, the one place that says so) and names the action in
// the refusal.
CLI::Option* addBoardOption(CLI::App& app, std::string& id);
board::Board boardFrom(const std::string& id, const char* action = nullptr);

// --planner tflm|tinyengine|ours (the shared default).
CLI::Option* addPlannerOption(CLI::App& app, std::string& planner);

}  // namespace mcunet::cli
