#include "nas/networks.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "common/error.h"
#include "graph/build.h"
#include "graph/ops.h"

namespace mcunet::nas {

namespace {

torch::Tensor clampRelu6(const torch::Tensor& x) { return torch::hardtanh(x, 0.0, 6.0); }

// Module names may not contain '.', op names do ("s1.b2.dw").
std::string moduleName(const std::string& opName) {
    std::string s = opName;
    std::replace(s.begin(), s.end(), '.', '_');
    return s;
}

void copyBatchNorm(BatchNorm& to, BatchNorm& from, std::int64_t channels) {
    to->weight.copy_(from->weight.narrow(0, 0, channels));
    to->bias.copy_(from->bias.narrow(0, 0, channels));
    to->runningMean.copy_(from->runningMean.narrow(0, 0, channels));
    to->runningVar.copy_(from->runningVar.narrow(0, 0, channels));
}

void copyInto(std::vector<float>& out, const torch::Tensor& t) {
    const torch::Tensor c = t.to(torch::kCPU, torch::kFloat).contiguous();
    out.resize(static_cast<std::size_t>(c.numel()));
    std::memcpy(out.data(), c.data_ptr<float>(), out.size() * sizeof(float));
}

}  // namespace

torch::Tensor sameConv(const torch::Tensor& x, const torch::Tensor& weight, int stride, int groups) {
    return sameConv(x, weight, stride, stride, groups);
}

torch::Tensor sameConv(const torch::Tensor& x, const torch::Tensor& weight, int strideH, int strideW, int groups) {
    // TF Lite SAME: out = ceil(in / stride); the total padding is split with the
    // extra pixel after (graph::samePaddingBefore).
    auto pads = [&](std::int64_t in, std::int64_t k, std::int64_t stride) {
        const std::int64_t out = (in + stride - 1) / stride;
        const std::int64_t total = std::max<std::int64_t>((out - 1) * stride + k - in, 0);
        return std::pair<std::int64_t, std::int64_t>{total / 2, total - total / 2};
    };
    const auto [top, bottom] = pads(x.size(2), weight.size(2), strideH);
    const auto [left, right] = pads(x.size(3), weight.size(3), strideW);
    const std::array<std::int64_t, 2> strides{strideH, strideW}, dilation{1, 1};
    if (top == bottom && left == right) {
        const std::array<std::int64_t, 2> padding{top, left};
        return torch::conv2d(x, weight, torch::Tensor(), at::IntArrayRef(strides), at::IntArrayRef(padding),
                             at::IntArrayRef(dilation), groups);
    }
    const std::array<std::int64_t, 2> none{0, 0};
    const std::array<std::int64_t, 4> pad{left, right, top, bottom};
    return torch::conv2d(torch::constant_pad_nd(x, at::IntArrayRef(pad), 0), weight, torch::Tensor(),
                         at::IntArrayRef(strides), at::IntArrayRef(none), at::IntArrayRef(dilation), groups);
}

BatchNormImpl::BatchNormImpl(int channels) {
    weight = register_parameter("weight", torch::ones({channels}));
    bias = register_parameter("bias", torch::zeros({channels}));
    runningMean = register_buffer("running_mean", torch::zeros({channels}));
    runningVar = register_buffer("running_var", torch::ones({channels}));
}

namespace {

Collective* gSync = nullptr;

// Sum over ranks, in both directions: the gradient of a sum is summed too.
struct AllReduceSum : torch::autograd::Function<AllReduceSum> {
    static torch::Tensor sum(const torch::Tensor& x) {
        torch::Tensor y = x.detach().to(torch::kCPU).contiguous().clone();
        gSync->allReduceSum(y.data_ptr<float>(), static_cast<std::size_t>(y.numel()));
        return y.to(x.device());
    }
    static torch::Tensor forward(torch::autograd::AutogradContext*, const torch::Tensor& x) { return sum(x); }
    static torch::autograd::variable_list backward(torch::autograd::AutogradContext*, torch::autograd::variable_list g) {
        return {sum(g[0])};
    }
};

}  // namespace

SyncBatchNormScope::SyncBatchNormScope(Collective* c) { gSync = c; }
SyncBatchNormScope::~SyncBatchNormScope() { gSync = nullptr; }

torch::Tensor BatchNormImpl::forward(const torch::Tensor& x, double momentum) {
    const std::int64_t c = x.size(1);
    auto first = [c](const torch::Tensor& t) { return c == t.size(0) ? t : t.narrow(0, 0, c); };
    if (is_training() && gSync) {
        // Moments of the global batch: sums over every rank's part (equal parts).
        // Two passes (mean, then squared deviations): E[x^2] - E[x]^2 in float
        // cancels badly when the variance is small next to the mean, and then
        // 1 and N processes drift apart.
        const double n = double(x.size(0) * x.size(2) * x.size(3)) * gSync->size();
        const torch::Tensor mean = AllReduceSum::apply(x.sum({0, 2, 3})) / n;
        const torch::Tensor centred = x - mean.view({1, -1, 1, 1});
        const torch::Tensor var = AllReduceSum::apply((centred * centred).sum({0, 2, 3})) / n;
        {
            torch::NoGradGuard noGrad;
            torch::Tensor rm = first(runningMean), rv = first(runningVar);
            rm.mul_(1.0 - momentum).add_(mean.detach() * momentum);
            rv.mul_(1.0 - momentum).add_(var.detach() * (momentum * n / std::max(1.0, n - 1.0)));
        }
        const torch::Tensor scale = first(weight) * torch::rsqrt(var + kEps);
        return centred * scale.view({1, -1, 1, 1}) + first(bias).view({1, -1, 1, 1});
    }
    return torch::batch_norm(x, first(weight), first(bias), first(runningMean), first(runningVar), is_training(),
                             momentum, kEps, false);
}

ConvBnImpl::ConvBnImpl(int inChannels, int outChannels, int kernel, bool depthwise)
    : ConvBnImpl(inChannels, outChannels, kernel, kernel, depthwise) {}

ConvBnImpl::ConvBnImpl(int inChannels, int outChannels, int kernelH, int kernelW, bool depthwise) {
    weight = register_parameter("weight", torch::empty({outChannels, depthwise ? 1 : inChannels, kernelH, kernelW}));
    // He initialization over fan-out, as torchvision's MobileNetV2 and Once-for-All.
    torch::nn::init::kaiming_normal_(weight, 0.0, torch::kFanOut, torch::kReLU);
    bn = register_module("bn", BatchNorm(outChannels));
}

// ---------------------------------------------------------------------------
// GraphNet

namespace {

// TF Lite's pools on NCHW: padding positions take no part (max: padded with
// -inf; average: the window sum over the count of input positions).
// A convolution padded VALID (graph::Graph::addConv): whole windows only.
bool sameSized(const graph::Graph& g, const graph::Op& op) {
    const graph::Shape is = g.tensor(op.inputs[0]).shape, os = g.tensor(op.output).shape;
    return os.h == graph::sameOutputSize(is.h, op.stride) && os.w == graph::sameOutputSize(is.w, op.strideW);
}

torch::Tensor validConv(const torch::Tensor& x, const torch::Tensor& weight, int strideH, int strideW, int groups) {
    const std::array<std::int64_t, 2> strides{strideH, strideW}, none{0, 0}, dilation{1, 1};
    return torch::conv2d(x, weight, torch::Tensor(), at::IntArrayRef(strides), at::IntArrayRef(none),
                         at::IntArrayRef(dilation), groups);
}

torch::Tensor windowPool(const graph::Graph& g, const graph::Op& op, const torch::Tensor& x) {
    const graph::Shape is = g.tensor(op.inputs[0]).shape, os = g.tensor(op.output).shape;
    const std::int64_t right = std::max<std::int64_t>(0, std::int64_t(os.w - 1) * op.strideW + op.kernelW - is.w - op.padLeft);
    const std::int64_t bottom = std::max<std::int64_t>(0, std::int64_t(os.h - 1) * op.stride + op.kernel - is.h - op.padTop);
    const std::vector<std::int64_t> pads{op.padLeft, right, op.padTop, bottom};
    const std::vector<std::int64_t> k{op.kernel, op.kernelW}, s{op.stride, op.strideW};
    if (op.kind == graph::OpKind::MaxPool)
        return torch::max_pool2d(torch::constant_pad_nd(x, pads, -std::numeric_limits<double>::infinity()), k, s);
    const torch::Tensor sum = torch::avg_pool2d(torch::constant_pad_nd(x, pads, 0.0), k, s);
    const torch::Tensor count = torch::avg_pool2d(torch::constant_pad_nd(torch::ones_like(x.narrow(1, 0, 1)), pads, 0.0), k, s);
    return sum / count;
}

}  // namespace

GraphNetImpl::GraphNetImpl(const graph::Graph& g) : graph_(g) {
    for (const graph::Op& op : graph_.ops()) {
        const int cin = graph_.tensor(op.inputs[0]).shape.c;
        const int cout = graph_.tensor(op.output).shape.c;
        switch (op.kind) {
            case graph::OpKind::Conv2D:
            case graph::OpKind::PointwiseConv2D:
            case graph::OpKind::DepthwiseConv2D:
                convs_.emplace(op.name, register_module(moduleName(op.name),
                                                        ConvBn(cin, cout, op.kernel, op.kernelW, op.kind == graph::OpKind::DepthwiseConv2D)));
                break;
            case graph::OpKind::FullyConnected: {
                const graph::Shape in = graph_.tensor(op.inputs[0]).shape;
                if (in.h != 1 || in.w != 1 || classifier_)
                    throw Error(op.name + ": training supports one classifier after global pooling");
                classifier_ = register_module("classifier", torch::nn::Linear(cin, cout));
                break;
            }
            case graph::OpKind::Softmax:
                if (op.output != graph_.output()) throw Error(op.name + ": training takes a softmax only as the last op");
                break;
            case graph::OpKind::Add:
            case graph::OpKind::AveragePool:
            case graph::OpKind::MaxPool:
            case graph::OpKind::AveragePool2D:
            case graph::OpKind::Mean:
            case graph::OpKind::Pad:
            case graph::OpKind::Concatenation:
            case graph::OpKind::Mul:
                break;
        }
    }
    if (!classifier_) throw Error("training needs a network that ends in a classifier");
}

torch::Tensor GraphNetImpl::forward(const torch::Tensor& x) {
    std::vector<torch::Tensor> t(static_cast<std::size_t>(graph_.tensorCount()));
    t[static_cast<std::size_t>(graph_.input())] = x;
    for (const graph::Op& op : graph_.ops()) {
        const torch::Tensor& in = t[static_cast<std::size_t>(op.inputs[0])];
        torch::Tensor y;
        switch (op.kind) {
            case graph::OpKind::Conv2D:
            case graph::OpKind::PointwiseConv2D:
            case graph::OpKind::DepthwiseConv2D: {
                ConvBn& cb = convs_.at(op.name);
                const int groups = op.kind == graph::OpKind::DepthwiseConv2D ? static_cast<int>(in.size(1)) : 1;
                const bool valid = !sameSized(graph_, op);
                y = cb->bn(valid ? validConv(in, cb->weight, op.stride, op.strideW, groups)
                                 : sameConv(in, cb->weight, op.stride, op.strideW, groups),
                           bnMomentum_);
                break;
            }
            case graph::OpKind::Add: y = in + t[static_cast<std::size_t>(op.inputs[1])]; break;
            case graph::OpKind::AveragePool: y = in.mean({2, 3}, true); break;
            case graph::OpKind::FullyConnected: y = classifier_(in.flatten(1)); break;
            case graph::OpKind::Softmax: y = in; break;  // logits: the loss applies the softmax
            case graph::OpKind::MaxPool:
            case graph::OpKind::AveragePool2D: y = windowPool(graph_, op, in); break;
            case graph::OpKind::Mean: y = in.mean({2, 3}, true); break;
            case graph::OpKind::Pad: {
                const graph::Shape is = graph_.tensor(op.inputs[0]).shape, os = graph_.tensor(op.output).shape;
                y = torch::constant_pad_nd(in, {op.padLeft, os.w - is.w - op.padLeft, op.padTop, os.h - is.h - op.padTop});
                break;
            }
            case graph::OpKind::Concatenation: {
                std::vector<torch::Tensor> parts;
                for (int i : op.inputs) parts.push_back(t[static_cast<std::size_t>(i)]);
                y = torch::cat(parts, 1);
                break;
            }
            case graph::OpKind::Mul: y = in * t[static_cast<std::size_t>(op.inputs[1])]; break;
        }
        if (op.activation == graph::Activation::ReLU6) y = clampRelu6(y);
        if (op.activation == graph::Activation::ReLU) y = torch::relu(y);
        t[static_cast<std::size_t>(op.output)] = std::move(y);
    }
    return t[static_cast<std::size_t>(graph_.output())].flatten(1);
}

quant::FloatModel GraphNetImpl::toFloatModel() {
    torch::NoGradGuard noGrad;
    quant::FloatModel m{graph_, {}};
    m.ops.resize(graph_.ops().size());
    for (int i = 0; i < graph_.opCount(); ++i) {
        const graph::Op& op = graph_.op(i);
        quant::FloatWeights& fw = m.ops[static_cast<std::size_t>(i)];
        if (op.kind == graph::OpKind::FullyConnected) {
            copyInto(fw.weights, classifier_->weight);
            copyInto(fw.bias, classifier_->bias);
            continue;
        }
        if (!convs_.count(op.name)) continue;
        ConvBn& cb = convs_.at(op.name);
        // BatchNorm folded: w' = w * g / sqrt(var + eps), b' = beta - mean * g / sqrt(var + eps).
        const torch::Tensor scale = cb->bn->weight / torch::sqrt(cb->bn->runningVar + BatchNormImpl::kEps);
        const torch::Tensor w = cb->weight * scale.view({-1, 1, 1, 1});
        copyInto(fw.bias, cb->bn->bias - cb->bn->runningMean * scale);
        switch (op.kind) {
            case graph::OpKind::Conv2D: copyInto(fw.weights, w.permute({0, 2, 3, 1})); break;           // OHWI
            case graph::OpKind::DepthwiseConv2D: copyInto(fw.weights, w.select(1, 0).permute({1, 2, 0})); break;  // [kh][kw][C]
            case graph::OpKind::PointwiseConv2D: copyInto(fw.weights, w.flatten(1)); break;            // [Cout][Cin]
            default: break;
        }
    }
    return m;
}

void setBatchNormMomentum(GraphNetImpl& net, double m) { net.bnMomentum_ = m; }

void GraphNetImpl::recalibrateBatchNorm(const std::vector<torch::Tensor>& batches) {
    torch::NoGradGuard noGrad;
    for (auto& [name, cb] : convs_) {
        cb->bn->runningMean.zero_();
        cb->bn->runningVar.fill_(1.0);
    }
    const bool wasTraining = is_training();
    train(true);
    // Momentum 1/(i+1): the running statistics become the plain mean over batches.
    for (std::size_t i = 0; i < batches.size(); ++i) {
        bnMomentum_ = 1.0 / double(i + 1);
        forward(batches[i]);
    }
    bnMomentum_ = 0.1;
    train(wasTraining);
}

// ---------------------------------------------------------------------------
// Supernet

DynamicBlockImpl::DynamicBlockImpl(int in, int out, int stride_, int maxExpand_, int maxKernel_)
    : inChannels(in), outChannels(out), stride(stride_), maxExpand(maxExpand_), maxKernel(maxKernel_),
      residual(stride_ == 1 && in == out) {
    const int hidden = in * maxExpand;
    expandConv = register_module("expand", ConvBn(in, hidden, 1, false));
    dwConv = register_module("dw", ConvBn(hidden, hidden, maxKernel, true));
    projectConv = register_module("project", ConvBn(hidden, out, 1, false));
    // Kernel transformation matrices (Once-for-All): identity at the start, so a
    // smaller kernel begins as the centre crop of the larger one.
    for (int k = maxKernel; k > 3; k -= 2) {
        const int next = k - 2;
        transforms.push_back(register_parameter("transform_" + std::to_string(k) + "to" + std::to_string(next),
                                                torch::eye(next * next)));
        kernelSizes.push_back(k);
    }
    kernelSizes.push_back(3);
}

torch::Tensor DynamicBlockImpl::depthwiseWeight(int kernel, int hidden) {
    torch::Tensor w = dwConv->weight.narrow(0, 0, hidden);
    for (std::size_t i = 0; i + 1 < kernelSizes.size() && kernelSizes[i] > kernel; ++i) {
        const int next = kernelSizes[i + 1];
        const int start = (kernelSizes[i] - next) / 2;
        const torch::Tensor crop = w.narrow(2, start, next).narrow(3, start, next).reshape({hidden, next * next});
        w = torch::linear(crop, transforms[i]).reshape({hidden, 1, next, next});
    }
    return w;
}

torch::Tensor DynamicBlockImpl::forward(const torch::Tensor& x, int kernel, int expand) {
    const int hidden = inChannels * expand;
    torch::Tensor y = clampRelu6(expandConv->bn(sameConv(x, expandConv->weight.narrow(0, 0, hidden), 1, 1)));
    y = clampRelu6(dwConv->bn(sameConv(y, depthwiseWeight(kernel, hidden), stride, hidden)));
    y = projectConv->bn(sameConv(y, projectConv->weight.narrow(1, 0, hidden), 1, 1));
    return residual ? y + x : y;
}

torch::Tensor DynamicBlockImpl::sortChannels() {
    torch::NoGradGuard noGrad;
    const torch::Tensor importance = projectConv->weight.abs().sum({0, 2, 3});
    const torch::Tensor order = std::get<1>(importance.sort(true, 0, true));
    auto permute = [&](torch::Tensor& t, int dim) { t.copy_(t.index_select(dim, order)); };
    permute(expandConv->weight, 0);
    for (BatchNorm* bn : {&expandConv->bn, &dwConv->bn}) {
        permute((*bn)->weight, 0);
        permute((*bn)->bias, 0);
        permute((*bn)->runningMean, 0);
        permute((*bn)->runningVar, 0);
    }
    permute(dwConv->weight, 0);
    permute(projectConv->weight, 1);
    return order;
}

SupernetImpl::SupernetImpl(const space::SearchSpace& s, int resolution, double width)
    : space_(s), resolution_(resolution), width_(width), largest_(space::largest(s, resolution, width)) {
    arch::validate(largest_);
    const arch::Architecture& a = largest_;
    const int stem = arch::stemChannels(a);
    stem_ = register_module("stem", ConvBn(a.inputChannels, stem, a.stemKernel, false));
    firstDw_ = register_module("first_dw", ConvBn(stem, stem, a.firstBlockKernel, true));
    firstProject_ = register_module("first_project", ConvBn(stem, arch::firstBlockChannels(a), 1, false));
    int in = arch::firstBlockChannels(a);
    const int maxExpand = *std::max_element(s.expandChoices.begin(), s.expandChoices.end());
    const int maxKernel = *std::max_element(s.kernelChoices.begin(), s.kernelChoices.end());
    for (std::size_t i = 0; i < a.stages.size(); ++i) {
        const int out = arch::stageChannels(a, static_cast<int>(i));
        stageFirstBlock_.push_back(static_cast<int>(blocks_.size()));
        for (std::size_t b = 0; b < a.stages[i].blocks.size(); ++b) {
            const int stride = b == 0 ? a.stages[i].stride : 1;
            blocks_.push_back(register_module("s" + std::to_string(i + 1) + "_b" + std::to_string(b + 1),
                                              DynamicBlock(in, out, stride, maxExpand, maxKernel)));
            in = out;
        }
    }
    if (a.featureMix) {
        mix_ = register_module("mix", ConvBn(in, arch::featureMixChannels(a), 1, false));
        in = arch::featureMixChannels(a);
    }
    classifier_ = register_module("classifier", torch::nn::Linear(in, a.numClasses));
}

void SupernetImpl::checkMember(const arch::Architecture& a) const {
    auto fail = [](const std::string& what) { throw Error("architecture is not in the supernet's space: " + what); };
    const arch::Architecture& L = largest_;
    if (a.resolution != L.resolution) fail("resolution " + std::to_string(a.resolution) + ", the supernet's is " + std::to_string(L.resolution));
    if (a.width != L.width) fail("width " + std::to_string(a.width) + " differs from the supernet's");
    if (a.inputChannels != L.inputChannels || a.numClasses != L.numClasses) fail("input channels or classes differ");
    if (a.stemBaseChannels != L.stemBaseChannels || a.stemKernel != L.stemKernel || a.stemStride != L.stemStride ||
        a.firstBlockBaseChannels != L.firstBlockBaseChannels || a.firstBlockKernel != L.firstBlockKernel || a.featureMix != L.featureMix)
        fail("stem, first block or feature mix differ");
    if (a.stages.size() != L.stages.size()) fail(std::to_string(a.stages.size()) + " stages, the space has " + std::to_string(L.stages.size()));
    for (std::size_t i = 0; i < a.stages.size(); ++i) {
        const std::string where = "stages[" + std::to_string(i) + "]";
        const auto& depths = space_.depthChoices[i];
        if (a.stages[i].baseChannels != L.stages[i].baseChannels || a.stages[i].stride != L.stages[i].stride)
            fail(where + ": channels or stride differ");
        if (std::find(depths.begin(), depths.end(), static_cast<int>(a.stages[i].blocks.size())) == depths.end())
            fail(where + ": depth " + std::to_string(a.stages[i].blocks.size()) + " is not a choice");
        for (std::size_t b = 0; b < a.stages[i].blocks.size(); ++b) {
            const arch::Block& blk = a.stages[i].blocks[b];
            const auto& ks = space_.kernelChoices;
            const auto& es = space_.expandChoices;
            if (std::find(ks.begin(), ks.end(), blk.kernel) == ks.end() || std::find(es.begin(), es.end(), blk.expand) == es.end())
                fail(where + ".blocks[" + std::to_string(b) + "]: kernel " + std::to_string(blk.kernel) + " expand " +
                     std::to_string(blk.expand) + " is not a choice");
        }
    }
}

torch::Tensor SupernetImpl::forward(const torch::Tensor& x, const arch::Architecture& a) {
    torch::Tensor y = clampRelu6(stem_->bn(sameConv(x, stem_->weight, largest_.stemStride, 1)));
    y = clampRelu6(firstDw_->bn(sameConv(y, firstDw_->weight, 1, static_cast<int>(y.size(1)))));
    y = firstProject_->bn(sameConv(y, firstProject_->weight, 1, 1));
    for (std::size_t i = 0; i < a.stages.size(); ++i)
        for (std::size_t b = 0; b < a.stages[i].blocks.size(); ++b) {
            const arch::Block& blk = a.stages[i].blocks[b];
            y = blocks_[static_cast<std::size_t>(stageFirstBlock_[i]) + b]->forward(y, blk.kernel, blk.expand);
        }
    if (mix_) y = clampRelu6(mix_->bn(sameConv(y, mix_->weight, 1, 1)));
    return classifier_(y.mean({2, 3}));
}

GraphNet SupernetImpl::extract(const arch::Architecture& a) {
    checkMember(a);
    GraphNet net(graph::buildGraph(a));
    net->to(stem_->weight.device());
    torch::NoGradGuard noGrad;
    auto copyConv = [&](const std::string& name, ConvBn& from) {
        ConvBn to = net->conv(name);
        to->weight.copy_(from->weight);
        copyBatchNorm(to->bn, from->bn, to->weight.size(0));
    };
    copyConv("stem", stem_);
    copyConv("first.dw", firstDw_);
    copyConv("first.project", firstProject_);
    for (std::size_t i = 0; i < a.stages.size(); ++i)
        for (std::size_t b = 0; b < a.stages[i].blocks.size(); ++b) {
            const arch::Block& blk = a.stages[i].blocks[b];
            DynamicBlock& db = blocks_[static_cast<std::size_t>(stageFirstBlock_[i]) + b];
            const int hidden = db->inChannels * blk.expand;
            const std::string prefix = "s" + std::to_string(i + 1) + ".b" + std::to_string(b + 1);
            ConvBn e = net->conv(prefix + ".expand"), d = net->conv(prefix + ".dw"), p = net->conv(prefix + ".project");
            e->weight.copy_(db->expandConv->weight.narrow(0, 0, hidden));
            copyBatchNorm(e->bn, db->expandConv->bn, hidden);
            d->weight.copy_(db->depthwiseWeight(blk.kernel, hidden));
            copyBatchNorm(d->bn, db->dwConv->bn, hidden);
            p->weight.copy_(db->projectConv->weight.narrow(1, 0, hidden));
            copyBatchNorm(p->bn, db->projectConv->bn, db->outChannels);
        }
    if (mix_) copyConv("mix", mix_);
    net->classifier()->weight.copy_(classifier_->weight);
    net->classifier()->bias.copy_(classifier_->bias);
    return net;
}

std::vector<torch::Tensor> SupernetImpl::sortChannels() {
    std::vector<torch::Tensor> orders;
    for (DynamicBlock& b : blocks_) orders.push_back(b->sortChannels());
    return orders;
}

arch::Architecture SupernetImpl::largest() const { return largest_; }
arch::Architecture SupernetImpl::smallest() const { return space::smallest(space_, resolution_, width_); }
arch::Architecture SupernetImpl::sample(std::mt19937_64& rng) const { return space::sample(space_, resolution_, width_, rng); }

GraphNet fromFloatModel(const quant::FloatModel& m) {
    GraphNet net(m.graph);
    torch::NoGradGuard noGrad;
    auto tensorOf = [](const std::vector<float>& v) {
        return torch::from_blob(const_cast<float*>(v.data()), {static_cast<std::int64_t>(v.size())}, torch::kFloat).clone();
    };
    for (int i = 0; i < m.graph.opCount(); ++i) {
        const graph::Op& op = m.graph.op(i);
        const quant::FloatWeights& fw = m.ops[static_cast<std::size_t>(i)];
        const std::int64_t cout = m.graph.tensor(op.output).shape.c;
        const std::int64_t cin = m.graph.tensor(op.inputs[0]).shape.c;
        const std::int64_t kh = op.kernel, kw = op.kernelW;
        if (op.kind == graph::OpKind::FullyConnected) {
            net->classifier()->weight.copy_(tensorOf(fw.weights).view_as(net->classifier()->weight));
            net->classifier()->bias.copy_(tensorOf(fw.bias));
            continue;
        }
        if (!graph::hasWeights(op.kind)) continue;  // pools, add, mul, pad, concatenation, mean, softmax
        ConvBn cb = net->conv(op.name);
        torch::Tensor w = tensorOf(fw.weights);
        switch (op.kind) {
            case graph::OpKind::Conv2D: w = w.view({cout, kh, kw, cin}).permute({0, 3, 1, 2}); break;
            case graph::OpKind::DepthwiseConv2D: w = w.view({kh, kw, cout}).permute({2, 0, 1}).unsqueeze(1); break;
            default: w = w.view({cout, cin, 1, 1}); break;
        }
        cb->weight.copy_(w);
        // Identity BatchNorm: (x - 0) / sqrt((1 - eps) + eps) * 1 + bias.
        cb->bn->weight.fill_(1.0);
        cb->bn->bias.copy_(tensorOf(fw.bias));
        cb->bn->runningMean.zero_();
        cb->bn->runningVar.fill_(1.0 - BatchNormImpl::kEps);
    }
    return net;
}

void copyModule(torch::nn::Module& from, torch::nn::Module& to) {
    torch::NoGradGuard noGrad;
    const auto src = from.named_parameters();
    for (auto& p : to.named_parameters()) {
        const torch::Tensor* s = src.find(p.key());
        if (!s || s->sizes() != p.value().sizes()) throw Error("weights: no matching " + p.key());
        p.value().copy_(*s);
    }
    const auto srcBuffers = from.named_buffers();
    for (auto& b : to.named_buffers()) {
        const torch::Tensor* s = srcBuffers.find(b.key());
        if (!s || s->sizes() != b.value().sizes()) throw Error("weights: no matching " + b.key());
        b.value().copy_(*s);
    }
}

torch::Device trainingDevice() {
    const char* forced = std::getenv("MCUNET_DEVICE");
    if (forced && std::string(forced) == "cpu") return torch::kCPU;
    return torch::cuda::is_available() ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
}

std::string deviceName() {
    return trainingDevice().is_cuda() ? "cuda" : "cpu";
}

torch::Tensor imagesToTensor(const std::uint8_t* pixels, int count, int h, int w, int c) {
    const torch::Tensor raw = torch::from_blob(const_cast<std::uint8_t*>(pixels), {count, h, w, c}, torch::kUInt8);
    // NHWC memory seen as NCHW: channels-last, which torch's CPU depthwise
    // convolution runs far faster on.
    return raw.to(trainingDevice()).to(torch::kFloat).sub_(128.0).div_(128.0).permute({0, 3, 1, 2});
}

}  // namespace mcunet::nas
