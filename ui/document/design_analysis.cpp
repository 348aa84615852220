#include "document/design_analysis.h"

#include <algorithm>

#include "graph/build.h"

namespace mcunet::ui {

board::Board DesignAnalysis::deployBoard() const { return board::withLimits(board, limits.sramBytes, limits.flashBytes); }

double DesignAnalysis::layerLatencyMs(int op) const {
    return cost.layers[static_cast<std::size_t>(op)].latencyCycles / double(board.clockHz) * 1000.0;
}

namespace {

// Cost, every planner's plan and the peak op of `d->graph`.
void computeFigures(DesignAnalysis& d) {
    d.cost = cost::estimate(d.graph, d.board);
    for (memory::Planner p : memory::allPlanners())
        d.plans[p] = memory::plan(d.graph, p);
    const memory::Plan& ours = d.plan(memory::Planner::Ours);
    std::int64_t best = -1;
    for (int i = 0; i < d.graph.opCount(); ++i) {
        const std::int64_t used = ours.timeline[static_cast<std::size_t>(i)].usedBytes;
        if (used > best) {
            best = used;
            d.peakOp = i;
        }
    }
}

}  // namespace

std::shared_ptr<const DesignAnalysis> analyzeImported(std::shared_ptr<const quant::QuantizedModel> model,
                                                      const std::string& name, const board::Board& b,
                                                      const space::Constraints& limits, memory::Planner selected) {
    auto d = std::make_shared<DesignAnalysis>();
    d->imported = true;
    d->architecture.name = name;
    d->board = b;
    d->limits = limits;
    d->selectedPlanner = selected;
    d->graph = model->graph;
    d->importedModel = std::move(model);
    computeFigures(*d);
    return d;
}

std::shared_ptr<const DesignAnalysis> analyze(const arch::Architecture& a, const board::Board& b,
                                              const space::Constraints& limits, memory::Planner selected) {
    arch::validate(a);
    auto d = std::make_shared<DesignAnalysis>();
    d->architecture = a;
    d->board = b;
    d->limits = limits;
    d->selectedPlanner = selected;
    d->graph = graph::buildGraph(a);
    computeFigures(*d);

    const graph::Graph& g = d->graph;
    const memory::Plan& ours = d->plan(memory::Planner::Ours);
    d->blocks.resize(a.stages.size());
    for (std::size_t s = 0; s < a.stages.size(); ++s) d->blocks[s].resize(a.stages[s].blocks.size());
    // Block index -> (stage, block in stage).
    std::vector<std::pair<int, int>> where;
    for (int s = 0; s < static_cast<int>(a.stages.size()); ++s)
        for (int k = 0; k < static_cast<int>(a.stages[static_cast<std::size_t>(s)].blocks.size()); ++k)
            where.emplace_back(s, k);
    std::vector<bool> touched(where.size(), false);
    bool stemSeen = false, firstSeen = false, headSeen = false;
    for (int i = 0; i < g.opCount(); ++i) {
        const graph::Op& op = g.op(i);
        UnitSummary* u = nullptr;
        bool* seen = nullptr;
        if (op.block >= 0 && op.block < static_cast<int>(where.size())) {
            const auto [s, k] = where[static_cast<std::size_t>(op.block)];
            u = &d->blocks[static_cast<std::size_t>(s)][static_cast<std::size_t>(k)];
            u->stage = s;
            u->blockInStage = k;
            if (!touched[static_cast<std::size_t>(op.block)]) u->firstOp = i;
            touched[static_cast<std::size_t>(op.block)] = true;
        } else if (op.name == "stem") {
            u = &d->stem;
            seen = &stemSeen;
        } else if (op.name.rfind("first.", 0) == 0) {
            u = &d->firstBlock;
            seen = &firstSeen;
        } else {
            u = &d->head;
            seen = &headSeen;
        }
        if (seen && !*seen) {
            u->firstOp = i;
            *seen = true;
        }
        const auto& l = d->cost.layers[static_cast<std::size_t>(i)];
        u->macs += l.macs;
        u->params += l.params;
        u->latencyMs += d->layerLatencyMs(i);
        u->peakBytes = std::max(u->peakBytes, ours.timeline[static_cast<std::size_t>(i)].usedBytes);
        u->lastOp = i;
        u->output = g.tensor(op.output).shape;
    }
    return d;
}

}  // namespace mcunet::ui
