#include "interop/tflite_operands.h"

#include <algorithm>
#include <cmath>

#include "interop/tflite_names.h"

namespace mcunet::interop::tflite {

void Reasons::add(std::string reason) {
    if (std::find(list_.begin(), list_.end(), reason) == list_.end()) list_.push_back(std::move(reason));
}

std::string Reasons::text() const {
    std::string out;
    for (const std::string& r : list_) out += (out.empty() ? "" : "; ") + r;
    return out;
}

std::string shapeText(const std::vector<int>& shape) {
    std::string out = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? "," : "") + std::to_string(shape[i]);
    return out + "]";
}

std::string hwcText(graph::Shape s) {
    return std::to_string(s.h) + "x" + std::to_string(s.w) + "x" + std::to_string(s.c);
}

std::string tensorText(const File& f, int tensor) {
    const std::string& name = f.tensors[static_cast<std::size_t>(tensor)].name;
    return "tensor " + std::to_string(tensor) + (name.empty() ? "" : " \"" + name + "\"");
}

namespace {

// Why a tensor of this type cannot be an int8 activation or weight.
std::string typeReason(int t) {
    switch (t) {
        case type::UINT8:
            return "UINT8 (TF Lite's older asymmetric uint8 scheme: convert again with int8 full-integer quantization)";
        case type::INT16: return "INT16 (16x8 quantization; the layer graph is int8)";
        case type::INT4: return "INT4 (packed 4-bit weights; the layer graph stores int8)";
        default: return typeName(t) + (isFloatType(t) ? " (float computation)" : "");
    }
}

}  // namespace

std::optional<ActivationTensor> activationTensor(const File& f, int index, std::string& why) {
    const Tensor& t = f.tensors[static_cast<std::size_t>(index)];
    auto fail = [&](const std::string& reason) -> std::optional<ActivationTensor> {
        why = tensorText(f, index) + reason;
        return std::nullopt;
    };
    if (t.type != type::INT8) return fail(" is " + typeReason(t.type));
    if (f.isConstant(index)) return fail(" is a constant, not an activation");
    if (t.quant.scales.empty()) return fail(" has no quantization");
    if (t.quant.scales.size() != 1) return fail(" is quantized per channel (activations are per tensor)");
    const float scale = t.quant.scales[0];
    const std::int64_t zp = t.quant.zeroPoints[0];
    if (!(scale > 0.0f)) return fail(": quantization scale 0");
    if (zp < -128 || zp > 127) return fail(": zero point " + std::to_string(zp) + " is outside int8's [-128, 127]");
    const std::vector<int>& s = t.shape;
    for (int d : s)
        if (d == 0) return fail(" is empty (shape " + shapeText(s) + ")");
    ActivationTensor a;
    a.quant = {scale, static_cast<std::int32_t>(zp)};
    if ((s.size() == 4 || s.size() == 2) && s[0] != 1)
        return fail(": batch " + std::to_string(s[0]) + " (the layer graph runs batch 1)");
    if (s.size() == 4) a.hwc = {s[1], s[2], s[3]};
    else if (s.size() == 2) a.hwc = {1, 1, s[1]};
    else if (s.size() == 1) a.hwc = {1, 1, s[0]};
    else return fail(": rank-" + std::to_string(s.size()) + " shape " + shapeText(s) +
                     " (activations are NHWC [1,H,W,C] or [1,C])");
    return a;
}

int Operands::tensorIndex(std::size_t slot) const { return slot < op_.inputs.size() ? op_.inputs[slot] : -1; }

std::optional<ActivationTensor> Operands::input(std::size_t slot) {
    const int t = tensorIndex(slot);
    if (t < 0) {
        why_.add("input " + std::to_string(slot) + " is missing");
        return std::nullopt;
    }
    std::string why;
    auto a = activationTensor(f_, t, why);
    if (!a) why_.add(why);
    return a;
}

std::optional<ActivationTensor> Operands::output() {
    if (op_.outputs.size() != 1) {
        why_.add(std::to_string(op_.outputs.size()) + " outputs (expected one)");
        return std::nullopt;
    }
    std::string why;
    auto a = activationTensor(f_, op_.outputs[0], why);
    if (!a) why_.add(why);
    return a;
}

std::optional<Weights> Operands::weights(std::size_t slot, int rank, int channelDim) {
    const int index = tensorIndex(slot);
    if (index < 0) {
        why_.add("no weights (input " + std::to_string(slot) + ")");
        return std::nullopt;
    }
    const Tensor& t = f_.tensors[static_cast<std::size_t>(index)];
    const std::string who = "weights " + tensorText(f_, index);
    bool ok = true;
    auto check = [&](bool condition, const std::string& reason) {
        if (condition) return;
        why_.add(who + reason);
        ok = false;
    };
    check(t.type == type::INT8, " are " + typeReason(t.type));
    check(f_.isConstant(index), " are computed at run time, not constant");
    check(static_cast<int>(t.shape.size()) == rank,
          ": shape " + shapeText(t.shape) + " (expected rank " + std::to_string(rank) + ")");
    if (!ok) return std::nullopt;
    const Quantization& q = t.quant;
    const int channels = t.shape[static_cast<std::size_t>(channelDim)];
    Weights w;
    w.tensor = &t;
    w.data = &f_.data(index);
    if (q.scales.size() == 1) {
        w.scales.assign(static_cast<std::size_t>(channels), q.scales[0]);
    } else if (q.scales.size() == static_cast<std::size_t>(channels) && q.quantizedDimension == channelDim) {
        w.scales = q.scales;
        w.perChannel = true;
    } else {
        why_.add(who + (q.scales.empty() ? " are not quantized"
                                         : ": " + std::to_string(q.scales.size()) + " scales along dimension " +
                                               std::to_string(q.quantizedDimension) + " (expected 1, or " +
                                               std::to_string(channels) + " along dimension " +
                                               std::to_string(channelDim) + ")"));
        return std::nullopt;
    }
    for (std::int64_t zp : q.zeroPoints)
        if (zp != 0) {
            why_.add(who + ": zero point " + std::to_string(zp) + " (int8 weights are symmetric, zero point 0)");
            return std::nullopt;
        }
    return w;
}

std::optional<std::vector<std::int32_t>> Operands::bias(std::size_t slot, int channels) {
    const int index = tensorIndex(slot);
    if (index < 0) return std::vector<std::int32_t>(static_cast<std::size_t>(channels), 0);
    const Tensor& t = f_.tensors[static_cast<std::size_t>(index)];
    const std::string who = "bias " + tensorText(f_, index);
    if (t.type != type::INT32) {
        why_.add(who + " is " + typeName(t.type) + " (int8 models have an INT32 bias)");
        return std::nullopt;
    }
    if (!f_.isConstant(index)) {
        why_.add(who + " is computed at run time, not constant");
        return std::nullopt;
    }
    if (t.elements() != channels) {
        why_.add(who + ": " + std::to_string(t.elements()) + " values for " + std::to_string(channels) +
                 " output channels");
        return std::nullopt;
    }
    const std::vector<std::uint8_t>& d = f_.data(index);  // size checked by the reader: 4 bytes each
    std::vector<std::int32_t> out(static_cast<std::size_t>(channels));
    for (std::size_t i = 0; i < out.size(); ++i) {
        const std::uint32_t v = std::uint32_t(d[4 * i]) | std::uint32_t(d[4 * i + 1]) << 8 |
                                std::uint32_t(d[4 * i + 2]) << 16 | std::uint32_t(d[4 * i + 3]) << 24;
        out[i] = static_cast<std::int32_t>(v);  // little-endian two's complement
    }
    return out;
}

std::optional<Clamp> fusedClamp(int activation, quant::TensorQuant out) {
    // zp + round(f / s), f / s in float as TF Lite computes it; bounded
    // before the conversion so a tiny scale cannot overflow it.
    auto q = [&](float f) {
        const double r = std::round(double(f / out.scale));
        return out.zeroPoint + static_cast<std::int32_t>(std::clamp(r, -1e6, 1e6));
    };
    switch (activation) {
        case kActNone: return Clamp{-128, 127};
        case kActRelu: return Clamp{std::max(-128, q(0.0f)), 127};
        case kActRelu6: return Clamp{std::max(-128, q(0.0f)), std::min(127, q(6.0f))};
        case kActReluN1To1: return Clamp{std::max(-128, q(-1.0f)), std::min(127, q(1.0f))};
        default: return std::nullopt;
    }
}

std::optional<FusedActivation> graphActivation(int activation, quant::TensorQuant out, bool withActivation,
                                               Reasons& why) {
    const std::string name = activationName(activation);
    const std::optional<Clamp> clamp = fusedClamp(activation, out);
    if (!clamp) {
        why.add("fused " + name + " (the layer graph fuses RELU, RELU6 or nothing)");
        return std::nullopt;
    }
    const Clamp none = *fusedClamp(kActNone, out);
    const Clamp relu6 = *fusedClamp(kActRelu6, out);
    if (activation == kActNone) return FusedActivation{graph::Activation::None, none, name};
    if (activation == kActRelu6 && withActivation) return FusedActivation{graph::Activation::ReLU6, relu6, name};
    if (activation == kActRelu && withActivation) return FusedActivation{graph::Activation::ReLU, *clamp, name};
    // The same int8 clamp is the same op, whatever the float name.
    if (*clamp == none) return FusedActivation{graph::Activation::None, none, name + " (same int8 clamp as NONE here)"};
    if (withActivation && *clamp == relu6)
        return FusedActivation{graph::Activation::ReLU6, relu6, name + " (same int8 clamp as RELU6 here)"};
    const std::string range = "[" + std::to_string(clamp->lo) + ", " + std::to_string(clamp->hi) + "]";
    if (!withActivation)
        why.add("fused " + name + " (int8 clamp " + range + "): this graph op carries no activation yet");
    else
        why.add("fused " + name + " (int8 clamp " + range + "): the layer graph fuses RELU, RELU6 or nothing");
    return std::nullopt;
}

}  // namespace mcunet::interop::tflite
