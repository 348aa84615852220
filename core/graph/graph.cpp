#include "graph/graph.h"

#include <algorithm>

#include "common/error.h"

namespace mcunet::graph {

int sameOutputSize(int in, int stride) { return (in + stride - 1) / stride; }

int samePaddingBefore(int in, int kernel, int stride) {
    const int out = sameOutputSize(in, stride);
    const int total = std::max((out - 1) * stride + kernel - in, 0);
    return total / 2;
}

double activate(Activation a, double x) {
    switch (a) {
        case Activation::None: return x;
        case Activation::ReLU6: return std::clamp(x, 0.0, 6.0);
        case Activation::ReLU: return std::max(x, 0.0);
    }
    return x;
}

PoolSpan poolSpan(const Op& op, const Shape& input, int oy, int ox) {
    const int y = oy * op.stride - op.padTop, x = ox * op.strideW - op.padLeft;
    return {std::max(0, y), std::min(input.h, y + op.kernel), std::max(0, x), std::min(input.w, x + op.kernelW)};
}

int Graph::addTensor(std::string name, Shape shape, int producer) {
    Tensor t;
    t.name = std::move(name);
    t.shape = shape;
    t.producer = producer;
    tensors_.push_back(std::move(t));
    return static_cast<int>(tensors_.size()) - 1;
}

const Tensor& Graph::checkedTensor(int i, const std::string& who) const {
    if (i < 0 || i >= tensorCount())
        throw Error(who + ": input tensor " + std::to_string(i) + " does not exist");
    return tensors_[static_cast<std::size_t>(i)];
}

int Graph::addInput(std::string name, Shape shape) {
    if (input_ >= 0) throw Error("graph: the input is already set");
    if (shape.h < 1 || shape.w < 1 || shape.c < 1) throw Error("graph: empty input shape");
    input_ = addTensor(std::move(name), shape, -1);
    return input_;
}

int Graph::addConv(OpKind kind, std::string name, int input, int outChannels, int kernel,
                   int stride, Activation act, int stage, int block, Padding padding) {
    return addConv(kind, std::move(name), input, outChannels, PoolWindow{kernel, kernel, stride, stride, padding}, act, stage,
                   block);
}

int Graph::addConv(OpKind kind, std::string name, int input, int outChannels, const PoolWindow& window, Activation act,
                   int stage, int block) {
    const Tensor& in = checkedTensor(input, name);
    if (window.kh < 1 || window.kw < 1 || window.sh < 1 || window.sw < 1 || outChannels < 1)
        throw Error(name + ": kernel, stride and channels must be positive");
    if (kind == OpKind::DepthwiseConv2D && outChannels % in.shape.c != 0)
        throw Error(name + ": a depthwise conv gives a multiple of its " + std::to_string(in.shape.c) +
                    " input channels (depth multiplier), not " + std::to_string(outChannels));
    if (kind == OpKind::PointwiseConv2D && (window.kh != 1 || window.kw != 1 || window.sh != 1 || window.sw != 1))
        throw Error(name + ": a pointwise conv has kernel 1 and stride 1 (a strided 1x1 is a conv2d)");
    if (kind != OpKind::Conv2D && kind != OpKind::DepthwiseConv2D && kind != OpKind::PointwiseConv2D)
        throw Error(name + ": not a convolution");
    const bool same = window.padding == Padding::Same;
    if (!same && (in.shape.h < window.kh || in.shape.w < window.kw))
        throw Error(name + ": a VALID " + std::to_string(window.kh) + "x" + std::to_string(window.kw) + " window on a " +
                    std::to_string(in.shape.h) + "x" + std::to_string(in.shape.w) + " input leaves no output");
    Op op;
    op.kind = kind;
    op.name = name;
    op.inputs = {input};
    op.kernel = window.kh;
    op.kernelW = window.kw;
    op.stride = window.sh;
    op.strideW = window.sw;
    op.padTop = same ? samePaddingBefore(in.shape.h, window.kh, window.sh) : 0;
    op.padLeft = same ? samePaddingBefore(in.shape.w, window.kw, window.sw) : 0;
    op.activation = act;
    op.stage = stage;
    op.block = block;
    auto size = [&](int n, int k, int s) { return same ? sameOutputSize(n, s) : (n - k) / s + 1; };
    const Shape out{size(in.shape.h, window.kh, window.sh), size(in.shape.w, window.kw, window.sw), outChannels};
    op.output = addTensor(std::move(name), out, opCount());
    ops_.push_back(std::move(op));
    return ops_.back().output;
}

int Graph::addAdd(std::string name, int a, int b, int stage, int block, Activation act) {
    const Tensor& ta = checkedTensor(a, name);
    const Tensor& tb = checkedTensor(b, name);
    if (!(ta.shape == tb.shape)) throw Error(name + ": add of tensors with different shapes");
    Op op;
    op.kind = OpKind::Add;
    op.name = name;
    op.inputs = {a, b};
    op.activation = act;
    op.stage = stage;
    op.block = block;
    const Shape shape = ta.shape;
    op.output = addTensor(std::move(name), shape, opCount());
    ops_.push_back(std::move(op));
    return ops_.back().output;
}

int Graph::addAveragePool(std::string name, int input) {
    const Tensor& in = checkedTensor(input, name);
    Op op;
    op.kind = OpKind::AveragePool;
    op.name = name;
    op.inputs = {input};
    op.kernel = op.kernelW = std::max(in.shape.h, in.shape.w);
    const Shape out{1, 1, in.shape.c};
    op.output = addTensor(std::move(name), out, opCount());
    ops_.push_back(std::move(op));
    return ops_.back().output;
}

int Graph::addFullyConnected(std::string name, int input, int outFeatures) {
    checkedTensor(input, name);
    if (outFeatures < 1) throw Error(name + ": needs at least one output");
    Op op;
    op.kind = OpKind::FullyConnected;
    op.name = name;
    op.inputs = {input};
    const Shape out{1, 1, outFeatures};
    op.output = addTensor(std::move(name), out, opCount());
    ops_.push_back(std::move(op));
    return ops_.back().output;
}

int Graph::addSoftmax(std::string name, int input) {
    const Tensor& in = checkedTensor(input, name);
    if (in.shape.c > 4095)  // TF Lite's int8 softmax sums the exps of a row in Q12
        throw Error(name + ": softmax over " + std::to_string(in.shape.c) + " values (at most 4095)");
    Op op;
    op.kind = OpKind::Softmax;
    op.name = name;
    op.inputs = {input};
    const Shape out = in.shape;
    op.output = addTensor(std::move(name), out, opCount());
    ops_.push_back(std::move(op));
    return ops_.back().output;
}

int Graph::push(Op op, Shape out) {
    op.output = addTensor(op.name, out, opCount());
    ops_.push_back(std::move(op));
    return ops_.back().output;
}

namespace {

// Output size and padding before along one axis (TF Lite's pools: SAME pads
// the total with the extra at the end; VALID keeps whole windows only).
int windowOutput(int in, int k, int s, Padding p, int& before) {
    before = p == Padding::Same ? samePaddingBefore(in, k, s) : 0;
    return p == Padding::Same ? sameOutputSize(in, s) : (in >= k ? (in - k) / s + 1 : 0);
}

}  // namespace

int Graph::addPool(OpKind kind, std::string name, int input, const PoolWindow& w, Activation act) {
    const Tensor& in = checkedTensor(input, name);
    if (w.kh < 1 || w.kw < 1 || w.sh < 1 || w.sw < 1) throw Error(name + ": window and stride must be positive");
    Op op;
    op.kind = kind;
    op.name = name;
    op.inputs = {input};
    op.kernel = w.kh;
    op.kernelW = w.kw;
    op.stride = w.sh;
    op.strideW = w.sw;
    op.activation = act;
    const Shape out{windowOutput(in.shape.h, w.kh, w.sh, w.padding, op.padTop),
                    windowOutput(in.shape.w, w.kw, w.sw, w.padding, op.padLeft), in.shape.c};
    if (out.h < 1 || out.w < 1)
        throw Error(name + ": a VALID " + std::to_string(w.kh) + "x" + std::to_string(w.kw) + " window does not fit " +
                    std::to_string(in.shape.h) + "x" + std::to_string(in.shape.w));
    return push(std::move(op), out);
}

int Graph::addMaxPool(std::string name, int input, const PoolWindow& window, Activation act) {
    return addPool(OpKind::MaxPool, std::move(name), input, window, act);
}

int Graph::addAveragePool2D(std::string name, int input, const PoolWindow& window, Activation act) {
    return addPool(OpKind::AveragePool2D, std::move(name), input, window, act);
}

int Graph::addMean(std::string name, int input, bool keepDims) {
    const Tensor& in = checkedTensor(input, name);
    Op op;
    op.kind = OpKind::Mean;
    op.name = name;
    op.inputs = {input};
    op.kernel = in.shape.h;
    op.kernelW = in.shape.w;
    op.keepDims = keepDims;
    return push(std::move(op), Shape{1, 1, in.shape.c});
}

int Graph::addPad(std::string name, int input, int top, int bottom, int left, int right) {
    const Tensor& in = checkedTensor(input, name);
    if (top < 0 || bottom < 0 || left < 0 || right < 0) throw Error(name + ": negative padding");
    const std::int64_t h = std::int64_t(in.shape.h) + top + bottom, w = std::int64_t(in.shape.w) + left + right;
    if (h > (1 << 24) || w > (1 << 24)) throw Error(name + ": padded to more than 2^24 rows or columns");
    Op op;
    op.kind = OpKind::Pad;
    op.name = name;
    op.inputs = {input};
    op.padTop = top;
    op.padLeft = left;
    return push(std::move(op), Shape{static_cast<int>(h), static_cast<int>(w), in.shape.c});
}

int Graph::addConcatenation(std::string name, const std::vector<int>& inputs) {
    if (inputs.size() < 2) throw Error(name + ": a concatenation takes at least two inputs");
    const Shape first = checkedTensor(inputs[0], name).shape;
    std::int64_t channels = 0;
    for (int t : inputs) {
        const Shape s = checkedTensor(t, name).shape;
        if (s.h != first.h || s.w != first.w)
            throw Error(name + ": concatenation of " + std::to_string(s.h) + "x" + std::to_string(s.w) + " and " +
                        std::to_string(first.h) + "x" + std::to_string(first.w) + " tensors (channels only)");
        channels += s.c;
    }
    if (channels > (1 << 24)) throw Error(name + ": more than 2^24 channels");
    Op op;
    op.kind = OpKind::Concatenation;
    op.name = name;
    op.inputs = inputs;
    return push(std::move(op), Shape{first.h, first.w, static_cast<int>(channels)});
}

int Graph::addMul(std::string name, int a, int b, Activation act) {
    const Tensor& ta = checkedTensor(a, name);
    const Tensor& tb = checkedTensor(b, name);
    if (!(ta.shape == tb.shape)) throw Error(name + ": product of tensors with different shapes");
    Op op;
    op.kind = OpKind::Mul;
    op.name = name;
    op.inputs = {a, b};
    op.activation = act;
    return push(std::move(op), ta.shape);
}

std::vector<int> Graph::lastUse() const {
    std::vector<int> last(tensors_.size(), -1);
    for (std::size_t t = 0; t < tensors_.size(); ++t) last[t] = std::max(tensors_[t].producer, 0);
    for (int i = 0; i < opCount(); ++i)
        for (int in : ops_[static_cast<std::size_t>(i)].inputs) last[static_cast<std::size_t>(in)] = i;
    if (output_ >= 0) last[static_cast<std::size_t>(output_)] = std::max(opCount() - 1, 0);
    return last;
}

std::vector<int> Graph::consumerCount() const {
    std::vector<int> n(tensors_.size(), 0);
    for (const Op& op : ops_)
        for (int in : op.inputs) ++n[static_cast<std::size_t>(in)];
    return n;
}

void Graph::validate() const {
    if (input_ < 0) throw Error("graph: no input");
    if (output_ < 0 || output_ >= tensorCount()) throw Error("graph: no output");
    if (ops_.empty()) throw Error("graph: no ops");
    for (int i = 0; i < opCount(); ++i) {
        const Op& op = ops_[static_cast<std::size_t>(i)];
        for (int in : op.inputs) {
            if (in < 0 || in >= tensorCount()) throw Error(op.name + ": bad input tensor");
            if (tensors_[static_cast<std::size_t>(in)].producer >= i)
                throw Error(op.name + ": reads a tensor produced later (ops not in execution order)");
        }
        if (op.output < 0 || op.output >= tensorCount() ||
            tensors_[static_cast<std::size_t>(op.output)].producer != i)
            throw Error(op.name + ": bad output tensor");
    }
}

}  // namespace mcunet::graph
