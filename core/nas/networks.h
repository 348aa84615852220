#pragma once
// The networks that train, in libtorch. Internal to core/nas: this is the one
// header of the project that includes torch (DESIGN.md section 10: every
// translation unit that includes it costs ~20 s and 1.3 GB to compile).
//
// Two modules:
// - GraphNet: a standalone float network that executes a graph::Graph op by op
//   (conv + BatchNorm + activation per conv op, add, global average pool,
//   classifier). It is what single-architecture training trains, what a
//   supernet's subnet is extracted into, and what becomes a quant::FloatModel
//   (BatchNorm folded) for int8 quantization.
// - Supernet: Once-for-All's weight-sharing network over a search space at a
//   fixed (R, W): per block one 7x7 depthwise weight whose 5x5 and 3x3 kernels
//   are centre crops passed through learned kernel-transformation matrices
//   (elastic kernel), the first k channels of the expand / depthwise layers
//   (elastic expand), the first d blocks of each stage (elastic depth).
//
// Convolutions pad as TF Lite's SAME does (graph::samePaddingBefore): the extra
// row and column go at the end, so stride-2 layers on even sizes pad
// asymmetrically, exactly as the int8 graph that runs on the board.
#include <map>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "arch/architecture.h"
#include "graph/graph.h"
#include "quant/model.h"
#include "nas/training.h"
#include "space/search_space.h"

namespace mcunet::nas {

// x: NCHW float. Pads as TF Lite SAME, then convolves (groups = channels for depthwise).
torch::Tensor sameConv(const torch::Tensor& x, const torch::Tensor& weight, int stride, int groups);
// Any kernel (the weight's kh x kw) and vertical / horizontal strides.
torch::Tensor sameConv(const torch::Tensor& x, const torch::Tensor& weight, int strideH, int strideW, int groups);

// Batch norm whose parameters may be used for their first `channels` only
// (elastic width). Running statistics are updated in place when training.
struct BatchNormImpl : torch::nn::Module {
    explicit BatchNormImpl(int channels);
    torch::Tensor forward(const torch::Tensor& x, double momentum = 0.1);
    torch::Tensor weight, bias, runningMean, runningVar;
    static constexpr double kEps = 1e-5;
};
TORCH_MODULE(BatchNorm);

// One convolution (no bias) + BatchNorm (+ ReLU6 when the op has it).
struct ConvBnImpl : torch::nn::Module {
    ConvBnImpl(int inChannels, int outChannels, int kernel, bool depthwise);
    ConvBnImpl(int inChannels, int outChannels, int kernelH, int kernelW, bool depthwise);
    torch::Tensor weight;  // [out, in or 1, kh, kw]
    BatchNorm bn{nullptr};
};
TORCH_MODULE(ConvBn);

class GraphNetImpl : public torch::nn::Module {
public:
    // Weights initialized from torch's global generator (seed it first).
    explicit GraphNetImpl(const graph::Graph& g);
    torch::Tensor forward(const torch::Tensor& x);  // x: [N, C, H, W]; logits [N, classes]
    const graph::Graph& graph() const { return graph_; }
    ConvBn conv(const std::string& opName) { return convs_.at(opName); }
    torch::nn::Linear classifier() { return classifier_; }
    // BatchNorm folded into each conv; layouts of quant::FloatModel.
    quant::FloatModel toFloatModel();
    // Running statistics re-estimated as the plain mean over these batches
    // (NCHW float), as Once-for-All does before evaluating a subnet.
    void recalibrateBatchNorm(const std::vector<torch::Tensor>& batches);

private:
    graph::Graph graph_;
    std::map<std::string, ConvBn> convs_;
    torch::nn::Linear classifier_{nullptr};
    double bnMomentum_ = 0.1;
    friend void setBatchNormMomentum(GraphNetImpl& net, double m);
};
TORCH_MODULE(GraphNet);

// One MBConv block of the supernet at its largest (kernel 7, expand max).
struct DynamicBlockImpl : torch::nn::Module {
    DynamicBlockImpl(int inChannels, int outChannels, int stride, int maxExpand, int maxKernel);
    torch::Tensor forward(const torch::Tensor& x, int kernel, int expand);
    // The depthwise weight for `kernel` (first `hidden` channels): a centre crop
    // of the 7x7 weight through the transformation matrices.
    torch::Tensor depthwiseWeight(int kernel, int hidden);
    // Sorts hidden channels by L1 importance of the project weight (descending)
    // and permutes every tensor that indexes them; returns the permutation.
    torch::Tensor sortChannels();
    int inChannels, outChannels, stride, maxExpand, maxKernel;
    bool residual;
    ConvBn expandConv{nullptr}, dwConv{nullptr}, projectConv{nullptr};
    // transforms[i] maps kernel kernelSizes[i] to kernelSizes[i+1] (7->5, 5->3).
    std::vector<torch::Tensor> transforms;
    std::vector<int> kernelSizes;
};
TORCH_MODULE(DynamicBlock);

class SupernetImpl : public torch::nn::Module {
public:
    SupernetImpl(const space::SearchSpace& s, int resolution, double width);
    // Runs the subnet `a` (a member of the space: see checkMember).
    torch::Tensor forward(const torch::Tensor& x, const arch::Architecture& a);
    // Throws mcunet::Error naming the first field where `a` leaves the space.
    void checkMember(const arch::Architecture& a) const;
    // The subnet's weights (and BatchNorm statistics) in a standalone network.
    GraphNet extract(const arch::Architecture& a);
    // Re-sorts every block's hidden channels by importance (between phases).
    // Returns per block the permutation, for the optimizer's state.
    std::vector<torch::Tensor> sortChannels();
    arch::Architecture largest() const;
    arch::Architecture smallest() const;
    arch::Architecture sample(std::mt19937_64& rng) const;
    const space::SearchSpace& space() const { return space_; }
    std::vector<DynamicBlock>& blocks() { return blocks_; }

private:
    space::SearchSpace space_;
    int resolution_;
    double width_;
    arch::Architecture largest_;
    ConvBn stem_{nullptr}, firstDw_{nullptr}, firstProject_{nullptr}, mix_{nullptr};
    std::vector<DynamicBlock> blocks_;           // every stage's blocks at maximum depth
    std::vector<int> stageFirstBlock_;           // index into blocks_ per stage
    torch::nn::Linear classifier_{nullptr};
};
TORCH_MODULE(Supernet);

// While alive, BatchNorm layers in training mode normalize with moments summed
// over the collective's ranks (synchronized BatchNorm, gradients included), so
// N processes with the same global batch train as one process does.
class SyncBatchNormScope {
public:
    explicit SyncBatchNormScope(Collective* c);
    ~SyncBatchNormScope();
    SyncBatchNormScope(const SyncBatchNormScope&) = delete;
    SyncBatchNormScope& operator=(const SyncBatchNormScope&) = delete;
};

// A GraphNet holding a (BatchNorm-folded) float model: BatchNorm set to the
// identity, so it computes what quant::runFloat computes.
GraphNet fromFloatModel(const quant::FloatModel& m);
// Copies every parameter and buffer of `from` into the same-named one of `to`.
void copyModule(torch::nn::Module& from, torch::nn::Module& to);

// Where training runs, chosen at run time: CUDA when the installed libtorch
// has it and a GPU is there (unless MCUNET_DEVICE=cpu), else the CPU.
torch::Device trainingDevice();
std::string deviceName();

// uint8 HWC images -> float NCHW, (pixel - 128) / 128 (docs/model-format.md),
// on the training device.
torch::Tensor imagesToTensor(const std::uint8_t* pixels, int count, int h, int w, int c);

}  // namespace mcunet::nas
