#pragma once
// The concrete layer graph: the one IR that cost, memory planning, quantization,
// code generation and model import/export all read. Any DAG of the ops below;
// ops are stored in execution order (every input is produced by an earlier op
// or is the graph input). Tensors are int8 HWC (batch 1), so a tensor's bytes
// are its element count.
#include <cstdint>
#include <string>
#include <vector>

namespace mcunet::graph {

// Every kind has an entry in the op table (graph/ops.h), in this order.
enum class OpKind {
    Conv2D, DepthwiseConv2D, PointwiseConv2D, Add, AveragePool, FullyConnected, Softmax,
    MaxPool, AveragePool2D, Mean, Pad, Concatenation, Mul
};
inline constexpr int kOpKindCount = 13;
// Fused activations: none, min(max(x, 0), 6) and max(x, 0) (TF Lite's
// NONE, RELU6 and RELU; the int8 clamp is quant::OpQuant's).
enum class Activation { None, ReLU6, ReLU };
double activate(Activation a, double x);  // the float activation

const char* opKindName(OpKind kind);  // the op table's name: "conv2d", "depthwise_conv2d", ...

struct Shape {
    int h = 1, w = 1, c = 1;
    std::int64_t elements() const { return std::int64_t(h) * w * c; }
    bool operator==(const Shape&) const = default;
};

// Room for int8 quantization (filled by core/quant): per-tensor or per-channel.
struct QuantParams {
    std::vector<float> scales;
    std::vector<std::int32_t> zeroPoints;
};

enum class Padding { Same, Valid };

// A window of a pool or a convolution: height and width, vertical and
// horizontal stride, padding.
struct PoolWindow {
    int kh = 1, kw = 1, sh = 1, sw = 1;
    Padding padding = Padding::Valid;
};

struct Tensor {
    std::string name;
    Shape shape;
    int producer = -1;  // op index, -1 for the graph input
    QuantParams quant;
    std::int64_t bytes() const { return shape.elements(); }
};

struct Op {
    OpKind kind = OpKind::Conv2D;
    std::string name;
    std::vector<int> inputs;  // tensor indices (opInfo(kind).inputs of them)
    int output = -1;
    int kernel = 1;                // window height
    int stride = 1;                // vertical stride
    int kernelW = 1, strideW = 1;  // window width and horizontal stride (convolutions and pools may differ:
                                   // keyword spotting's 10x4 kernels on 49x10 MFCC inputs); isSquare()
    bool isSquare() const { return kernel == kernelW && stride == strideW; }
    // Padding before the first row and column: TF Lite SAME padding (the
    // total split with the extra at the end), 0 for VALID, PAD's own. The
    // padding after is what the output shape leaves (pools ignore it, PAD
    // fills it).
    int padTop = 0, padLeft = 0;
    bool keepDims = true;  // mean only: TF Lite's keep_dims (its int8 arithmetic differs, docs/tflite-import.md)
    Activation activation = Activation::None;
    int stage = -1;  // architecture stage (-1: stem / first block / head), for grouping in views
    int block = -1;  // MBConv block index within the whole network (-1: not in a block)
};

class Graph {
public:
    int addInput(std::string name, Shape shape);
    // Adds an op, computes its output shape and returns the output tensor index.
    // Throws mcunet::Error when inputs or parameters do not fit together.
    // SAME padding (TF Lite's: the total split with the extra at the end), or
    // VALID (no padding: whole windows only; the input at least the kernel).
    int addConv(OpKind kind, std::string name, int input, int outChannels, int kernel, int stride,
                Activation act, int stage = -1, int block = -1, Padding padding = Padding::Same);
    // Any window: kh x kw kernel, vertical and horizontal strides, SAME or VALID
    // (per axis as above).
    int addConv(OpKind kind, std::string name, int input, int outChannels, const PoolWindow& window, Activation act,
                int stage = -1, int block = -1);
    // Elementwise sum of two tensors of one shape (TF Lite ADD), with its fused activation.
    int addAdd(std::string name, int a, int b, int stage = -1, int block = -1, Activation act = Activation::None);
    int addAveragePool(std::string name, int input);  // global average pool to 1x1xC
    int addFullyConnected(std::string name, int input, int outFeatures);
    // Softmax over the channels of every pixel (TF Lite SOFTMAX, beta 1).
    int addSoftmax(std::string name, int input);
    // Pools with any window and stride, SAME or VALID (TF Lite MAX_POOL_2D,
    // AVERAGE_POOL_2D); padding positions are left out of the max or mean.
    int addMaxPool(std::string name, int input, const PoolWindow& window, Activation act = Activation::None);
    int addAveragePool2D(std::string name, int input, const PoolWindow& window, Activation act = Activation::None);
    // Mean over H and W to 1x1xC, requantized to the output's scale (TF Lite MEAN, axis [1, 2]).
    int addMean(std::string name, int input, bool keepDims = true);
    // Constant padding of H and W (TF Lite PAD / PADV2; the value is quant::OpQuant::padValue).
    int addPad(std::string name, int input, int top, int bottom, int left, int right);
    // Channel concatenation of two or more tensors of one H x W (TF Lite CONCATENATION, axis 3).
    int addConcatenation(std::string name, const std::vector<int>& inputs);
    // Elementwise product of two tensors of one shape (TF Lite MUL).
    int addMul(std::string name, int a, int b, Activation act = Activation::None);
    void setOutput(int tensor) { output_ = tensor; }

    const std::vector<Tensor>& tensors() const { return tensors_; }
    const std::vector<Op>& ops() const { return ops_; }
    const Tensor& tensor(int i) const { return tensors_[static_cast<std::size_t>(i)]; }
    const Op& op(int i) const { return ops_[static_cast<std::size_t>(i)]; }
    int opCount() const { return static_cast<int>(ops_.size()); }
    int tensorCount() const { return static_cast<int>(tensors_.size()); }
    int input() const { return input_; }
    int output() const { return output_; }
    Tensor& mutableTensor(int i) { return tensors_[static_cast<std::size_t>(i)]; }

    // Index of the last op reading each tensor; the graph output is live to the
    // last op; a tensor nobody reads dies where it is produced.
    std::vector<int> lastUse() const;
    // Number of ops reading each tensor.
    std::vector<int> consumerCount() const;

    // Structural checks (indices, order, shapes); throws mcunet::Error.
    void validate() const;

private:
    int addTensor(std::string name, Shape shape, int producer);
    const Tensor& checkedTensor(int i, const std::string& who) const;
    int addPool(OpKind kind, std::string name, int input, const PoolWindow& window, Activation act);
    int push(Op op, Shape out);
    std::vector<Tensor> tensors_;
    std::vector<Op> ops_;
    int input_ = -1;
    int output_ = -1;
};

// Output spatial size of a SAME-padded window op.
int sameOutputSize(int in, int stride);
// Padding before (top/left) for TF Lite SAME padding.
int samePaddingBefore(int in, int kernel, int stride);

// The input rows [y0, y1) and columns [x0, x1) a pool's output (oy, ox) reads:
// its window clipped to the input (padding positions are left out).
struct PoolSpan {
    int y0, y1, x0, x1;
    int count() const { return (y1 - y0) * (x1 - x0); }
};
PoolSpan poolSpan(const Op& op, const Shape& input, int oy, int ox);

}  // namespace mcunet::graph
