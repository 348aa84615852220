// `mcunet boards`, `presets`, `preset`, `cost`, `space`: the catalog, the
// architectures, their cost on a board, and TinyNAS stage 1.
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "arch/architecture_json.h"
#include "arch/presets.h"
#include "cli/command.h"
#include "cli/format.h"
#include "cli/options.h"
#include "common/defaults.h"
#include "common/error.h"
#include "cost/cost.h"
#include "graph/build.h"
#include "memory/plan.h"
#include "space/optimizer.h"

namespace mcunet::cli {

using nlohmann::json;

namespace {

int boards(bool asJson) {
    const board::Catalog catalog = board::Catalog::builtIn();
    if (asJson) {
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

int presets(bool asJson) {
    if (asJson) {
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

struct PresetOptions {
    std::string name;
    std::optional<std::string> out;
    bool json = false;
};

int preset(const PresetOptions& o) {
    if (o.name.empty()) throw Error("needs a NAME (see `mcunet presets`)");
    const arch::Architecture a = arch::preset(o.name);
    if (!o.out) {
        std::cout << arch::toJson(a).dump(2) << "\n";
        return 0;
    }
    arch::saveArchitecture(a, *o.out);
    if (o.json)
        std::cout << json{{"written", *o.out}, {"name", a.name}}.dump(2) << "\n";
    else
        std::printf("wrote %s (%s)\n", o.out->c_str(), a.name.c_str());
    return 0;
}

struct CostOptions {
    ModelOptions model;
    std::string board, planner;
    bool json = false;
};

// What `cost` reports: the estimate, and the plan of each planner.
struct CostReport {
    std::string name;  // the architecture's, or the imported .tflite's
    board::Board board;
    memory::Planner planner = memory::Planner::Ours;
    graph::Graph graph;
    cost::ModelCost cost;
    memory::Plan plan;
    json peaks = json::object();
};

json costJson(const CostReport& r) {
    const graph::Graph& g = r.graph;
    json layers = json::array();
    for (int i = 0; i < g.opCount(); ++i) {
        const graph::Op& op = g.op(i);
        const auto& l = r.cost.layers[static_cast<std::size_t>(i)];
        const auto& m = r.plan.timeline[static_cast<std::size_t>(i)];
        const graph::Shape in = g.tensor(op.inputs[0]).shape, out = g.tensor(op.output).shape;
        layers.push_back({{"name", op.name},
                          {"op", graph::opKindName(op.kind)},
                          {"input_shape", json::array({in.h, in.w, in.c})},
                          {"output_shape", json::array({out.h, out.w, out.c})},
                          {"kernel", op.kernel},  // height; kernel_w and stride_w: the width's
                          {"stride", op.stride},
                          {"kernel_w", op.kernelW},
                          {"stride_w", op.strideW},
                          {"macs", l.macs},
                          {"params", l.params},
                          {"flash_bytes", l.flashBytes},
                          {"sram_bytes", m.usedBytes},
                          {"arena_high_water", m.highWater},
                          {"latency_ms", l.latencyCycles / double(r.board.clockHz) * 1000.0}});
    }
    const cost::ModelCost& c = r.cost;
    const board::Board& b = r.board;
    return {{"architecture", r.name},
            {"board", b.id},
            {"planner", memory::plannerName(r.planner)},
            {"macs", c.macs},
            {"params", c.params},
            {"flash_bytes", c.flashBytes},
            {"weight_flash_bytes", c.weightFlashBytes},
            {"runtime_flash_bytes", b.runtimeFlashBytes},
            {"peak_sram_bytes", r.plan.arenaBytes},
            {"sram_lower_bound_bytes", r.plan.lowerBound},
            {"peak_sram_by_planner", r.peaks},
            {"sram_limit_bytes", b.sramBytes},
            {"flash_limit_bytes", b.flashBytes},
            {"fits", r.plan.arenaBytes <= b.sramBytes && c.flashBytes <= b.flashBytes},
            {"latency_ms", c.latencyMs},
            {"layers", layers}};
}

void printCost(const CostReport& r) {
    const graph::Graph& g = r.graph;
    const cost::ModelCost& c = r.cost;
    const board::Board& b = r.board;
    std::printf("%s on %s (planner %s)\n\n", r.name.c_str(), b.id.c_str(), memory::plannerName(r.planner));
    std::printf("%3s %-16s %-17s %-11s %-11s %12s %9s %10s %8s\n", "#", "layer", "op", "in", "out", "MACs", "params",
                "SRAM B", "est. ms");
    for (int i = 0; i < g.opCount(); ++i) {
        const graph::Op& op = g.op(i);
        const auto& l = c.layers[static_cast<std::size_t>(i)];
        std::printf("%3d %-16s %-17s %-11s %-11s %12s %9s %10s %8.3f\n", i, op.name.c_str(), graph::opKindName(op.kind),
                    shapeText(g.tensor(op.inputs[0]).shape).c_str(), shapeText(g.tensor(op.output).shape).c_str(),
                    withCommas(l.macs).c_str(), withCommas(l.params).c_str(),
                    withCommas(r.plan.timeline[static_cast<std::size_t>(i)].usedBytes).c_str(),
                    l.latencyCycles / double(b.clockHz) * 1000.0);
    }
    auto verdict = [](std::int64_t v, std::int64_t limit) { return v <= limit ? "fits" : "OVER"; };
    std::printf("\nMACs        %s\n", withCommas(c.macs).c_str());
    std::printf("params      %s\n", withCommas(c.params).c_str());
    std::printf("Flash       %s B of %s (%s; includes %s B runtime)\n", withCommas(c.flashBytes).c_str(),
                withCommas(b.flashBytes).c_str(), verdict(c.flashBytes, b.flashBytes),
                withCommas(b.runtimeFlashBytes).c_str());
    std::printf("peak SRAM   %s B of %s (%s; lower bound %s B)\n", withCommas(r.plan.arenaBytes).c_str(),
                withCommas(b.sramBytes).c_str(), verdict(r.plan.arenaBytes, b.sramBytes),
                withCommas(r.plan.lowerBound).c_str());
    std::printf("  planners  tflm %s B, tinyengine %s B, ours %s B\n",
                withCommas(r.peaks["tflm"].get<std::int64_t>()).c_str(),
                withCommas(r.peaks["tinyengine"].get<std::int64_t>()).c_str(),
                withCommas(r.peaks["ours"].get<std::int64_t>()).c_str());
    std::printf("latency     %.2f ms (estimate at %" PRId64 " MHz)\n", c.latencyMs, b.clockHz / 1000000);
}

int costCommand(const CostOptions& o) {
    CostReport r;
    NamedGraph named = graphFrom(o.model);
    r.name = std::move(named.name);
    r.board = boardFrom(o.board);
    r.planner = memory::parsePlanner(o.planner);
    r.graph = std::move(named.graph);
    r.cost = cost::estimate(r.graph, r.board);
    r.plan = memory::plan(r.graph, r.planner);
    for (memory::Planner other : memory::allPlanners())
        r.peaks[memory::plannerName(other)] = other == r.planner ? r.plan.arenaBytes : memory::plan(r.graph, other).arenaBytes;
    if (o.json) std::cout << costJson(r).dump(2) << "\n";
    else printCost(r);
    return 0;
}

}  // namespace

Runner defineBoards(CLI::App& app) {
    auto asJson = std::make_shared<bool>(false);
    addJsonFlag(app, *asJson);
    return [asJson] { return boards(*asJson); };
}

Runner definePresets(CLI::App& app) {
    auto asJson = std::make_shared<bool>(false);
    addJsonFlag(app, *asJson);
    return [asJson] { return presets(*asJson); };
}

Runner definePreset(CLI::App& app) {
    auto o = std::make_shared<PresetOptions>();
    app.add_option("NAME", o->name, "the preset (mcunet presets)")->type_name("");
    app.add_option("--out", o->out, "write the architecture JSON here (default: print it)")->type_name("FILE");
    addJsonFlag(app, o->json);
    return [o] { return preset(*o); };
}

Runner defineCost(CLI::App& app) {
    auto o = std::make_shared<CostOptions>();
    addArchitectureOptions(app, o->model);
    addBoardOption(app, o->board);
    addPlannerOption(app, o->planner);
    addJsonFlag(app, o->json);
    return [o] { return costCommand(*o); };
}

}  // namespace mcunet::cli
