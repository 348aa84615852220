#include "memory/plan.h"

#include <algorithm>

#include "graph/ops.h"

#include "common/error.h"
#include "memory/planner.h"

namespace mcunet::memory {

const char* plannerName(Planner p) { return plannerFor(p).name(); }

Planner parsePlanner(const std::string& name) {
    std::string known;
    for (const MemoryPlanner* p : registeredPlanners()) {
        const std::vector<std::string> aliases = p->aliases();
        if (name == p->name() || std::find(aliases.begin(), aliases.end(), name) != aliases.end()) return p->id();
        known += (known.empty() ? "" : ", ") + std::string(p->name());
        for (const std::string& a : aliases) known += " (alias " + a + ")";
    }
    throw Error("unknown planner \"" + name + "\" (known: " + known + ")");
}

std::vector<Planner> allPlanners() {
    std::vector<Planner> ids;
    for (const MemoryPlanner* p : registeredPlanners()) ids.push_back(p->id());
    return ids;
}

const char* liveRoleName(LiveRole r) {
    switch (r) {
        case LiveRole::Input: return "input";
        case LiveRole::Output: return "output";
        case LiveRole::Live: return "live";
        case LiveRole::Scratch: return "scratch";
        case LiveRole::Persistent: return "persistent";
    }
    return "?";
}

std::int64_t arenaBytes(const graph::Graph& g, Planner planner, std::int64_t limit) {
    return plannerFor(planner).arenaBytes(g, limit);
}

Plan plan(const graph::Graph& g, Planner planner) {
    g.validate();
    return plannerFor(planner).plan(g);
}

std::int64_t unavoidableBytes(const graph::Graph& g, int i) {
    const std::vector<int> last = g.lastUse();
    const graph::Op& op = g.op(i);
    std::int64_t others = 0;
    for (int t = 0; t < g.tensorCount(); ++t) {
        const bool operand = t == op.output ||
                             std::find(op.inputs.begin(), op.inputs.end(), t) != op.inputs.end();
        const int first = std::max(g.tensor(t).producer, 0);
        if (!operand && first <= i && last[static_cast<std::size_t>(t)] >= i) others += g.tensor(t).bytes();
    }
    std::int64_t own = g.tensor(op.output).bytes();
    if (op.inputs.size() > 1) {  // every input is read while the output is written
        own = 0;
        for (int in : op.inputs) own += g.tensor(in).bytes();
    } else {
        for (int in : op.inputs) own = std::max(own, g.tensor(in).bytes());
    }
    return others + own;
}

std::int64_t unavoidablePeak(const graph::Graph& g) {
    std::int64_t peak = 0;
    for (int i = 0; i < g.opCount(); ++i) peak = std::max(peak, unavoidableBytes(g, i));
    return peak;
}

bool widenScratch(Plan& p, int op, std::int64_t bytes) {
    int scratch = -1;
    for (int k = 0; k < static_cast<int>(p.placements.size()); ++k) {
        const Placement& pl = p.placements[static_cast<std::size_t>(k)];
        if (pl.kind == BufferKind::Scratch && pl.op == op &&
            (scratch < 0 || pl.bytes > p.placements[static_cast<std::size_t>(scratch)].bytes))
            scratch = k;
    }
    if (scratch < 0) return false;
    Placement& own = p.placements[static_cast<std::size_t>(scratch)];
    if (own.bytes >= bytes) return true;
    std::vector<std::pair<std::int64_t, std::int64_t>> taken;  // [begin, end) of every other live buffer
    for (int k = 0; k < static_cast<int>(p.placements.size()); ++k) {
        const Placement& pl = p.placements[static_cast<std::size_t>(k)];
        if (k != scratch && pl.firstOp <= op && pl.lastOp >= op && pl.bytes > 0)
            taken.emplace_back(pl.offset, pl.offset + pl.bytes);
    }
    std::sort(taken.begin(), taken.end());
    std::int64_t at = 0;  // lowest free byte so far, 4-byte aligned
    for (const auto& [begin, end] : taken) {
        if (begin >= at + bytes) break;
        at = std::max(at, (end + 3) & ~std::int64_t(3));
    }
    if (at + bytes > p.arenaBytes) return false;
    own.offset = at;
    own.bytes = bytes;
    return true;
}

std::vector<std::string> checkPlan(const graph::Graph& g, const Plan& p) {
    std::vector<std::string> problems;
    const std::vector<int> last = g.lastUse();
    for (const Placement& pl : p.placements) {
        if (pl.offset < 0 || pl.offset + pl.bytes > p.arenaBytes)
            problems.push_back(pl.name + ": outside the arena");
        if (pl.kind == BufferKind::Tensor) {
            if (pl.bytes < g.tensor(pl.tensor).bytes()) problems.push_back(pl.name + ": too small");
            if (pl.firstOp > std::max(g.tensor(pl.tensor).producer, 0) ||
                pl.lastOp < last[static_cast<std::size_t>(pl.tensor)])
                problems.push_back(pl.name + ": lifetime does not cover every use");
        }
    }
    for (int t = 0; t < g.tensorCount(); ++t)
        if (p.tensorPlacement.size() != static_cast<std::size_t>(g.tensorCount()) ||
            p.tensorPlacement[static_cast<std::size_t>(t)] < 0)
            problems.push_back(g.tensor(t).name + ": not placed");
    if (!problems.empty()) return problems;
    auto inPlacePair = [&](const Placement& a, const Placement& b, int i) {
        // b is op i's output written over a, op i's input that dies here.
        const graph::Op& op = g.op(i);
        if (a.kind != BufferKind::Tensor || b.kind != BufferKind::Tensor) return false;
        if (b.tensor != op.output || b.aliasOf != a.tensor) return false;
        if (std::find(op.inputs.begin(), op.inputs.end(), a.tensor) == op.inputs.end()) return false;
        if (last[static_cast<std::size_t>(a.tensor)] != i || a.offset != b.offset) return false;
        return graph::writesInPlace(g, op, false) || graph::writesInPlace(g, op, true);
    };
    for (int i = 0; i < g.opCount(); ++i) {
        std::vector<const Placement*> live;
        for (const Placement& pl : p.placements)
            if (pl.firstOp <= i && pl.lastOp >= i && pl.bytes > 0) live.push_back(&pl);
        for (std::size_t x = 0; x < live.size(); ++x)
            for (std::size_t y = x + 1; y < live.size(); ++y) {
                const Placement& a = *live[x];
                const Placement& b = *live[y];
                if (a.offset + a.bytes <= b.offset || b.offset + b.bytes <= a.offset) continue;
                if (inPlacePair(a, b, i) || inPlacePair(b, a, i)) continue;
                problems.push_back("op " + g.op(i).name + ": " + a.name + " [" + std::to_string(a.offset) +
                                   ", " + std::to_string(a.offset + a.bytes) + ") overlaps " + b.name + " [" +
                                   std::to_string(b.offset) + ", " + std::to_string(b.offset + b.bytes) + ")");
            }
    }
    return problems;
}

}  // namespace mcunet::memory
