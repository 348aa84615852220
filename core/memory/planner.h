#pragma once
// A memory planner: one implementation of this interface in its own file
// (planner_<name>.cpp) and one line in the registry (planner_registry.cpp).
// The CLI, the studio, plan.json and the search reach planners only through
// memory::plan / memory::arenaBytes and the registry's order and names, so a
// new planner (patch-based inference, say) appears everywhere from there.
// docs/memory-planning.md, "Adding a planner", lists the steps.
#include <cstdint>
#include <string>
#include <vector>

#include "memory/plan.h"

namespace mcunet::memory {

class MemoryPlanner {
public:
    virtual ~MemoryPlanner() = default;
    virtual Planner id() const = 0;
    // Stable key: CLI --planner, plan.json, project files, studio buttons.
    virtual const char* name() const = 0;
    // Other names parsePlanner accepts (e.g. "greedy" for tflm).
    virtual std::vector<std::string> aliases() const { return {}; }
    // The full plan (placements, timeline); the graph is already validated.
    virtual Plan plan(const graph::Graph& g) const = 0;
    // The arena only; with `limit` < INT64_MAX the result need only be on the
    // same side of `limit` as the exact arena (plan.h, arenaBytes).
    virtual std::int64_t arenaBytes(const graph::Graph& g, std::int64_t limit) const = 0;
};

// Every planner, in the order the CLI and the studio list them.
const std::vector<const MemoryPlanner*>& registeredPlanners();
// Throws mcunet::Error for an id no planner registered.
const MemoryPlanner& plannerFor(Planner id);

}  // namespace mcunet::memory
