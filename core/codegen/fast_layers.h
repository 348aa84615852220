#pragma once
// Which layers the code generator gives a layer-specialized kernel
// (core/runtime/include/mcunet_fast.h) and the call it writes for them. A
// layer qualifies when the fast requantization is provably exact for it
// (every channel checked by mcu_channel_prepare / mcu_add_term_prepare) and
// the plan gives the kernel its scratch; any other layer keeps the general
// kernel, so the choice never changes a single output byte.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "quant/model.h"

namespace mcunet::codegen {

// Where one layer's tensors live, as C expressions, and what the plan gives it.
struct LayerSite {
    const graph::Graph* graph = nullptr;
    int op = -1;
    const quant::QuantizedModel* model = nullptr;
    std::string symbol;     // the layer's C symbol prefix, e.g. "model_l3"
    std::string input;      // "model_arena + 0"
    std::string input2;     // second input (add, mul), else empty
    std::vector<std::string> inputs;  // every input, in order (concatenation)
    std::string output;
    std::string scratch8;   // "(model_arena + 512)" or "0"
    std::string scratch16;  // the same as int16_t *
    bool inPlace = false;
    bool haveScratch = false;
    std::int64_t scratchBytes = 0;  // what the plan gives (fastScratchWish's bytes when it could)
};

struct FastLayer {
    std::string call;                   // the C statement in the invoke function
    std::string variant;                // e.g. "fast_pointwise_inplace_backward"
    std::vector<std::int32_t> channels; // mcu_channel_t fields, 4 per output channel (empty for add)
    std::vector<std::int8_t> weights;   // when the kernel wants another layout (else empty: the usual one)
};

// The fast kernel for this layer, or nothing (the general kernel stays).
// `weights`: the layer's weights in the layout the general kernel takes.
std::optional<FastLayer> fastLayer(const LayerSite& site, const std::vector<std::int8_t>& weights);

// The scratch bytes layer `op`'s fastest kernel variant would use, when it
// needs more than the plan reserves for the layer (kernelScratchBytes); 0
// when it does not. The code generator grants it only where it costs no
// SRAM (memory::widenScratch); fastLayer picks the variant by what it got.
std::int64_t fastScratchWish(const graph::Graph& g, int op);

// Every variant fastLayer can return, for coverage checks.
std::vector<std::string> fastVariants();

}  // namespace mcunet::codegen
