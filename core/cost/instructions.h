#pragma once
// The instructions our generated code executes for one layer: the
// layer-specialized kernels of mcunet_fast.h built at -O3 for Cortex-M
// (tuned for the M7; M4 builds run the same instructions). A linear model per
// op kind over features that follow how each kernel spends its instructions
// (docs/cost-model.md): 1x1 convolutions three pixels at a time, depthwise
// outputs two at a time by kernel and stride plus the padded plane, the
// single-channel stem's pairs and its out-of-line border spans, im2col taps.
// Fitted by least squares (relative error) to the per-layer counts of 28
// networks on the virtual boards; on 20 held-out networks (every preset and
// person_detect among them) the total is within 2.5% of the measured count.
#include "graph/graph.h"

namespace mcunet::cost {

// Executed instructions of op `op` of `g` (the virtual boards' unit).
double estimateInstructions(const graph::Graph& g, const graph::Op& op);

}  // namespace mcunet::cost
