#include "cost/instructions.h"

#include <algorithm>
#include <cstdint>

#include "graph/ops.h"

namespace mcunet::cost {

namespace {

using graph::OpKind;

// Coefficients fitted to the virtual boards' per-layer counts
// (docs/cost-model.md: the data, the features, the held-out errors).
namespace fit {
// 1x1 convolution (mcu_fast_pointwise3: three pixels at a time).
constexpr double kPwMac3 = 1.017, kPwMac3WideInput = 0.303, kPwMacPairTail = 0.900, kPwOut = 10.89, kPwIn = 1.522,
                 kPwInDoubled = 1.218;
// Depthwise: per output computed in pairs, by kernel 3/5/7 and stride 1/2;
// per output of an odd last column, by kernel; the padded plane; weight packing.
constexpr double kDwPair[3][2] = {{19.84, 26.17}, {48.61, 55.57}, {88.81, 103.93}};
constexpr double kDwOdd[3] = {23.17, 70.71, 128.84};
constexpr double kDwPlane = 1.676, kDwChannelK = 8.828, kDwLayer = 46.44;
// General convolution (im2col of two pixels, GEMM over rows padded to 4).
constexpr double kConvMacPadded = 1.3265, kConvTap = 3.239, kConvOut = 11.22, kConvPixel = 42.89;
// Single-channel stem (mcu_fast_conv2d_c1): per pair by kernel and stride,
// per single output per kernel row, per border-span instruction, per row.
constexpr double kC1Pair[3][2] = {{49.15, 44.40}, {101.0, 107.9}, {146.5, 171.5}};
constexpr double kC1SingleK = 20.12, kC1Span = 1.0707, kC1Row = 21.93;
constexpr double kAddOut = 17.70, kAddLayer = 62.26;
constexpr double kGapIn = 5.989, kGapChannel = 17.16, kGapLayer = 33.43;
constexpr double kFcMac = 1.973, kFcLayer = 27.29;
// Ops the fit did not cover: the op table's per-element default plus a small call.
constexpr double kOtherLayer = 100;
// The general mcu_conv2d_s8 (windows that are not square), fitted on the
// first layer of six DS-CNN-shaped networks on virtual-m4 (kernels 10x4,
// 5x3, 3x5, 7x2; 8 to 64 filters; one input channel): per im2col element,
// per MAC, per output, per output pixel.
constexpr double kGenConvTap = 40.73, kGenConvMac = 1.451, kGenConvOut = 71.2, kGenConvPixel = -159.0;
}  // namespace fit

// Kernels 3, 5, 7 and strides 1, 2 are fitted; others scale the nearest by taps.
double byKernel(const double (&table)[3], int k) {
    const int i = k <= 3 ? 0 : k <= 5 ? 1 : 2;
    const int fitted = 3 + 2 * i;
    return table[i] * double(k * k) / double(fitted * fitted);
}

double byKernelStride(const double (&table)[3][2], int k, int s) {
    const int i = k <= 3 ? 0 : k <= 5 ? 1 : 2;
    const int fitted = 3 + 2 * i;
    return table[i][s <= 1 ? 0 : 1] * double(k * k) / double(fitted * fitted);
}

double pointwise(std::int64_t pixels, std::int64_t cin, std::int64_t cout) {
    const double mac3 = double(3 * (pixels / 3) * cin * cout);
    const double tail = pixels % 3 ? double(2 * cin * cout) : 0.0;  // the last one or two pixels: the pair kernel
    const double in = double(pixels * cin);
    return fit::kPwMac3 * mac3 + (cin > 128 ? fit::kPwMac3WideInput * mac3 : 0.0) + fit::kPwMacPairTail * tail +
           fit::kPwOut * double(pixels * cout) + fit::kPwIn * in + (3 * cout > 2 * cin ? fit::kPwInDoubled * in : 0.0);
}

// A window that is not square takes the general plane path of
// mcu_depthwise_s8_hw (one output at a time, every tap a load, a multiply
// and an add): not fitted to measurements yet (about 4 per tap and 20 per
// output, from its loop).
double depthwiseAnyWindow(const graph::Op& op, const graph::Shape& out) {
    const double bh = double((out.h - 1) * op.stride + op.kernel), bw = double((out.w - 1) * op.strideW + op.kernelW);
    const double outputs = double(out.elements());
    return outputs * (4.0 * op.kernel * op.kernelW + 20.0) + fit::kDwPlane * bh * bw * out.c + fit::kDwLayer;
}

double depthwise(const graph::Op& op, const graph::Shape& out) {
    if (!op.isSquare()) return depthwiseAnyWindow(op, out);
    const int k = op.kernel, s = op.stride;
    const double bh = double((out.h - 1) * s + k), bw = double((out.w - 1) * s + k);
    const double pairs = double(2 * (out.w / 2)) * out.h * out.c;
    const double odd = double(out.w % 2) * out.h * out.c;
    return byKernelStride(fit::kDwPair, k, s) * pairs + byKernel(fit::kDwOdd, k) * odd + fit::kDwPlane * bh * bw * out.c +
           fit::kDwChannelK * double(out.c) * k + fit::kDwLayer;
}

// What mcu_fast_conv2d_c1 does for one output channel: pairs and single
// outputs read straight from the input, the border through
// mcu_fast_conv2d_c1_span (its instructions counted from its disassembly:
// about 95 + 4 per tap per call, 54 per output, 11 per tap row, 6 per tap).
double stemChannel(const graph::Shape& in, const graph::Shape& out, const graph::Op& op) {
    const int h = in.h, w = in.w, k = op.kernel, s = op.stride, pt = op.padTop, pl = op.padLeft;
    const int y0 = (pt + s - 1) / s, y1 = h - k + pt >= 0 ? (h - k + pt) / s + 1 : 0;
    const int x0 = (pl + s - 1) / s, x1 = w - k + pl >= 0 ? (w - k + pl) / s + 1 : 0;
    const std::int64_t reach = s + (k > 3 ? 8 : 4), end = std::int64_t(h) * w;
    double pairs = 0, singles = 0, spanCost = 0;
    auto span = [&](int oy, int a, int b) {
        if (a >= b) return;
        const int iy0 = oy * s - pt;
        const int ky0 = iy0 < 0 ? -iy0 : 0, ky1 = h - iy0 < k ? h - iy0 : k;
        const int rows = std::max(0, ky1 - ky0);
        spanCost += 95 + 4 * k * k;
        for (int ox = a; ox < b; ++ox) {
            const int ix0 = ox * s - pl;
            const int kx0 = ix0 < 0 ? -ix0 : 0, kx1 = w - ix0 < k ? w - ix0 : k;
            spanCost += 54 + 11 * rows + 6 * rows * std::max(0, kx1 - kx0);
        }
    };
    for (int oy = 0; oy < out.h; ++oy) {
        int ox = 0;
        if (oy >= y0 && oy < y1) {
            const std::int64_t last = std::int64_t(oy * s - pt + k - 1) * w - pl;
            if (x0 > 0) span(oy, 0, x0);
            ox = x0;
            while (ox + 1 < x1 && last + std::int64_t(ox) * s + reach <= end) {
                ++pairs;
                ox += 2;
            }
            if (ox < x1 && last + std::int64_t(ox) * s + (k > 4 ? 8 : 4) <= end) {
                ++singles;
                ++ox;
            }
        }
        if (ox < out.w) span(oy, ox, out.w);
    }
    return byKernelStride(fit::kC1Pair, k, s) * pairs + fit::kC1SingleK * singles * k + fit::kC1Span * spanCost +
           fit::kC1Row * out.h;
}

// mcu_conv2d_s8: im2col of every output pixel (bounds checked tap by tap),
// then a dot product per output channel for two pixels at a time.
double generalConvolution(const graph::Op& op, const graph::Shape& in, const graph::Shape& out) {
    const double pixels = double(out.h) * out.w, taps = double(op.kernel) * op.kernelW * in.c;
    return fit::kGenConvTap * pixels * taps + fit::kGenConvMac * pixels * taps * out.c + fit::kGenConvOut * pixels * out.c +
           fit::kGenConvPixel * pixels;
}

double convolution(const graph::Op& op, const graph::Shape& in, const graph::Shape& out) {
    if (!op.isSquare()) return generalConvolution(op, in, out);
    if (in.c == 1) return double(out.c) * stemChannel(in, out, op);  // the fast stem kernel
    const double pixels = double(out.h) * out.w;
    const std::int64_t taps = std::int64_t(op.kernel) * op.kernelW * in.c;
    const double padded = double((taps + 3) / 4 * 4);
    return fit::kConvMacPadded * pixels * padded * out.c + fit::kConvTap * pixels * double(taps) +
           fit::kConvOut * pixels * out.c + fit::kConvPixel * pixels;
}

}  // namespace

double estimateInstructions(const graph::Graph& g, const graph::Op& op) {
    const graph::Shape& in = g.tensor(op.inputs.front()).shape;
    const graph::Shape& out = g.tensor(op.output).shape;
    switch (op.kind) {
        case OpKind::PointwiseConv2D:
            return pointwise(std::int64_t(out.h) * out.w, in.c, out.c);
        case OpKind::DepthwiseConv2D:
            return depthwise(op, out);
        case OpKind::Conv2D:
            return convolution(op, in, out);
        case OpKind::Add:
            return fit::kAddOut * double(out.elements()) + fit::kAddLayer;
        case OpKind::AveragePool:
            return fit::kGapIn * double(in.elements()) + fit::kGapChannel * out.c + fit::kGapLayer;
        case OpKind::FullyConnected:
            return fit::kFcMac * double(graph::macCount(g, op)) + fit::kFcLayer;
        case OpKind::Softmax:
        case OpKind::MaxPool:
        case OpKind::AveragePool2D:
        case OpKind::Mean:
        case OpKind::Pad:
        case OpKind::Concatenation:
        case OpKind::Mul:
            break;
    }
    const graph::OpInfo& info = graph::opInfo(op.kind);
    const double units = info.costBasis == graph::CostBasis::PerMac ? double(graph::macCount(g, op))
                                                                    : double(graph::costElements(g, op));
    return info.defaultCycles * units + fit::kOtherLayer;
}

}  // namespace mcunet::cost
