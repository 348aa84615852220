#pragma once
// Peak-SRAM memory planning over a layer graph (DESIGN.md section 5).
//
// Three planners, named as in the CLI, the studio and plan.json:
//  - `tflm`: TF Lite Micro's GreedyMemoryPlanner: every tensor its own buffer
//    (no in-place ops), lifetimes over the whole graph, largest first, each at
//    the lowest offset that overlaps no buffer live at the same time, 16-byte
//    aligned, plus the CMSIS-NN scratch buffers and an estimate of the
//    persistent allocations TF Lite Micro keeps at the arena's tail.
//  - `tinyengine`: TinyEngine's schedule: in-place depthwise (output aliases
//    the input; after stride 2 only a quarter of it stays live), rectangles
//    largest first, first fit; arena = placement + largest im2col buffer +
//    largest kernel buffer, 4-byte aligned sizes.
//  - `ours` (default): in place wherever our kernels allow it (depthwise,
//    1x1 convs in either direction, add, pool), scratch buffers placed inside
//    the arena for their op's lifetime, several placement orders and a local
//    search, stopped as soon as the live-bytes lower bound is reached; never
//    worse than `tinyengine` by construction.
// The arena size a plan reports is the one the code generator declares.
#include <cstdint>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace mcunet::memory {

enum class Planner { TFLiteMicro, TinyEngine, Ours };

const char* plannerName(Planner p);  // "tflm", "tinyengine", "ours"
// Accepts the names above and "greedy" (= tflm); throws mcunet::Error otherwise.
Planner parsePlanner(const std::string& name);
std::vector<Planner> allPlanners();

enum class BufferKind { Tensor, Scratch, Persistent };

// One region of the arena: a tensor, an op's scratch, or persistent data.
struct Placement {
    BufferKind kind = BufferKind::Tensor;
    std::string name;
    int tensor = -1;    // graph tensor for kind Tensor
    int op = -1;        // owning op for kind Scratch
    int firstOp = 0;    // lifetime, inclusive op indices
    int lastOp = 0;
    std::int64_t offset = 0;
    std::int64_t bytes = 0;
    int aliasOf = -1;   // tensor whose memory this tensor reuses in place (-1: none)
};

enum class LiveRole { Input, Output, Live, Scratch, Persistent };
const char* liveRoleName(LiveRole r);

struct LiveBuffer {
    int placement = -1;
    LiveRole role = LiveRole::Live;
};

// What the arena holds while one op runs.
struct LayerMemory {
    int op = -1;
    std::int64_t usedBytes = 0;  // union of the live ranges (in-place pairs count once)
    std::int64_t highWater = 0;  // highest live byte + 1
    std::vector<LiveBuffer> live;
};

struct Plan {
    Planner planner = Planner::Ours;
    std::int64_t arenaBytes = 0;       // the static arena to declare
    std::int64_t lowerBound = 0;       // max over ops of live bytes in this planner's model
    std::int64_t scratchOnTop = 0;     // TinyEngine: largest im2col + largest kernel buffer
    std::int64_t persistentBytes = 0;  // TF Lite Micro: persistent allocations (estimate)
    std::string strategy;              // which placement order won (ours)
    std::vector<Placement> placements;
    std::vector<int> tensorPlacement;  // graph tensor -> placement index
    std::vector<LayerMemory> timeline;
};

Plan plan(const graph::Graph& g, Planner planner);

// Only the arena size (no placements, no timeline): the search's fast path.
// Without `limit` the result equals plan(g, planner).arenaBytes. With it, the
// caller only asks whether the arena fits: the result is on the same side of
// `limit` as the exact arena (ours stops at the first layout that fits, or at
// once when the live-bytes bound is already over).
std::int64_t arenaBytes(const graph::Graph& g, Planner planner,
                        std::int64_t limit = INT64_MAX);

// The least any correct schedule needs while op i runs, whatever it does in
// place: the tensors live across the op that it does not touch, plus the
// larger of its operands (both inputs for add).
std::int64_t unavoidableBytes(const graph::Graph& g, int op);
std::int64_t unavoidablePeak(const graph::Graph& g);

// Gives op `op`'s scratch buffer at least `bytes` without growing the arena:
// keeps it where it is when it is that large already, else moves it to the
// lowest 4-byte aligned gap of `bytes` that no other buffer live during the
// op occupies. Returns false (the plan unchanged) when the op has no scratch
// buffer or no such gap exists. The code generator uses it to give a kernel
// a faster variant that needs more scratch only where it costs no SRAM.
bool widenScratch(Plan& p, int op, std::int64_t bytes);

// Checks a plan against the graph: every buffer inside the arena, no two
// buffers live at the same op overlap unless they are an op's in-place
// input/output pair of a kind that supports it, sizes and lifetimes cover
// every use. Returns the problems found (empty: the plan is sound).
std::vector<std::string> checkPlan(const graph::Graph& g, const Plan& p);

}  // namespace mcunet::memory
