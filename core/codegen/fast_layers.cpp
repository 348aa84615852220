#include "codegen/fast_layers.h"

#include <algorithm>

#include "mcunet_fast.h"

namespace mcunet::codegen {

using graph::OpKind;

namespace {

std::string cArgs(std::initializer_list<std::string> args) {
    std::string out;
    for (const std::string& a : args) out += (out.empty() ? "" : ", ") + a;
    return out;
}

std::string num(std::int64_t v) { return std::to_string(v); }

// mcu_channel_t per output channel (rows of `perChannel` weights), or
// nothing when one channel does not qualify.
std::optional<std::vector<std::int32_t>> prepareChannels(const quant::OpQuant& q, const std::vector<std::int8_t>& w,
                                                         int channels, int perChannel, std::int32_t inputOffset,
                                                         std::int32_t outputOffset) {
    // Per-channel multipliers, or one for all (fully connected).
    if (q.bias.size() != std::size_t(channels) || q.multipliers.empty() ||
        (q.multipliers.size() != 1 && q.multipliers.size() != std::size_t(channels)) ||
        w.size() != std::size_t(channels) * std::size_t(perChannel))
        return std::nullopt;
    std::vector<std::int32_t> out;
    out.reserve(std::size_t(channels) * 4);
    for (int c = 0; c < channels; ++c) {
        mcu_channel_t ch{};
        const auto& m = q.multipliers[q.multipliers.size() == 1 ? 0 : std::size_t(c)];
        if (!mcu_channel_prepare(q.bias[std::size_t(c)], inputOffset, w.data() + std::size_t(c) * perChannel, perChannel,
                                 m.value, m.shift, outputOffset, &ch))
            return std::nullopt;
        out.insert(out.end(), {ch.bias, ch.mult, ch.round, ch.shift});
    }
    return out;
}

std::string channelsOf(const LayerSite& s) { return "(const mcu_channel_t *)(const void *)" + s.symbol + "_ch"; }

std::optional<FastLayer> pointwise(const LayerSite& s, const std::vector<std::int8_t>& w) {
    const graph::Graph& g = *s.graph;
    const graph::Op& op = g.op(s.op);
    const graph::Shape is = g.tensor(op.inputs[0]).shape, os = g.tensor(op.output).shape;
    if (op.stride != 1 || !s.haveScratch) return std::nullopt;
    const quant::OpQuant& q = s.model->ops[std::size_t(s.op)];
    const auto tin = s.model->tensors[std::size_t(op.inputs[0])], tout = s.model->tensors[std::size_t(op.output)];
    auto channels = prepareChannels(q, w, os.c, is.c, -tin.zeroPoint, tout.zeroPoint);
    if (!channels) return std::nullopt;
    // The general kernel's rule: last pixel first when in place and widening.
    const bool backward = s.input == s.output && os.c > is.c;
    // Doubled inputs cost cin/2 instructions per pixel and save about 3/4 of
    // one per output.
    const bool doubled = 3 * os.c > 2 * is.c;
    // Three pixels at a time when the plan could give the third column.
    const bool three = s.scratchBytes >= mcu_fast_pointwise3_scratch_bytes(is.c);
    FastLayer f;
    f.channels = std::move(*channels);
    f.call = std::string(three ? "mcu_fast_pointwise3(" : "mcu_fast_pointwise(") +
             cArgs({s.input, s.output, num(std::int64_t(is.h) * is.w), num(is.c), num(os.c), s.symbol + "_w",
                    channelsOf(s), s.scratch16, num(q.activationMin), num(q.activationMax), backward ? "1" : "0", doubled ? "1" : "0"}) +
             ");";
    f.variant = std::string(three ? "fast_pointwise3" : "fast_pointwise") +
                (!s.inPlace ? "" : backward ? "_inplace_backward" : "_inplace_forward");
    return f;
}

std::optional<FastLayer> depthwise(const LayerSite& s, const std::vector<std::int8_t>& w) {
    const graph::Graph& g = *s.graph;
    const graph::Op& op = g.op(s.op);
    const graph::Shape is = g.tensor(op.inputs[0]).shape, os = g.tensor(op.output).shape;
    const int k = op.kernel, st = op.stride;
    if (!op.isSquare() || (k != 3 && k != 5 && k != 7) || (st != 1 && st != 2) || !s.haveScratch || os.c != is.c) return std::nullopt;
    const quant::OpQuant& q = s.model->ops[std::size_t(s.op)];
    const auto tin = s.model->tensors[std::size_t(op.inputs[0])], tout = s.model->tensors[std::size_t(op.output)];
    auto channels = prepareChannels(q, w, os.c, k * k, -tin.zeroPoint, tout.zeroPoint);
    if (!channels) return std::nullopt;
    FastLayer f;
    f.channels = std::move(*channels);
    f.call = "mcu_fast_depthwise(" +
             cArgs({s.input, s.output, num(is.h), num(is.w), num(is.c), num(os.h), num(os.w), num(k), num(st),
                    num(op.padTop), num(op.padLeft), s.symbol + "_w", channelsOf(s), s.scratch8, num(tin.zeroPoint),
                    num(q.activationMin), num(q.activationMax)}) +
             ");";
    f.variant = "fast_depthwise_k" + num(k) + "s" + num(st) + (s.inPlace ? "_inplace" : "");
    return f;
}

std::optional<FastLayer> conv2d(const LayerSite& s, const std::vector<std::int8_t>& w) {
    const graph::Graph& g = *s.graph;
    const graph::Op& op = g.op(s.op);
    const graph::Shape is = g.tensor(op.inputs[0]).shape, os = g.tensor(op.output).shape;
    const int k = op.kernel;
    if (!op.isSquare()) return std::nullopt;  // the general kernel takes any window
    // A single-channel input (grayscale stem): every output channel a
    // depthwise filter over the input itself, no im2col, no scratch.
    const bool plane = is.c == 1 && (k == 3 || k == 5 || k == 7) && (op.stride == 1 || op.stride == 2);
    if (s.inPlace || (!s.haveScratch && !plane)) return std::nullopt;
    const quant::OpQuant& q = s.model->ops[std::size_t(s.op)];
    const auto tin = s.model->tensors[std::size_t(op.inputs[0])], tout = s.model->tensors[std::size_t(op.output)];
    const int n = op.kernel * op.kernel * is.c, np = mcu_fast_conv2d_row(op.kernel, is.c);
    auto channels = prepareChannels(q, w, os.c, n, -tin.zeroPoint, tout.zeroPoint);
    if (!channels) return std::nullopt;
    FastLayer f;
    f.channels = std::move(*channels);
    if (plane) {
        f.call = "mcu_fast_conv2d_c1(" +
                 cArgs({s.input, s.output, num(is.h), num(is.w), num(os.h), num(os.w), num(os.c), num(k),
                        num(op.stride), num(op.padTop), num(op.padLeft), s.symbol + "_w", channelsOf(s),
                        num(tin.zeroPoint), num(q.activationMin), num(q.activationMax)}) +
                 ");";
        f.variant = "fast_conv2d_c1";
        return f;
    }
    f.weights.assign(std::size_t(os.c) * np, 0);  // rows padded with zeros
    for (int oc = 0; oc < os.c; ++oc)
        std::copy_n(w.begin() + std::ptrdiff_t(oc) * n, n, f.weights.begin() + std::ptrdiff_t(oc) * np);
    f.call = "mcu_fast_conv2d(" +
             cArgs({s.input, s.output, num(is.h), num(is.w), num(is.c), num(os.h), num(os.w), num(os.c), num(op.kernel),
                    num(op.stride), num(op.padTop), num(op.padLeft), s.symbol + "_w", channelsOf(s), s.scratch16,
                    num(tin.zeroPoint), num(q.activationMin), num(q.activationMax)}) +
             ");";
    f.variant = "fast_conv2d";
    return f;
}

std::optional<FastLayer> fullyConnected(const LayerSite& s, const std::vector<std::int8_t>& w) {
    const graph::Graph& g = *s.graph;
    const graph::Op& op = g.op(s.op);
    const std::int64_t n = g.tensor(op.inputs[0]).shape.elements();
    const int cout = g.tensor(op.output).shape.c;
    if (s.inPlace || s.input == s.output || n > (1 << 24)) return std::nullopt;
    const quant::OpQuant& q = s.model->ops[std::size_t(s.op)];
    const auto tin = s.model->tensors[std::size_t(op.inputs[0])], tout = s.model->tensors[std::size_t(op.output)];
    auto channels = prepareChannels(q, w, cout, static_cast<int>(n), -tin.zeroPoint, tout.zeroPoint);
    if (!channels) return std::nullopt;
    FastLayer f;
    f.channels = std::move(*channels);
    f.call = "mcu_fast_fully_connected(" +
             cArgs({s.input, s.output, num(n), num(cout), s.symbol + "_w", channelsOf(s), num(q.activationMin),
                    num(q.activationMax)}) +
             ");";
    f.variant = "fast_fully_connected";
    return f;
}

std::optional<FastLayer> add(const LayerSite& s) {
    const graph::Graph& g = *s.graph;
    const graph::Op& op = g.op(s.op);
    const quant::OpQuant& q = s.model->ops[std::size_t(s.op)];
    const auto t1 = s.model->tensors[std::size_t(op.inputs[0])], t2 = s.model->tensors[std::size_t(op.inputs[1])];
    const auto tout = s.model->tensors[std::size_t(op.output)];
    if (q.leftShift < 0 || q.leftShift > 24) return std::nullopt;
    // |v + offset| <= 255 for int8 v and offsets in [-127, 128].
    const std::int64_t inBound = std::int64_t(255) << q.leftShift;
    std::int32_t r1 = 0, r2 = 0, ro = 0;
    if (!mcu_add_term_prepare(inBound, q.input1.value, q.input1.shift, 0, &r1) ||
        !mcu_add_term_prepare(inBound, q.input2.value, q.input2.shift, 0, &r2))
        return std::nullopt;
    // Each scaled input is at most (|x| + 1) / 2^r + 1 in magnitude.
    const std::int64_t sumBound = ((inBound + 1) >> -q.input1.shift) + ((inBound + 1) >> -q.input2.shift) + 4;
    if (!mcu_add_term_prepare(sumBound, q.output.value, q.output.shift, tout.zeroPoint, &ro)) return std::nullopt;
    FastLayer f;
    f.call = "mcu_fast_add(" +
             cArgs({s.input, s.input2, s.output, num(g.tensor(op.output).shape.elements()), num(-t1.zeroPoint),
                    num(-t2.zeroPoint), num(q.leftShift), num(q.input1.value), num(r1), num(-q.input1.shift),
                    num(q.input2.value), num(r2), num(-q.input2.shift), num(q.output.value), num(ro),
                    num(-q.output.shift), num(q.activationMin), num(q.activationMax)}) +
             ");";
    f.variant = s.inPlace ? "fast_add_inplace" : "fast_add";
    return f;
}

}  // namespace

std::optional<FastLayer> fastLayer(const LayerSite& site, const std::vector<std::int8_t>& weights) {
    switch (site.graph->op(site.op).kind) {
        case OpKind::PointwiseConv2D: return pointwise(site, weights);
        case OpKind::DepthwiseConv2D: return depthwise(site, weights);
        case OpKind::Conv2D: return conv2d(site, weights);
        case OpKind::Add: return add(site);
        case OpKind::FullyConnected: return fullyConnected(site, weights);
        case OpKind::AveragePool:
        case OpKind::Softmax:
        case OpKind::MaxPool:
        case OpKind::AveragePool2D:
        case OpKind::Mean:
        case OpKind::Pad:
        case OpKind::Concatenation:
        case OpKind::Mul: return std::nullopt;
    }
    return std::nullopt;
}

std::int64_t fastScratchWish(const graph::Graph& g, int op) {
    const graph::Op& o = g.op(op);
    if (o.kind != OpKind::PointwiseConv2D || o.stride != 1) return 0;
    return mcu_fast_pointwise3_scratch_bytes(g.tensor(o.inputs[0]).shape.c);
}

std::vector<std::string> fastVariants() {
    std::vector<std::string> v = {"fast_pointwise", "fast_pointwise_inplace_forward", "fast_pointwise_inplace_backward",
                                  "fast_pointwise3", "fast_pointwise3_inplace_forward", "fast_pointwise3_inplace_backward",
                                  "fast_conv2d", "fast_conv2d_c1", "fast_add", "fast_add_inplace", "fast_fully_connected"};
    for (int k : {3, 5, 7})
        for (int s : {1, 2}) {
            v.push_back("fast_depthwise_k" + num(k) + "s" + num(s));
            v.push_back("fast_depthwise_k" + num(k) + "s" + num(s) + "_inplace");
        }
    return v;
}

}  // namespace mcunet::codegen
