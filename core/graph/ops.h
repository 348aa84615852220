#pragma once
// The op table: everything the layers above the graph need to know about an
// op kind, in one entry per kind (ops.cpp, `kOps`). Cost, the planners,
// quantization, code generation, the board latency tables and .tflite
// import/export read their per-op facts here; where a layer has to act per op
// (run it, emit its C call, lower it from TF Lite) it does so in an
// exhaustive `switch` without `default`, so a new kind that is missing
// somewhere fails to compile there (-Werror=switch) instead of being treated
// as some other op. docs/adding-an-op.md lists every place a new op goes.
#include <cstdint>

#include "graph/graph.h"

namespace mcunet::graph {

// How a board's latency table charges an op (docs/board-json.md).
enum class CostBasis {
    PerMac,            // cycles_per_mac[name] x MACs
    PerOutputElement,  // cycles_per_element[name] x output elements
    PerInputElement,   // cycles_per_element[name] x input elements
};

// The int8 weights an op carries, in TF Lite's layouts (quant/model.h).
enum class WeightLayout {
    None,        // no weights, no bias
    OHWI,        // conv2d [Cout][k][k][Cin]
    KKC,         // depthwise [k][k][C]
    OI,          // pointwise [Cout][Cin]
    OFlat,       // fully connected [Cout][input elements]
};

inline constexpr int kAnyInputs = 0;

struct OpInfo {
    OpKind kind;
    const char* name;   // stable key: plan.json, profiles, board latency tables, model files
    const char* title;  // for people: "depthwise convolution"
    int inputs;         // tensor inputs (kAnyInputs: two or more)
    WeightLayout weights;
    bool perTensorWeights;  // one weight scale for the whole op (TF Lite's FULLY_CONNECTED)
    bool fusedActivation;   // takes a fused ReLU6 (clamp of its requantized output)
    CostBasis costBasis;
    // Latency-table entry for boards that do not list the op (per MAC or per
    // element, Cortex-M7-class; a profile calibrates the real figure).
    double defaultCycles;
    // May our kernels write the output over an input that dies here (and
    // TinyEngine's, for the TinyEngine planner's model)?
    bool inPlaceOurs;
    bool inPlaceTinyEngine;
    // Output quantization: the same as the input's (TF Lite AVERAGE_POOL_2D;
    // an op with several inputs: every input's, as TF Lite Micro's int8
    // CONCATENATION requires), or fixed by the op's definition (TF Lite's
    // int8 SOFTMAX: 1/256, -128).
    bool outputKeepsInputQuant;
    bool fixedOutputQuant;
    float fixedOutputScale;
    std::int32_t fixedOutputZeroPoint;
    int tfliteBuiltin;  // TF Lite BuiltinOperator code this op exports to
};

// The entry for a kind. Every OpKind has one (checked at compile time).
const OpInfo& opInfo(OpKind kind);
// The kind whose name is `name`, or false.
bool opKindFromName(const std::string& name, OpKind& kind);
// Every kind, in declaration order.
const OpInfo* allOps(int& count);

// Multiply-accumulates of one op of `g`.
std::int64_t macCount(const Graph& g, const Op& op);
// int8 weights and int32 biases it carries (0, 0 for ops without weights).
std::int64_t weightCount(const Graph& g, const Op& op);
std::int64_t biasCount(const Graph& g, const Op& op);
// Elements the latency table charges (CostBasis), 0 for PerMac.
std::int64_t costElements(const Graph& g, const Op& op);
inline bool hasWeights(OpKind kind) { return opInfo(kind).weights != WeightLayout::None; }
// Depthwise output channels per input channel (TF Lite's depth_multiplier; 1 for other ops).
int depthMultiplier(const Graph& g, const Op& op);
// May this op write its output over an input that dies here, for our kernels
// (tinyEngine false) or TinyEngine's: the table's rule, and never for a
// depthwise conv with a depth multiplier above 1 (its outputs outrun its inputs).
bool writesInPlace(const Graph& g, const Op& op, bool tinyEngine);

}  // namespace mcunet::graph
