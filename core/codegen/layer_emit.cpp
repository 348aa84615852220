#include "codegen/layer_emit.h"

#include <sstream>

#include "common/error.h"
#include "graph/ops.h"

namespace mcunet::codegen {

using graph::OpKind;

template <typename T>
std::string cArray(const char* type, const std::string& name, const std::vector<T>& values) {
    std::ostringstream out;
    out << "const " << type << " " << name << "[" << std::max<std::size_t>(values.size(), 1) << "] = {";
    if (values.empty()) out << "0";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i % 20 == 0) out << "\n    ";
        out << static_cast<long long>(values[i]) << (i + 1 < values.size() ? "," : "");
    }
    out << "\n};\n";
    return out.str();
}
template std::string cArray(const char*, const std::string&, const std::vector<std::int8_t>&);
template std::string cArray(const char*, const std::string&, const std::vector<std::int32_t>&);

namespace {

struct Layer {
    const graph::Graph& g;
    const graph::Op& op;
    const quant::OpQuant& q;
    graph::Shape is, os;
    quant::TensorQuant tin, tout;
    const std::string& L;
};

Layer layerOf(const LayerSite& s) {
    const graph::Graph& g = *s.graph;
    const graph::Op& op = g.op(s.op);
    const quant::QuantizedModel& m = *s.model;
    return {g,
            op,
            m.ops[static_cast<std::size_t>(s.op)],
            g.tensor(op.inputs[0]).shape,
            g.tensor(op.output).shape,
            m.tensors[static_cast<std::size_t>(op.inputs[0])],
            m.tensors[static_cast<std::size_t>(op.output)],
            s.symbol};
}

// Weights in the layout every kernel takes: depthwise [kh][kw][C] becomes [C][kh][kw].
std::vector<std::int8_t> kernelWeights(const Layer& l) {
    std::vector<std::int8_t> w = l.q.weights;
    if (l.op.kind == OpKind::DepthwiseConv2D) {
        const std::size_t taps = std::size_t(l.op.kernel) * l.op.kernelW;
        for (std::size_t t = 0; t < taps; ++t)
            for (int c = 0; c < l.os.c; ++c) w[std::size_t(c) * taps + t] = l.q.weights[t * std::size_t(l.os.c) + std::size_t(c)];
    }
    return w;
}

// Weights, bias and per-channel requantization of the general and reference kernels.
void generalData(const Layer& l, LayerCode& code) {
    if (!graph::hasWeights(l.op.kind)) return;
    const std::string& L = l.L;
    std::vector<std::int32_t> mult, shift;
    for (const auto& m : l.q.multipliers) {
        mult.push_back(m.value);
        shift.push_back(m.shift);
    }
    code.weights += cArray("int8_t", L + "_w", kernelWeights(l)) + cArray("int32_t", L + "_b", l.q.bias) +
                    cArray("int32_t", L + "_m", mult) + cArray("int32_t", L + "_s", shift);
    std::ostringstream d;
    d << "extern const int8_t " << L << "_w[];\nextern const int32_t " << L << "_b[], " << L << "_m[], " << L << "_s[];\n";
    d << "static const mcu_quant_t " << L << "_q = {" << -l.tin.zeroPoint << ", " << l.tout.zeroPoint << ", "
      << l.q.activationMin << ", " << l.q.activationMax << "};\n";
    code.decls += d.str();
}

std::string shapeDecls(const Layer& l, bool window) {
    std::ostringstream d;
    d << "static const mcu_shape_t " << l.L << "_in = {" << l.is.h << ", " << l.is.w << ", " << l.is.c << "}, " << l.L
      << "_out = {" << l.os.h << ", " << l.os.w << ", " << l.os.c << "};\n";
    if (window)
        d << "static const mcu_window_t " << l.L << "_win = {" << l.op.kernel << ", " << l.op.kernelW << ", "
          << l.op.stride << ", " << l.op.strideW << ", " << l.op.padTop << ", " << l.op.padLeft << "};\n";
    return d.str();
}

std::string addParams(const Layer& l, const LayerSite& s) {
    const quant::TensorQuant tin2 = s.model->tensors[static_cast<std::size_t>(l.op.inputs[1])];
    std::ostringstream d;
    d << "static const mcu_add_params_t " << l.L << "_p = {" << -l.tin.zeroPoint << ", " << -tin2.zeroPoint << ", "
      << l.tout.zeroPoint << ", " << l.q.leftShift << ", " << l.q.input1.value << ", " << l.q.input1.shift << ", "
      << l.q.input2.value << ", " << l.q.input2.shift << ", " << l.q.output.value << ", " << l.q.output.shift << ", "
      << l.q.activationMin << ", " << l.q.activationMax << "};\n";
    return d.str();
}

std::string softmaxParams(const Layer& l) {
    return "static const mcu_softmax_params_t " + l.L + "_p = {" + std::to_string(l.q.softmax.inputMultiplier) + ", " +
           std::to_string(l.q.softmax.inputLeftShift) + ", " + std::to_string(l.q.softmax.diffMin) + "};\n";
}

std::string softmaxCall(const Layer& l, const LayerSite& s) {
    return "mcu_softmax_s8(" + s.input + ", " + std::to_string(l.is.h * l.is.w) + ", " + std::to_string(l.is.c) +
           ", &" + l.L + "_p, " + s.output + ");";
}

// The ops with one kernel each (TF Lite's arithmetic is the reference): pools
// with a window, mean, pad, concatenation, mul. Returns the call; sets the
// variant and the declarations.
std::string simpleOpCall(const Layer& l, const LayerSite& s, LayerCode& code) {
    const std::string& L = l.L;
    const std::string inPlace = s.inPlace ? "_inplace" : "";
    std::ostringstream d, c;
    switch (l.op.kind) {
        case OpKind::MaxPool:
        case OpKind::AveragePool2D: {
            if (s.inPlace) throw Error("codegen: " + l.op.name + ": a windowed pool cannot run in place");
            const bool isMax = l.op.kind == OpKind::MaxPool;
            d << shapeDecls(l, false) << "static const mcu_pool_t " << L << "_p = {" << l.op.kernel << ", "
              << l.op.kernelW << ", " << l.op.stride << ", " << l.op.strideW << ", " << l.op.padTop << ", "
              << l.op.padLeft << ", " << l.q.activationMin << ", " << l.q.activationMax << "};\n";
            c << (isMax ? "mcu_maxpool_s8(" : "mcu_avgpool2d_s8(") << s.input << ", &" << L << "_in, " << s.output
              << ", &" << L << "_out, &" << L << "_p);";
            code.variant = isMax ? "maxpool" : "avgpool2d";
            break;
        }
        case OpKind::Mean:
            d << "static const mcu_mean_params_t " << L << "_p = {" << (l.op.keepDims ? 1 : 0) << ", "
              << l.tin.zeroPoint << ", " << l.tout.zeroPoint << ", " << l.q.ratio.value << ", " << l.q.ratio.shift
              << "};\n";
            c << "mcu_mean_s8(" << s.input << ", " << l.is.h * l.is.w << ", " << l.is.c << ", &" << L << "_p, "
              << s.output << ");";
            code.variant = "mean" + inPlace;
            break;
        case OpKind::Pad:
            d << shapeDecls(l, false);
            c << "mcu_pad_s8(" << s.input << ", &" << L << "_in, " << s.output << ", &" << L << "_out, "
              << l.op.padTop << ", " << l.op.padLeft << ", " << l.q.padValue << ");";
            code.variant = "pad" + inPlace;
            break;
        case OpKind::Concatenation: {
            if (s.inPlace) throw Error("codegen: " + l.op.name + ": a concatenation cannot run in place");
            c << "const int8_t *const in[" << s.inputs.size() << "] = {";
            std::ostringstream ch;
            for (std::size_t k = 0; k < s.inputs.size(); ++k) {
                c << (k ? ", " : "") << s.inputs[k];
                ch << (k ? ", " : "") << l.g.tensor(l.op.inputs[k]).shape.c;
            }
            d << "static const int32_t " << L << "_ch[" << s.inputs.size() << "] = {" << ch.str() << "};\n";
            c << "};\n    mcu_concat_s8(in, " << L << "_ch, " << s.inputs.size() << ", " << l.os.h * l.os.w << ", "
              << s.output << ");";
            code.variant = "concat";
            break;
        }
        case OpKind::Mul: {
            const quant::TensorQuant tin2 = s.model->tensors[static_cast<std::size_t>(l.op.inputs[1])];
            d << "static const mcu_mul_params_t " << L << "_p = {" << -l.tin.zeroPoint << ", " << -tin2.zeroPoint
              << ", " << l.tout.zeroPoint << ", " << l.q.ratio.value << ", " << l.q.ratio.shift << ", "
              << l.q.activationMin << ", " << l.q.activationMax << "};\n";
            c << "mcu_mul_s8(" << s.input << ", " << s.input2 << ", " << s.output << ", " << l.os.elements() << ", &"
              << L << "_p);";
            code.variant = "mul" + inPlace;
            break;
        }
        case OpKind::Conv2D:
        case OpKind::DepthwiseConv2D:
        case OpKind::PointwiseConv2D:
        case OpKind::Add:
        case OpKind::AveragePool:
        case OpKind::FullyConnected:
        case OpKind::Softmax: throw Error("codegen: " + l.op.name + ": not a simple op");
    }
    code.decls += d.str();
    return c.str();
}

// The plain reference kernels (benchmarks): out of place, one per op kind.
LayerCode referenceLayer(const LayerSite& s) {
    if (s.inPlace) throw Error("codegen: reference kernels run out of place only (use the tflm planner)");
    const Layer l = layerOf(s);
    LayerCode code;
    generalData(l, code);
    code.variant = "reference";
    const std::string& L = l.L;
    std::ostringstream c;
    switch (l.op.kind) {
        case OpKind::Conv2D:
        case OpKind::DepthwiseConv2D:
        case OpKind::PointwiseConv2D: {
            code.decls += shapeDecls(l, true);
            const char* kind = l.op.kind == OpKind::Conv2D            ? "MCU_REF_CONV2D"
                               : l.op.kind == OpKind::DepthwiseConv2D ? "MCU_REF_DEPTHWISE"
                                                                      : "MCU_REF_POINTWISE";
            c << "mcu_ref_conv_s8(" << kind << ", " << s.input << ", &" << L << "_in, " << L << "_w, " << L << "_b, "
              << L << "_m, " << L << "_s, " << s.output << ", &" << L << "_out, &" << L << "_win, &" << L << "_q);";
            break;
        }
        case OpKind::Add:
            code.decls += addParams(l, s);
            c << "mcu_ref_add_s8(" << s.input << ", " << s.input2 << ", " << s.output << ", " << l.os.elements()
              << ", &" << L << "_p);";
            break;
        case OpKind::AveragePool:
            c << "mcu_ref_avgpool_s8(" << s.input << ", " << l.is.h * l.is.w << ", " << l.is.c << ", " << s.output << ");";
            break;
        case OpKind::FullyConnected:
            c << "mcu_ref_fully_connected_s8(" << s.input << ", " << l.is.elements() << ", " << L << "_w, " << L
              << "_b, " << L << "_m, " << L << "_s, " << (l.q.multipliers.size() > 1 ? 1 : 0) << ", " << s.output
              << ", " << l.os.c << ", &" << L << "_q);";
            break;
        case OpKind::Softmax:  // one kernel: TF Lite's arithmetic is the reference
            code.decls += softmaxParams(l);
            c << softmaxCall(l, s);
            break;
        case OpKind::MaxPool:  // one kernel each: TF Lite's arithmetic is the reference
        case OpKind::AveragePool2D:
        case OpKind::Mean:
        case OpKind::Pad:
        case OpKind::Concatenation:
        case OpKind::Mul: {
            const std::string variant = code.variant;
            c << simpleOpCall(l, s, code);
            code.variant = variant;
            break;
        }
    }
    code.call = c.str();
    return code;
}

std::string depthwiseCall(const Layer& l, const LayerSite& s, LayerCode& code) {
    const std::string& L = l.L;
    code.decls += shapeDecls(l, false);
    const bool special = l.op.isSquare() && (l.op.kernel == 3 || l.op.kernel == 5 || l.op.kernel == 7) && l.op.stride <= 2;
    const std::string args = std::string("(") + s.input + ", &" + L + "_in, " + L + "_w, " + L + "_b, " + L + "_m, " +
                             L + "_s, " + s.output + ", &" + L + "_out, " + std::to_string(l.op.padTop) + ", " +
                             std::to_string(l.op.padLeft) + ", &" + L + "_q, " + s.scratch8;
    if (s.inPlace) code.alsoVariants.push_back("depthwise_inplace");
    if (l.os.c != l.is.c) code.alsoVariants.push_back("depthwise_multiplier");  // out of place, C x M outputs
    if (special && s.haveScratch) {
        const std::string ks = "k" + std::to_string(l.op.kernel) + "s" + std::to_string(l.op.stride);
        code.variant = "depthwise_" + ks;
        return "mcu_depthwise_s8_" + ks + args + ");";
    }
    code.variant = s.haveScratch ? "depthwise_generic" : "depthwise_direct";
    if (!l.op.isSquare())
        return "mcu_depthwise_s8_hw" + args + ", " + std::to_string(l.op.kernel) + ", " + std::to_string(l.op.kernelW) +
               ", " + std::to_string(l.op.stride) + ", " + std::to_string(l.op.strideW) + ");";
    return "mcu_depthwise_s8" + args + ", " + std::to_string(l.op.kernel) + ", " + std::to_string(l.op.stride) + ");";
}

// The general kernels: every op kind, in place where the plan says so.
LayerCode generalLayer(const LayerSite& s) {
    const Layer l = layerOf(s);
    LayerCode code;
    generalData(l, code);
    code.usesScratch = s.haveScratch;
    const std::string& L = l.L;
    std::ostringstream c;
    switch (l.op.kind) {
        case OpKind::Conv2D:
            if (!s.haveScratch) throw Error("codegen: " + l.op.name + ": the plan gives no im2col buffer");
            code.decls += shapeDecls(l, true);
            c << "mcu_conv2d_s8(" << s.input << ", &" << L << "_in, " << L << "_w, " << L << "_b, " << L << "_m, " << L
              << "_s, " << s.output << ", &" << L << "_out, &" << L << "_win, &" << L << "_q, " << s.scratch16 << ");";
            code.variant = "conv2d";
            break;
        case OpKind::PointwiseConv2D:
            if (s.inPlace && !s.haveScratch) throw Error("codegen: " + l.op.name + ": in place without scratch");
            c << "mcu_pointwise_s8(" << s.input << ", " << l.is.h * l.is.w << ", " << l.is.c << ", " << L << "_w, " << L
              << "_b, " << L << "_m, " << L << "_s, " << s.output << ", " << l.os.c << ", &" << L << "_q, "
              << s.scratch16 << ");";
            code.variant = !s.haveScratch   ? "pointwise_direct"
                           : !s.inPlace     ? "pointwise_copy"
                           : l.os.c <= l.is.c ? "pointwise_inplace_forward"
                                              : "pointwise_inplace_backward";
            break;
        case OpKind::DepthwiseConv2D:
            if (s.inPlace && !s.haveScratch) throw Error("codegen: " + l.op.name + ": in place without scratch");
            c << depthwiseCall(l, s, code);
            break;
        case OpKind::Add:
            code.decls += addParams(l, s);
            c << "mcu_add_s8(" << s.input << ", " << s.input2 << ", " << s.output << ", " << l.os.elements() << ", &"
              << L << "_p);";
            code.variant = s.inPlace ? "add_inplace" : "add";
            break;
        case OpKind::AveragePool:
            c << "mcu_avgpool_s8(" << s.input << ", " << l.is.h * l.is.w << ", " << l.is.c << ", " << s.output << ");";
            code.variant = s.inPlace ? "avgpool_inplace" : "avgpool";
            break;
        case OpKind::FullyConnected:
            c << "mcu_fully_connected_s8(" << s.input << ", " << l.is.elements() << ", " << L << "_w, " << L << "_b, "
              << L << "_m, " << L << "_s, " << (l.q.multipliers.size() > 1 ? 1 : 0) << ", " << s.output << ", "
              << l.os.c << ", &" << L << "_q);";
            code.variant = "fully_connected";
            break;
        case OpKind::Softmax:
            code.decls += softmaxParams(l);
            c << softmaxCall(l, s);
            code.variant = s.inPlace ? "softmax_inplace" : "softmax";
            break;
        case OpKind::MaxPool:
        case OpKind::AveragePool2D:
        case OpKind::Mean:
        case OpKind::Pad:
        case OpKind::Concatenation:
        case OpKind::Mul: c << simpleOpCall(l, s, code); break;
    }
    code.call = c.str();
    return code;
}

}  // namespace

LayerCode emitLayer(const LayerSite& s, const Options& options) {
    if (options.referenceKernels) return referenceLayer(s);
    if (options.fastKernels) {
        const Layer l = layerOf(s);
        const std::vector<std::int8_t> w = kernelWeights(l);
        if (const std::optional<FastLayer> fast = fastLayer(s, w)) {
            LayerCode code;
            code.variant = fast->variant;
            code.call = fast->call;
            code.usesScratch = s.haveScratch;
            if (graph::hasWeights(l.op.kind)) {
                code.weights = cArray("int8_t", l.L + "_w", fast->weights.empty() ? w : fast->weights) +
                               cArray("int32_t", l.L + "_ch", fast->channels);
                code.decls = "extern const int8_t " + l.L + "_w[];\nextern const int32_t " + l.L + "_ch[];\n";
            }
            return code;
        }
    }
    return generalLayer(s);
}

}  // namespace mcunet::codegen
