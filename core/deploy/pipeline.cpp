#include "deploy/pipeline.h"

#include <algorithm>
#include <filesystem>

#include "board/cancel.h"
#include "board/link.h"
#include "board/mlperf.h"
#include "common/atomic_file.h"
#include "common/cleanup.h"
#include "common/output_dir.h"
#include "common/error.h"
#include "common/json_read.h"
#include "device/device_error.h"
#include "quant/interpreter.h"

namespace mcunet::deploy {

namespace fs = std::filesystem;

void Control::report(Stage stage, double fraction, const std::string& message) const {
    check(stage);
    if (progress) progress({stage, fraction, message});
}

void Control::check(Stage stage) const { board::throwIfCancelled(cancel, stageName(stage)); }

bool isCancellation(const std::exception& e) {
    if (dynamic_cast<const board::Cancelled*>(&e)) return true;
    const auto* d = dynamic_cast<const device::DeviceError*>(&e);
    return d && d->kind() == device::DeviceErrorKind::Cancelled;
}

Generated generate(const quant::QuantizedModel& model, memory::Planner planner, const std::string& directory,
                   codegen::Options options, const Control& control) {
    control.report(Stage::Generate, 0, std::string("planning the arena (") + memory::plannerName(planner) + ")");
    const memory::Plan plan = memory::plan(model.graph, planner);
    control.report(Stage::Generate, 0.3, "writing C to " + directory);
    options.prefix = "model";
    Generated out;
    out.directory = directory;
    out.generated = codegen::generate(model, plan, directory, options);
    out.plan = json_read::parseFile((fs::path(directory) / "plan.json").string());
    control.report(Stage::Generate, 1, std::to_string(out.generated.files.size()) + " files");
    return out;
}

board::FirmwareBuild build(const std::string& directory, const board::Board& board, board::FirmwareOptions options,
                           const Control& control) {
    control.report(Stage::Build, 0, "cross-building for " + board.id + " (arm-none-eabi-gcc)");
    options.progress = [&control](int done, int total) {
        if (control.cancel && control.cancel->load()) return false;
        if (control.progress)
            control.progress({Stage::Build, double(done) / total,
                              done + 1 == total ? std::string("linking") : "compiling " + std::to_string(done + 1) + " of " + std::to_string(total - 1)});
        return true;
    };
    board::FirmwareBuild fw = board::buildFirmware(directory, board, options);
    control.report(Stage::Build, 1, "built " + fw.elf);
    return fw;
}

Flashed flash(device::BoardDevice& dev, const board::Board& board, const std::string& elf, const std::string& planPath,
              const nlohmann::json* plan, const Control& control) {
    Flashed out;
    out.device = dev.identify();
    control.report(Stage::Flash, 0, "flashing " + board.id + " (" + out.device.transport + ")");
    const device::FlashImage image = device::flashImageFromElf(elf);
    const auto progress = [&control](const device::FlashProgress& p) {
        if (control.cancel && control.cancel->load()) return false;
        if (control.progress)
            control.progress({Stage::Flash, p.total ? 0.8 * double(p.done) / double(p.total) : 0.0, p.phase});
        return true;
    };
    out.result = dev.flash(image, progress, control.cancel);
    control.report(Stage::Flash, 0.8, "saying hello over the link");
    {
        const std::unique_ptr<board::Transport> link = dev.openLink(control.cancel);
        board::LinkClient client(*link);
        out.hello = client.hello();
    }
    control.check(Stage::Flash);
    if (plan) board::checkHelloAgainstPlan(out.hello, *plan);
    out.state.board = board.id;
    out.state.elf = image.elf;
    out.state.plan = planPath.empty() ? "" : fs::absolute(planPath).string();
    out.state.model = out.hello.model;
    out.state.arenaBytes = out.hello.arenaBytes;
    // The project the previous record pointed into, if a kept temporary one.
    std::string previous;
    try {
        const std::string previousPlan = board::readFlashedState(board.id).plan;
        if (!previousPlan.empty()) previous = fs::path(previousPlan).parent_path().string();
    } catch (const Error&) {
    }
    board::writeFlashedState(out.state);  // atomically, and only now: the board runs this model
    if (!previous.empty() && previous != fs::path(out.state.plan).parent_path().string())
        atomic_file::removeKeptTempDirectory(previous);  // nothing points into it any more
    control.report(Stage::Flash, 1, board.id + " answers: " + out.hello.model);
    return out;
}

Profiled profile(device::BoardDevice& dev, const board::Board& board, const std::vector<board::LayerInfo>& layers,
                 const std::vector<std::int8_t>& input, int runs, const Control& control) {
    control.report(Stage::Profile, 0, "opening the link to " + board.id);
    Profiled out;
    out.input = input;
    const std::unique_ptr<board::Transport> link = dev.openLink(control.cancel);
    board::LinkClient client(*link);
    control.report(Stage::Profile, 0.1, "running the model " + std::to_string(runs) + " time(s)");
    out.profile = board::profileModel(client, layers, board, input, runs);
    control.report(Stage::Profile, 1, std::to_string(out.profile.total) + " " + out.profile.unit());
    return out;
}

std::vector<std::int8_t> profilingInput(const quant::QuantizedModel& model, std::uint64_t seed) {
    const graph::Graph& g = model.graph;
    return quant::quantizeTensor(quant::randomInputs(g, 1, seed + 1)[0], model.tensors[static_cast<std::size_t>(g.input())]);
}

std::string mlperfTaskForPlan(const nlohmann::json& plan) {
    const nlohmann::json shape = plan.value("input", nlohmann::json::object()).value("shape", nlohmann::json::array());
    const bool known = shape.is_array() && shape.size() == 3 &&
                       std::all_of(shape.begin(), shape.end(), [](const nlohmann::json& v) { return v.is_number_integer(); });
    if (!known) return "";
    return board::mlperfTaskFor(shape[0].get<int>(), shape[1].get<int>(), shape[2].get<int>(),
                                board::tensorBytesFromPlan(plan, "output"));
}

namespace {

// The stages after the device is open, afresh; `result` keeps what each produced.
// `cleanupToken`: the signal cleanup's registration of a temporary `dir`
// (0 for a folder of the caller's), dropped once the board runs its ELF.
void runAll(const Request& r, device::BoardDevice& dev, const std::string& dir, int cleanupToken, const Control& control,
            Result& result) {
    std::vector<std::int8_t> input;
    runStages(stagesAfresh(r.profile ? Stage::Profile : Stage::Flash), {}, [&](Stage stage) {
        switch (stage) {
            case Stage::Generate: {
                codegen::Options options;
                options.modelName = r.modelName;
                options.boardId = r.board.id;
                options.replace = true;  // run() claimed the folder (output_dir::claim) before the board was opened
                result.generated = generate(*r.model, r.planner, dir, options, control);
                break;
            }
            case Stage::Build: {
                board::FirmwareOptions firmware = r.firmware;
                if (firmware.mlperfTaskId.empty()) firmware.mlperfTaskId = mlperfTaskForPlan(result.generated.plan);
                result.firmware = build(dir, r.board, firmware, control);
                break;
            }
            case Stage::Flash:
                result.flashed = flash(dev, r.board, result.firmware.elf, (fs::path(dir) / "plan.json").string(),
                                       &result.generated.plan, control);
                atomic_file::keepTempDirectory(dir);  // a temporary project the flash record now points into (no-op for others)
                if (cleanupToken) cleanup::remove(cleanupToken);
                break;
            case Stage::Profile:
                input = r.input.empty() ? profilingInput(*r.model, r.seed) : r.input;
                result.profiled = profile(dev, r.board, board::layersFromPlan(result.generated.plan), input, r.runs, control);
                result.reference = quant::runReferenceOutput(*r.model, input);
                result.matchesReference = result.reference == result.profiled->profile.output;
                break;
        }
    });
}

}  // namespace

Result run(const Request& r, const Control& control) {
    if (!r.model) throw Error("deploy: no model");
    // A folder of the user's is refused before the board is opened.
    if (!r.directory.empty()) output_dir::claim(r.directory, output_dir::kGeneratedProject, r.replace);
    const std::unique_ptr<device::BoardDevice> dev = device::openDevice(r.board, r.selector, r.catalog);
    const bool temporary = r.directory.empty();
    // A temporary folder is made and registered for the signal cleanup in one step.
    std::string dir = r.directory;
    const int token = temporary ? cleanup::addNewDirectory([] { return atomic_file::makeTempDirectory("deploy"); }, dir) : 0;
    Result result;
    try {
        runAll(r, *dev, dir, token, control, result);
        if (token) cleanup::remove(token);
    } catch (...) {
        if (token) cleanup::remove(token);
        // A temporary folder goes, unless the board now runs its ELF (the
        // flash record points into it: a later profile boots or checks it).
        if (temporary && result.flashed.state.elf.empty()) {
            std::error_code ignored;
            fs::remove_all(dir, ignored);
        }
        throw;
    }
    return result;
}

}  // namespace mcunet::deploy
