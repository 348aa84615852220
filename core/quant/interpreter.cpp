#include "quant/interpreter.h"

#include <algorithm>

#include "common/error.h"

namespace mcunet::quant {

using graph::OpKind;

namespace {

std::int8_t clampTo(std::int32_t v, const OpQuant& q) {
    return static_cast<std::int8_t>(std::clamp(v, q.activationMin, q.activationMax));
}

void conv(const graph::Graph& g, const graph::Op& op, const OpQuant& q, const TensorQuant& in,
          const TensorQuant& out, const std::vector<std::int8_t>& x, std::vector<std::int8_t>& y) {
    const graph::Shape is = g.tensor(op.inputs[0]).shape;
    const graph::Shape os = g.tensor(op.output).shape;
    const bool dw = op.kind == OpKind::DepthwiseConv2D;
    const int kh = op.kernel, kw = op.kernelW;
    const int multiplier = dw ? os.c / is.c : 1;  // depthwise output channel oc reads input channel oc / M
    const std::int32_t inputOffset = -in.zeroPoint;
    for (int oy = 0; oy < os.h; ++oy)
        for (int ox = 0; ox < os.w; ++ox)
            for (int oc = 0; oc < os.c; ++oc) {
                std::int32_t acc = 0;
                for (int ky = 0; ky < kh; ++ky)
                    for (int kx = 0; kx < kw; ++kx) {
                        const int iy = oy * op.stride - op.padTop + ky;
                        const int ix = ox * op.strideW - op.padLeft + kx;
                        if (iy < 0 || iy >= is.h || ix < 0 || ix >= is.w) continue;  // padding contributes 0
                        const std::size_t base = (std::size_t(iy) * is.w + ix) * is.c;
                        if (dw) {
                            acc += (x[base + oc / multiplier] + inputOffset) * q.weights[(std::size_t(ky) * kw + kx) * os.c + oc];
                        } else {
                            const std::size_t w = ((std::size_t(oc) * kh + ky) * kw + kx) * is.c;
                            for (int ic = 0; ic < is.c; ++ic) acc += (x[base + ic] + inputOffset) * q.weights[w + ic];
                        }
                    }
                acc += q.bias[static_cast<std::size_t>(oc)];
                acc = multiplyByQuantizedMultiplier(acc, q.multipliers[static_cast<std::size_t>(oc)]);
                y[(std::size_t(oy) * os.w + ox) * os.c + oc] = clampTo(acc + out.zeroPoint, q);
            }
}

// TF Lite's reference_integer_ops::MaxPool / AveragePool: the window clipped
// to the input, padding left out; the average rounds half away from zero.
void pool(const graph::Graph& g, const graph::Op& op, const OpQuant& q, const std::vector<std::int8_t>& x,
          std::vector<std::int8_t>& y) {
    const graph::Shape is = g.tensor(op.inputs[0]).shape;
    const graph::Shape os = g.tensor(op.output).shape;
    const bool isMax = op.kind == OpKind::MaxPool;
    for (int oy = 0; oy < os.h; ++oy)
        for (int ox = 0; ox < os.w; ++ox) {
            const graph::PoolSpan span = graph::poolSpan(op, is, oy, ox);
            const std::int32_t count = span.count();
            if (count <= 0) throw Error(op.name + ": a pooling window outside the input");
            for (int c = 0; c < os.c; ++c) {
                std::int32_t acc = isMax ? -128 : 0;
                for (int iy = span.y0; iy < span.y1; ++iy)
                    for (int ix = span.x0; ix < span.x1; ++ix) {
                        const std::int32_t v = x[(std::size_t(iy) * is.w + ix) * is.c + c];
                        acc = isMax ? std::max(acc, v) : acc + v;
                    }
                if (!isMax) acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
                y[(std::size_t(oy) * os.w + ox) * os.c + c] = clampTo(acc, q);
            }
        }
}

// TF Lite Micro's int8 MEAN over H and W (reduce.cc): keep_dims runs
// reference_integer_ops::Mean, otherwise the generic reduction (input and
// output quantized alike: the sum divided by the count, truncated).
void mean(const graph::Graph& g, const graph::Op& op, const OpQuant& q, const TensorQuant& in, const TensorQuant& out,
          const std::vector<std::int8_t>& x, std::vector<std::int8_t>& y) {
    const graph::Shape is = g.tensor(op.inputs[0]).shape;
    const std::int32_t count = is.h * is.w;
    for (int c = 0; c < is.c; ++c) {
        std::int32_t acc = 0;
        if (!op.keepDims) {
            for (int p = 0; p < count; ++p) acc += x[std::size_t(p) * is.c + c];
            y[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(acc / count);
            continue;
        }
        for (int p = 0; p < count; ++p) acc += x[std::size_t(p) * is.c + c] - in.zeroPoint;
        acc = multiplyByQuantizedMultiplier(acc, q.ratio);
        acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
        y[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(std::clamp(acc + out.zeroPoint, -128, 127));
    }
}

void pad(const graph::Graph& g, const graph::Op& op, const OpQuant& q, const std::vector<std::int8_t>& x,
         std::vector<std::int8_t>& y) {
    const graph::Shape is = g.tensor(op.inputs[0]).shape;
    const graph::Shape os = g.tensor(op.output).shape;
    std::fill(y.begin(), y.end(), static_cast<std::int8_t>(q.padValue));
    for (int iy = 0; iy < is.h; ++iy)
        for (int ix = 0; ix < is.w; ++ix)
            for (int c = 0; c < is.c; ++c)
                y[(std::size_t(iy + op.padTop) * os.w + std::size_t(ix + op.padLeft)) * os.c + c] =
                    x[(std::size_t(iy) * is.w + ix) * is.c + c];
}

void concatenation(const graph::Graph& g, const graph::Op& op, const std::vector<std::vector<std::int8_t>>& t,
                   std::vector<std::int8_t>& y) {
    const graph::Shape os = g.tensor(op.output).shape;
    int offset = 0;
    for (int input : op.inputs) {
        const int c = g.tensor(input).shape.c;
        const std::vector<std::int8_t>& x = t[static_cast<std::size_t>(input)];
        for (int p = 0; p < os.h * os.w; ++p)
            for (int k = 0; k < c; ++k) y[std::size_t(p) * os.c + std::size_t(offset + k)] = x[std::size_t(p) * c + k];
        offset += c;
    }
}

// TF Lite's reference_integer_ops::Mul (MulElementwise).
void mul(const OpQuant& q, const TensorQuant& a, const TensorQuant& b, const TensorQuant& out,
         const std::vector<std::int8_t>& xa, const std::vector<std::int8_t>& xb, std::vector<std::int8_t>& y) {
    for (std::size_t e = 0; e < y.size(); ++e) {
        const std::int32_t product = (xa[e] - a.zeroPoint) * (xb[e] - b.zeroPoint);
        y[e] = clampTo(out.zeroPoint + multiplyByQuantizedMultiplier(product, q.ratio), q);
    }
}

}  // namespace

std::vector<std::vector<std::int8_t>> runReference(const QuantizedModel& m, const std::vector<std::int8_t>& input) {
    const graph::Graph& g = m.graph;
    if (input.size() != static_cast<std::size_t>(g.tensor(g.input()).bytes()))
        throw Error("input has " + std::to_string(input.size()) + " bytes, the model takes " +
                    std::to_string(g.tensor(g.input()).bytes()));
    std::vector<std::vector<std::int8_t>> t(g.tensors().size());
    t[static_cast<std::size_t>(g.input())] = input;
    for (int i = 0; i < g.opCount(); ++i) {
        const graph::Op& op = g.op(i);
        const OpQuant& q = m.ops[static_cast<std::size_t>(i)];
        const TensorQuant& in = m.tensors[static_cast<std::size_t>(op.inputs[0])];
        const TensorQuant& out = m.tensors[static_cast<std::size_t>(op.output)];
        const std::vector<std::int8_t>& x = t[static_cast<std::size_t>(op.inputs[0])];
        std::vector<std::int8_t> y(static_cast<std::size_t>(g.tensor(op.output).bytes()));
        switch (op.kind) {
            case OpKind::Conv2D:
            case OpKind::DepthwiseConv2D:
            case OpKind::PointwiseConv2D: conv(g, op, q, in, out, x, y); break;
            case OpKind::Add: {
                const TensorQuant& in2 = m.tensors[static_cast<std::size_t>(op.inputs[1])];
                const std::vector<std::int8_t>& x2 = t[static_cast<std::size_t>(op.inputs[1])];
                for (std::size_t e = 0; e < y.size(); ++e) {
                    const std::int32_t a = (x[e] - in.zeroPoint) * (1 << q.leftShift);
                    const std::int32_t b = (x2[e] - in2.zeroPoint) * (1 << q.leftShift);
                    const std::int32_t sum = multiplyByQuantizedMultiplierSmallerThanOne(a, q.input1) +
                                             multiplyByQuantizedMultiplierSmallerThanOne(b, q.input2);
                    y[e] = clampTo(multiplyByQuantizedMultiplierSmallerThanOne(sum, q.output) + out.zeroPoint, q);
                }
                break;
            }
            case OpKind::AveragePool: {
                const graph::Shape is = g.tensor(op.inputs[0]).shape;
                const std::int32_t count = is.h * is.w;
                for (int c = 0; c < is.c; ++c) {
                    std::int32_t acc = 0;
                    for (int p = 0; p < count; ++p) acc += x[std::size_t(p) * is.c + c];
                    // TF Lite: round half away from zero.
                    acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
                    y[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(std::clamp(acc, -128, 127));
                }
                break;
            }
            case OpKind::Softmax: {
                const graph::Shape is = g.tensor(op.inputs[0]).shape;
                softmaxS8(x.data(), is.h * is.w, is.c, q.softmax, y.data());
                break;
            }
            case OpKind::MaxPool:
            case OpKind::AveragePool2D: pool(g, op, q, x, y); break;
            case OpKind::Mean: mean(g, op, q, in, out, x, y); break;
            case OpKind::Pad: pad(g, op, q, x, y); break;
            case OpKind::Concatenation: concatenation(g, op, t, y); break;
            case OpKind::Mul:
                mul(q, in, m.tensors[static_cast<std::size_t>(op.inputs[1])], out, x,
                    t[static_cast<std::size_t>(op.inputs[1])], y);
                break;
            case OpKind::FullyConnected: {
                const std::size_t n = x.size();
                for (std::size_t o = 0; o < y.size(); ++o) {
                    std::int32_t acc = 0;
                    for (std::size_t e = 0; e < n; ++e) acc += (x[e] - in.zeroPoint) * q.weights[o * n + e];
                    acc += q.bias[o];
                    acc = multiplyByQuantizedMultiplier(acc, q.multipliers[q.multipliers.size() == 1 ? 0 : o]);
                    y[o] = clampTo(acc + out.zeroPoint, q);
                }
                break;
            }
        }
        t[static_cast<std::size_t>(op.output)] = std::move(y);
    }
    return t;
}

std::vector<std::int8_t> runReferenceOutput(const QuantizedModel& m, const std::vector<std::int8_t>& input) {
    return runReference(m, input)[static_cast<std::size_t>(m.graph.output())];
}

}  // namespace mcunet::quant
