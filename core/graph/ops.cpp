#include "graph/ops.h"

#include <iterator>

#include "common/error.h"

namespace mcunet::graph {

namespace {

// TF Lite BuiltinOperator codes (schema.fbs).
constexpr int kTflAdd = 0, kTflAveragePool2D = 1, kTflConcatenation = 2, kTflConv2D = 3, kTflDepthwiseConv2D = 4,
              kTflFullyConnected = 9, kTflMaxPool2D = 17, kTflMul = 18, kTflSoftmax = 25, kTflPad = 34, kTflMean = 40;

// One entry per OpKind, in the enum's order.
constexpr OpInfo kOps[] = {
    // kind, name, title, inputs, weights, perTensorWeights, fusedActivation,
    // costBasis, defaultCycles, inPlaceOurs, inPlaceTinyEngine,
    // outputKeepsInputQuant, fixedOutputQuant, fixedOutputScale, fixedOutputZeroPoint, tfliteBuiltin
    {OpKind::Conv2D, "conv2d", "convolution", 1, WeightLayout::OHWI, false, true,
     CostBasis::PerMac, 1.6, false, false, false, false, 0.0f, 0, kTflConv2D},
    {OpKind::DepthwiseConv2D, "depthwise_conv2d", "depthwise convolution", 1, WeightLayout::KKC, false, true,
     CostBasis::PerMac, 2.5, true, true, false, false, 0.0f, 0, kTflDepthwiseConv2D},
    {OpKind::PointwiseConv2D, "pointwise_conv2d", "1x1 convolution", 1, WeightLayout::OI, false, true,
     CostBasis::PerMac, 1.0, true, false, false, false, 0.0f, 0, kTflConv2D},
    {OpKind::Add, "add", "residual add", 2, WeightLayout::None, false, true,
     CostBasis::PerOutputElement, 2.0, true, false, false, false, 0.0f, 0, kTflAdd},
    {OpKind::AveragePool, "average_pool", "global average pool", 1, WeightLayout::None, false, false,
     CostBasis::PerInputElement, 1.0, true, false, true, false, 0.0f, 0, kTflAveragePool2D},
    {OpKind::FullyConnected, "fully_connected", "fully connected", 1, WeightLayout::OFlat, true, true,
     CostBasis::PerMac, 1.2, false, false, false, false, 0.0f, 0, kTflFullyConnected},
    {OpKind::Softmax, "softmax", "softmax", 1, WeightLayout::None, false, false,
     CostBasis::PerInputElement, 60.0, true, false, false, true, 1.0f / 256.0f, -128, kTflSoftmax},
    // Pools with a window: an output pixel reads input rows other outputs
    // have already overwritten, so never in place.
    {OpKind::MaxPool, "max_pool", "max pool", 1, WeightLayout::None, false, true,
     CostBasis::PerInputElement, 1.5, false, false, true, false, 0.0f, 0, kTflMaxPool2D},
    {OpKind::AveragePool2D, "average_pool2d", "average pool", 1, WeightLayout::None, false, true,
     CostBasis::PerInputElement, 1.5, false, false, true, false, 0.0f, 0, kTflAveragePool2D},
    // Channel by channel like the global pool: in place.
    {OpKind::Mean, "mean", "mean over H and W", 1, WeightLayout::None, false, false,
     CostBasis::PerInputElement, 1.2, true, false, false, false, 0.0f, 0, kTflMean},
    // Copies backwards from the last element: in place.
    {OpKind::Pad, "pad", "padding", 1, WeightLayout::None, false, false,
     CostBasis::PerOutputElement, 1.0, true, false, true, false, 0.0f, 0, kTflPad},
    {OpKind::Concatenation, "concatenation", "channel concatenation", kAnyInputs, WeightLayout::None, false, false,
     CostBasis::PerOutputElement, 0.5, false, false, true, false, 0.0f, 0, kTflConcatenation},
    {OpKind::Mul, "mul", "elementwise product", 2, WeightLayout::None, false, true,
     CostBasis::PerOutputElement, 3.0, true, false, false, false, 0.0f, 0, kTflMul},
};

constexpr bool tableInEnumOrder() {
    for (std::size_t i = 0; i < std::size(kOps); ++i)
        if (static_cast<std::size_t>(kOps[i].kind) != i) return false;
    return true;
}
static_assert(std::size(kOps) == kOpKindCount, "every OpKind needs an entry in kOps");
static_assert(tableInEnumOrder(), "kOps must list the kinds in OpKind's order");

}  // namespace

const OpInfo& opInfo(OpKind kind) {
    const auto i = static_cast<std::size_t>(kind);
    if (i >= std::size(kOps)) throw Error("op kind " + std::to_string(i) + " is not in the op table");
    return kOps[i];
}

const char* opKindName(OpKind kind) { return opInfo(kind).name; }

bool opKindFromName(const std::string& name, OpKind& kind) {
    for (const OpInfo& o : kOps)
        if (name == o.name) {
            kind = o.kind;
            return true;
        }
    return false;
}

const OpInfo* allOps(int& count) {
    count = static_cast<int>(std::size(kOps));
    return kOps;
}

std::int64_t weightCount(const Graph& g, const Op& op) {
    const Shape& in = g.tensor(op.inputs[0]).shape;
    const std::int64_t cout = g.tensor(op.output).shape.c;
    const std::int64_t k2 = std::int64_t(op.kernel) * op.kernelW;  // kh x kw taps
    switch (opInfo(op.kind).weights) {
        case WeightLayout::None: return 0;
        case WeightLayout::OHWI: return cout * k2 * in.c;
        case WeightLayout::KKC: return k2 * cout;
        case WeightLayout::OI: return cout * in.c;
        case WeightLayout::OFlat: return cout * in.elements();
    }
    return 0;
}

std::int64_t biasCount(const Graph& g, const Op& op) {
    return hasWeights(op.kind) ? g.tensor(op.output).shape.c : 0;
}

std::int64_t macCount(const Graph& g, const Op& op) {
    if (opInfo(op.kind).costBasis != CostBasis::PerMac) return 0;
    const std::int64_t weights = weightCount(g, op);
    const Shape& out = g.tensor(op.output).shape;
    // Every weight is used once per output pixel (depthwise: per pixel too).
    return weights * out.h * out.w;
}

int depthMultiplier(const Graph& g, const Op& op) {
    if (op.kind != OpKind::DepthwiseConv2D) return 1;
    return g.tensor(op.output).shape.c / g.tensor(op.inputs[0]).shape.c;
}

bool writesInPlace(const Graph& g, const Op& op, bool tinyEngine) {
    const OpInfo& info = opInfo(op.kind);
    return (tinyEngine ? info.inPlaceTinyEngine : info.inPlaceOurs) && depthMultiplier(g, op) == 1;
}

std::int64_t costElements(const Graph& g, const Op& op) {
    switch (opInfo(op.kind).costBasis) {
        case CostBasis::PerMac: return 0;
        case CostBasis::PerOutputElement: return g.tensor(op.output).shape.elements();
        case CostBasis::PerInputElement: return g.tensor(op.inputs[0]).shape.elements();
    }
    return 0;
}

}  // namespace mcunet::graph
