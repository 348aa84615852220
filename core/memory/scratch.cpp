#include "memory/scratch.h"

#include "mcunet_kernels.h"

namespace mcunet::memory {

using graph::OpKind;

Scratch scratchFor(const graph::Graph& g, const graph::Op& op, Engine engine) {
    const graph::Shape& in = g.tensor(op.inputs[0]).shape;
    const std::int64_t k2 = std::int64_t(op.kernel) * op.kernelW;  // kh x kw taps
    Scratch s;
    switch (engine) {
        case Engine::TFLiteMicro:
            // CMSIS-NN (DSP build) buffer sizes as TF Lite Micro requests them:
            // arm_convolve_s8: 2 columns of k*k*Cin int16; 1x1 stride-1 "fast"
            // path: none; depthwise 3x3 (pad <= 1) path: none; other depthwise
            // (arm_depthwise_conv_s8_opt): Cin*k*k int16.
            if (op.kind == OpKind::Conv2D) s.im2col = 2 * k2 * in.c * 2;
            if (op.kind == OpKind::PointwiseConv2D && op.stride != 1) s.im2col = 2 * in.c * 2;
            if (op.kind == OpKind::DepthwiseConv2D && !(op.kernel == 3 && op.kernelW == 3)) s.im2col = k2 * in.c * 2;
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
                const std::int64_t padH = op.kernel / 2, padW = op.kernelW / 2;
                s.im2col = 2 * (in.h + 2 * padH) * (in.w + 2 * padW);
            }
            break;
        case Engine::Ours:
            // Our kernels' own figures (mcunet_kernels.h, *_scratch_bytes):
            // conv im2col, the in-place 1x1 copy of the pixels it overwrites,
            // one padded channel for depthwise (in place: the output goes
            // straight back into the tensor, see docs/memory-planning.md).
            switch (op.kind) {
                case OpKind::Conv2D: s.im2col = mcu_conv2d_s8_scratch_bytes(op.kernel, op.kernelW, in.c); break;
                case OpKind::PointwiseConv2D: s.im2col = mcu_pointwise_s8_scratch_bytes(in.c); break;
                case OpKind::DepthwiseConv2D:
                    s.kernelBuffer = mcu_depthwise_s8_scratch_bytes(in.h, in.w, op.kernel, op.kernelW);
                    break;
                case OpKind::Add:
                case OpKind::AveragePool:
                case OpKind::FullyConnected:
                case OpKind::Softmax:
                case OpKind::MaxPool:
                case OpKind::AveragePool2D:
                case OpKind::Mean:
                case OpKind::Pad:
                case OpKind::Concatenation:
                case OpKind::Mul: break;
            }
            break;
    }
    return s;
}

}  // namespace mcunet::memory
