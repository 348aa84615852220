#pragma once
// Builds the layer graph of an MBConv architecture (DESIGN.md section 3).
#include "arch/architecture.h"
#include "graph/graph.h"

namespace mcunet::graph {

// Op names: "stem", "first.dw", "first.project", "s{stage}.b{block}.expand|dw|project|add",
// "mix", "pool", "classifier". The architecture must be valid (arch::validate).
Graph buildGraph(const arch::Architecture& a);

}  // namespace mcunet::graph
