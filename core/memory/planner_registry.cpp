// The registry of memory planners: one line per planner (planner.h).
#include "common/error.h"
#include "memory/planner.h"

namespace mcunet::memory {

// Each defined in its own planner_<name>.cpp.
const MemoryPlanner& tfliteMicroPlanner();
const MemoryPlanner& tinyEnginePlanner();
const MemoryPlanner& oursPlanner();

const std::vector<const MemoryPlanner*>& registeredPlanners() {
    static const std::vector<const MemoryPlanner*> all{
        &tfliteMicroPlanner(),
        &tinyEnginePlanner(),
        &oursPlanner(),
    };
    return all;
}

const MemoryPlanner& plannerFor(Planner id) {
    for (const MemoryPlanner* p : registeredPlanners())
        if (p->id() == id) return *p;
    throw Error("memory planner " + std::to_string(static_cast<int>(id)) + " is not registered");
}

}  // namespace mcunet::memory
