// `mcunet codegen`, `run`, `export-tflite`, `build`, `flash`, `profile`,
// `deploy`: from a model to C, to firmware, to the board and its profile.
// Everything read from disk is checked before a build or QEMU starts
// (cli/generated_project.h).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "board/firmware_build.h"
#include "board/mlperf.h"
#include "board/link.h"
#include "board/profiler.h"
#include "board/flashed_state.h"
#include "deploy/pipeline.h"
#include "device/board_device.h"
#include "device/device_error.h"
#include "cli/command.h"
#include "cli/device_options.h"
#include "cli/format.h"
#include "cli/generated_project.h"
#include "cli/options.h"
#include "codegen/build.h"
#include "codegen/codegen.h"
#include "common/cleanup.h"
#include "common/atomic_file.h"
#include "common/defaults.h"
#include "common/error.h"
#include "common/input_file.h"
#include "common/json_read.h"
#include "common/process.h"
#include "common/safe_text.h"
#include "data/dataset.h"
#include "demo/classify.h"
#include "demo/session.h"
#include "graph/network.h"
#include "cost/cost.h"
#include "interop/tflite_export.h"
#include "memory/plan.h"
#include "quant/interpreter.h"
#include "quant/model_dir.h"

namespace mcunet::cli {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// An input tensor file: exists, is a regular file of exactly `bytes` bytes.
void checkInputFile(const std::string& path, std::int64_t bytes) {
    std::error_code ec;
    if (!fs::exists(path, ec)) throw Error(path + ": cannot open (no such file)");
    if (!fs::is_regular_file(path, ec)) throw Error(path + ": not a regular file");
    const auto size = fs::file_size(path, ec);
    if (ec) throw Error(path + ": cannot read its size (" + ec.message() + ")");
    if (std::int64_t(size) != bytes)
        throw Error(path + ": " + std::to_string(size) + " bytes, the model takes " + std::to_string(bytes) +
                    " (int8 input tensor)");
}

std::vector<std::int8_t> readInputFile(const std::string& path, std::int64_t bytes) {
    checkInputFile(path, bytes);
    const std::string text = input_file::read(path, static_cast<std::size_t>(bytes), "an int8 input tensor");
    std::vector<std::int8_t> data(text.begin(), text.end());
    if (std::int64_t(data.size()) != bytes)
        throw Error(path + ": " + std::to_string(data.size()) + " bytes, the model takes " + std::to_string(bytes));
    return data;
}

// The host runner's output: `bytes` int8 values separated by commas. Anything
// else (a crash message, a changed runner) is refused quoting what it printed.
std::vector<int> parseOutputTensor(const std::string& text, std::int64_t bytes, const std::string& program) {
    std::vector<int> values;
    auto refuse = [&](const std::string& why) -> std::vector<int> {
        throw Error(program + " printed \"" + text.substr(0, 200) + (text.size() > 200 ? "..." : "") + "\": " + why +
                    " (expected " + std::to_string(bytes) + " int8 values separated by commas)");
    };
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        const std::string token = text.substr(start, comma - start);
        int v = 0;
        const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
        if (token.empty() || ec != std::errc() || end != token.data() + token.size() || v < -128 || v > 127)
            return refuse("\"" + token.substr(0, 20) + "\" is not an int8 value");
        values.push_back(v);
        if (std::int64_t(values.size()) > bytes) return refuse("more values than the output tensor has");
        start = comma + 1;
    }
    if (std::int64_t(values.size()) != bytes) return refuse(std::to_string(values.size()) + " values");
    return values;
}

CLI::Option* addRunsOption(CLI::App& app, int& runs) {
    runs = defaults::kProfileRuns;
    return addNumber(app, "--runs", runs, defaults::kMinProfileRuns, defaults::kMaxProfileRuns,
                     "inferences per profile; each layer's count is the minimum over the runs");
}

// --- codegen ---

struct CodegenOptions {
    ModelOptions model;
    std::string board, planner;
    std::optional<std::string> out;
    bool force = false, json = false;
};

int codegenCommand(const CodegenOptions& o) {
    const ModelSource source = modelFrom(o.model);
    const board::Board b = boardFrom(o.board);
    if (!o.out) throw Error("needs --out DIR");
    const memory::Planner planner = memory::parsePlanner(o.planner);
    const quant::QuantizedModel& model = source.model;
    const memory::Plan plan = memory::plan(model.graph, planner);
    codegen::Options options;
    options.modelName = source.name;
    options.boardId = b.id;
    options.replace = o.force;
    const codegen::Generated gen = codegen::generate(model, plan, *o.out, options);
    const std::int64_t flash = cost::totalFlashBytes(model.graph, b);
    if (o.json) {
        std::cout << json{{"directory", gen.directory},
                          {"architecture", source.name},
                          {"board", b.id},
                          {"planner", memory::plannerName(planner)},
                          {"arena_bytes", gen.arenaBytes},
                          {"flash_bytes", flash},
                          {"files", gen.files},
                          {"kernel_variants", gen.kernelVariants}}
                         .dump(2)
                  << "\n";
    } else {
        std::printf("generated %s for %s in %s: %zu files, arena %s B (planner %s), Flash estimate %s B\n",
                    source.name.c_str(), b.id.c_str(), gen.directory.c_str(), gen.files.size(),
                    withCommas(gen.arenaBytes).c_str(), memory::plannerName(planner), withCommas(flash).c_str());
    }
    if (gen.arenaBytes > b.sramBytes)
        std::fprintf(stderr, "warning: the arena (%s B) is larger than %s's SRAM (%s B)\n",
                     withCommas(gen.arenaBytes).c_str(), b.id.c_str(), withCommas(b.sramBytes).c_str());
    return 0;
}

// --- run ---

struct RunOptions {
    std::optional<std::string> dir, model, tflite, input, image;
    long long runs = 1;
    int top = 3;
    bool json = false;
};

// --image: the picture prepared as the model was trained, as its int8 input
// in a private file (removed by `work`'s owner).
std::string imageInput(const RunOptions& o, const quant::TrainedModel& m, const std::string& work) {
    if (m.network.inputKind() != graph::InputKind::Image)
        throw Error("--image: " + *o.model + " is a " + graph::inputKindName(m.network.inputKind()) + " model, not a picture model");
    const demo::CameraInput in = demo::cameraInput(m.int8, *o.model);
    const std::vector<std::int8_t> input = demo::quantizeInput(m.int8, data::loadImageFile(*o.image, in.resolution, in.channels));
    const std::string file = (fs::path(work) / "input.bin").string();
    atomic_file::writeText(file, std::string(input.begin(), input.end()));
    return file;
}

// The predicted classes of --image, best first (the model's names and scores).
int printPrediction(const RunOptions& o, const quant::TrainedModel& m, const std::vector<int>& output, const json& raw) {
    const demo::Prediction p = demo::predict(m.int8, std::vector<std::int8_t>(output.begin(), output.end()));
    std::vector<int> order(p.values.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = int(i);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return p.values[std::size_t(a)] > p.values[std::size_t(b)]; });
    order.resize(std::min<std::size_t>(order.size(), std::size_t(o.top)));
    const auto name = [&](int c) { return c >= 0 && std::size_t(c) < m.classes.size() ? m.classes[std::size_t(c)] : std::to_string(c); };
    if (o.json) {
        json top = json::array();
        for (int c : order) top.push_back({{"class", c}, {"label", name(c)}, {"score", p.values[std::size_t(c)]}});
        std::cout << json{{"output", raw}, {"runs", o.runs}, {"image", *o.image}, {"class", p.label}, {"label", name(p.label)},
                          {"score", p.confidence}, {"top", top}}.dump()
                  << "\n";
        return 0;
    }
    std::cout << safe_text::forTerminal(*o.image) << ": " << safe_text::forTerminal(name(p.label)) << " ("
              << numberText(std::round(1000 * p.confidence) / 10) << "%)\n";
    for (std::size_t i = 1; i < order.size(); ++i)
        std::cout << "  then " << safe_text::forTerminal(name(order[i])) << " ("
                  << numberText(std::round(1000 * p.values[std::size_t(order[i])]) / 10) << "%)\n";
    return 0;
}

int runCommand(const RunOptions& o) {
    if (int(o.dir.has_value()) + int(o.model.has_value()) + int(o.tflite.has_value()) != 1)
        throw Error("needs the generated project's DIR, --model DIR or --tflite FILE");
    if (!o.input && !o.image) throw Error("needs --input FILE (the raw int8 input tensor) or --image FILE with --model");
    std::string project = o.dir.value_or("");
    std::optional<cleanup::ScopedDirectory> generated;  // removed when the run ends
    std::optional<cleanup::ScopedDirectory> prepared;   // --image's int8 input
    std::string input = o.input.value_or("");
    std::optional<quant::TrainedModel> trained;  // --image: its model, read once
    if (o.image) {
        if (o.input) throw Error("--image and --input: give one");
        if (!o.model) throw Error("--image needs --model DIR: the picture is prepared as the model was trained, and its classes named");
        trained = quant::loadTrainedModel(*o.model);
        input = imageInput(o, *trained, prepared.emplace([] { return atomic_file::makeTempDirectory("image"); }).path());
    }
    if (o.model || o.tflite) {
        // A trained or imported model: generate it into a private folder first.
        ModelOptions m;
        m.model = o.model;
        m.tflite = o.tflite;
        const ModelSource source = modelFrom(m);
        project = generated.emplace([] { return atomic_file::makeTempDirectory("run"); }).path();
        codegen::Options options;
        options.modelName = source.name;
        codegen::generate(source.model, memory::plan(source.model.graph, memory::Planner::Ours), project, options);
    }
    // The project and the input are checked before anything is compiled.
    const CheckedPlan plan = openGeneratedProject(project, ProjectBuild::Host);
    checkInputFile(input, plan.inputBytes);
    const std::string exe = codegen::buildHostRunner(project);
    const ProcessResult r = runProcess({exe, input, "-", std::to_string(o.runs)}, "", 3600);
    if (r.exitCode != 0) throw Error("" + (r.output.empty() ? std::string("the model failed") : r.output));
    std::string values = r.output;
    while (!values.empty() && (values.back() == '\n' || values.back() == '\r')) values.pop_back();
    if (o.image) {
        const std::vector<int> output = parseOutputTensor(values, plan.outputBytes, exe);
        return printPrediction(o, *trained, output, json(output));
    }
    if (!o.json) {
        std::cout << values << "\n";
        return 0;
    }
    json output = json::array();
    for (const int v : parseOutputTensor(values, plan.outputBytes, exe)) output.push_back(v);
    std::cout << json{{"output", output}, {"runs", o.runs}}.dump() << "\n";
    return 0;
}

// --- export-tflite ---

struct ExportOptions {
    ModelOptions model;
    std::optional<std::string> out;
    std::string board;  // accepted for symmetry with codegen; a .tflite file is the same for every board
    bool json = false;
};

int exportTfliteCommand(const ExportOptions& o) {
    const ModelSource source = modelFrom(o.model);
    if (!o.out) throw Error("needs --out FILE.tflite");
    const auto bytes = interop::exportTflite(source.model, source.name + " (MCUNet Studio, " + source.weights + ")");
    json_read::writeFileAtomically(*o.out, std::string(bytes.begin(), bytes.end()));
    const interop::TfliteSummary s = interop::inspectTflite(bytes);
    if (o.json)
        std::cout << json{{"written", *o.out}, {"bytes", bytes.size()}, {"operators", s.operators}, {"tensors", s.tensors}}.dump(2)
                  << "\n";
    else
        std::printf("wrote %s: %s bytes, %d operators, %d tensors\n", o.out->c_str(),
                    withCommas(std::int64_t(bytes.size())).c_str(), s.operators, s.tensors);
    return 0;
}

// --- build, flash ---

json buildJson(const board::FirmwareBuild& b, const CheckedPlan& plan, const board::Board& board) {
    const std::int64_t flashEstimate = plan.json.at("weight_flash_bytes").get<std::int64_t>() + board.runtimeFlashBytes;
    return {{"elf", b.elf},
            {"flash_bytes", b.flashBytes},
            {"sram_bytes", b.sramBytes},
            {"arena_bytes", b.arenaBytes},
            {"planned_arena_bytes", plan.json.at("arena_bytes").get<std::int64_t>()},
            {"estimated_flash_bytes", flashEstimate},
            {"flash_limit_bytes", board.flashBytes},
            {"sram_limit_bytes", board.sramBytes}};
}

void printBuild(const board::FirmwareBuild& b, const CheckedPlan& plan, const board::Board& board) {
    const json j = buildJson(b, plan, board);
    std::printf("built %s\n  Flash %s B of %s (estimate %s B)\n  SRAM  %s B of %s, arena %s B (planned %s B)\n", b.elf.c_str(),
                withCommas(b.flashBytes).c_str(), withCommas(board.flashBytes).c_str(),
                withCommas(j["estimated_flash_bytes"].get<std::int64_t>()).c_str(), withCommas(b.sramBytes).c_str(),
                withCommas(board.sramBytes).c_str(), withCommas(b.arenaBytes).c_str(),
                withCommas(j["planned_arena_bytes"].get<std::int64_t>()).c_str());
}

// Stage messages on stderr when it is a terminal (the pipeline's progress).
deploy::Control cliControl() {
    deploy::Control control;
    if (isatty(STDERR_FILENO) == 0) return control;
    control.progress = [last = std::string()](const deploy::Progress& p) mutable {
        const std::string line = std::string(deploy::stageName(p.stage)) + ": " + p.message;
        if (line == last) return;
        last = line;
        std::fprintf(stderr, "\r\033[K%s (%d%%)", line.c_str(), int(100 * p.fraction));
        if (p.fraction >= 1) std::fprintf(stderr, "\n");
    };
    return control;
}

struct BoardTargetOptions {
    std::optional<std::string> target;  // DIR (build, flash) or ELF (flash)
    std::string board;
    std::optional<std::string> mlperfTask;
    DeviceOptions device;
    bool json = false;
};

// What the firmware reports to MLPerf Tiny's runner as m-model-[...]: the
// task the user names, else the task whose input and output the model's
// match (vww01 for 96x96x3 -> 2, ...), else the model's name (docs/mlperf.md).
board::FirmwareOptions firmwareOptions(const std::optional<std::string>& task, const nlohmann::json& plan) {
    board::FirmwareOptions f;
    if (task) {
        board::checkMlperfTaskId(*task);
        f.mlperfTaskId = *task;
        return f;
    }
    f.mlperfTaskId = deploy::mlperfTaskForPlan(plan);
    return f;
}

void addMlperfTaskOption(CLI::App& app, std::optional<std::string>& task) {
    app.add_option("--mlperf-task", task,
                   "the MLPerf Tiny task id the firmware reports (vww01, ic01, kws01, ad01, sww01 or a name of "
                   "[a-z0-9_-]; default: the task the model's input and output match, else the model name)")
        ->type_name("ID");
}

int buildCommand(const BoardTargetOptions& o) {
    if (!o.target) throw Error("needs the generated project's DIR");
    const board::Board b = boardFrom(o.board);
    const CheckedPlan plan = openGeneratedProject(*o.target, ProjectBuild::Firmware);
    const board::FirmwareBuild fw = deploy::build(*o.target, b, firmwareOptions(o.mlperfTask, plan.json), cliControl());
    if (o.json) std::cout << buildJson(fw, plan, b).dump(2) << "\n";
    else printBuild(fw, plan, b);
    return 0;
}

// The board is looked for before anything is built: "no board connected"
// comes first.
int flashCommand(const BoardTargetOptions& o) {
    if (!o.target) throw Error("needs a generated project DIR or an ELF file");
    // Options first: the same value is refused whether or not a build is needed.
    if (o.mlperfTask) board::checkMlperfTaskId(*o.mlperfTask);
    const board::Board b = boardFrom(o.board, "flashing");
    const std::unique_ptr<device::BoardDevice> dev = openBoard(b, o.device);
    const deploy::Control control = cliControl();
    std::string elf = *o.target;
    std::optional<CheckedPlan> plan;
    std::error_code ec;
    if (fs::is_directory(*o.target, ec)) {
        const fs::path built = fs::path(*o.target) / ("build-" + b.id) / "firmware.elf";
        if (fs::exists(built, ec)) {
            plan = readPlan((fs::path(*o.target) / "plan.json").string());
        } else {
            plan = openGeneratedProject(*o.target, ProjectBuild::Firmware);
            deploy::build(*o.target, b, firmwareOptions(o.mlperfTask, plan->json), control);
        }
        elf = built.string();
    }
    const deploy::Flashed f = deploy::flash(*dev, b, elf, plan ? plan->path : "", plan ? &plan->json : nullptr, control);
    if (o.json) {
        json j = board::toJson(f.state);
        j["device"] = f.device.transport;
        j["verified"] = f.result.verified;
        std::cout << j.dump(2) << "\n";
    } else {
        std::printf("flashed %s onto %s (%s) through %s\n", f.state.model.c_str(), b.id.c_str(), elf.c_str(),
                    f.device.transport.c_str());
    }
    return 0;
}

// --- profile, deploy ---

void printProfile(const board::Profile& p) {
    const std::string unit = p.unit();
    std::printf("%s on %s, %d run(s); counts are %s%s\n\n", p.model.c_str(), p.board.c_str(), p.runs, unit.c_str(),
                p.instructions ? " executed (QEMU -icount), not cycles" : "");
    std::printf("%3s %-16s %-17s %12s %14s %8s %7s %14s\n", "#", "layer", "op", "MACs", unit.c_str(),
                p.instructions ? "MAC/ins" : "MAC/cyc", "share", "estimate");
    for (std::size_t i = 0; i < p.layers.size(); ++i) {
        const auto& l = p.layers[i];
        std::printf("%3zu %-16s %-17s %12s %14s %8.3f %6.1f%% %14s\n", i, l.layer.name.c_str(), l.layer.op.c_str(),
                    withCommas(l.layer.macs).c_str(), withCommas(std::int64_t(l.count)).c_str(), l.macsPerCount,
                    100 * l.share, withCommas(std::int64_t(l.estimate)).c_str());
    }
    std::printf("\ntotal %s %s for %s MACs (%.3f MACs per %s); estimate %s\n", withCommas(std::int64_t(p.total)).c_str(),
                unit.c_str(), withCommas(p.macs).c_str(), p.total ? double(p.macs) / double(p.total) : 0.0,
                p.instructions ? "instruction" : "cycle", withCommas(std::int64_t(p.estimateTotal)).c_str());
}

struct ProfileOptions {
    std::string board;
    int runs = defaults::kProfileRuns;
    std::optional<std::string> input;
    std::uint64_t seed = defaults::kSeed;
    DeviceOptions device;
    bool json = false;
};

int profileCommand(const ProfileOptions& o) {
    const board::Board b = boardFrom(o.board, "profiling");
    const std::unique_ptr<device::BoardDevice> dev = openBoard(b, o.device);
    const board::FlashedState state = board::readFlashedState(b.id);
    if (state.plan.empty())
        throw Error(b.id + ": the flashed firmware came without its plan.json; flash the generated DIR instead of the ELF");
    const CheckedPlan plan = readPlan(state.plan);
    std::vector<std::int8_t> input;
    if (o.input) {
        input = readInputFile(*o.input, plan.inputBytes);
    } else {
        std::mt19937_64 rng(o.seed);
        for (std::int64_t i = 0; i < plan.inputBytes; ++i) input.push_back(static_cast<std::int8_t>(rng() & 0xff));
    }
    const board::Profile p = deploy::profile(*dev, b, plan.layers, input, o.runs, cliControl()).profile;
    if (o.json) std::cout << board::toJson(p).dump(2) << "\n";
    else printProfile(p);
    return 0;
}

struct DeployOptions {
    ModelOptions model;
    std::string board, planner;
    std::optional<std::string> out;
    int runs = defaults::kProfileRuns;
    std::optional<std::string> mlperfTask;
    DeviceOptions device;
    bool profile = false, force = false, json = false;
};

// The profile of a deploy run into `out`, printed unless --json.
void addProfile(const deploy::Result& r, json& out, bool print) {
    const board::Profile& p = r.profiled->profile;
    const json pj = board::toJson(p);
    const std::string perCount = "macs_per_" + std::string(p.instructions ? "instruction" : "cycle");
    out["profile"] = pj;
    out["layers"] = pj["layers"];
    out["unit"] = pj["unit"];
    out[p.unit()] = p.total;
    out[perCount] = pj[perCount];
    out["outputs_match_reference"] = r.matchesReference;
    if (print) {
        std::printf("\n");
        printProfile(p);
        std::printf("output %s the reference interpreter's\n", r.matchesReference ? "identical to" : "DIFFERS from");
    }
}

int deployCommand(const DeployOptions& o) {
    const ModelSource source = modelFrom(o.model);
    deploy::Request request;
    request.board = boardFrom(o.board, "deploying to");
    const board::Board& b = request.board;
    request.model = &source.model;
    request.modelName = source.name;
    request.planner = memory::parsePlanner(o.planner);
    if (o.mlperfTask) request.firmware = firmwareOptions(o.mlperfTask, json::object());
    request.directory = o.out.value_or("");  // none: the pipeline's temporary folder
    request.replace = o.force;
    request.selector = o.device.selector();
    request.catalog = &board::Catalog::builtIn();
    request.profile = o.profile;
    request.runs = o.runs;
    request.seed = source.seed;
    deploy::Result r;
    try {
        r = deploy::run(request, cliControl());
    } catch (const device::DeviceError& e) {
        if (e.kind() != device::DeviceErrorKind::Ambiguous) throw;
        throw device::DeviceError(e.kind(), std::string(e.what()) + " with --serial SN");
    }
    const std::string directory = r.generated.directory;
    const CheckedPlan planJson = readPlan((fs::path(directory) / "plan.json").string());
    const memory::Plan plan = memory::plan(source.model.graph, request.planner);
    const cost::ModelCost c = cost::estimate(source.model.graph, b);
    json out = {{"architecture", source.name}, {"board", b.id}, {"directory", directory},
                {"planner", memory::plannerName(request.planner)}, {"weights", source.weights},
                {"device", r.flashed.device.transport},
                {"build", buildJson(r.firmware, planJson, b)},
                {"estimate", {{"macs", c.macs}, {"flash_bytes", c.flashBytes}, {"peak_sram_bytes", plan.arenaBytes}, {"latency_ms", c.latencyMs}}}};
    if (!o.json) printBuild(r.firmware, planJson, b);
    if (o.profile) addProfile(r, out, !o.json);
    else if (!o.json) std::printf("flashed %s onto %s\n", source.name.c_str(), b.id.c_str());
    if (o.json) std::cout << out.dump(2) << "\n";
    if (o.profile && !r.matchesReference) {
        std::fprintf(stderr, "deploy: the board's output differs from the reference interpreter\n");
        return 1;
    }
    return 0;
}

}  // namespace

Runner defineCodegen(CLI::App& app) {
    auto o = std::make_shared<CodegenOptions>();
    addModelOptions(app, o->model);
    addBoardOption(app, o->board);
    app.add_option("--out", o->out, "the folder to write the C project to: new, empty, or one it made before (with --force)")
        ->type_name("DIR");
    addForceFlag(app, o->force);
    addPlannerOption(app, o->planner);
    addJsonFlag(app, o->json);
    return [o] { return codegenCommand(*o); };
}

Runner defineRun(CLI::App& app) {
    auto o = std::make_shared<RunOptions>();
    app.add_option("DIR", o->dir, "a generated project (mcunet codegen)")->type_name("");
    app.add_option("--model", o->model, "a trained model directory (generated into a temporary folder)")->type_name("DIR");
    app.add_option("--tflite", o->tflite, "an int8 .tflite model (generated into a temporary folder)")->type_name("FILE");
    app.add_option("--input", o->input, "the raw int8 input tensor (H x W x C bytes)")->type_name("FILE");
    app.add_option("--image", o->image, "with --model: a picture (PNG, JPEG) prepared as the model was trained; prints the "
                                        "predicted class with its score")->type_name("FILE");
    addNumber(app, "--top", o->top, 1, 1000, "with --image: how many classes to print, best first");
    addNumber(app, "--runs", o->runs, 1LL, 1000000LL, "inferences (the output is the last one's)");
    addJsonFlag(app, o->json);
    return [o] { return runCommand(*o); };
}

Runner defineExportTflite(CLI::App& app) {
    auto o = std::make_shared<ExportOptions>();
    addModelOptions(app, o->model);
    app.add_option("--out", o->out, "the .tflite file to write")->type_name("FILE");
    app.add_option("--board", o->board, "not used: a .tflite file is the same for every board")->type_name("ID");
    addJsonFlag(app, o->json);
    return [o] { return exportTfliteCommand(*o); };
}

Runner defineBuild(CLI::App& app) {
    auto o = std::make_shared<BoardTargetOptions>();
    app.add_option("DIR", o->target, "a generated project (mcunet codegen)")->type_name("");
    addBoardOption(app, o->board);
    addMlperfTaskOption(app, o->mlperfTask);
    addJsonFlag(app, o->json);
    return [o] { return buildCommand(*o); };
}

Runner defineFlash(CLI::App& app) {
    auto o = std::make_shared<BoardTargetOptions>();
    app.add_option("DIR|ELF", o->target, "a generated project (built first if needed) or a firmware ELF")->type_name("");
    addBoardOption(app, o->board);
    addMlperfTaskOption(app, o->mlperfTask);
    addDeviceOptions(app, o->device);
    addJsonFlag(app, o->json);
    return [o] { return flashCommand(*o); };
}

Runner defineProfile(CLI::App& app) {
    auto o = std::make_shared<ProfileOptions>();
    addBoardOption(app, o->board);
    addRunsOption(app, o->runs);
    app.add_option("--input", o->input, "the raw int8 input tensor (default: seeded random bytes)")->type_name("FILE");
    addNumber<std::int64_t>(app, "--seed", o->seed, 0, INT64_MAX, "seed of the random input");
    addDeviceOptions(app, o->device);
    addJsonFlag(app, o->json);
    return [o] { return profileCommand(*o); };
}

Runner defineDeploy(CLI::App& app) {
    auto o = std::make_shared<DeployOptions>();
    addModelOptions(app, o->model);
    addBoardOption(app, o->board);
    app.add_flag("--profile", o->profile, "also profile the model on the board, layer by layer")->disable_flag_override();
    addRunsOption(app, o->runs);
    app.add_option("--out", o->out, "the folder for the C project: new, empty, or one it made before (with --force); "
                                    "default: a temporary folder")->type_name("DIR");
    addForceFlag(app, o->force);
    addPlannerOption(app, o->planner);
    addMlperfTaskOption(app, o->mlperfTask);
    addDeviceOptions(app, o->device);
    addJsonFlag(app, o->json);
    return [o] { return deployCommand(*o); };
}

}  // namespace mcunet::cli
