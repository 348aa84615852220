#pragma once
// Internal to core/memory: the buffer model and plan assembly every planner
// shares. A planner states its rules (alignment, what it does in place, whose
// scratch sizes, where scratch goes, TF Lite Micro's persistent tail) and
// either places the model largest first (planLargestFirst) or searches its
// own layout (planner_ours.cpp) before assemble() writes the Plan.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "memory/placer.h"
#include "memory/plan.h"
#include "memory/scratch.h"

namespace mcunet::memory::detail {

// Does `op` write its output over an input here? nullptr: never.
using InPlaceRule = bool (*)(const graph::Graph& g, const graph::Op& op);

enum class ScratchPlacement {
    InArena,  // each op's scratch an item of its own, placed with the tensors
    OnTop,    // TinyEngine: the largest im2col plus the largest kernel buffer above the tensors
};

struct BufferRules {
    std::int64_t alignment = 4;
    InPlaceRule inPlace = nullptr;
    Engine scratch = Engine::Ours;
    ScratchPlacement scratchPlacement = ScratchPlacement::InArena;
    bool persistentTail = false;  // TF Lite Micro's persistent allocations at the arena's tail
};

std::int64_t alignUp(std::int64_t v, std::int64_t a);

// The buffer model of one planner: tensors grouped into in-place chains (one
// item each) and, when placed inside the arena, the scratch buffers.
struct Model {
    std::vector<int> first, last;       // per tensor lifetime
    std::vector<std::int64_t> bytes;    // per tensor, aligned
    std::vector<int> aliasOf;           // per tensor
    std::vector<int> itemOfTensor;      // per tensor
    std::vector<int> scratchOp;         // per scratch item index: its op
    std::vector<std::int64_t> scratchBytes;  // per op (ours: placed; tinyengine: on top)
    std::vector<Item> items;            // tensor groups first, then placed scratch
    int tensorItems = 0;
    std::int64_t scratchOnTop = 0;
    std::int64_t persistent = 0;
};

// `addIntoEarlier`: an in-place add writes over its earlier-produced input
// (the residual, which keeps the block chain in one place) instead of the
// block's own branch; ours tries both.
Model buildModel(const graph::Graph& g, const BufferRules& rules, bool addIntoEarlier = true);

std::vector<int> orderBy(const std::vector<Item>& items, const std::function<bool(const Item&, const Item&)>& before);
std::vector<int> largestFirst(const std::vector<Item>& items);
std::int64_t maxScratch(const Model& m);

// Scratch stacked above the placed tensors: TinyEngine's two regions, or one
// region of each op's scratch (ours on TinyEngine's layout).
enum class StackedScratch { None, Im2colAndKernel, Single };

// The Plan from placed items: placements, persistent tail, arena, timeline.
Plan assemble(const graph::Graph& g, Planner planner, Engine engine, const Model& m,
              const std::vector<std::int64_t>& itemOffsets, std::int64_t placedPeak, std::int64_t bound,
              std::string strategy, StackedScratch stacked);

// Largest first, first fit, under `rules` (tflm, tinyengine).
Plan planLargestFirst(const graph::Graph& g, Planner planner, const BufferRules& rules);
std::int64_t arenaLargestFirst(const graph::Graph& g, const BufferRules& rules);

// TinyEngine's rules, which ours falls back to (never worse by construction).
const BufferRules& tinyEngineRules();

}  // namespace mcunet::memory::detail
