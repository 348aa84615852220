#pragma once
// The checks the op lowerings share (internal to the importer): an
// operator's tensors in their roles (activation, weights, bias), and fused
// activations as the int8 clamp TF Lite applies. A tensor that does not fit
// its role adds a reason and yields nothing, so one pass over an operator
// collects every reason at once.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "interop/tflite_file.h"
#include "interop/tflite_lowering.h"

namespace mcunet::interop::tflite {

class Reasons {
public:
    void add(std::string reason);
    bool empty() const { return list_.empty(); }
    std::string text() const;  // "; "-separated, in the order found

private:
    std::vector<std::string> list_;
};

struct Weights {
    const Tensor* tensor = nullptr;
    const std::vector<std::uint8_t>* data = nullptr;  // int8 values, TF Lite's layout
    std::vector<float> scales;                        // one per output channel (a per-tensor scale repeated)
    bool perChannel = false;
};

class Operands {
public:
    Operands(const File& f, const Operator& op, Reasons& why) : f_(f), op_(op), why_(why) {}

    int tensorIndex(std::size_t slot) const;  // -1 when the operator has no such input
    // Input `slot` as an activation (not a constant).
    std::optional<ActivationTensor> input(std::size_t slot);
    // Output 0 as an activation (operators with one output).
    std::optional<ActivationTensor> output();
    // Constant int8 weights of rank `rank`, symmetric (zero points 0),
    // quantized per tensor or per channel along `channelDim` (which holds
    // the output channels).
    std::optional<Weights> weights(std::size_t slot, int rank, int channelDim);
    // Constant int32 bias of `channels` values; an absent bias is all zeros.
    std::optional<std::vector<std::int32_t>> bias(std::size_t slot, int channels);

private:
    const File& f_;
    const Operator& op_;
    Reasons& why_;
};

// TF Lite's int8 output clamp for a fused activation (its
// CalculateActivationRangeQuantized: bounds quantized as zp + round(f / s) in
// float, within [-128, 127]); nothing for TANH, SIGN_BIT or unknown codes.
struct Clamp {
    std::int32_t lo = -128, hi = 127;
    bool operator==(const Clamp&) const = default;
};
std::optional<Clamp> fusedClamp(int activation, quant::TensorQuant out);

// The graph activation whose int8 clamp equals the file's fused activation on
// this output: NONE and RELU6 map to themselves; another activation maps to
// one of them only when the clamp is identical here (RELU is RELU6 when 6.0
// quantizes beyond 127). `withActivation` false: the graph op has no
// activation (add, pool), so only NONE's clamp fits.
struct FusedActivation {
    graph::Activation activation = graph::Activation::None;
    Clamp clamp;
    std::string text;  // "RELU6", or "RELU (same int8 clamp as RELU6 here)"
};
std::optional<FusedActivation> graphActivation(int activation, quant::TensorQuant out, bool withActivation,
                                               Reasons& why);

std::string shapeText(const std::vector<int>& shape);  // "[1,96,96,1]"
std::string hwcText(graph::Shape s);                   // "96x96x1"
std::string tensorText(const File& f, int tensor);     // "tensor 7 \"conv/w\""

}  // namespace mcunet::interop::tflite
