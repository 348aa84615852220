#include "cli/commands.h"

#include <unistd.h>

#include <cinttypes>
#include <filesystem>
#include <fstream>
#include <random>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "arch/architecture_json.h"
#include "arch/presets.h"
#include "board/board.h"
#include "board/firmware_build.h"
#include "board/link.h"
#include "board/profiler.h"
#include "board/virtual_board.h"
#include "quant/interpreter.h"
#include "cli/args.h"
#include "cli/train_commands.h"
#include "quant/model_dir.h"
#include "common/atomic_file.h"
#include "common/error.h"
#include "codegen/build.h"
#include "codegen/codegen.h"
#include "common/json_read.h"
#include "common/process.h"
#include "cost/cost.h"
#include "quant/model.h"
#include "graph/build.h"
#include "interop/tflite_export.h"
#include "memory/plan.h"
#include "space/optimizer.h"

namespace mcunet::cli {

using nlohmann::json;

namespace {

const char* kUsage =
    "usage: mcunet <command> [options]\n"
    "\n"
    "commands:\n"
    "  boards [--json]                         list the board catalog\n"
    "  presets [--json]                        list the built-in architectures\n"
    "  preset NAME --out FILE                  write a preset as architecture JSON\n"
    "  cost ARCH.json|--preset NAME --board ID [--planner tflm|tinyengine|ours] [--json]\n"
    "                                          MACs, params, Flash, peak SRAM, latency, per layer\n"
    "  space --board ID [--sram KB] [--flash KB] [--samples N] [--seed S]\n"
    "        [--grid R0:R1:STEP/W0:W1:STEP] [--classes N] [--threads T] [--json]\n"
    "                                          TinyNAS stage 1: choose the search space\n"
    "  train --data DIR|fashion-mnist (--arch ARCH.json|--preset NAME|--supernet) --out DIR [...]\n"
    "                                          train a network or a supernet (mcunet train --help)\n"
    "  eval --model DIR --data DIR|fashion-mnist [--board ID] [--images N] [--board-images N]\n"
    "                                          accuracy: float, int8 interpreter, host C, board\n"
    "  codegen (--model DIR | ARCH.json|--preset NAME --seed S) --board ID --out DIR [--planner P]\n"
    "                                          generate the C project (trained or seeded weights)\n"
    "  run DIR|--model DIR --input FILE [--runs N]\n"
    "                                          build for the host and print the output tensor\n"
    "  export-tflite (--model DIR | ARCH.json|--preset NAME --seed S) --out FILE.tflite\n"
    "                                          write the int8 model as a standard .tflite file\n"
    "  build DIR --board ID                    cross-build the generated model + firmware (ELF sizes)\n"
    "  flash DIR|ELF --board ID                load the firmware onto the board (virtual: boots it)\n"
    "  profile --board ID [--runs N] [--input FILE]\n"
    "                                          run the flashed model, per-layer counts vs estimate\n"
    "  deploy (--model DIR | ARCH.json|--preset NAME --seed S) --board ID [--profile] [--runs N] [--out DIR] [--planner P]\n"
    "                                          codegen + build + flash (+ profile) in one step\n"
    "\n"
    "Every command takes --json to print one JSON document on stdout.\n";

std::string withCommas(std::int64_t v) {
    const std::string digits = std::to_string(v < 0 ? -v : v);
    std::string out = v < 0 ? "-" : "";
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
        out.push_back(digits[i]);
    }
    return out;
}

std::string shapeText(const graph::Shape& s) {
    return std::to_string(s.h) + "x" + std::to_string(s.w) + "x" + std::to_string(s.c);
}

arch::Architecture architectureFrom(const Args& args, const std::string& command) {
    const auto presetName = args.option("preset");
    if (presetName && !args.positional().empty())
        throw Error(command + ": give either ARCH.json or --preset, not both");
    if (presetName) return arch::preset(*presetName);
    if (args.positional().size() != 1)
        throw Error(command + ": needs ARCH.json or --preset NAME");
    return arch::loadArchitecture(args.positional()[0]);
}

// The int8 model a command works on: a trained model directory (--model), or
// an architecture with seeded random weights, which must be asked for
// explicitly with --seed (nothing trained recognises anything).
struct ModelSource {
    arch::Architecture architecture;
    quant::QuantizedModel model;
    std::string weights;  // "trained (DIR)" or "seeded random (seed S)"
    std::uint64_t seed = 1;
};

ModelSource modelFrom(const Args& args, const std::string& command) {
    ModelSource m;
    if (const auto dir = args.option("model")) {
        if (args.option("preset") || !args.positional().empty() || args.option("seed"))
            throw Error(command + ": --model takes the architecture and weights from DIR; leave out ARCH.json, --preset and --seed");
        quant::TrainedModel t = quant::loadTrainedModel(*dir);
        m.architecture = t.architecture;
        m.model = std::move(t.int8);
        m.weights = "trained (" + *dir + ")";
        return m;
    }
    m.architecture = architectureFrom(args, command);
    if (!args.option("seed"))
        throw Error(command + ": no trained weights: give --model DIR (made by `mcunet train`), or --seed S for seeded random weights");
    m.seed = static_cast<std::uint64_t>(args.integer("seed", 1, 0, INT64_MAX));
    m.model = quant::quantizeSeeded(graph::buildGraph(m.architecture), m.seed);
    m.weights = "seeded random (seed " + std::to_string(m.seed) + ")";
    return m;
}

// The board named by --board; `virtualOnly` names the action real boards
// cannot do yet (they need the USB link).
board::Board boardFrom(const Args& args, const std::string& command, const char* virtualOnly = nullptr) {
    const auto id = args.option("board");
    if (!id) throw Error(command + ": needs --board ID (see `mcunet boards`)");
    board::Board b = board::Catalog::builtIn().byId(*id);
    if (virtualOnly && !b.isVirtual)
        throw Error(b.id + ": " + virtualOnly + " real boards over USB is not available yet; use virtual-m7 or virtual-m4");
    return b;
}

// Commands that take no positional words say so instead of ignoring them.
void noPositional(const Args& args, const std::string& command) {
    if (!args.positional().empty()) throw Error(command + ": unexpected argument \"" + args.positional()[0] + "\"");
}

int boards(const std::vector<std::string>& argv) {
    Args args(argv, {"json"}, {});
    noPositional(args, "boards");
    const board::Catalog catalog = board::Catalog::builtIn();
    if (args.flag("json")) {
        json out = json::array();
        for (const auto& b : catalog.boards()) out.push_back(board::toJson(b));
        std::cout << json{{"boards", out}}.dump(2) << "\n";
        return 0;
    }
    std::printf("%-18s %-11s %8s %9s %9s  %s\n", "id", "core", "MHz", "SRAM kB", "Flash kB", "name");
    for (const auto& b : catalog.boards())
        std::printf("%-18s %-11s %8" PRId64 " %9" PRId64 " %9" PRId64 "  %s\n", b.id.c_str(), b.core.c_str(),
                    b.clockHz / 1000000, b.sramBytes / 1024, b.flashBytes / 1024, b.name.c_str());
    return 0;
}

int presets(const std::vector<std::string>& argv) {
    Args args(argv, {"json"}, {});
    noPositional(args, "presets");
    if (args.flag("json")) {
        json out = json::array();
        for (const auto& p : arch::listPresets()) {
            json entry = {{"name", p.name}, {"description", p.description}};
            if (p.name.find('{') == std::string::npos) {
                const graph::Graph g = graph::buildGraph(arch::preset(p.name));
                entry["macs"] = cost::totalMacs(g);
                std::int64_t params = 0;
                for (const auto& op : g.ops()) params += cost::opParams(g, op);
                entry["params"] = params;
            }
            out.push_back(entry);
        }
        std::cout << json{{"presets", out}}.dump(2) << "\n";
        return 0;
    }
    for (const auto& p : arch::listPresets()) std::printf("%-22s %s\n", p.name.c_str(), p.description.c_str());
    return 0;
}

int presetCommand(const std::vector<std::string>& argv) {
    Args args(argv, {"json"}, {"out"});
    if (args.positional().size() != 1) throw Error("preset: needs a NAME (see `mcunet presets`)");
    const arch::Architecture a = arch::preset(args.positional()[0]);
    const auto out = args.option("out");
    if (!out) {
        std::cout << arch::toJson(a).dump(2) << "\n";
        return 0;
    }
    arch::saveArchitecture(a, *out);
    if (args.flag("json"))
        std::cout << json{{"written", *out}, {"name", a.name}}.dump(2) << "\n";
    else
        std::printf("wrote %s (%s)\n", out->c_str(), a.name.c_str());
    return 0;
}

int costCommand(const std::vector<std::string>& argv) {
    Args args(argv, {"json"}, {"preset", "board", "planner"});
    const arch::Architecture a = architectureFrom(args, "cost");
    const board::Board b = boardFrom(args, "cost");
    const memory::Planner planner = memory::parsePlanner(args.option("planner").value_or("ours"));
    const graph::Graph g = graph::buildGraph(a);
    const cost::ModelCost c = cost::estimate(g, b);
    const memory::Plan p = memory::plan(g, planner);
    json peaks = json::object();
    for (memory::Planner other : memory::allPlanners())
        peaks[memory::plannerName(other)] =
            other == planner ? p.arenaBytes : memory::plan(g, other).arenaBytes;

    if (args.flag("json")) {
        json layers = json::array();
        for (int i = 0; i < g.opCount(); ++i) {
            const graph::Op& op = g.op(i);
            const auto& l = c.layers[static_cast<std::size_t>(i)];
            const auto& m = p.timeline[static_cast<std::size_t>(i)];
            layers.push_back({{"name", op.name},
                              {"op", graph::opKindName(op.kind)},
                              {"input_shape", json::array({g.tensor(op.inputs[0]).shape.h, g.tensor(op.inputs[0]).shape.w,
                                                           g.tensor(op.inputs[0]).shape.c})},
                              {"output_shape", json::array({g.tensor(op.output).shape.h, g.tensor(op.output).shape.w,
                                                            g.tensor(op.output).shape.c})},
                              {"kernel", op.kernel},
                              {"stride", op.stride},
                              {"macs", l.macs},
                              {"params", l.params},
                              {"flash_bytes", l.flashBytes},
                              {"sram_bytes", m.usedBytes},
                              {"arena_high_water", m.highWater},
                              {"latency_ms", l.latencyCycles / double(b.clockHz) * 1000.0}});
        }
        json out = {{"architecture", a.name},
                    {"board", b.id},
                    {"planner", memory::plannerName(planner)},
                    {"macs", c.macs},
                    {"params", c.params},
                    {"flash_bytes", c.flashBytes},
                    {"weight_flash_bytes", c.weightFlashBytes},
                    {"runtime_flash_bytes", b.runtimeFlashBytes},
                    {"peak_sram_bytes", p.arenaBytes},
                    {"sram_lower_bound_bytes", p.lowerBound},
                    {"peak_sram_by_planner", peaks},
                    {"sram_limit_bytes", b.sramBytes},
                    {"flash_limit_bytes", b.flashBytes},
                    {"fits", p.arenaBytes <= b.sramBytes && c.flashBytes <= b.flashBytes},
                    {"latency_ms", c.latencyMs},
                    {"layers", layers}};
        std::cout << out.dump(2) << "\n";
        return 0;
    }
    std::printf("%s on %s (planner %s)\n\n", a.name.c_str(), b.id.c_str(), memory::plannerName(planner));
    std::printf("%3s %-16s %-17s %-11s %-11s %12s %9s %10s %8s\n", "#", "layer", "op", "in", "out", "MACs", "params",
                "SRAM B", "est. ms");
    for (int i = 0; i < g.opCount(); ++i) {
        const graph::Op& op = g.op(i);
        const auto& l = c.layers[static_cast<std::size_t>(i)];
        std::printf("%3d %-16s %-17s %-11s %-11s %12s %9s %10s %8.3f\n", i, op.name.c_str(), graph::opKindName(op.kind),
                    shapeText(g.tensor(op.inputs[0]).shape).c_str(), shapeText(g.tensor(op.output).shape).c_str(),
                    withCommas(l.macs).c_str(), withCommas(l.params).c_str(),
                    withCommas(p.timeline[static_cast<std::size_t>(i)].usedBytes).c_str(),
                    l.latencyCycles / double(b.clockHz) * 1000.0);
    }
    auto verdict = [](std::int64_t v, std::int64_t limit) { return v <= limit ? "fits" : "OVER"; };
    std::printf("\nMACs        %s\n", withCommas(c.macs).c_str());
    std::printf("params      %s\n", withCommas(c.params).c_str());
    std::printf("Flash       %s B of %s (%s; includes %s B runtime)\n", withCommas(c.flashBytes).c_str(),
                withCommas(b.flashBytes).c_str(), verdict(c.flashBytes, b.flashBytes),
                withCommas(b.runtimeFlashBytes).c_str());
    std::printf("peak SRAM   %s B of %s (%s; lower bound %s B)\n", withCommas(p.arenaBytes).c_str(),
                withCommas(b.sramBytes).c_str(), verdict(p.arenaBytes, b.sramBytes), withCommas(p.lowerBound).c_str());
    std::printf("  planners  tflm %s B, tinyengine %s B, ours %s B\n",
                withCommas(peaks["tflm"].get<std::int64_t>()).c_str(),
                withCommas(peaks["tinyengine"].get<std::int64_t>()).c_str(),
                withCommas(peaks["ours"].get<std::int64_t>()).c_str());
    std::printf("latency     %.2f ms (estimate at %" PRId64 " MHz)\n", c.latencyMs, b.clockHz / 1000000);
    return 0;
}

class ProgressBar {
public:
    explicit ProgressBar(bool enabled) : enabled_(enabled) {}
    bool update(std::int64_t done, std::int64_t total) {
        if (!enabled_ || total <= 0) return true;
        const int width = 40;
        const int filled = static_cast<int>(double(done) / double(total) * width);
        std::fprintf(stderr, "\r[%s%s] %3d%%  %s/%s", std::string(static_cast<std::size_t>(filled), '#').c_str(),
                     std::string(static_cast<std::size_t>(width - filled), '.').c_str(),
                     static_cast<int>(100.0 * double(done) / double(total)), withCommas(done).c_str(),
                     withCommas(total).c_str());
        if (done >= total) std::fprintf(stderr, "\n");
        std::fflush(stderr);
        return true;
    }

private:
    bool enabled_;
};

json peaksOf(const graph::Graph& g) {
    json peaks = json::object();
    for (memory::Planner p : memory::allPlanners()) peaks[memory::plannerName(p)] = memory::arenaBytes(g, p);
    return peaks;
}

int spaceCommand(const std::vector<std::string>& argv) {
    Args args(argv, {"json"}, {"board", "sram", "flash", "samples", "seed", "grid", "classes", "threads", "min-share"});
    if (!args.positional().empty()) throw Error("space: unexpected argument \"" + args.positional()[0] + "\"");
    const board::Board b = boardFrom(args, "space");
    space::Constraints limits;
    limits.sramBytes = static_cast<std::int64_t>(args.number("sram", double(b.sramBytes) / 1024.0, 1, 65536) * 1024.0);
    limits.flashBytes = static_cast<std::int64_t>(args.number("flash", double(b.flashBytes) / 1024.0, 1, 262144) * 1024.0);
    space::OptimizerOptions options;
    if (auto grid = args.option("grid")) options.grid = space::parseGrid(*grid);
    options.samplesPerSpace = static_cast<int>(args.integer("samples", 1000, 1, 1000000));
    options.seed = static_cast<std::uint64_t>(args.integer("seed", 1, 0, INT64_MAX));
    options.threads = static_cast<int>(args.integer("threads", 0, 0, 256));
    options.minSatisfyingShare = args.number("min-share", 5.0, 0.0, 100.0) / 100.0;
    const int classes = static_cast<int>(args.integer("classes", 1000, 1, 100000));
    const space::SearchSpace searchSpace = space::mcunetSpace(classes);
    ProgressBar bar(isatty(STDERR_FILENO) != 0);
    options.progress = [&bar](std::int64_t done, std::int64_t total) { return bar.update(done, total); };
    const space::OptimizerResult r = space::optimize(searchSpace, b, limits, options);

    if (r.chosen < 0) {
        // Impossible constraints: say how far off the smallest network is.
        const arch::Architecture small = space::smallest(searchSpace, options.grid.resolutions.front(),
                                                         options.grid.widths.front());
        const graph::Graph g = graph::buildGraph(small);
        throw Error("no architecture of the space fits " + withCommas(limits.sramBytes) + " B SRAM and " +
                    withCommas(limits.flashBytes) + " B Flash (the smallest, R " +
                    std::to_string(small.resolution) + " W " + std::to_string(small.width).substr(0, 4) +
                    ", needs " + withCommas(memory::arenaBytes(g, memory::Planner::Ours)) + " B SRAM and " +
                    withCommas(cost::totalFlashBytes(g, b)) + " B Flash)");
    }
    const space::SpaceResult& chosen = r.spaces[static_cast<std::size_t>(r.chosen)];
    const graph::Graph largestGraph = graph::buildGraph(*chosen.largestSatisfying);

    if (args.flag("json")) {
        std::vector<double> fractions;
        for (int i = 0; i <= 20; ++i) fractions.push_back(i / 20.0);
        json spaces = json::array();
        for (const auto& s : r.spaces) {
            json cdf = json::array();
            const auto q = space::cdfQuantiles(s.macs, fractions);
            for (std::size_t i = 0; i < q.size(); ++i) cdf.push_back({q[i], fractions[i]});
            spaces.push_back({{"resolution", s.resolution},
                              {"width", s.width},
                              {"samples", s.samples},
                              {"satisfying", s.satisfying},
                              {"satisfying_share", s.satisfyingShare},
                              {"mean_macs", s.meanMacs},
                              {"cdf", cdf}});
        }
        json out = {{"board", b.id},
                    {"space", searchSpace.name},
                    {"sram_limit_bytes", limits.sramBytes},
                    {"flash_limit_bytes", limits.flashBytes},
                    {"samples_per_space", options.samplesPerSpace},
                    {"min_satisfying_share", options.minSatisfyingShare},
                    {"seed", options.seed},
                    {"evaluated", r.evaluated},
                    {"seconds", r.seconds},
                    {"spaces", spaces},
                    {"chosen",
                     {{"resolution", chosen.resolution},
                      {"width", chosen.width},
                      {"mean_macs", chosen.meanMacs},
                      {"satisfying_share", chosen.satisfyingShare},
                      {"largest_satisfying",
                       {{"macs", cost::totalMacs(largestGraph)},
                        {"flash_bytes", cost::totalFlashBytes(largestGraph, b)},
                        {"peak_sram_by_planner", peaksOf(largestGraph)},
                        {"architecture", arch::toJson(*chosen.largestSatisfying)}}}}}};
        std::cout << out.dump(2) << "\n";
        return 0;
    }
    std::printf("search space %s on %s: SRAM %s B, Flash %s B, %d samples per space, seed %" PRIu64 "\n\n",
                searchSpace.name.c_str(), b.id.c_str(), withCommas(limits.sramBytes).c_str(),
                withCommas(limits.flashBytes).c_str(), options.samplesPerSpace, options.seed);
    std::printf("mean MACs (M) of the satisfying networks, and their share\n%6s", "R \\ W");
    for (double w : options.grid.widths) std::printf(" %11.2f", w);
    std::printf("\n");
    const std::size_t nw = options.grid.widths.size();
    for (std::size_t i = 0; i < r.spaces.size(); ++i) {
        const auto& s = r.spaces[i];
        if (i % nw == 0) std::printf("%6d", s.resolution);
        if (s.satisfying == 0)
            std::printf(" %11s", "-");
        else
            std::printf(" %5.1f%s%4.0f%%", s.meanMacs / 1e6, static_cast<int>(i) == r.chosen ? "*" : " ",
                        100.0 * s.satisfyingShare);
        if (i % nw == nw - 1) std::printf("\n");
    }
    std::printf("\nchosen space: R %d, W %.2f (mean %.1fM MACs, %.0f%% of samples fit)\n", chosen.resolution,
                chosen.width, chosen.meanMacs / 1e6, 100.0 * chosen.satisfyingShare);
    std::printf("largest satisfying network: %.1fM MACs, peak SRAM %s B (tinyengine %s B, tflm %s B)\n",
                double(cost::totalMacs(largestGraph)) / 1e6,
                withCommas(memory::arenaBytes(largestGraph, memory::Planner::Ours)).c_str(),
                withCommas(memory::arenaBytes(largestGraph, memory::Planner::TinyEngine)).c_str(),
                withCommas(memory::arenaBytes(largestGraph, memory::Planner::TFLiteMicro)).c_str());
    std::printf("%s architectures in %.2f s\n", withCommas(r.evaluated).c_str(), r.seconds);
    return 0;
}

int codegenCommand(const std::vector<std::string>& argv) {
    Args args(argv, {"json"}, {"preset", "board", "out", "planner", "seed", "model"});
    const ModelSource source = modelFrom(args, "codegen");
    const arch::Architecture& a = source.architecture;
    const board::Board b = boardFrom(args, "codegen");
    const auto out = args.option("out");
    if (!out) throw Error("codegen: needs --out DIR");
    const memory::Planner planner = memory::parsePlanner(args.option("planner").value_or("ours"));
    const graph::Graph& g = source.model.graph;
    const quant::QuantizedModel& model = source.model;
    const memory::Plan plan = memory::plan(model.graph, planner);
    codegen::Options options;
    options.modelName = a.name;
    options.boardId = b.id;
    const codegen::Generated gen = codegen::generate(model, plan, *out, options);
    const std::int64_t flash = cost::totalFlashBytes(g, b);
    if (args.flag("json")) {
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

int exportTfliteCommand(const std::vector<std::string>& argv) {
    Args args(argv, {"json"}, {"preset", "out", "seed", "board", "model"});
    const ModelSource source = modelFrom(args, "export-tflite");
    const auto out = args.option("out");
    if (!out) throw Error("export-tflite: needs --out FILE.tflite");
    const auto bytes = interop::exportTflite(source.model, source.architecture.name + " (MCUNet Studio, " + source.weights + ")");
    json_read::writeFileAtomically(*out, std::string(bytes.begin(), bytes.end()));
    const interop::TfliteSummary s = interop::inspectTflite(bytes);
    if (args.flag("json"))
        std::cout << json{{"written", *out}, {"bytes", bytes.size()}, {"operators", s.operators}, {"tensors", s.tensors}}.dump(2)
                  << "\n";
    else
        std::printf("wrote %s: %s bytes, %d operators, %d tensors\n", out->c_str(), withCommas(std::int64_t(bytes.size())).c_str(),
                    s.operators, s.tensors);
    return 0;
}

json readPlan(const std::string& dir) {
    return json_read::parseFile((std::filesystem::path(dir) / "plan.json").string());
}

int runCommand(const std::vector<std::string>& argv) {
    Args args(argv, {"json"}, {"input", "runs", "model"});
    const auto modelDir = args.option("model");
    if (args.positional().size() != (modelDir ? 0u : 1u)) throw Error("run: needs the generated project's DIR, or --model DIR");
    const auto input = args.option("input");
    if (!input) throw Error("run: needs --input FILE (raw int8 input tensor)");
    const long long runs = args.integer("runs", 1, 1, 1000000);
    std::string project = modelDir ? "" : args.positional()[0];
    if (modelDir) {
        // A trained model: generate it into a private folder first.
        const quant::TrainedModel t = quant::loadTrainedModel(*modelDir);
        project = atomic_file::makeTempDirectory("run");
        codegen::Options options;
        options.modelName = t.architecture.name;
        codegen::generate(t.int8, memory::plan(t.int8.graph, memory::Planner::Ours), project, options);
    }
    // The input is checked against the plan before anything is compiled.
    const std::int64_t expected = board::tensorBytesFromPlan(readPlan(project), "input");
    std::error_code ec;
    if (!std::filesystem::exists(*input, ec)) throw Error(*input + ": cannot open (no such file)");
    if (!std::filesystem::is_regular_file(*input, ec)) throw Error(*input + ": not a regular file");
    const auto size = std::filesystem::file_size(*input, ec);
    if (ec || std::int64_t(size) != expected)
        throw Error(*input + ": " + std::to_string(size) + " bytes, the model takes " + std::to_string(expected) +
                    " (int8 input tensor)");
    const std::string exe = codegen::buildHostRunner(project);
    const ProcessResult r = runProcess({exe, *input, "-", std::to_string(runs)}, "", 3600);
    if (r.exitCode != 0) throw Error("run: " + (r.output.empty() ? std::string("the model failed") : r.output));
    std::string values = r.output;
    while (!values.empty() && (values.back() == '\n' || values.back() == '\r')) values.pop_back();
    if (args.flag("json")) {
        json output = json::array();
        std::size_t start = 0;
        while (start < values.size()) {
            const std::size_t comma = values.find(',', start);
            output.push_back(std::stoi(values.substr(start, comma - start)));
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
        std::cout << json{{"output", output}, {"runs", runs}}.dump() << "\n";
    } else {
        std::cout << values << "\n";
    }
    return 0;
}

json buildJson(const board::FirmwareBuild& b, const json& plan, const board::Board& board) {
    const std::int64_t flashEstimate = plan.value("weight_flash_bytes", std::int64_t(0)) + board.runtimeFlashBytes;
    return {{"elf", b.elf},
            {"flash_bytes", b.flashBytes},
            {"sram_bytes", b.sramBytes},
            {"arena_bytes", b.arenaBytes},
            {"planned_arena_bytes", plan.value("arena_bytes", std::int64_t(-1))},
            {"estimated_flash_bytes", flashEstimate},
            {"flash_limit_bytes", board.flashBytes},
            {"sram_limit_bytes", board.sramBytes}};
}

void printBuild(const board::FirmwareBuild& b, const json& plan, const board::Board& board) {
    const json j = buildJson(b, plan, board);
    std::printf("built %s\n  Flash %s B of %s (estimate %s B)\n  SRAM  %s B of %s, arena %s B (planned %s B)\n", b.elf.c_str(),
                withCommas(b.flashBytes).c_str(), withCommas(board.flashBytes).c_str(),
                withCommas(j["estimated_flash_bytes"].get<std::int64_t>()).c_str(), withCommas(b.sramBytes).c_str(),
                withCommas(board.sramBytes).c_str(), withCommas(b.arenaBytes).c_str(),
                withCommas(j["planned_arena_bytes"].get<std::int64_t>()).c_str());
}

int buildCommand(const std::vector<std::string>& argv) {
    Args args(argv, {"json"}, {"board"});
    if (args.positional().size() != 1) throw Error("build: needs the generated project's DIR");
    const board::Board b = boardFrom(args, "build");
    const json plan = readPlan(args.positional()[0]);
    const board::FirmwareBuild fw = board::buildFirmware(args.positional()[0], b);
    if (args.flag("json")) std::cout << buildJson(fw, plan, b).dump(2) << "\n";
    else printBuild(fw, plan, b);
    return 0;
}

// Records what a virtual board holds ("flashing" it); boots it once to prove
// the firmware answers.
json flashVirtual(const board::Board& b, const std::string& elf, const std::string& planPath) {
    board::VirtualBoard vb(b, elf);
    board::LinkClient link(vb.transport());
    const board::Hello hello = link.hello();
    if (!planPath.empty()) board::checkHelloAgainstPlan(hello, json_read::parseFile(planPath));
    const json state = {{"board", b.id}, {"elf", std::filesystem::absolute(elf).string()},
                        {"plan", planPath.empty() ? json(nullptr) : json(std::filesystem::absolute(planPath).string())},
                        {"model", hello.model}, {"arena_bytes", hello.arenaBytes}};
    const std::string path = board::flashedFirmwarePath(b.id);
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    json_read::writeFileAtomically(path, state.dump(2) + "\n");
    return state;
}

int flashCommand(const std::vector<std::string>& argv) {
    Args args(argv, {"json"}, {"board"});
    if (args.positional().size() != 1) throw Error("flash: needs a generated project DIR or an ELF file");
    const board::Board b = boardFrom(args, "flash", "flashing");
    std::string target = args.positional()[0], plan;
    if (std::filesystem::is_directory(target)) {
        plan = (std::filesystem::path(target) / "plan.json").string();
        const auto elf = std::filesystem::path(target) / ("build-" + b.id) / "firmware.elf";
        if (!std::filesystem::exists(elf)) board::buildFirmware(target, b);
        target = elf.string();
    }
    const json state = flashVirtual(b, target, plan);
    if (args.flag("json")) std::cout << state.dump(2) << "\n";
    else std::printf("flashed %s onto %s (%s)\n", state["model"].get<std::string>().c_str(), b.id.c_str(), target.c_str());
    return 0;
}

std::vector<std::int8_t> readInputFile(const std::string& path, std::size_t bytes) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) throw Error(path + ": cannot open (no such file)");
    if (!std::filesystem::is_regular_file(path, ec)) throw Error(path + ": not a regular file");
    if (std::filesystem::file_size(path, ec) != bytes)
        throw Error(path + ": " + std::to_string(std::filesystem::file_size(path, ec)) + " bytes, the model takes " +
                    std::to_string(bytes));
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path + ": cannot open");
    std::vector<std::int8_t> data((std::istreambuf_iterator<char>(in)), {});
    if (data.size() != bytes)
        throw Error(path + ": " + std::to_string(data.size()) + " bytes, the model takes " + std::to_string(bytes));
    return data;
}

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

int profileCommand(const std::vector<std::string>& argv) {
    Args args(argv, {"json"}, {"board", "runs", "input", "seed"});
    const board::Board b = boardFrom(args, "profile", "profiling");
    const int runs = static_cast<int>(args.integer("runs", 3, 1, 1000));
    const std::string statePath = board::flashedFirmwarePath(b.id);
    if (!std::filesystem::exists(statePath)) throw Error(b.id + ": nothing flashed yet (mcunet flash DIR --board " + b.id + ")");
    const json state = json_read::parseFile(statePath);
    if (!state.contains("plan") || !state["plan"].is_string())
        throw Error(b.id + ": the flashed firmware came without its plan.json; flash the generated DIR instead of the ELF");
    const json plan = json_read::parseFile(state["plan"].get<std::string>());
    const auto layers = board::layersFromPlan(plan);
    const std::size_t inputBytes = plan["input"]["shape"][0].get<std::size_t>() * plan["input"]["shape"][1].get<std::size_t>() *
                                   plan["input"]["shape"][2].get<std::size_t>();
    std::vector<std::int8_t> input;
    if (auto file = args.option("input")) {
        input = readInputFile(*file, inputBytes);
    } else {
        std::mt19937_64 rng(static_cast<std::uint64_t>(args.integer("seed", 1, 0, INT64_MAX)));
        for (std::size_t i = 0; i < inputBytes; ++i) input.push_back(static_cast<std::int8_t>(rng() & 0xff));
    }
    board::VirtualBoard vb(b, state["elf"].get<std::string>());
    board::LinkClient link(vb.transport());
    const board::Profile p = board::profileModel(link, layers, b, input, runs);
    if (args.flag("json")) std::cout << board::toJson(p).dump(2) << "\n";
    else printProfile(p);
    return 0;
}

int deployCommand(const std::vector<std::string>& argv) {
    Args args(argv, {"json", "profile"}, {"preset", "board", "runs", "out", "planner", "seed", "model"});
    const ModelSource source = modelFrom(args, "deploy");
    const arch::Architecture& a = source.architecture;
    const board::Board b = boardFrom(args, "deploy", "deploying to");
    const memory::Planner planner = memory::parsePlanner(args.option("planner").value_or("ours"));
    const std::uint64_t seed = source.seed;
    const int runs = static_cast<int>(args.integer("runs", 2, 1, 1000));
    const std::string dir = args.option("out") ? *args.option("out") : atomic_file::makeTempDirectory("deploy");
    const quant::QuantizedModel& model = source.model;
    const graph::Graph& g = model.graph;
    const memory::Plan plan = memory::plan(model.graph, planner);
    codegen::Options options;
    options.modelName = a.name;
    options.boardId = b.id;
    codegen::generate(model, plan, dir, options);
    const json planJson = readPlan(dir);
    const board::FirmwareBuild fw = board::buildFirmware(dir, b);
    const json state = flashVirtual(b, fw.elf, (std::filesystem::path(dir) / "plan.json").string());
    const cost::ModelCost c = cost::estimate(g, b);
    json out = {{"architecture", a.name}, {"board", b.id}, {"directory", dir}, {"planner", memory::plannerName(planner)},
                {"weights", source.weights},
                {"build", buildJson(fw, planJson, b)},
                {"estimate", {{"macs", c.macs}, {"flash_bytes", c.flashBytes}, {"peak_sram_bytes", plan.arenaBytes}, {"latency_ms", c.latencyMs}}}};
    if (args.flag("profile")) {
        const auto input = quant::quantizeTensor(quant::randomInputs(g, 1, seed + 1)[0],
                                                 model.tensors[static_cast<std::size_t>(g.input())]);
        board::VirtualBoard vb(b, fw.elf);
        board::LinkClient link(vb.transport());
        const board::Profile p = board::profileModel(link, board::layersFromPlan(planJson), b, input, runs);
        const bool match = p.output == quant::runReferenceOutput(model, input);
        const json pj = board::toJson(p);
        out["profile"] = pj;
        out["layers"] = pj["layers"];
        out["unit"] = pj["unit"];
        out[p.unit()] = p.total;
        out["macs_per_" + std::string(p.instructions ? "instruction" : "cycle")] = pj["macs_per_" + std::string(p.instructions ? "instruction" : "cycle")];
        out["outputs_match_reference"] = match;
        if (!args.flag("json")) {
            printBuild(fw, planJson, b);
            std::printf("\n");
            printProfile(p);
            std::printf("output %s the reference interpreter's\n", match ? "identical to" : "DIFFERS from");
        }
        if (!match) {
            if (args.flag("json")) std::cout << out.dump(2) << "\n";
            std::fprintf(stderr, "deploy: the board's output differs from the reference interpreter\n");
            return 1;
        }
    } else if (!args.flag("json")) {
        printBuild(fw, planJson, b);
        std::printf("flashed %s onto %s\n", a.name.c_str(), b.id.c_str());
    }
    (void)state;
    if (args.flag("json")) std::cout << out.dump(2) << "\n";
    return 0;
}

}  // namespace

int run(const std::vector<std::string>& args) {
    if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
        if (args.size() > 1) {
            std::cerr << "mcunet: unexpected argument \"" << args[1] << "\" after " << args[0] << "\n";
            return 2;
        }
        std::cout << kUsage;
        return args.empty() ? 2 : 0;
    }
    const std::string command = args[0];
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    try {
        if (command == "boards") return boards(rest);
        if (command == "presets") return presets(rest);
        if (command == "preset") return presetCommand(rest);
        if (command == "cost") return costCommand(rest);
        if (command == "space") return spaceCommand(rest);
        if (command == "codegen") return codegenCommand(rest);
        if (command == "run") return runCommand(rest);
        if (command == "export-tflite") return exportTfliteCommand(rest);
        if (command == "build") return buildCommand(rest);
        if (command == "flash") return flashCommand(rest);
        if (command == "profile") return profileCommand(rest);
        if (command == "deploy") return deployCommand(rest);
        if (command == "train") return trainCommand(rest);
        if (command == "eval") return evalCommand(rest);
        std::cerr << "mcunet: unknown command \"" << command << "\"\n\n" << kUsage;
        return 2;
    } catch (const Error& e) {
        std::cerr << "mcunet " << command << ": error: " << e.what() << "\n";
        return 2;
    }
}

}  // namespace mcunet::cli
