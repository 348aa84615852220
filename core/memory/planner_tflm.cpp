// `tflm` (plan.h): TF Lite Micro's GreedyMemoryPlanner: every tensor its own
// buffer, largest first, first fit, 16-byte aligned, CMSIS-NN's scratch
// buffers in the arena and an estimate of the persistent tail.
#include "memory/buffer_model.h"
#include "memory/planner.h"

namespace mcunet::memory {

namespace {

using namespace detail;

const BufferRules& tfliteMicroRules() {
    static const BufferRules rules{16, nullptr, Engine::TFLiteMicro, ScratchPlacement::InArena, true};
    return rules;
}

class TfliteMicroPlanner final : public MemoryPlanner {
public:
    Planner id() const override { return Planner::TFLiteMicro; }
    const char* name() const override { return "tflm"; }
    std::vector<std::string> aliases() const override { return {"greedy"}; }
    Plan plan(const graph::Graph& g) const override { return planLargestFirst(g, id(), tfliteMicroRules()); }
    std::int64_t arenaBytes(const graph::Graph& g, std::int64_t) const override {
        return arenaLargestFirst(g, tfliteMicroRules());
    }
};

}  // namespace

const MemoryPlanner& tfliteMicroPlanner() {
    static const TfliteMicroPlanner planner;
    return planner;
}

}  // namespace mcunet::memory
