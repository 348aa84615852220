#pragma once
// Per-kernel scratch memory of each inference engine the planners model.
// `im2col` is the column buffer of convolutions (TinyEngine's "sbuf"),
// `kernelBuffer` the per-channel buffer of in-place depthwise convolution
// (TinyEngine's "kbuf"). Sizes follow each engine's kernels; ours are the
// sizes the code generator's kernels are written to use.
#include <cstdint>

#include "graph/graph.h"

namespace mcunet::memory {

enum class Engine { TFLiteMicro, TinyEngine, Ours };

struct Scratch {
    std::int64_t im2col = 0;
    std::int64_t kernelBuffer = 0;
    std::int64_t total() const { return im2col + kernelBuffer; }
};

Scratch scratchFor(const graph::Graph& g, const graph::Op& op, Engine engine);

}  // namespace mcunet::memory
