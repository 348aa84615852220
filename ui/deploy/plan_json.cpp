#include "deploy/plan_json.h"

#include <nlohmann/json.hpp>

namespace mcunet::ui {

using nlohmann::json;

const char* bufferKindName(memory::BufferKind k) {
    switch (k) {
        case memory::BufferKind::Tensor: return "tensor";
        case memory::BufferKind::Scratch: return "scratch";
        case memory::BufferKind::Persistent: return "persistent";
    }
    return "tensor";
}

json planToJson(const DesignAnalysis& d, memory::Planner planner) {
    const memory::Plan& p = d.plan(planner);
    const graph::Graph& g = d.graph;
    json buffers = json::array();
    for (const memory::Placement& pl : p.placements) {
        json b = {{"name", pl.name},
                  {"kind", bufferKindName(pl.kind)},
                  {"offset", pl.offset},
                  {"bytes", pl.bytes},
                  {"first_op", pl.firstOp},
                  {"last_op", pl.lastOp},
                  {"first_layer", g.op(pl.firstOp).name},
                  {"last_layer", g.op(pl.lastOp).name},
                  {"alias_of", pl.aliasOf >= 0 ? json(g.tensor(pl.aliasOf).name) : json(nullptr)}};
        if (pl.tensor >= 0) b["tensor"] = pl.tensor;
        if (pl.op >= 0) b["op"] = pl.op;
        buffers.push_back(std::move(b));
    }
    json layers = json::array();
    for (int i = 0; i < g.opCount(); ++i) {
        const memory::LayerMemory& lm = p.timeline[static_cast<std::size_t>(i)];
        layers.push_back({{"name", g.op(i).name},
                          {"op", graph::opKindName(g.op(i).kind)},
                          {"used_bytes", lm.usedBytes},
                          {"high_water", lm.highWater}});
    }
    return {{"format", "mcunet-memory-plan"},
            {"schema_version", kPlanJsonSchemaVersion},
            {"architecture", d.architecture.name},
            {"board", d.board.id},
            {"planner", memory::plannerName(planner)},
            {"arena_bytes", p.arenaBytes},
            {"lower_bound_bytes", p.lowerBound},
            {"scratch_on_top_bytes", p.scratchOnTop},
            {"persistent_bytes", p.persistentBytes},
            {"strategy", p.strategy},
            {"sram_limit_bytes", d.limits.sramBytes},
            {"buffers", buffers},
            {"layers", layers}};
}

}  // namespace mcunet::ui
