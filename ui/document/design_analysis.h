#pragma once
// Everything the views show about one architecture on one target, computed
// in one place exactly as `mcunet cost --board ID` computes it:
// graph::buildGraph, cost::estimate, memory::plan for each planner. Immutable
// once built; views share it through a shared_ptr. Plain C++ (no Qt).
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "arch/architecture.h"
#include "board/board.h"
#include "cost/cost.h"
#include "graph/graph.h"
#include "memory/plan.h"
#include "quant/model.h"
#include "space/optimizer.h"

namespace mcunet::ui {

// What one diagram tile summarises: a block (or the stem / first block / head).
struct UnitSummary {
    int stage = -1;        // -1: stem, first block or head
    int blockInStage = -1;
    int firstOp = 0, lastOp = 0;
    std::int64_t macs = 0;
    std::int64_t params = 0;
    std::int64_t peakBytes = 0;  // largest arena use (ours) while one of its ops runs
    double latencyMs = 0;
    graph::Shape output;
};

struct DesignAnalysis {
    // An imported network (a .tflite): `graph` is the file's and
    // `importedModel` its int8 model, `architecture` has only its name, the
    // block summaries are empty; the figures are computed the same way.
    bool imported = false;
    std::shared_ptr<const quant::QuantizedModel> importedModel;
    arch::Architecture architecture;
    board::Board board;
    space::Constraints limits;
    graph::Graph graph;
    cost::ModelCost cost;
    std::map<memory::Planner, memory::Plan> plans;  // one per registered planner
    memory::Planner selectedPlanner = memory::Planner::Ours;

    UnitSummary stem, firstBlock, head;
    std::vector<std::vector<UnitSummary>> blocks;  // [stage][block]
    int peakOp = 0;                                // op with the largest use under `ours`

    const memory::Plan& plan(memory::Planner p) const { return plans.at(p); }
    const memory::Plan& selectedPlan() const { return plan(selectedPlanner); }
    // The studio's peak SRAM: planner `ours`, the arena the generated code declares.
    std::int64_t peakSram() const { return plan(memory::Planner::Ours).arenaBytes; }
    bool fits() const { return peakSram() <= limits.sramBytes && cost.flashBytes <= limits.flashBytes; }
    double layerLatencyMs(int op) const;
    // The board as Deploy builds for it: its SRAM and Flash capped at the
    // project's limits, which the firmware's linker script then enforces
    // (as `mcunet eval --board B --sram KB` does).
    board::Board deployBoard() const;
};

// Throws mcunet::Error when the architecture is invalid.
std::shared_ptr<const DesignAnalysis> analyze(const arch::Architecture& a, const board::Board& b,
                                              const space::Constraints& limits,
                                              memory::Planner selected = memory::Planner::Ours);
// The same figures for an imported model called `name` (`mcunet import` computes them alike).
std::shared_ptr<const DesignAnalysis> analyzeImported(std::shared_ptr<const quant::QuantizedModel> model,
                                                      const std::string& name, const board::Board& b,
                                                      const space::Constraints& limits,
                                                      memory::Planner selected = memory::Planner::Ours);

}  // namespace mcunet::ui
