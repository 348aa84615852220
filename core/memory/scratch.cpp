#include "memory/scratch.h"

namespace mcunet::memory {

using graph::OpKind;

Scratch scratchFor(const graph::Graph& g, const graph::Op& op, Engine engine) {
    const graph::Shape& in = g.tensor(op.inputs[0]).shape;
    const std::int64_t k2 = std::int64_t(op.kernel) * op.kernel;
    Scratch s;
    switch (engine) {
        case Engine::TFLiteMicro:
            // CMSIS-NN (DSP build) buffer sizes as TF Lite Micro requests them:
            // arm_convolve_s8: 2 columns of k*k*Cin int16; 1x1 stride-1 "fast"
            // path: none; depthwise 3x3 (pad <= 1) path: none; other depthwise
            // (arm_depthwise_conv_s8_opt): Cin*k*k int16.
            if (op.kind == OpKind::Conv2D) s.im2col = 2 * k2 * in.c * 2;
            if (op.kind == OpKind::PointwiseConv2D && op.stride != 1) s.im2col = 2 * in.c * 2;
            if (op.kind == OpKind::DepthwiseConv2D && op.kernel != 3) s.im2col = k2 * in.c * 2;
            break;
        case Engine::TinyEngine:
            // TinyEngine's code generator (operators/*.py get_sbuf_size and
            // get_kbuf_size): convolutions and fully connected (a 1x1 conv
            // there) take two im2col columns of q15, 4*k*k*Cin bytes; a kxk
            // conv (k > 1) also keeps a q15 copy of its weights (2*k*k*Cin*Cout);
            // in-place depthwise reserves 2*(H+2p)*(W+2p) bytes, p = k/2.
            if (op.kind == OpKind::Conv2D) {
                s.im2col = k2 * in.c * 4;
                s.kernelBuffer = 2 * k2 * in.c * g.tensor(op.output).shape.c;
            }
            if (op.kind == OpKind::PointwiseConv2D || op.kind == OpKind::FullyConnected)
                s.im2col = std::int64_t(in.c) * 4;
            if (op.kind == OpKind::DepthwiseConv2D) {
                const std::int64_t pad = op.kernel / 2;
                s.im2col = 2 * (in.h + 2 * pad) * (in.w + 2 * pad);
            }
            break;
        case Engine::Ours:
            // Our kernels: 1x1 conv copies the two input pixels it is about to
            // overwrite (in place) as q15; general conv im2col as TinyEngine;
            // in-place depthwise keeps one padded input channel only (the
            // output goes straight back into the tensor, see DESIGN.md 5).
            // (Conv rows are padded to a multiple of 4 values: no scalar tail.)
            if (op.kind == OpKind::Conv2D) s.im2col = 2 * ((k2 * in.c + 3) / 4 * 4) * 2;
            if (op.kind == OpKind::PointwiseConv2D) s.im2col = 2 * in.c * 2;
            // (+4: the SIMD path reads rows a word at a time, up to 3 bytes past the last.)
            if (op.kind == OpKind::DepthwiseConv2D)
                s.kernelBuffer = std::int64_t(in.h + op.kernel - 1) * (in.w + op.kernel - 1) + 4;
            break;
    }
    return s;
}

}  // namespace mcunet::memory
