// `tinyengine` (plan.h): TinyEngine's schedule: in-place depthwise, largest
// first, first fit, 4-byte aligned; its largest im2col and kernel buffers
// stacked above the tensors.
#include "graph/ops.h"
#include "memory/buffer_model.h"
#include "memory/planner.h"

namespace mcunet::memory {

namespace detail {

const BufferRules& tinyEngineRules() {
    static const BufferRules rules{4, [](const graph::Graph& g, const graph::Op& op) { return graph::writesInPlace(g, op, true); },
                                   Engine::TinyEngine, ScratchPlacement::OnTop, false};
    return rules;
}

}  // namespace detail

namespace {

class TinyEnginePlanner final : public MemoryPlanner {
public:
    Planner id() const override { return Planner::TinyEngine; }
    const char* name() const override { return "tinyengine"; }
    Plan plan(const graph::Graph& g) const override { return detail::planLargestFirst(g, id(), detail::tinyEngineRules()); }
    std::int64_t arenaBytes(const graph::Graph& g, std::int64_t) const override {
        return detail::arenaLargestFirst(g, detail::tinyEngineRules());
    }
};

}  // namespace

const MemoryPlanner& tinyEnginePlanner() {
    static const TinyEnginePlanner planner;
    return planner;
}

}  // namespace mcunet::memory
