#include "quant/model.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "common/error.h"
#include "cost/cost.h"
#include "graph/ops.h"

namespace mcunet::quant {

using graph::OpKind;

FloatModel initializeWeights(const graph::Graph& g, std::uint64_t seed) {
    cost::checkBuildable(g, "network");
    FloatModel m{g, {}};
    m.ops.resize(g.ops().size());
    std::mt19937_64 rng(seed);
    for (int i = 0; i < g.opCount(); ++i) {
        const graph::Op& op = g.op(i);
        const int cout = g.tensor(op.output).shape.c;
        if (!graph::hasWeights(op.kind)) continue;
        const auto count = static_cast<std::size_t>(graph::weightCount(g, op));
        const double fanIn = double(count) / double(cout);  // weights per output channel
        // Projections without activation get a smaller gain so residual sums stay tame.
        const double gain = op.activation != graph::Activation::None ? std::sqrt(2.0) : 0.7;
        std::normal_distribution<float> w(0.0f, static_cast<float>(gain / std::sqrt(fanIn)));
        std::uniform_real_distribution<float> b(-0.1f, 0.1f);
        FloatWeights& fw = m.ops[static_cast<std::size_t>(i)];
        fw.weights.resize(count);
        for (float& v : fw.weights) v = w(rng);
        fw.bias.resize(static_cast<std::size_t>(cout));
        for (float& v : fw.bias) v = b(rng);
    }
    return m;
}

namespace {

// Float pools: the window clipped to the input (padding left out), the fused activation after.
void floatPool(const graph::Graph& g, const graph::Op& op, const std::vector<float>& x, std::vector<float>& y) {
    const graph::Shape is = g.tensor(op.inputs[0]).shape;
    const graph::Shape os = g.tensor(op.output).shape;
    const bool isMax = op.kind == OpKind::MaxPool;
    for (int oy = 0; oy < os.h; ++oy)
        for (int ox = 0; ox < os.w; ++ox) {
            const graph::PoolSpan span = graph::poolSpan(op, is, oy, ox);
            for (int c = 0; c < os.c; ++c) {
                double acc = isMax ? -1e30 : 0.0;
                for (int iy = span.y0; iy < span.y1; ++iy)
                    for (int ix = span.x0; ix < span.x1; ++ix) {
                        const double v = x[(std::size_t(iy) * is.w + ix) * is.c + c];
                        acc = isMax ? std::max(acc, v) : acc + v;
                    }
                if (!isMax) acc /= std::max(1, span.count());
                acc = graph::activate(op.activation, acc);
                y[(std::size_t(oy) * os.w + ox) * os.c + c] = static_cast<float>(acc);
            }
        }
}

}  // namespace

std::vector<std::vector<float>> runFloat(const FloatModel& m, const std::vector<float>& input) {
    const graph::Graph& g = m.graph;
    std::vector<std::vector<float>> t(g.tensors().size());
    if (input.size() != static_cast<std::size_t>(g.tensor(g.input()).bytes()))
        throw Error("float input has " + std::to_string(input.size()) + " values, the model takes " +
                    std::to_string(g.tensor(g.input()).bytes()));
    t[static_cast<std::size_t>(g.input())] = input;
    for (int i = 0; i < g.opCount(); ++i) {
        const graph::Op& op = g.op(i);
        const graph::Shape is = g.tensor(op.inputs[0]).shape;
        const graph::Shape os = g.tensor(op.output).shape;
        const std::vector<float>& x = t[static_cast<std::size_t>(op.inputs[0])];
        std::vector<float> y(static_cast<std::size_t>(os.elements()), 0.0f);
        const FloatWeights& fw = m.ops[static_cast<std::size_t>(i)];
        auto act = [&](float v) { return static_cast<float>(graph::activate(op.activation, v)); };
        switch (op.kind) {
            case OpKind::Conv2D:
            case OpKind::DepthwiseConv2D:
            case OpKind::PointwiseConv2D: {
                const bool dw = op.kind == OpKind::DepthwiseConv2D;
                const int kh = op.kernel, kw = op.kernelW;
                const int multiplier = dw ? os.c / is.c : 1;  // output channel oc reads input channel oc / M
                for (int oy = 0; oy < os.h; ++oy)
                    for (int ox = 0; ox < os.w; ++ox)
                        for (int oc = 0; oc < os.c; ++oc) {
                            float acc = fw.bias[static_cast<std::size_t>(oc)];
                            for (int ky = 0; ky < kh; ++ky)
                                for (int kx = 0; kx < kw; ++kx) {
                                    const int iy = oy * op.stride - op.padTop + ky;
                                    const int ix = ox * op.strideW - op.padLeft + kx;
                                    if (iy < 0 || iy >= is.h || ix < 0 || ix >= is.w) continue;
                                    const std::size_t base = (std::size_t(iy) * is.w + ix) * is.c;
                                    if (dw) {
                                        acc += x[base + oc / multiplier] * fw.weights[(std::size_t(ky) * kw + kx) * os.c + oc];
                                    } else {
                                        const std::size_t wbase = ((std::size_t(oc) * kh + ky) * kw + kx) * is.c;
                                        for (int ic = 0; ic < is.c; ++ic) acc += x[base + ic] * fw.weights[wbase + ic];
                                    }
                                }
                            y[(std::size_t(oy) * os.w + ox) * os.c + oc] = act(acc);
                        }
                break;
            }
            case OpKind::Add: {
                const std::vector<float>& x2 = t[static_cast<std::size_t>(op.inputs[1])];
                for (std::size_t e = 0; e < y.size(); ++e) y[e] = act(x[e] + x2[e]);
                break;
            }
            case OpKind::Softmax: {
                const std::size_t row = static_cast<std::size_t>(is.c);
                for (std::size_t r = 0; r + row <= x.size(); r += row) {
                    const float mx = *std::max_element(x.begin() + std::ptrdiff_t(r), x.begin() + std::ptrdiff_t(r + row));
                    double sum = 0;
                    for (std::size_t e = r; e < r + row; ++e) sum += std::exp(double(x[e] - mx));
                    for (std::size_t e = r; e < r + row; ++e) y[e] = static_cast<float>(std::exp(double(x[e] - mx)) / sum);
                }
                break;
            }
            case OpKind::AveragePool: {
                for (int c = 0; c < is.c; ++c) {
                    double sum = 0;
                    for (int p = 0; p < is.h * is.w; ++p) sum += x[std::size_t(p) * is.c + c];
                    y[static_cast<std::size_t>(c)] = static_cast<float>(sum / (is.h * is.w));
                }
                break;
            }
            case OpKind::MaxPool:
            case OpKind::AveragePool2D: floatPool(g, op, x, y); break;
            case OpKind::Mean:
                for (int c = 0; c < is.c; ++c) {
                    double sum = 0;
                    for (int p = 0; p < is.h * is.w; ++p) sum += x[std::size_t(p) * is.c + c];
                    y[static_cast<std::size_t>(c)] = static_cast<float>(sum / (is.h * is.w));
                }
                break;
            case OpKind::Pad:  // zeros around (TF Lite's PAD: the zero point, real value 0)
                for (int iy = 0; iy < is.h; ++iy)
                    for (int ix = 0; ix < is.w; ++ix)
                        for (int c = 0; c < is.c; ++c)
                            y[(std::size_t(iy + op.padTop) * os.w + std::size_t(ix + op.padLeft)) * os.c + c] =
                                x[(std::size_t(iy) * is.w + ix) * is.c + c];
                break;
            case OpKind::Concatenation: {
                int offset = 0;
                for (int src : op.inputs) {
                    const int c = g.tensor(src).shape.c;
                    const std::vector<float>& xi = t[static_cast<std::size_t>(src)];
                    for (int p = 0; p < os.h * os.w; ++p)
                        for (int k = 0; k < c; ++k) y[std::size_t(p) * os.c + std::size_t(offset + k)] = xi[std::size_t(p) * c + k];
                    offset += c;
                }
                break;
            }
            case OpKind::Mul: {
                const std::vector<float>& x2 = t[static_cast<std::size_t>(op.inputs[1])];
                for (std::size_t e = 0; e < y.size(); ++e) y[e] = act(x[e] * x2[e]);
                break;
            }
            case OpKind::FullyConnected: {
                const std::size_t n = x.size();
                for (int o = 0; o < os.c; ++o) {
                    float acc = fw.bias[static_cast<std::size_t>(o)];
                    for (std::size_t e = 0; e < n; ++e) acc += x[e] * fw.weights[std::size_t(o) * n + e];
                    y[static_cast<std::size_t>(o)] = act(acc);
                }
                break;
            }
        }
        t[static_cast<std::size_t>(op.output)] = std::move(y);
    }
    return t;
}

namespace {

TensorQuant fromRange(float lo, float hi) {
    lo = std::min(lo, 0.0f);
    hi = std::max(hi, 0.0f);
    if (hi - lo < 1e-6f) hi = lo + 1e-6f;
    TensorQuant q;
    q.scale = (hi - lo) / 255.0f;
    const double zp = -128.0 - double(lo) / double(q.scale);
    q.zeroPoint = static_cast<std::int32_t>(std::clamp(std::round(zp), -128.0, 127.0));
    return q;
}

std::int32_t quantizeValue(float v, TensorQuant q) {
    const long r = std::lround(double(v) / double(q.scale)) + q.zeroPoint;
    return static_cast<std::int32_t>(std::clamp<long>(r, -128, 127));
}

}  // namespace

std::vector<std::int8_t> quantizeTensor(const std::vector<float>& values, TensorQuant q) {
    std::vector<std::int8_t> out(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) out[i] = static_cast<std::int8_t>(quantizeValue(values[i], q));
    return out;
}

std::vector<float> dequantizeTensor(const std::vector<std::int8_t>& values, TensorQuant q) {
    std::vector<float> out(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) out[i] = q.scale * float(values[i] - q.zeroPoint);
    return out;
}

std::vector<std::vector<float>> randomInputs(const graph::Graph& g, int count, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    std::vector<std::vector<float>> inputs(static_cast<std::size_t>(count));
    for (auto& in : inputs) {
        in.resize(static_cast<std::size_t>(g.tensor(g.input()).bytes()));
        for (float& v : in) v = u(rng);
    }
    return inputs;
}

QuantizedModel quantizeSeeded(const graph::Graph& g, std::uint64_t seed, int calibrationInputs) {
    return quantize(initializeWeights(g, seed), randomInputs(g, calibrationInputs, seed ^ 0x5bd1e995ULL));
}

namespace {
QuantizedModel quantizeWith(const FloatModel& m, const std::vector<std::vector<float>>& calibration,
                            std::optional<TensorQuant> fixedInput);
}

QuantizedModel quantize(const FloatModel& m, const std::vector<std::vector<float>>& calibration) {
    return quantizeWith(m, calibration, std::optional<TensorQuant>());
}

namespace {

// Does op's output take its first input's quantization? TF Lite's pools,
// pad and concatenation do (the op table); MEAN without keep_dims runs
// integer-only in TF Lite Micro only when it does (docs/tflite-import.md).
bool keepsInputQuant(const graph::Op& op) {
    return graph::opInfo(op.kind).outputKeepsInputQuant || (op.kind == OpKind::Mean && !op.keepDims);
}

// Ops whose output quantization TF Lite fixes: average pool keeps its
// input's, softmax writes 1/256 with zero point -128.
void propagateFixedQuant(QuantizedModel& q) {
    for (const graph::Op& op : q.graph.ops()) {
        const graph::OpInfo& info = graph::opInfo(op.kind);
        TensorQuant& out = q.tensors[static_cast<std::size_t>(op.output)];
        if (keepsInputQuant(op)) out = q.tensors[static_cast<std::size_t>(op.inputs[0])];
        if (info.fixedOutputQuant) out = TensorQuant{info.fixedOutputScale, info.fixedOutputZeroPoint};
    }
}

// The tensor whose quantization t's comes from (back through the ops that
// keep their input's).
int quantRoot(const graph::Graph& g, int t) {
    while (g.tensor(t).producer >= 0 && keepsInputQuant(g.op(g.tensor(t).producer)))
        t = g.op(g.tensor(t).producer).inputs[0];
    return t;
}

// CONCATENATION (TF Lite Micro): every input quantized as the output. The
// inputs' ranges together give the output's, unless an input's quantization
// is already fixed (the fixed graph input, softmax's, or one an earlier
// concatenation chose): then that one. Each input's root takes it, and the
// ops that keep their input's pass it on.
void fixOutputQuant(QuantizedModel& q, bool fixedInput) {
    const graph::Graph& g = q.graph;
    propagateFixedQuant(q);
    std::vector<bool> fixed(g.tensors().size(), false);
    if (fixedInput) fixed[static_cast<std::size_t>(g.input())] = true;
    for (const graph::Op& op : g.ops())
        if (graph::opInfo(op.kind).fixedOutputQuant) fixed[static_cast<std::size_t>(op.output)] = true;
    for (const graph::Op& op : g.ops()) {
        if (op.kind != OpKind::Concatenation) continue;
        std::optional<TensorQuant> shared;
        float lo = 0.0f, hi = 0.0f;  // the union of the inputs' ranges
        for (int t : op.inputs) {
            const int root = quantRoot(g, t);
            const TensorQuant tq = q.tensors[static_cast<std::size_t>(root)];
            lo = std::min(lo, tq.scale * float(-128 - tq.zeroPoint));
            hi = std::max(hi, tq.scale * float(127 - tq.zeroPoint));
            if (!fixed[static_cast<std::size_t>(root)]) continue;
            if (shared && (shared->scale != tq.scale || shared->zeroPoint != tq.zeroPoint))
                throw Error(op.name + ": concatenation of tensors whose quantization is fixed differently");
            shared = tq;
        }
        const TensorQuant common = shared ? *shared : fromRange(lo, hi);
        for (int t : op.inputs) {
            const int root = quantRoot(g, t);
            q.tensors[static_cast<std::size_t>(root)] = common;
            fixed[static_cast<std::size_t>(root)] = true;
        }
        propagateFixedQuant(q);
    }
}

// The weights of one op by output channel: the j-th weight of output
// channel c is at index(c, j) in TF Lite's layouts (quant/model.h).
struct WeightView {
    int cout;
    std::size_t perChannel;
    bool depthwise;
    WeightView(const graph::Graph& g, const graph::Op& op, const FloatWeights& fw)
        : cout(g.tensor(op.output).shape.c),
          perChannel(fw.weights.size() / std::size_t(cout)),
          depthwise(graph::opInfo(op.kind).weights == graph::WeightLayout::KKC) {}
    std::size_t index(int c, std::size_t j) const {
        return depthwise ? j * std::size_t(cout) + std::size_t(c) : std::size_t(c) * perChannel + j;
    }
};

// Input channels that never changed over the calibration (a channel whose
// ReLU BatchNorm switched off: always 0) carry no information, yet training
// can leave huge weights on them (BatchNorm folded over a variance near 0),
// and a huge weight widens its output channel's weight scale until the bias,
// stored at s_in * s_w, is rounded to a few steps. Their weights are taken
// out: a constant 0 contributes nothing; a constant k != 0 adds w * k to the
// bias, exactly for ops without padding (pointwise, fully connected).
FloatWeights foldConstantInputs(const graph::Graph& g, const graph::Op& op, const FloatWeights& fw,
                                const std::vector<Range>& inputChannels) {
    FloatWeights out = fw;
    const WeightView w(g, op, fw);
    const graph::WeightLayout layout = graph::opInfo(op.kind).weights;
    const bool noPadding = layout == graph::WeightLayout::OI || layout == graph::WeightLayout::OFlat;
    const std::size_t inChannels = static_cast<std::size_t>(g.tensor(op.inputs[0]).shape.c);
    for (int c = 0; c < w.cout; ++c)
        for (std::size_t j = 0; j < w.perChannel; ++j) {
            // Depthwise output channel c reads input channel c / M; the others
            // read channel j % Cin (OHWI, OI and the flattened HWC of OFlat).
            const std::size_t ic = w.depthwise ? std::size_t(c) / (std::size_t(w.cout) / inChannels) : j % inChannels;
            const Range r = inputChannels[ic];
            if (r.lo != r.hi || (r.lo != 0.0f && !noPadding)) continue;
            const std::size_t k = w.index(c, j);
            out.bias[static_cast<std::size_t>(c)] += fw.weights[k] * r.lo;
            out.weights[k] = 0.0f;
        }
    return out;
}

// Int8 weights per output channel (symmetric, per tensor for fully
// connected) and the int32 bias at s_in * s_w. An output channel without
// weights takes scale 1/127, so its bias keeps its precision.
void quantizeWeights(const graph::Graph& g, const graph::Op& op, const FloatWeights& fw, TensorQuant in, OpQuant& oq) {
    const WeightView w(g, op, fw);
    const int cout = w.cout;
    const bool perTensor = graph::opInfo(op.kind).perTensorWeights;
    const std::size_t perChannel = w.perChannel;
    auto weightIndex = [&w](int c, std::size_t j) { return w.index(c, j); };
    std::vector<float> scales(static_cast<std::size_t>(cout));
    float globalMax = 0;
    for (int c = 0; c < cout; ++c) {
        float mx = 0;
        for (std::size_t j = 0; j < perChannel; ++j) mx = std::max(mx, std::fabs(fw.weights[weightIndex(c, j)]));
        scales[static_cast<std::size_t>(c)] = mx;
        globalMax = std::max(globalMax, mx);
    }
    for (float& s : scales) {
        const float mx = perTensor ? globalMax : s;
        s = (mx > 0.0f ? mx : 1.0f) / 127.0f;
    }
    oq.weights.resize(fw.weights.size());
    oq.bias.resize(static_cast<std::size_t>(cout));
    for (int c = 0; c < cout; ++c) {
        const float ws = scales[static_cast<std::size_t>(c)];
        for (std::size_t j = 0; j < perChannel; ++j) {
            const std::size_t k = weightIndex(c, j);
            oq.weights[k] = static_cast<std::int8_t>(std::clamp<long>(std::lround(fw.weights[k] / ws), -127, 127));
        }
        const float biasScale = in.scale * ws;  // exactly s_in * s_w in float, as engines check
        oq.bias[static_cast<std::size_t>(c)] =
            static_cast<std::int32_t>(std::clamp<double>(std::round(double(fw.bias[static_cast<std::size_t>(c)]) / double(biasScale)), -2147483647.0, 2147483647.0));
    }
    oq.weightScales = perTensor ? std::vector<float>{scales[0]} : scales;
}

QuantizedModel quantizeWith(const FloatModel& m, const std::vector<std::vector<float>>& calibration,
                            std::optional<TensorQuant> fixedInput) {
    const graph::Graph& g = m.graph;
    const Calibrated cal = calibrate(m, calibration);
    QuantizedModel q{g, {}, {}};
    q.tensors.resize(g.tensors().size());
    for (std::size_t t = 0; t < q.tensors.size(); ++t) q.tensors[t] = fromRange(cal.tensors[t].lo, cal.tensors[t].hi);
    if (fixedInput) q.tensors[static_cast<std::size_t>(g.input())] = *fixedInput;
    fixOutputQuant(q, fixedInput.has_value());
    for (std::size_t t = 0; t < q.tensors.size(); ++t) {
        q.graph.mutableTensor(static_cast<int>(t)).quant.scales = {q.tensors[t].scale};
        q.graph.mutableTensor(static_cast<int>(t)).quant.zeroPoints = {q.tensors[t].zeroPoint};
    }
    q.ops.resize(g.ops().size());
    for (int i = 0; i < g.opCount(); ++i) {
        const graph::Op& op = g.op(i);
        OpQuant& oq = q.ops[static_cast<std::size_t>(i)];
        const TensorQuant in = q.tensors[static_cast<std::size_t>(op.inputs[0])];
        const TensorQuant out = q.tensors[static_cast<std::size_t>(op.output)];
        if (op.activation != graph::Activation::None) oq.activationMin = std::max(-128, out.zeroPoint);
        if (op.activation == graph::Activation::ReLU6) oq.activationMax = std::min(127, quantizeValue(6.0f, out));
        if (!graph::hasWeights(op.kind)) continue;
        const FloatWeights folded = foldConstantInputs(g, op, m.ops[static_cast<std::size_t>(i)],
                                                       cal.channels[static_cast<std::size_t>(op.inputs[0])]);
        quantizeWeights(g, op, folded, in, oq);
    }
    deriveRequantization(q);
    return q;
}
}  // namespace

QuantizedModel quantize(const FloatModel& m, const std::vector<std::vector<float>>& calibration, TensorQuant input) {
    return quantizeWith(m, calibration, std::optional<TensorQuant>(input));
}


void deriveRequantization(QuantizedModel& q) {
    const graph::Graph& g = q.graph;
    for (int i = 0; i < g.opCount(); ++i) {
        const graph::Op& op = g.op(i);
        OpQuant& oq = q.ops[static_cast<std::size_t>(i)];
        const TensorQuant in = q.tensors[static_cast<std::size_t>(op.inputs[0])];
        const TensorQuant out = q.tensors[static_cast<std::size_t>(op.output)];
        oq.multipliers.clear();
        switch (op.kind) {
            case OpKind::Add: {
                const TensorQuant in2 = q.tensors[static_cast<std::size_t>(op.inputs[1])];
                const double twiceMax = 2.0 * std::max(double(in.scale), double(in2.scale));
                oq.input1 = quantizeMultiplier(double(in.scale) / twiceMax);
                oq.input2 = quantizeMultiplier(double(in2.scale) / twiceMax);
                oq.output = quantizeMultiplier(twiceMax / (double(1 << oq.leftShift) * double(out.scale)));
                break;
            }
            case OpKind::Softmax: oq.softmax = prepareSoftmax(1.0, double(in.scale)); break;
            case OpKind::FullyConnected:
                // TF Lite's per-tensor multiplier multiplies the two scales in
                // float, then divides in double (GetQuantizedConvolutionMultipler);
                // per channel it is the convolutions' product in double.
                for (float ws : oq.weightScales)
                    oq.multipliers.push_back(quantizeMultiplier(
                        oq.weightScales.size() == 1 ? double(in.scale * ws) / double(out.scale)
                                                    : double(in.scale) * double(ws) / double(out.scale)));
                break;
            case OpKind::Conv2D:
            case OpKind::DepthwiseConv2D:
            case OpKind::PointwiseConv2D:
                // Per channel: the product in double (PopulateConvolutionQuantizationParams).
                for (float ws : oq.weightScales)
                    oq.multipliers.push_back(quantizeMultiplier(double(in.scale) * double(ws) / double(out.scale)));
                break;
            case OpKind::Mean: oq.ratio = quantizeMultiplier(double(in.scale) / double(out.scale)); break;
            case OpKind::Mul: {
                // TF Lite's Prepare: the input scales' product in double.
                const TensorQuant in2 = q.tensors[static_cast<std::size_t>(op.inputs[1])];
                oq.ratio = quantizeMultiplier(double(in.scale) * double(in2.scale) / double(out.scale));
                break;
            }
            case OpKind::Pad: oq.padValue = out.zeroPoint; break;
            case OpKind::AveragePool:
            case OpKind::MaxPool:
            case OpKind::AveragePool2D:
            case OpKind::Concatenation: break;
        }
    }
}

}  // namespace mcunet::quant
