// `mcunet import MODEL.tflite [--board ID] [--json]`: the op coverage report
// of a .tflite file and, when the layer graph takes every operator, the
// imported model's figures as `mcunet cost` gives them (MACs, params, Flash,
// peak SRAM per planner). Exit code 2, with the report, when an operator is
// not supported (docs/tflite-import.md).
#include <cinttypes>
#include <cstdio>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/format.h"
#include "cli/options.h"
#include "common/defaults.h"
#include "common/error.h"
#include "cost/cost.h"
#include "interop/tflite_import.h"
#include "memory/plan.h"

namespace mcunet::cli {

using nlohmann::json;

namespace {

struct ImportOptions {
    std::string file, board;
    bool json = false;
};

// The imported model's figures: board-independent ones always, Flash with
// the runtime, latency and the limits when a board is given.
json figures(const quant::QuantizedModel& m, const std::optional<board::Board>& b) {
    const graph::Graph& g = m.graph;
    std::int64_t params = 0, weightFlash = 0;
    for (const graph::Op& op : g.ops()) {
        params += cost::opParams(g, op);
        weightFlash += cost::opFlashBytes(g, op);
    }
    json peaks = json::object();
    for (memory::Planner p : memory::allPlanners()) peaks[memory::plannerName(p)] = memory::plan(g, p).arenaBytes;
    const graph::Shape in = g.tensor(g.input()).shape, out = g.tensor(g.output()).shape;
    json j = {{"ops", g.opCount()},
              {"input_shape", json::array({in.h, in.w, in.c})},
              {"output_shape", json::array({out.h, out.w, out.c})},
              {"macs", cost::totalMacs(g)},
              {"params", params},
              {"weight_flash_bytes", weightFlash},
              {"peak_sram_by_planner", peaks}};
    if (b) {
        const cost::ModelCost c = cost::estimate(g, *b);
        const std::int64_t peak = peaks[defaults::kPlanner].get<std::int64_t>();
        j["board"] = b->id;
        j["flash_bytes"] = c.flashBytes;
        j["runtime_flash_bytes"] = b->runtimeFlashBytes;
        j["flash_limit_bytes"] = b->flashBytes;
        j["sram_limit_bytes"] = b->sramBytes;
        j["latency_ms"] = c.latencyMs;
        j["fits"] = c.flashBytes <= b->flashBytes && peak <= b->sramBytes;
    }
    return j;
}

void printFigures(const json& j) {
    auto n = [&](const char* key) { return withCommas(j[key].get<std::int64_t>()); };
    const json& peaks = j["peak_sram_by_planner"];
    auto peak = [&](const char* p) { return withCommas(peaks[p].get<std::int64_t>()); };
    std::printf("imported: %d ops, input %dx%dx%d int8, output %dx%dx%d int8\n\n", j["ops"].get<int>(),
                j["input_shape"][0].get<int>(), j["input_shape"][1].get<int>(), j["input_shape"][2].get<int>(),
                j["output_shape"][0].get<int>(), j["output_shape"][1].get<int>(), j["output_shape"][2].get<int>());
    std::printf("MACs        %s\n", n("macs").c_str());
    std::printf("params      %s\n", n("params").c_str());
    if (!j.contains("board")) {
        std::printf("Flash       %s B of weights, bias and requantization (--board adds the runtime)\n",
                    n("weight_flash_bytes").c_str());
        std::printf("peak SRAM   tflm %s B, tinyengine %s B, ours %s B\n", peak("tflm").c_str(),
                    peak("tinyengine").c_str(), peak("ours").c_str());
        return;
    }
    auto verdict = [&](const char* v, const char* limit) {
        return j[v].get<std::int64_t>() <= j[limit].get<std::int64_t>() ? "fits" : "OVER";
    };
    std::printf("Flash       %s B of %s (%s; includes %s B runtime)\n", n("flash_bytes").c_str(),
                n("flash_limit_bytes").c_str(), verdict("flash_bytes", "flash_limit_bytes"),
                n("runtime_flash_bytes").c_str());
    const std::int64_t ours = peaks[defaults::kPlanner].get<std::int64_t>();
    std::printf("peak SRAM   %s B of %s (%s, planner %s)\n", withCommas(ours).c_str(), n("sram_limit_bytes").c_str(),
                ours <= j["sram_limit_bytes"].get<std::int64_t>() ? "fits" : "OVER", defaults::kPlanner);
    std::printf("  planners  tflm %s B, tinyengine %s B, ours %s B\n", peak("tflm").c_str(), peak("tinyengine").c_str(),
                peak("ours").c_str());
    std::printf("latency     %.2f ms (estimate on %s)\n", j["latency_ms"].get<double>(),
                j["board"].get<std::string>().c_str());
}

int importCommand(const ImportOptions& o) {
    if (o.file.empty()) throw Error("needs MODEL.tflite");
    std::optional<board::Board> b;
    if (!o.board.empty()) b = boardFrom(o.board);
    const interop::TfliteImport imported = interop::importTfliteFile(o.file);
    const auto& report = imported.coverage;
    json out = {{"coverage", interop::tflite::coverageJson(report)}, {"supported", report.supported()}};
    if (imported.model) out["model"] = figures(*imported.model, b);
    if (o.json) {
        std::cout << out.dump(2) << "\n";
    } else {
        std::cout << interop::tflite::coverageText(report);
        if (imported.model) {
            std::cout << "\n";
            printFigures(out["model"]);
        }
    }
    if (report.supported()) return 0;
    std::string blocking;
    for (const std::string& op : report.blockingOps()) blocking += (blocking.empty() ? "" : ", ") + op;
    if (!report.modelIssues.empty()) blocking += (blocking.empty() ? "" : ", ") + std::string("its inputs/outputs");
    std::cerr << "mcunet import: error: " << o.file << ": not supported yet (blocked by " << blocking
              << "; the report above says why)\n";
    return 2;
}

}  // namespace

Runner defineImport(CLI::App& app) {
    auto o = std::make_shared<ImportOptions>();
    app.add_option("MODEL.tflite", o->file, "an int8 TF Lite model")->type_name("");
    app.add_option("--board", o->board, "also Flash with the runtime, limits and latency on this board (mcunet boards)")
        ->type_name("ID");
    addJsonFlag(app, o->json);
    return [o] { return importCommand(*o); };
}

}  // namespace mcunet::cli
