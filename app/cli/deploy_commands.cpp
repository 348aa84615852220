// `mcunet codegen`, `run`, `export-tflite`, `build`, `flash`, `profile`,
// `deploy`: from a model to C, to firmware, to the board and its profile.
// Everything read from disk is checked before a build or QEMU starts
// (cli/generated_project.h).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>

#include <nlohmann/json.hpp>

#include "board/firmware_build.h"
#include "board/mlperf.h"
#include "board/link.h"
#include "board/profiler.h"
#include "board/virtual_board.h"
#include "cli/command.h"
#include "cli/format.h"
#include "cli/generated_project.h"
#include "cli/options.h"
#include "codegen/build.h"
#include "codegen/codegen.h"
#include "common/atomic_file.h"
#include "common/defaults.h"
#include "common/error.h"
#include "common/json_read.h"
#include "common/process.h"
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
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path + ": cannot open");
    std::vector<std::int8_t> data((std::istreambuf_iterator<char>(in)), {});
    if (std::int64_t(data.size()) != bytes)
        throw Error(path + ": " + std::to_string(data.size()) + " bytes, the model takes " + std::to_string(bytes));
    return data;
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
    bool json = false;
};

int codegenCommand(const CodegenOptions& o) {
    const ModelSource source = modelFrom(o.model);
    const arch::Architecture& a = source.architecture;
    const board::Board b = boardFrom(o.board);
    if (!o.out) throw Error("needs --out DIR");
    const memory::Planner planner = memory::parsePlanner(o.planner);
    const quant::QuantizedModel& model = source.model;
    const memory::Plan plan = memory::plan(model.graph, planner);
    codegen::Options options;
    options.modelName = a.name;
    options.boardId = b.id;
    const codegen::Generated gen = codegen::generate(model, plan, *o.out, options);
    const std::int64_t flash = cost::totalFlashBytes(model.graph, b);
    if (o.json) {
        std::cout << json{{"directory", gen.directory},
                          {"architecture", a.name},
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
                    a.name.c_str(), b.id.c_str(), gen.directory.c_str(), gen.files.size(),
                    withCommas(gen.arenaBytes).c_str(), memory::plannerName(planner), withCommas(flash).c_str());
    }
    if (gen.arenaBytes > b.sramBytes)
        std::fprintf(stderr, "warning: the arena (%s B) is larger than %s's SRAM (%s B)\n",
                     withCommas(gen.arenaBytes).c_str(), b.id.c_str(), withCommas(b.sramBytes).c_str());
    return 0;
}

// --- run ---

struct RunOptions {
    std::optional<std::string> dir, model, input;
    long long runs = 1;
    bool json = false;
};

int runCommand(const RunOptions& o) {
    if (o.dir.has_value() == o.model.has_value()) throw Error("needs the generated project's DIR, or --model DIR");
    if (!o.input) throw Error("needs --input FILE (raw int8 input tensor)");
    std::string project = o.dir.value_or("");
    if (o.model) {
        // A trained model: generate it into a private folder first.
        const quant::TrainedModel t = quant::loadTrainedModel(*o.model);
        project = atomic_file::makeTempDirectory("run");
        codegen::Options options;
        options.modelName = t.architecture.name;
        codegen::generate(t.int8, memory::plan(t.int8.graph, memory::Planner::Ours), project, options);
    }
    // The project and the input are checked before anything is compiled.
    const CheckedPlan plan = openGeneratedProject(project, ProjectBuild::Host);
    checkInputFile(*o.input, plan.inputBytes);
    const std::string exe = codegen::buildHostRunner(project);
    const ProcessResult r = runProcess({exe, *o.input, "-", std::to_string(o.runs)}, "", 3600);
    if (r.exitCode != 0) throw Error("" + (r.output.empty() ? std::string("the model failed") : r.output));
    std::string values = r.output;
    while (!values.empty() && (values.back() == '\n' || values.back() == '\r')) values.pop_back();
    if (!o.json) {
        std::cout << values << "\n";
        return 0;
    }
    json output = json::array();
    std::size_t start = 0;
    while (start < values.size()) {
        const std::size_t comma = values.find(',', start);
        output.push_back(std::stoi(values.substr(start, comma - start)));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
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
    const auto bytes = interop::exportTflite(source.model, source.architecture.name + " (MCUNet Studio, " + source.weights + ")");
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

struct BoardTargetOptions {
    std::optional<std::string> target;  // DIR (build, flash) or ELF (flash)
    std::string board;
    std::optional<std::string> mlperfTask;
    bool json = false;
};

// What the firmware reports to MLPerf Tiny's runner as m-model-[...]: the
// task the user names, else the task whose input and output the model's
// match (vww01 for 96x96x3 -> 2, ...), else the model's name (docs/mlperf.md).
board::FirmwareOptions firmwareOptions(const std::optional<std::string>& task, const CheckedPlan& plan) {
    board::FirmwareOptions f;
    if (task) {
        board::checkMlperfTaskId(*task);
        f.mlperfTaskId = *task;
        return f;
    }
    const json shape = plan.json.value("input", json::object()).value("shape", json::array());
    const bool known = shape.is_array() && shape.size() == 3 &&
                       std::all_of(shape.begin(), shape.end(), [](const json& v) { return v.is_number_integer(); });
    if (known)
        f.mlperfTaskId = board::mlperfTaskFor(shape[0].get<int>(), shape[1].get<int>(), shape[2].get<int>(), plan.outputBytes);
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
    const board::FirmwareBuild fw = board::buildFirmware(*o.target, b, firmwareOptions(o.mlperfTask, plan));
    if (o.json) std::cout << buildJson(fw, plan, b).dump(2) << "\n";
    else printBuild(fw, plan, b);
    return 0;
}

// Records what a virtual board holds ("flashing" it); boots it once to prove
// the firmware answers, and that it is the firmware of `plan` when there is one.
FlashedState flashVirtual(const board::Board& b, const std::string& elf, const std::optional<CheckedPlan>& plan) {
    board::VirtualBoard vb(b, elf);
    board::LinkClient link(vb.transport());
    const board::Hello hello = link.hello();
    if (plan) board::checkHelloAgainstPlan(hello, plan->json);
    FlashedState state;
    state.board = b.id;
    state.elf = fs::absolute(elf).string();
    state.plan = plan ? fs::absolute(plan->path).string() : "";
    state.model = hello.model;
    state.arenaBytes = hello.arenaBytes;
    writeFlashedState(state);
    return state;
}

int flashCommand(const BoardTargetOptions& o) {
    if (!o.target) throw Error("needs a generated project DIR or an ELF file");
    const board::Board b = boardFrom(o.board, "flashing");
    std::string elf = *o.target;
    std::optional<CheckedPlan> plan;
    std::error_code ec;
    if (fs::is_directory(*o.target, ec)) {
        const fs::path built = fs::path(*o.target) / ("build-" + b.id) / "firmware.elf";
        if (fs::exists(built, ec)) {
            plan = readPlan((fs::path(*o.target) / "plan.json").string());
        } else {
            plan = openGeneratedProject(*o.target, ProjectBuild::Firmware);
            board::buildFirmware(*o.target, b, firmwareOptions(o.mlperfTask, *plan));
        }
        elf = built.string();
    }
    const FlashedState state = flashVirtual(b, elf, plan);
    if (o.json) std::cout << toJson(state).dump(2) << "\n";
    else std::printf("flashed %s onto %s (%s)\n", state.model.c_str(), b.id.c_str(), elf.c_str());
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
    bool json = false;
};

int profileCommand(const ProfileOptions& o) {
    const board::Board b = boardFrom(o.board, "profiling");
    const FlashedState state = readFlashedState(b.id);
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
    board::VirtualBoard vb(b, state.elf);
    board::LinkClient link(vb.transport());
    const board::Profile p = board::profileModel(link, plan.layers, b, input, o.runs);
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
    bool profile = false, json = false;
};

// Profiles the deployed model on a seeded random input and adds the result to
// `out`; true when the board's output equals the reference interpreter's.
bool profileDeployed(const ModelSource& source, const board::Board& b, const board::FirmwareBuild& fw,
                     const CheckedPlan& plan, int runs, json& out, bool print) {
    const quant::QuantizedModel& model = source.model;
    const graph::Graph& g = model.graph;
    const auto input = quant::quantizeTensor(quant::randomInputs(g, 1, source.seed + 1)[0],
                                             model.tensors[static_cast<std::size_t>(g.input())]);
    board::VirtualBoard vb(b, fw.elf);
    board::LinkClient link(vb.transport());
    const board::Profile p = board::profileModel(link, plan.layers, b, input, runs);
    const bool match = p.output == quant::runReferenceOutput(model, input);
    const json pj = board::toJson(p);
    const std::string perCount = "macs_per_" + std::string(p.instructions ? "instruction" : "cycle");
    out["profile"] = pj;
    out["layers"] = pj["layers"];
    out["unit"] = pj["unit"];
    out[p.unit()] = p.total;
    out[perCount] = pj[perCount];
    out["outputs_match_reference"] = match;
    if (print) {
        printBuild(fw, plan, b);
        std::printf("\n");
        printProfile(p);
        std::printf("output %s the reference interpreter's\n", match ? "identical to" : "DIFFERS from");
    }
    return match;
}

int deployCommand(const DeployOptions& o) {
    const ModelSource source = modelFrom(o.model);
    const arch::Architecture& a = source.architecture;
    const board::Board b = boardFrom(o.board, "deploying to");
    const memory::Planner planner = memory::parsePlanner(o.planner);
    const std::string dir = o.out ? *o.out : atomic_file::makeTempDirectory("deploy");
    const quant::QuantizedModel& model = source.model;
    const memory::Plan plan = memory::plan(model.graph, planner);
    codegen::Options options;
    options.modelName = a.name;
    options.boardId = b.id;
    codegen::generate(model, plan, dir, options);
    const CheckedPlan planJson = openGeneratedProject(dir, ProjectBuild::Firmware);
    const board::FirmwareBuild fw = board::buildFirmware(dir, b, firmwareOptions(o.mlperfTask, planJson));
    flashVirtual(b, fw.elf, planJson);
    const cost::ModelCost c = cost::estimate(model.graph, b);
    json out = {{"architecture", a.name}, {"board", b.id}, {"directory", dir}, {"planner", memory::plannerName(planner)},
                {"weights", source.weights},
                {"build", buildJson(fw, planJson, b)},
                {"estimate", {{"macs", c.macs}, {"flash_bytes", c.flashBytes}, {"peak_sram_bytes", plan.arenaBytes}, {"latency_ms", c.latencyMs}}}};
    if (o.profile) {
        if (!profileDeployed(source, b, fw, planJson, o.runs, out, !o.json)) {
            if (o.json) std::cout << out.dump(2) << "\n";
            std::fprintf(stderr, "deploy: the board's output differs from the reference interpreter\n");
            return 1;
        }
    } else if (!o.json) {
        printBuild(fw, planJson, b);
        std::printf("flashed %s onto %s\n", a.name.c_str(), b.id.c_str());
    }
    if (o.json) std::cout << out.dump(2) << "\n";
    return 0;
}

}  // namespace

Runner defineCodegen(CLI::App& app) {
    auto o = std::make_shared<CodegenOptions>();
    addModelOptions(app, o->model);
    addBoardOption(app, o->board);
    app.add_option("--out", o->out, "the folder to write the C project to")->type_name("DIR");
    addPlannerOption(app, o->planner);
    addJsonFlag(app, o->json);
    return [o] { return codegenCommand(*o); };
}

Runner defineRun(CLI::App& app) {
    auto o = std::make_shared<RunOptions>();
    app.add_option("DIR", o->dir, "a generated project (mcunet codegen)")->type_name("");
    app.add_option("--model", o->model, "a trained model directory (generated into a temporary folder)")->type_name("DIR");
    app.add_option("--input", o->input, "the raw int8 input tensor (H x W x C bytes)")->type_name("FILE");
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
    addJsonFlag(app, o->json);
    return [o] { return flashCommand(*o); };
}

Runner defineProfile(CLI::App& app) {
    auto o = std::make_shared<ProfileOptions>();
    addBoardOption(app, o->board);
    addRunsOption(app, o->runs);
    app.add_option("--input", o->input, "the raw int8 input tensor (default: seeded random bytes)")->type_name("FILE");
    addNumber<std::int64_t>(app, "--seed", o->seed, 0, INT64_MAX, "seed of the random input");
    addJsonFlag(app, o->json);
    return [o] { return profileCommand(*o); };
}

Runner defineDeploy(CLI::App& app) {
    auto o = std::make_shared<DeployOptions>();
    addModelOptions(app, o->model);
    addBoardOption(app, o->board);
    app.add_flag("--profile", o->profile, "also profile the model on the board, layer by layer")->disable_flag_override();
    addRunsOption(app, o->runs);
    app.add_option("--out", o->out, "the folder for the C project (default: a temporary folder)")->type_name("DIR");
    addPlannerOption(app, o->planner);
    addMlperfTaskOption(app, o->mlperfTask);
    addJsonFlag(app, o->json);
    return [o] { return deployCommand(*o); };
}

}  // namespace mcunet::cli
