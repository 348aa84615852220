#include "interop/tflite_lowering.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "common/error.h"
#include "graph/ops.h"
#include "interop/tflite_names.h"
#include "interop/tflite_operands.h"

namespace mcunet::interop::tflite {

namespace {

struct Context {
    explicit Context(const File& file) : f(file), consumers(file.tensors.size()) {
        for (std::size_t i = 0; i < file.operators.size(); ++i)
            for (int t : file.operators[i].inputs)
                if (t >= 0) consumers[static_cast<std::size_t>(t)].push_back(static_cast<int>(i));
    }
    bool isGraphOutput(int t) const { return std::find(f.outputs.begin(), f.outputs.end(), t) != f.outputs.end(); }

    const File& f;
    std::vector<std::vector<int>> consumers;  // per tensor: the operators reading it
};

Lowered unsupported(const Reasons& why) {
    Lowered l;
    l.detail = why.text();
    return l;
}

Lowered layer(graph::OpKind kind, std::vector<int> inputs, int output, std::string detail) {
    Lowered l;
    l.form = Lowered::Form::Layer;
    l.kind = kind;
    l.inputs = std::move(inputs);
    l.output = output;
    l.detail = std::move(detail);
    return l;
}

// SAME padding's total along one axis; 0 means VALID gives the same output
// with no padding (such a VALID op is imported as SAME: one graph for both).
int samePaddingTotal(int in, int kernel, int stride) {
    return std::max((graph::sameOutputSize(in, stride) - 1) * stride + kernel - in, 0);
}

// Strides, dilation and padding of a convolution, against what the layer
// graph holds: any kernel and strides, no dilation, SAME or VALID padding.
void checkWindow(const Options& o, int kh, int kw, graph::Shape in, Reasons& why) {
    const bool strideInRange = o.strideH >= 1 && o.strideW >= 1 && o.strideH <= kMaxDimension && o.strideW <= kMaxDimension;
    if (!strideInRange)
        why.add("stride " + std::to_string(o.strideH) + "x" + std::to_string(o.strideW) +
                " (must be positive and at most a dimension's limit)");
    if (o.dilationH != 1 || o.dilationW != 1)
        why.add("dilation " + std::to_string(o.dilationH) + "x" + std::to_string(o.dilationW) +
                " (the layer graph has no dilated convolution)");
    if (o.padding != static_cast<int>(Padding::Same) && o.padding != static_cast<int>(Padding::Valid))
        why.add("padding code " + std::to_string(o.padding) + " is neither SAME nor VALID");
    else if (o.padding == static_cast<int>(Padding::Valid) && (in.h < kh || in.w < kw))
        why.add("VALID padding of a " + std::to_string(kh) + "x" + std::to_string(kw) + " window on " + hwcText(in) +
                " leaves no output");
}

// The graph's padding for a conv's SAME or VALID (checkWindow passed): a
// VALID that pads nothing under SAME either is SAME.
graph::Padding convPadding(const Options& o, int kh, int kw, graph::Shape in) {
    const bool validPads = o.padding == static_cast<int>(Padding::Valid) &&
                           (samePaddingTotal(in.h, kh, o.strideH) > 0 || samePaddingTotal(in.w, kw, o.strideW) > 0);
    return validPads ? graph::Padding::Valid : graph::Padding::Same;
}

std::string weightsText(const Weights& w) {
    return w.perChannel ? "int8 weights per channel" : "int8 weights per tensor";
}

// TF Lite depthwise weights [1][H][W][C*M] with one input channel are a
// convolution's [M][H][W][1]: output channel m reads tap (y, x) at m.
std::vector<std::int8_t> depthwiseAsConv(const std::vector<std::uint8_t>& dw, int taps, int outChannels) {
    std::vector<std::int8_t> out(dw.size());
    for (int m = 0; m < outChannels; ++m)
        for (int tap = 0; tap < taps; ++tap)
            out[std::size_t(m) * std::size_t(taps) + std::size_t(tap)] =
                static_cast<std::int8_t>(dw[std::size_t(tap) * std::size_t(outChannels) + std::size_t(m)]);
    return out;
}

// TF Lite's int8 kernels assume their int32 arithmetic cannot overflow; a
// file whose numbers break that (a corrupt or absurd one) is refused here
// rather than computed with undefined results: per output channel, the bias
// plus the largest possible sum of products (|input - zero point| <= 255)
// must fit the int32 accumulator, and the requantization scale
// s_in * s_w / s_out must stay below 2^30 (a left shift of at most 30).
Lowered checkArithmetic(Lowered l, quant::TensorQuant in, quant::TensorQuant out) {
    Reasons why;
    const quant::OpQuant& q = l.quant;
    const std::size_t channels = q.bias.size();
    const std::size_t perChannel = channels ? q.weights.size() / channels : 0;
    const bool depthwise = l.kind == graph::OpKind::DepthwiseConv2D;  // [k][k][C]: channel c at every C-th weight
    for (std::size_t c = 0; c < channels; ++c) {
        std::int64_t sum = 0;
        for (std::size_t j = 0; j < perChannel; ++j)
            sum += std::abs(int(q.weights[depthwise ? j * channels + c : c * perChannel + j]));
        const std::int64_t worst = 255 * sum + std::abs(std::int64_t(q.bias[c]));
        if (worst > INT32_MAX) {
            why.add("output channel " + std::to_string(c) + ": bias and weights can overflow the int32 accumulator (" +
                    std::to_string(worst) + ")");
            break;
        }
    }
    for (float ws : q.weightScales) {
        const double real = double(in.scale) * double(ws) / double(out.scale);
        if (!(real < 1073741824.0)) {
            why.add("requantization scale s_in * s_w / s_out = " + std::to_string(real) + " is out of range");
            break;
        }
    }
    return why.empty() ? l : unsupported(why);
}

// CONV_2D and DEPTHWISE_CONV_2D.
Lowered lowerConvolution(const Context& c, const Operator& op, bool depthwise) {
    Reasons why;
    Operands in(c.f, op, why);
    const auto x = in.input(0);
    const auto y = in.output();
    const auto w = in.weights(1, 4, depthwise ? 3 : 0);
    const Options& o = op.options;
    if (!o.present) why.add(std::string("no ") + (depthwise ? "DepthwiseConv2DOptions" : "Conv2DOptions") + " in the file");
    if (!x || !y || !w || !o.present) return unsupported(why);
    // Weights: conv [Cout][kh][kw][Cin], depthwise [1][kh][kw][Cin*M].
    const std::vector<int>& ws = w->tensor->shape;
    const int kh = ws[1], kw = ws[2], cin = x->hwc.c, cout = depthwise ? ws[3] : ws[0];
    const int multiplier = depthwise && cout % cin == 0 ? cout / cin : 1;
    if (depthwise && ws[0] != 1) why.add("depthwise weights of shape " + shapeText(ws) + " (expected [1,H,W,C])");
    if (depthwise && cout % cin != 0)
        why.add(std::to_string(cout) + " output channels from " + std::to_string(cin) + " input channels");
    else if (depthwise && o.depthMultiplier != multiplier)  // TF Lite Micro computes with the option
        why.add("depth_multiplier " + std::to_string(o.depthMultiplier) + " in the options, the shapes give " +
                std::to_string(multiplier) + " (inconsistent file)");
    if (!depthwise && ws[3] != cin)
        why.add("weights for " + std::to_string(ws[3]) + " input channels on a " + std::to_string(cin) +
                "-channel input (grouped convolution)");
    checkWindow(o, kh, kw, x->hwc, why);
    const auto bias = in.bias(2, cout);
    const auto act = graphActivation(o.activation, y->quant, true, why);
    if (!why.empty()) return unsupported(why);
    const graph::Padding padding = convPadding(o, kh, kw, x->hwc);
    auto size = [&](int n, int k, int stride) {
        return padding == graph::Padding::Same ? graph::sameOutputSize(n, stride) : (n - k) / stride + 1;
    };
    const graph::Shape expected{size(x->hwc.h, kh, o.strideH), size(x->hwc.w, kw, o.strideW), cout};
    if (!(y->hwc == expected))
        why.add("output " + hwcText(y->hwc) + " in the file, the op gives " + hwcText(expected) + " (inconsistent file)");
    if (!bias || !why.empty()) return unsupported(why);

    // One input channel, M outputs: a convolution (the fast single-channel
    // stem kernel); more channels stay a depthwise conv with its multiplier.
    const bool asConv = depthwise && multiplier != 1 && cin == 1;
    const graph::OpKind kind = depthwise && !asConv ? graph::OpKind::DepthwiseConv2D
                               : kh == 1 && kw == 1 && o.strideH == 1 && o.strideW == 1 ? graph::OpKind::PointwiseConv2D
                                                                                        : graph::OpKind::Conv2D;
    const std::string strides = o.strideH == o.strideW ? std::to_string(o.strideH)
                                                       : std::to_string(o.strideH) + "x" + std::to_string(o.strideW);
    std::string detail = std::string(graph::opKindName(kind)) + " " + std::to_string(kh) + "x" + std::to_string(kw) +
                         " stride " + strides + ", " + paddingName(o.padding) + ", " + act->text + ", " + weightsText(*w);
    if (asConv)
        detail += " (one input channel, depth multiplier " + std::to_string(multiplier) + ": the same as a convolution)";
    else if (multiplier != 1)
        detail += ", depth multiplier " + std::to_string(multiplier) + " (out of place)";
    Lowered l = layer(kind, {in.tensorIndex(0)}, op.outputs[0], detail);
    l.window = graph::PoolWindow{kh, kw, o.strideH, o.strideW, padding};
    l.outChannels = cout;
    l.activation = act->activation;
    if (asConv) l.quant.weights = depthwiseAsConv(*w->data, kh * kw, cout);
    else l.quant.weights.assign(w->data->begin(), w->data->end());  // our layouts are TF Lite's (quant/model.h)
    l.quant.bias = *bias;
    l.quant.weightScales = w->scales;
    l.quant.activationMin = act->clamp.lo;
    l.quant.activationMax = act->clamp.hi;
    return checkArithmetic(std::move(l), x->quant, y->quant);
}

Lowered lowerConv2D(const Context& c, const Operator& op) { return lowerConvolution(c, op, false); }
Lowered lowerDepthwise(const Context& c, const Operator& op) { return lowerConvolution(c, op, true); }

Lowered lowerFullyConnected(const Context& c, const Operator& op) {
    Reasons why;
    Operands in(c.f, op, why);
    const auto x = in.input(0);
    const auto y = in.output();
    const auto w = in.weights(1, 2, 0);  // [Cout][N]
    const Options& o = op.options;  // absent: TF Lite's defaults (no activation, default layout)
    if (o.weightsFormat != 0) why.add("shuffled weights (SHUFFLED4x16INT8 layout)");
    if (!x || !y || !w) return unsupported(why);
    const int cout = w->tensor->shape[0], n = w->tensor->shape[1];
    if (x->hwc.elements() != n)
        why.add("the input has " + std::to_string(x->hwc.elements()) + " values, the weights take " + std::to_string(n));
    if (!(y->hwc == graph::Shape{1, 1, cout}))
        why.add("output " + hwcText(y->hwc) + " for " + std::to_string(cout) + " outputs (inconsistent file)");
    const auto bias = in.bias(2, cout);
    const auto act = graphActivation(o.activation, y->quant, true, why);
    if (!bias || !why.empty()) return unsupported(why);
    Lowered l = layer(graph::OpKind::FullyConnected, {in.tensorIndex(0)}, op.outputs[0],
                      "fully_connected " + std::to_string(n) + " -> " + std::to_string(cout) + ", " + act->text + ", " +
                          weightsText(*w));
    l.outChannels = cout;
    l.activation = act->activation;
    l.quant.weights.assign(w->data->begin(), w->data->end());
    l.quant.bias = *bias;
    l.quant.weightScales = w->perChannel ? w->scales : std::vector<float>{w->scales[0]};
    l.quant.activationMin = act->clamp.lo;
    l.quant.activationMax = act->clamp.hi;
    return checkArithmetic(std::move(l), x->quant, y->quant);
}

Lowered lowerAdd(const Context& c, const Operator& op) {
    Reasons why;
    Operands in(c.f, op, why);
    if (op.inputs.size() != 2) why.add(std::to_string(op.inputs.size()) + " inputs (ADD takes two)");
    const auto a = in.input(0);
    const auto b = in.input(1);
    const auto y = in.output();
    if (!a || !b || !y) return unsupported(why);
    if (!(a->hwc == b->hwc) || !(a->hwc == y->hwc))
        why.add("broadcasting add (" + hwcText(a->hwc) + " + " + hwcText(b->hwc) + " -> " + hwcText(y->hwc) +
                "; the layer graph adds tensors of one shape)");
    // TF Lite's int8 add: inputs rescaled to twice the larger input scale at
    // 2^20, then one multiplier below 1 to the output scale.
    const double twiceMax = 2.0 * std::max(double(a->quant.scale), double(b->quant.scale));
    if (!(twiceMax / (double(1 << 20) * double(y->quant.scale)) < 0.999))
        why.add("the output scale is too small for the inputs' (TF Lite's int8 add needs 2 * max(s_a, s_b) < 2^20 * s_out)");
    const auto act = graphActivation(op.options.activation, y->quant, true, why);
    if (!why.empty()) return unsupported(why);
    Lowered l = layer(graph::OpKind::Add, {in.tensorIndex(0), in.tensorIndex(1)}, op.outputs[0],
                      "add " + hwcText(a->hwc) + ", " + act->text);
    l.activation = act->activation;
    l.quant.activationMin = act->clamp.lo;
    l.quant.activationMax = act->clamp.hi;
    return l;
}

// Whether a pooling window covers the whole input along one axis and
// leaves one output: VALID needs the window to be the input; SAME centres a
// larger window and averages only the input's elements.
bool coversAxis(int in, int filter, int stride, int padding) {
    if (padding == static_cast<int>(Padding::Valid)) return filter == in;
    return filter >= in && stride >= in;
}

Lowered lowerWindowPool(const Context& c, const Operator& op, bool isMax);

// AVERAGE_POOL_2D: global where the window covers the input (the graph's
// global pool), otherwise a windowed pool.
Lowered lowerAveragePool(const Context& c, const Operator& op) {
    Reasons why;
    Operands in(c.f, op, why);
    const auto x = in.input(0);
    const auto y = in.output();
    const Options& o = op.options;
    if (!o.present) why.add("no Pool2DOptions in the file");
    if (!x || !y || !o.present) return unsupported(why);
    const std::string window = std::to_string(o.filterH) + "x" + std::to_string(o.filterW) + " window, stride " +
                               std::to_string(o.strideH) + "x" + std::to_string(o.strideW) + ", " +
                               paddingName(o.padding) + " on " + hwcText(x->hwc);
    const bool global = o.padding >= 0 && o.padding <= 1 && coversAxis(x->hwc.h, o.filterH, o.strideH, o.padding) &&
                        coversAxis(x->hwc.w, o.filterW, o.strideW, o.padding);
    if (!global) return lowerWindowPool(c, op, false);
    if (x->hwc.h * std::int64_t(x->hwc.w) > (std::int64_t(1) << 24) - 1)  // 128 x count within int32
        why.add("a pool over " + std::to_string(x->hwc.h * std::int64_t(x->hwc.w)) +
                " positions can overflow TF Lite's int32 sum");
    else if (!(y->hwc == graph::Shape{1, 1, x->hwc.c}))
        why.add("output " + hwcText(y->hwc) + " of a global pool (inconsistent file)");
    if (x->quant.scale != y->quant.scale || x->quant.zeroPoint != y->quant.zeroPoint)
        why.add("the output is quantized unlike the input (int8 AVERAGE_POOL_2D keeps its input's scale and zero point)");
    const auto act = graphActivation(o.activation, y->quant, false, why);
    if (!why.empty()) return unsupported(why);
    Lowered l = layer(graph::OpKind::AveragePool, {in.tensorIndex(0)}, op.outputs[0],
                      "average_pool global (" + window + "), " + act->text);
    return l;
}

// A RESHAPE is imported only where it moves no data and changes nothing a
// graph op reads: the same H x W x C, or a flatten that only FULLY_CONNECTED
// ops read (they read their input flat anyway).
Lowered lowerReshape(const Context& c, const Operator& op) {
    Reasons why;
    Operands in(c.f, op, why);
    const auto x = in.input(0);
    const auto y = in.output();
    if (!x || !y) return unsupported(why);
    if (x->quant.scale != y->quant.scale || x->quant.zeroPoint != y->quant.zeroPoint)
        why.add("the output is quantized unlike the input (a reshape moves values, it does not rescale them)");
    if (x->hwc.elements() != y->hwc.elements())
        why.add(hwcText(x->hwc) + " -> " + hwcText(y->hwc) + " changes the element count (inconsistent file)");
    if (!why.empty()) return unsupported(why);
    const int out = op.outputs[0];
    const std::string change = shapeText(c.f.tensors[static_cast<std::size_t>(in.tensorIndex(0))].shape) + " -> " +
                               shapeText(c.f.tensors[static_cast<std::size_t>(out)].shape);
    const auto& readers = c.consumers[static_cast<std::size_t>(out)];
    const bool flattenForFc =
        y->hwc.h == 1 && y->hwc.w == 1 && !readers.empty() && !c.isGraphOutput(out) &&
        std::all_of(readers.begin(), readers.end(), [&](int r) {
            return c.f.operators[static_cast<std::size_t>(r)].builtin == op::FULLY_CONNECTED;
        });
    Lowered l;
    if (x->hwc == y->hwc) l.detail = "no-op: " + change + " keeps the layout " + hwcText(x->hwc);
    else if (flattenForFc) l.detail = "no-op: " + change + " flattens for FULLY_CONNECTED, which reads its input flat";
    else {
        why.add(change + " changes the layout (the layer graph has no reshape yet; only no-op reshapes are imported: "
                         "the same HxWxC, or a flatten read only by FULLY_CONNECTED)");
        return unsupported(why);
    }
    l.form = Lowered::Form::Alias;
    l.inputs = {in.tensorIndex(0)};
    l.output = out;
    return l;
}

// TF Lite's int8 SOFTMAX over the last axis (the channels): its output is
// quantized at 1/256 with zero point -128 by definition; beta other than 1
// is not held by the layer graph.
Lowered lowerSoftmax(const Context& c, const Operator& op) {
    Reasons why;
    Operands in(c.f, op, why);
    const auto x = in.input(0);
    const auto y = in.output();
    if (!x || !y) return unsupported(why);
    if (!(x->hwc == y->hwc)) why.add(hwcText(x->hwc) + " -> " + hwcText(y->hwc) + " (inconsistent file)");
    const graph::OpInfo& info = graph::opInfo(graph::OpKind::Softmax);
    if (y->quant.scale != info.fixedOutputScale || y->quant.zeroPoint != info.fixedOutputZeroPoint) {
        std::ostringstream q;
        q << "output scale " << y->quant.scale << ", zero point " << y->quant.zeroPoint
          << " (TF Lite's int8 softmax writes scale 1/256, zero point -128)";
        why.add(q.str());
    }
    if (op.options.beta != 1.0f) {
        std::ostringstream b;
        b << "beta " << op.options.beta << " (the layer graph's softmax has beta 1)";
        why.add(b.str());
    }
    if (!(x->quant.scale > 0) || !std::isfinite(x->quant.scale)) why.add("the input scale must be positive");
    if (x->hwc.c > 4095)
        why.add("a row of " + std::to_string(x->hwc.c) +
                " values (TF Lite's int8 softmax sums a row's exponentials in Q12: at most 4095 values, or it overflows)");
    if (!why.empty()) return unsupported(why);
    return layer(graph::OpKind::Softmax, {in.tensorIndex(0)}, op.outputs[0],
                 "softmax over " + std::to_string(x->hwc.c) + " values per pixel of " + hwcText(x->hwc));
}

// --- ops of issue 12 (point 2) --------------------------------------------

const char* kNotYet = "not yet supported by the layer graph: ";

std::string tensorBrief(const File& f, int t) {
    if (t < 0) return "(missing)";
    const Tensor& x = f.tensors[static_cast<std::size_t>(t)];
    return typeName(x.type) + " " + shapeText(x.shape);
}

Lowered notYet(const std::string& reason) {
    Lowered l;
    l.detail = kNotYet + reason;
    return l;
}

std::string quantText(quant::TensorQuant q) {
    std::ostringstream o;
    o << "scale " << q.scale << ", zero point " << q.zeroPoint;
    return o.str();
}

// QUANTIZE / DEQUANTIZE where they are not at an edge the graph absorbs.
Lowered notYetQuantize(const Context& c, const Operator& op, const std::string& why) {
    const int in = op.inputs.empty() ? -1 : op.inputs[0];
    const int out = op.outputs.empty() ? -1 : op.outputs[0];
    const bool atInput = in >= 0 && std::find(c.f.inputs.begin(), c.f.inputs.end(), in) != c.f.inputs.end();
    const bool atOutput = out >= 0 && c.isGraphOutput(out);
    const std::string where = atInput ? " at the model input" : atOutput ? " at the model output" : " inside the model";
    return notYet(opName(op.builtin) + " " + tensorBrief(c.f, in) + " -> " + tensorBrief(c.f, out) + where + " (" +
                  why + ")");
}

// QUANTIZE of the model's FLOAT32 or UINT8 input into int8: the int8 tensor
// becomes the graph's input, and the generated code takes it (its header
// gives the scale and zero point to quantize with).
Lowered lowerQuantize(const Context& c, const Operator& op) {
    const int in = op.inputs.empty() ? -1 : op.inputs[0];
    const bool atInput = in >= 0 && std::find(c.f.inputs.begin(), c.f.inputs.end(), in) != c.f.inputs.end();
    if (!atInput || op.outputs.size() != 1)
        return notYetQuantize(c, op, "a requantization inside the model; only a QUANTIZE of the model input is taken");
    const Tensor& x = c.f.tensors[static_cast<std::size_t>(in)];
    if (x.type != type::FLOAT32 && x.type != type::UINT8)
        return notYetQuantize(c, op, "the input is " + typeName(x.type) + "; an edge QUANTIZE reads FLOAT32 or UINT8");
    if (c.consumers[static_cast<std::size_t>(in)].size() != 1)
        return notYetQuantize(c, op, "other operators read the model input too");
    std::string why;
    const auto y = activationTensor(c.f, op.outputs[0], why);
    if (!y) return notYetQuantize(c, op, why);
    if (x.elements() != y->hwc.elements())
        return notYetQuantize(c, op, "the input and output hold different element counts (inconsistent file)");
    std::string how = "a float x becomes round(x / scale) + zero point";
    if (x.type == type::UINT8) {
        if (x.quant.scales.size() != 1) return notYetQuantize(c, op, "the UINT8 input is not quantized per tensor");
        const bool shift = x.quant.scales[0] == y->quant.scale && x.quant.zeroPoints[0] - y->quant.zeroPoint == 128;
        how = shift ? "a uint8 u becomes u - 128" : "a uint8 u becomes round((u - " + std::to_string(x.quant.zeroPoints[0]) +
                                                        ") * " + std::to_string(x.quant.scales[0]) + " / scale) + zero point";
    }
    Lowered l;
    l.form = Lowered::Form::Edge;
    l.inputs = {in};
    l.output = op.outputs[0];
    l.detail = "the model input: the graph takes the int8 tensor " + hwcText(y->hwc) + " (" + quantText(y->quant) +
               "; " + how + ")";
    return l;
}

// DEQUANTIZE of the int8 result into the model's FLOAT32 output: the int8
// tensor becomes the graph's output (a float is scale * (q - zero point)).
Lowered lowerDequantize(const Context& c, const Operator& op) {
    const int out = op.outputs.empty() ? -1 : op.outputs[0];
    if (out < 0 || !c.isGraphOutput(out) || op.inputs.size() != 1 || op.inputs[0] < 0)
        return notYetQuantize(c, op, "only a DEQUANTIZE into the model output is taken");
    if (c.f.tensors[static_cast<std::size_t>(out)].type != type::FLOAT32)
        return notYetQuantize(c, op, "the output is " + typeName(c.f.tensors[static_cast<std::size_t>(out)].type) +
                                         "; an edge DEQUANTIZE writes FLOAT32");
    std::string why;
    const auto x = activationTensor(c.f, op.inputs[0], why);
    if (!x) return notYetQuantize(c, op, why);
    Lowered l;
    l.form = Lowered::Form::Edge;
    l.inputs = {op.inputs[0]};
    l.output = out;
    l.detail = "the model output: the graph gives the int8 tensor " + hwcText(x->hwc) + " (" + quantText(x->quant) +
               "; a float is scale * (q - zero point))";
    return l;
}

bool sameQuant(quant::TensorQuant a, quant::TensorQuant b) { return a.scale == b.scale && a.zeroPoint == b.zeroPoint; }

// A constant INT32 operand of exactly `count` values (PAD's paddings, MEAN's
// axis); nothing, with the reason, otherwise.
std::optional<std::vector<std::int32_t>> int32Constant(const Context& c, const Operator& op, std::size_t slot,
                                                       std::size_t count, const char* role, Reasons& why) {
    const int t = slot < op.inputs.size() ? op.inputs[slot] : -1;
    if (t < 0) {
        why.add(std::string("no ") + role + " input");
        return std::nullopt;
    }
    const Tensor& x = c.f.tensors[static_cast<std::size_t>(t)];
    if (x.type != type::INT32 || !c.f.isConstant(t) || std::size_t(x.elements()) != count) {
        why.add(std::string(role) + " " + tensorText(c.f, t) + " is " + tensorBrief(c.f, t) + " (expected a constant INT32 of " +
                std::to_string(count) + " values)");
        return std::nullopt;
    }
    const std::vector<std::uint8_t>& d = c.f.data(t);
    std::vector<std::int32_t> v(count);
    for (std::size_t i = 0; i < count; ++i)
        v[i] = static_cast<std::int32_t>(std::uint32_t(d[4 * i]) | std::uint32_t(d[4 * i + 1]) << 8 |
                                         std::uint32_t(d[4 * i + 2]) << 16 | std::uint32_t(d[4 * i + 3]) << 24);
    return v;
}

// The output size of a pooling window along one axis (TF Lite's
// ComputeOutSize): SAME ceil(in / s), VALID (in - k) / s + 1 (0 if it does not fit).
int poolOutput(int in, int k, int s, bool same) { return same ? graph::sameOutputSize(in, s) : (in >= k ? (in - k) / s + 1 : 0); }

// MAX_POOL_2D, and AVERAGE_POOL_2D where it is not global: any window and
// strides, SAME or VALID, output quantized as the input, fused activation.
Lowered lowerWindowPool(const Context& c, const Operator& op, bool isMax) {
    Reasons why;
    Operands in(c.f, op, why);
    const auto x = in.input(0);
    const auto y = in.output();
    const Options& o = op.options;
    if (!o.present) why.add("no Pool2DOptions in the file");
    if (!x || !y || !o.present) return unsupported(why);
    const std::string window = std::to_string(o.filterH) + "x" + std::to_string(o.filterW) + " window, stride " +
                               std::to_string(o.strideH) + "x" + std::to_string(o.strideW) + ", " +
                               paddingName(o.padding) + " on " + hwcText(x->hwc);
    const auto positive = [](int v) { return v >= 1 && v <= kMaxDimension; };
    if (!positive(o.filterH) || !positive(o.filterW) || !positive(o.strideH) || !positive(o.strideW))
        why.add(window + ": filter_height, filter_width, stride_h and stride_w must be positive");
    if (o.padding != static_cast<int>(Padding::Same) && o.padding != static_cast<int>(Padding::Valid))
        why.add("padding code " + std::to_string(o.padding) + " is neither SAME nor VALID");
    else if (!isMax && std::int64_t(o.filterH) * o.filterW > (std::int64_t(1) << 24) - 1)
        why.add("a " + window + " can overflow TF Lite's int32 sum");
    if (!sameQuant(x->quant, y->quant))
        why.add(std::string("the output is quantized unlike the input (int8 ") + (isMax ? "MAX_POOL_2D" : "AVERAGE_POOL_2D") +
                " keeps its input's scale and zero point)");
    const auto act = graphActivation(o.activation, y->quant, true, why);
    if (!why.empty()) return unsupported(why);
    const bool same = o.padding == static_cast<int>(Padding::Same);
    const graph::Shape expected{poolOutput(x->hwc.h, o.filterH, o.strideH, same),
                                poolOutput(x->hwc.w, o.filterW, o.strideW, same), x->hwc.c};
    if (expected.h < 1 || expected.w < 1) why.add("a VALID " + window + ": the window does not fit the input");
    else if (!(y->hwc == expected))
        why.add("output " + hwcText(y->hwc) + " in the file, the op gives " + hwcText(expected) + " (inconsistent file)");
    if (!why.empty()) return unsupported(why);
    Lowered l = layer(isMax ? graph::OpKind::MaxPool : graph::OpKind::AveragePool2D, {in.tensorIndex(0)},
                      op.outputs[0], std::string(isMax ? "max_pool " : "average_pool2d ") + window + ", " + act->text);
    l.window = graph::PoolWindow{o.filterH, o.filterW, o.strideH, o.strideW, same ? graph::Padding::Same : graph::Padding::Valid};
    l.activation = act->activation;
    l.quant.activationMin = act->clamp.lo;
    l.quant.activationMax = act->clamp.hi;
    return l;
}

Lowered lowerMaxPool(const Context& c, const Operator& op) { return lowerWindowPool(c, op, true); }

// MEAN over H and W (axis {1, 2} of a 4-D input), as TF Lite Micro runs it:
// keep_dims: reference_integer_ops::Mean (requantizing); without keep_dims
// only when input and output are quantized alike (TF Lite Micro's other
// path computes in float).
Lowered lowerMean(const Context& c, const Operator& op) {
    Reasons why;
    Operands in(c.f, op, why);
    const auto x = in.input(0);
    const auto y = in.output();
    const auto axis = int32Constant(c, op, 1, 2, "axis", why);
    if (!x || !y || !axis) return unsupported(why);
    const int rank = static_cast<int>(c.f.tensors[static_cast<std::size_t>(in.tensorIndex(0))].shape.size());
    auto norm = [&](int a) { return a < 0 ? a + rank : a; };
    const int a0 = norm((*axis)[0]), a1 = norm((*axis)[1]);
    if (rank != 4 || std::min(a0, a1) != 1 || std::max(a0, a1) != 2)
        why.add("axis [" + std::to_string((*axis)[0]) + "," + std::to_string((*axis)[1]) + "] of a rank-" +
                std::to_string(rank) + " input (the layer graph's mean is over H and W: axis [1,2] of NHWC)");
    const bool keep = op.options.keepDims;
    if (!keep && !sameQuant(x->quant, y->quant))
        why.add("keep_dims false with the output quantized unlike the input (TF Lite Micro computes that case in float)");
    if (x->hwc.h * std::int64_t(x->hwc.w) > (std::int64_t(1) << 23))
        why.add("a mean over " + std::to_string(x->hwc.h * std::int64_t(x->hwc.w)) + " positions can overflow the int32 sum");
    if (!(double(x->quant.scale) / double(y->quant.scale) < 1073741824.0))
        why.add("the scale ratio s_in / s_out is out of range");
    if (!(y->hwc == graph::Shape{1, 1, x->hwc.c}))
        why.add("output " + hwcText(y->hwc) + " of a mean over H and W of " + hwcText(x->hwc) + " (inconsistent file)");
    if (!why.empty()) return unsupported(why);
    Lowered l = layer(graph::OpKind::Mean, {in.tensorIndex(0)}, op.outputs[0],
                      "mean over H and W of " + hwcText(x->hwc) + ", keep_dims " + (keep ? "true" : "false"));
    l.keepDims = keep;
    return l;
}

// PAD and PADV2 of H and W with the zero point (PADV2: a constant equal to it).
Lowered lowerPad(const Context& c, const Operator& op) {
    Reasons why;
    Operands in(c.f, op, why);
    const auto x = in.input(0);
    const auto y = in.output();
    const auto pads = int32Constant(c, op, 1, 8, "paddings", why);
    if (!x || !y || !pads) return unsupported(why);
    const std::vector<std::int32_t>& p = *pads;  // [[batch], [H], [W], [C]] x (before, after)
    if (c.f.tensors[static_cast<std::size_t>(in.tensorIndex(0))].shape.size() != 4)
        why.add("a rank-" + std::to_string(c.f.tensors[static_cast<std::size_t>(in.tensorIndex(0))].shape.size()) +
                " input (the layer graph pads NHWC tensors)");
    if (p[0] || p[1] || p[6] || p[7]) why.add("padding of the batch or channel axis (the layer graph pads H and W)");
    if (*std::min_element(p.begin(), p.end()) < 0) why.add("negative paddings");
    if (!sameQuant(x->quant, y->quant)) why.add("the output is quantized unlike the input (int8 PAD copies values)");
    if (op.builtin == op::PADV2 && op.inputs.size() > 2 && op.inputs[2] >= 0) {
        const int t = op.inputs[2];
        const Tensor& v = c.f.tensors[static_cast<std::size_t>(t)];
        const bool zp = v.type == type::INT8 && c.f.isConstant(t) && v.elements() == 1 &&
                        std::int32_t(static_cast<std::int8_t>(c.f.data(t)[0])) == y->quant.zeroPoint;
        if (!zp) why.add("constant_values " + tensorText(c.f, t) + " other than the output zero point (not yet held by the layer graph)");
    }
    if (!why.empty()) return unsupported(why);
    const graph::Shape expected{x->hwc.h + p[2] + p[3], x->hwc.w + p[4] + p[5], x->hwc.c};
    if (!(y->hwc == expected)) why.add("output " + hwcText(y->hwc) + ", the paddings give " + hwcText(expected) + " (inconsistent file)");
    if (!why.empty()) return unsupported(why);
    Lowered l = layer(graph::OpKind::Pad, {in.tensorIndex(0)}, op.outputs[0],
                      "pad " + hwcText(x->hwc) + " -> " + hwcText(y->hwc) + " with the zero point");
    l.padTop = p[2];
    l.padBottom = p[3];
    l.padLeft = p[4];
    l.padRight = p[5];
    return l;
}

// CONCATENATION along the channels, every input quantized as the output.
Lowered lowerConcatenation(const Context& c, const Operator& op) {
    Reasons why;
    Operands in(c.f, op, why);
    const auto y = in.output();
    if (op.inputs.size() < 2) why.add(std::to_string(op.inputs.size()) + " inputs (the layer graph concatenates two or more)");
    std::vector<ActivationTensor> xs;
    std::vector<int> files;
    for (std::size_t i = 0; i < op.inputs.size(); ++i)
        if (const auto x = in.input(i)) {
            xs.push_back(*x);
            files.push_back(in.tensorIndex(i));
        }
    if (!y || xs.size() != op.inputs.size() || !why.empty()) return unsupported(why);
    const int rank = static_cast<int>(c.f.tensors[static_cast<std::size_t>(files[0])].shape.size());
    const int axis = op.options.axis < 0 ? op.options.axis + rank : op.options.axis;
    if (rank != 4 || axis != 3)
        why.add("axis " + std::to_string(op.options.axis) + " of rank-" + std::to_string(rank) +
                " inputs (the layer graph concatenates NHWC channels: axis 3 or -1)");
    std::int64_t channels = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) {
        channels += xs[i].hwc.c;
        if (xs[i].hwc.h != y->hwc.h || xs[i].hwc.w != y->hwc.w)
            why.add("input " + std::to_string(i) + " is " + hwcText(xs[i].hwc) + ", the output " + hwcText(y->hwc));
        if (!sameQuant(xs[i].quant, y->quant))
            why.add("input " + std::to_string(i) + " is quantized unlike the output (TF Lite Micro's int8 "
                                                   "CONCATENATION needs every input quantized as the output)");
    }
    if (channels != y->hwc.c) why.add("the inputs' channels add up to " + std::to_string(channels) + ", the output has " +
                                      std::to_string(y->hwc.c) + " (inconsistent file)");
    graphActivation(op.options.activation, y->quant, false, why);
    if (!why.empty()) return unsupported(why);
    return layer(graph::OpKind::Concatenation, files, op.outputs[0],
                 "concatenation of " + std::to_string(xs.size()) + " inputs along the channels -> " + hwcText(y->hwc));
}

// MUL of two tensors of one shape (TF Lite's int8 reference arithmetic).
Lowered lowerMul(const Context& c, const Operator& op) {
    Reasons why;
    Operands in(c.f, op, why);
    if (op.inputs.size() != 2) why.add(std::to_string(op.inputs.size()) + " inputs (MUL takes two)");
    const auto a = in.input(0);
    const auto b = in.input(1);
    const auto y = in.output();
    if (!a || !b || !y) return unsupported(why);
    if (!(a->hwc == b->hwc) || !(a->hwc == y->hwc))
        why.add("broadcasting mul (" + hwcText(a->hwc) + " x " + hwcText(b->hwc) + " -> " + hwcText(y->hwc) +
                "; the layer graph multiplies tensors of one shape)");
    if (!(double(a->quant.scale) * double(b->quant.scale) / double(y->quant.scale) < 1073741824.0))
        why.add("the requantization scale s_a * s_b / s_out is out of range");
    const auto act = graphActivation(op.options.activation, y->quant, true, why);
    if (!why.empty()) return unsupported(why);
    Lowered l = layer(graph::OpKind::Mul, {in.tensorIndex(0), in.tensorIndex(1)}, op.outputs[0],
                      "mul " + hwcText(a->hwc) + ", " + act->text);
    l.activation = act->activation;
    l.quant.activationMin = act->clamp.lo;
    l.quant.activationMax = act->clamp.hi;
    return l;
}

// Every op the importer knows: a new graph op is one more entry here
// (docs/tflite-import.md, "Adding an op").
using LowerFn = Lowered (*)(const Context&, const Operator&);
struct Entry {
    int builtin;
    LowerFn lower;
};
constexpr Entry kLowerings[] = {
    {op::CONV_2D, lowerConv2D},
    {op::DEPTHWISE_CONV_2D, lowerDepthwise},
    {op::FULLY_CONNECTED, lowerFullyConnected},
    {op::ADD, lowerAdd},
    {op::AVERAGE_POOL_2D, lowerAveragePool},
    {op::RESHAPE, lowerReshape},
    {op::SOFTMAX, lowerSoftmax},
    {op::QUANTIZE, lowerQuantize},
    {op::DEQUANTIZE, lowerDequantize},
    {op::PAD, lowerPad},
    {op::PADV2, lowerPad},
    {op::MEAN, lowerMean},
    {op::MAX_POOL_2D, lowerMaxPool},
    {op::CONCATENATION, lowerConcatenation},
    {op::MUL, lowerMul},
};

Lowered lowerOther(const Operator& op) {
    Lowered l;
    switch (op.builtin) {
        case op::CUSTOM:
            l.detail = "custom op \"" + op.customCode + "\" (custom ops carry no definition an importer can use)";
            break;
        case op::RELU:
        case op::RELU6:
        case op::LOGISTIC:
        case op::TANH:
        case op::HARD_SWISH:
            l.detail = "a standalone activation op (the layer graph fuses RELU6 into the op before it; it has no " +
                       opName(op.builtin) + ")";
            break;
        default: l.detail = "not supported: the layer graph has no " + opName(op.builtin);
    }
    return l;
}

// The graph's input and output: the model's, or the int8 side of the edge
// QUANTIZE / DEQUANTIZE that reads or writes them.
// A file with several inputs or outputs has none here (modelIssues says so).
void findEdges(const File& f, Analysis& a) {
    const int fileInput = f.inputs.size() == 1 ? f.inputs[0] : -1;
    const int fileOutput = f.outputs.size() == 1 ? f.outputs[0] : -1;
    a.input = fileInput;
    a.output = fileOutput;
    for (const Lowered& l : a.ops) {
        if (l.form != Lowered::Form::Edge) continue;
        if (a.input >= 0 && l.inputs[0] == a.input) a.input = l.output;
        else if (a.output >= 0 && l.output == a.output) a.output = l.inputs[0];
    }
    if (a.input != fileInput)
        a.notes.push_back("the generated code takes the int8 input " + tensorText(f, a.input) +
                          " (the file's QUANTIZE of its input is left to the caller: the model header gives the scale "
                          "and zero point)");
    if (a.output != fileOutput)
        a.notes.push_back("the generated code gives the int8 output " + tensorText(f, a.output) +
                          " (the file's DEQUANTIZE of its output is left to the caller)");
}

}  // namespace

Analysis analyze(const File& f) {
    const Context c(f);
    Analysis a;
    for (const Operator& op : f.operators) {
        const auto entry = std::find_if(std::begin(kLowerings), std::end(kLowerings),
                                        [&](const Entry& e) { return e.builtin == op.builtin; });
        a.ops.push_back(entry != std::end(kLowerings) ? entry->lower(c, op) : lowerOther(op));
    }
    if (f.subgraphs > 1)
        a.notes.push_back(std::to_string(f.subgraphs) + " subgraphs: only subgraph 0 (the main graph) is read");
    if (f.inputs.size() != 1)
        a.modelIssues.push_back(std::to_string(f.inputs.size()) + " model inputs (the layer graph takes one)");
    if (f.outputs.size() != 1)
        a.modelIssues.push_back(std::to_string(f.outputs.size()) + " model outputs (the layer graph gives one)");
    findEdges(f, a);
    if (a.input >= 0) {
        std::string why;
        if (!activationTensor(f, a.input, why)) a.modelIssues.push_back("model input: " + why);
    }
    const bool computes = std::any_of(a.ops.begin(), a.ops.end(),
                                      [](const Lowered& l) { return l.form == Lowered::Form::Layer; });
    const bool allSupported = std::none_of(a.ops.begin(), a.ops.end(),
                                           [](const Lowered& l) { return l.form == Lowered::Form::Unsupported; });
    if (f.operators.empty()) a.modelIssues.push_back("no operators");
    else if (!computes && allSupported) a.modelIssues.push_back("no operator computes anything (only no-op reshapes)");
    return a;
}

void requireInt8(const File& f) {
    for (std::size_t i = 0; i < f.operators.size(); ++i) {
        const Operator& op = f.operators[i];
        // QUANTIZE reads and DEQUANTIZE writes the float edges of an int8 model.
        std::vector<int> tensors;
        if (op.builtin != op::QUANTIZE) tensors.insert(tensors.end(), op.inputs.begin(), op.inputs.end());
        if (op.builtin != op::DEQUANTIZE) tensors.insert(tensors.end(), op.outputs.begin(), op.outputs.end());
        bool floatActivations = false, int8Weights = false;
        for (int t : tensors) {
            if (t < 0) continue;
            const int type = f.tensors[static_cast<std::size_t>(t)].type;
            if (isFloatType(type) && !f.isConstant(t)) floatActivations = true;
            if (isFloatType(type) && f.isConstant(t) && (op.builtin == op::CONV_2D || op.builtin == op::DEPTHWISE_CONV_2D ||
                                                          op.builtin == op::FULLY_CONNECTED))
                floatActivations = true;  // float weights: a float op
            if (type == type::INT8 && f.isConstant(t)) int8Weights = true;
        }
        if (!floatActivations) continue;
        const std::string what = int8Weights ? "a dynamic-range quantized model (int8 weights, float activations)"
                                             : "a float model";
        throw Error(f.name + ": " + what + ": operator " + std::to_string(i) + " (" + opName(op.builtin) +
                    ") computes in float. It must be quantized to int8 first: convert it with the TF Lite converter's "
                    "full-integer quantization (converter.optimizations = [tf.lite.Optimize.DEFAULT], a "
                    "representative_dataset, converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8], "
                    "inference_input_type = inference_output_type = tf.int8)");
    }
}

}  // namespace mcunet::interop::tflite
