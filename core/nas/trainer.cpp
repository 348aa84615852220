// Training loops: one network, or the supernet with the sandwich rule.
// docs/training.md explains the schedule, checkpoints and determinism.
#include <chrono>
#include <cmath>
#include <filesystem>
#include <random>

#include <nlohmann/json.hpp>

#include "arch/architecture_json.h"
#include "common/atomic_file.h"
#include "common/error.h"
#include "cost/cost.h"
#include "graph/build.h"
#include "nas/checkpoint.h"
#include "nas/networks.h"
#include "nas/training.h"

namespace mcunet::nas {

namespace {

namespace F = torch::nn::functional;
using Clock = std::chrono::steady_clock;

// One seed per (run, epoch, purpose): resuming anywhere reproduces the draws.
std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
    std::uint64_t z = a + 0x9e3779b97f4a7c15ULL * (b + 1);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

std::vector<int> epochOrder(int count, std::uint64_t seed, int epoch) {
    std::vector<int> order(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) order[static_cast<std::size_t>(i)] = i;
    std::mt19937_64 rng(mix(seed, 1000003ULL * std::uint64_t(epoch)));
    std::shuffle(order.begin(), order.end(), rng);
    return order;
}

struct Batch {
    torch::Tensor images, labels;
};

// Images order[first, first + count) of this epoch, augmented with seeds that
// depend on the position in the epoch only (the same on every rank).
Batch makeBatch(const data::ImageSet& set, const std::vector<int>& order, std::size_t first, int count,
                const data::Augmentation& aug, std::uint64_t seed, int epoch) {
    const std::size_t bytes = set.imageBytes();
    std::vector<std::uint8_t> pixels(bytes * std::size_t(count));
    std::vector<std::int64_t> labels(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        const int index = order[first + std::size_t(i)];
        const std::uint64_t s = mix(mix(seed, std::uint64_t(epoch) + 7), first + std::size_t(i));
        data::augment(set, index, aug, s, pixels.data() + bytes * std::size_t(i));
        labels[static_cast<std::size_t>(i)] = set.labels[static_cast<std::size_t>(index)];
    }
    Batch b;
    b.images = imagesToTensor(pixels.data(), count, set.height, set.width, set.channels).clone();
    b.labels = torch::from_blob(labels.data(), {count}, torch::kInt64).to(trainingDevice(), false, true);  // a copy: labels dies here
    return b;
}

template <typename Forward>
std::vector<int> predict(const data::ImageSet& set, Forward forward) {
    torch::NoGradGuard noGrad;
    std::vector<int> out;
    const int batch = 256;
    for (int first = 0; first < set.size(); first += batch) {
        const int n = std::min(batch, set.size() - first);
        const torch::Tensor x = imagesToTensor(set.image(first), n, set.height, set.width, set.channels);
        const torch::Tensor p = forward(x).argmax(1);
        for (int i = 0; i < n; ++i) out.push_back(static_cast<int>(p[i].item<std::int64_t>()));
    }
    return out;
}

double accuracyOf(const data::ImageSet& set, const std::vector<int>& predictions) {
    if (set.size() == 0) return 0;
    int correct = 0;
    for (int i = 0; i < set.size(); ++i) correct += predictions[static_cast<std::size_t>(i)] == set.labels[static_cast<std::size_t>(i)];
    return double(correct) / set.size();
}

std::vector<torch::Tensor> calibrationBatches(const data::ImageSet& set, int images) {
    std::vector<torch::Tensor> batches;
    const int n = std::min(images, set.size());
    for (int first = 0; first < n; first += 100) {
        const int count = std::min(100, n - first);
        batches.push_back(imagesToTensor(set.image(first), count, set.height, set.width, set.channels).clone());
    }
    return batches;
}

// The network being trained: one architecture, or the supernet.
struct Trainee {
    GraphNet net{nullptr};
    Supernet supernet{nullptr};
    torch::nn::Module& module() { return net ? static_cast<torch::nn::Module&>(*net) : *supernet; }
};

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(torch::nn::Module& m, const TrainSettings& s) {
    std::vector<torch::Tensor> decay, noDecay;
    for (const auto& p : m.named_parameters()) {
        const std::string& name = p.key();
        const bool isWeight = name.size() > 7 && name.compare(name.size() - 7, 7, ".weight") == 0;
        (isWeight && name.find(".bn.") == std::string::npos && name.rfind("bn.", 0) != 0 ? decay : noDecay).push_back(p.value());
    }
    if (s.optimizer == OptimizerKind::Sgd) {
        std::vector<torch::optim::OptimizerParamGroup> groups;
        groups.emplace_back(decay, std::make_unique<torch::optim::SGDOptions>(
            torch::optim::SGDOptions(s.learningRate).momentum(s.momentum).nesterov(true).weight_decay(s.weightDecay)));
        groups.emplace_back(noDecay, std::make_unique<torch::optim::SGDOptions>(
            torch::optim::SGDOptions(s.learningRate).momentum(s.momentum).nesterov(true).weight_decay(0)));
        return std::make_unique<torch::optim::SGD>(std::move(groups), torch::optim::SGDOptions(s.learningRate));
    }
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.emplace_back(decay, std::make_unique<torch::optim::AdamWOptions>(
        torch::optim::AdamWOptions(s.learningRate).weight_decay(s.weightDecay)));
    groups.emplace_back(noDecay, std::make_unique<torch::optim::AdamWOptions>(
        torch::optim::AdamWOptions(s.learningRate).weight_decay(0)));
    return std::make_unique<torch::optim::AdamW>(std::move(groups), torch::optim::AdamWOptions(s.learningRate));
}

void setLearningRate(torch::optim::Optimizer& opt, const TrainSettings& s, double lr) {
    for (auto& group : opt.param_groups()) {
        if (s.optimizer == OptimizerKind::Sgd) static_cast<torch::optim::SGDOptions&>(group.options()).lr(lr);
        else static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
    }
}

// The optimizer's per-parameter state follows a channel permutation.
void permuteState(torch::optim::Optimizer& opt, OptimizerKind kind, const torch::Tensor& param, int dim,
                  const torch::Tensor& order) {
    auto it = opt.state().find(c10::guts::to_string(param.unsafeGetTensorImpl()));
    if (it == opt.state().end()) return;
    auto apply = [&](torch::Tensor& t) {
        if (t.defined() && t.dim() > dim) t.copy_(t.index_select(dim, order));
    };
    if (kind == OptimizerKind::Sgd) {
        apply(static_cast<torch::optim::SGDParamState&>(*it->second).momentum_buffer());
    } else {
        auto& st = static_cast<torch::optim::AdamWParamState&>(*it->second);
        apply(st.exp_avg());
        apply(st.exp_avg_sq());
        apply(st.max_exp_avg_sq());
    }
}

void sortSupernetChannels(Supernet& sn, torch::optim::Optimizer& opt, OptimizerKind kind) {
    torch::NoGradGuard noGrad;
    const std::vector<torch::Tensor> orders = sn->sortChannels();
    for (std::size_t i = 0; i < orders.size(); ++i) {
        DynamicBlock& b = sn->blocks()[i];
        for (const auto& [param, dim] : std::vector<std::pair<torch::Tensor, int>>{
                 {b->expandConv->weight, 0}, {b->expandConv->bn->weight, 0}, {b->expandConv->bn->bias, 0},
                 {b->dwConv->weight, 0}, {b->dwConv->bn->weight, 0}, {b->dwConv->bn->bias, 0},
                 {b->projectConv->weight, 1}})
            permuteState(opt, kind, param, dim, orders[i]);
    }
}

void allReduceGradients(torch::nn::Module& m, Collective* c) {
    if (!c || c->size() == 1) return;
    std::vector<torch::Tensor> grads;
    for (auto& p : m.parameters())
        if (p.grad().defined()) grads.push_back(p.grad());
    if (grads.empty()) return;
    torch::Tensor flat = torch::cat([&] {
        std::vector<torch::Tensor> v;
        for (auto& g : grads) v.push_back(g.reshape({-1}));
        return v;
    }()).to(torch::kCPU).contiguous();
    c->allReduceSum(flat.data_ptr<float>(), static_cast<std::size_t>(flat.numel()));
    std::int64_t offset = 0;
    for (auto& g : grads) {
        g.copy_(flat.narrow(0, offset, g.numel()).view_as(g).to(g.device()));
        offset += g.numel();
    }
}

double allReduceScalar(Collective* c, double v) {
    if (!c || c->size() == 1) return v;
    float f = static_cast<float>(v);
    c->allReduceSum(&f, 1);
    return double(f);
}

}  // namespace

// ---------------------------------------------------------------------------

class Trainer {
public:
    Trainer(const TrainTarget& target, const TrainSettings& s, const data::Datasets& data,
            const std::string& checkpointPath, const TrainHooks& hooks)
        : target_(target), s_(s), data_(data), checkpointPath_(checkpointPath), hooks_(hooks) {
        collective_ = hooks.collective;
        const int ranks = collective_ ? collective_->size() : 1;
        if (s.batch < 1 || s.batch % ranks != 0)
            throw Error("batch: " + std::to_string(s.batch) + " must be a positive multiple of the " +
                        std::to_string(ranks) + " processes");
        if (data.train.size() < s.batch)
            throw Error("batch: " + std::to_string(s.batch) + " is larger than the " +
                        std::to_string(data.train.size()) + " training images");
        torch::manual_seed(s.seed);
        if (target.supernet) {
            const arch::Architecture& a = target.network.architecture();
            cost::checkBuildable(graph::buildGraph(space::largest(*target.supernet, a.resolution, a.width)), a.name);
            trainee_.supernet = Supernet(*target.supernet, a.resolution, a.width);
            trainee_.supernet->checkMember(a);
        } else {
            const graph::Graph g = target.network.build();
            cost::checkBuildable(g, target.network.name());
            trainee_.net = GraphNet(g);
        }
        trainee_.module().to(trainingDevice());
        optimizer_ = makeOptimizer(trainee_.module(), s);
        stepsPerEpoch_ = data.train.size() / s.batch;
        if (s.maxStepsPerEpoch > 0) stepsPerEpoch_ = std::min<std::int64_t>(stepsPerEpoch_, s.maxStepsPerEpoch);
    }

    void startFrom(const std::string& initFrom) {
        CheckpointContents c = loadCheckpoint(initFrom);
        if (trainee_.net && c.kind == "supernet") {
            // Fine-tune: the subnet's weights from a trained supernet.
            const arch::Architecture& largest = c.network.architecture();
            Supernet sn(c.space, largest.resolution, largest.width);
            c.loadModule(*sn);
            sn->to(trainingDevice());
            GraphNet from = sn->extract(target_.network.architecture());
            // The supernet's BatchNorm statistics belong to the largest subnet.
            from->recalibrateBatchNorm(calibrationBatches(data_.train, s_.bnCalibrationImages));
            copyModule(*from, *trainee_.net);
        } else {
            if (c.network != target_.network && c.kind == "network")
                throw Error(initFrom + ": the checkpoint is of another network (" + c.network.name() + ")");
            c.loadModule(trainee_.module());
        }
        message("weights initialized from " + initFrom);
    }

    void resumeFrom(const std::string& path) {
        CheckpointContents c = loadCheckpoint(path);
        const nlohmann::json expected = settingsJson();
        if (c.settings != expected)
            throw Error(path + ": the checkpoint was made with other settings (" + c.settings.dump() +
                        "); start a new run or use the same flags");
        c.loadModule(trainee_.module());
        c.loadOptimizer(*optimizer_);
        state_ = c.position;
        message("resumed at epoch " + std::to_string(state_.epoch + 1) + ", step " + std::to_string(state_.step));
    }

    TrainOutcome run() {
        TrainOutcome out;
        torch::set_num_threads(std::max(1, s_.threads));
        const std::int64_t total = stepsPerEpoch_ * s_.epochs;
        const auto start = Clock::now();
        const std::int64_t startStep = state_.epoch * stepsPerEpoch_ + state_.step;
        while (state_.epoch < s_.epochs) {
            const int epoch = state_.epoch;
            const auto epochStart = Clock::now();
            const std::vector<int> order = epochOrder(data_.train.size(), s_.seed, epoch);
            trainee_.module().train(true);
            if (trainee_.supernet && state_.step == 0 && epoch >= warmupEpochs())
                sortSupernetChannels(trainee_.supernet, *optimizer_, s_.optimizer);
            for (; state_.step < stepsPerEpoch_; ++state_.step) {
                const std::int64_t global = epoch * stepsPerEpoch_ + state_.step;
                const double lr = 0.5 * s_.learningRate * (1.0 + std::cos(M_PI * double(global) / double(total)));
                setLearningRate(*optimizer_, s_, lr);
                const double loss = step(order, epoch, global);
                StepReport r{epoch + 1, s_.epochs, state_.step + 1, stepsPerEpoch_, global + 1, total, loss,
                             state_.seen ? double(state_.correct) / double(state_.seen) : 0.0, lr, 0, 0};
                const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
                r.imagesPerSecond = double(global + 1 - startStep) * s_.batch / std::max(seconds, 1e-9);
                r.etaSeconds = seconds / double(global + 1 - startStep) * double(total - global - 1);
                if (hooks_.onStep) hooks_.onStep(r);
                const bool stop = allReduceScalar(collective_, hooks_.stop && hooks_.stop->load() ? 1.0 : 0.0) > 0;
                if (stop || (s_.checkpointEverySteps > 0 && (state_.step + 1) % s_.checkpointEverySteps == 0)) {
                    ++state_.step;
                    save();
                    if (stop) {
                        out.stopped = true;
                        out.epochsCompleted = state_.epoch;
                        out.history = state_.history;
                        return out;
                    }
                    --state_.step;
                }
            }
            const EpochReport r = endEpoch(epochStart);
            save();  // before the report: whoever sees an epoch end can rely on its checkpoint
            if (hooks_.onEpoch) hooks_.onEpoch(r);
        }
        out.epochsCompleted = state_.epoch;
        out.history = state_.history;
        GraphNet final = finalNetwork();
        out.validationAccuracy = accuracyOf(data_.validation, predict(data_.validation, [&](const torch::Tensor& x) { return final->forward(x); }));
        out.model = final->toFloatModel();
        return out;
    }

private:
    int warmupEpochs() const {
        if (s_.epochs < 2) return 0;
        return std::min(s_.epochs - 1, static_cast<int>(std::ceil(s_.warmupShare * s_.epochs)));
    }

    double step(const std::vector<int>& order, int epoch, std::int64_t global) {
        const int ranks = collective_ ? collective_->size() : 1;
        const int rank = collective_ ? collective_->rank() : 0;
        const int local = s_.batch / ranks;
        const std::size_t first = std::size_t(state_.step) * std::size_t(s_.batch) + std::size_t(rank) * std::size_t(local);
        const Batch b = makeBatch(data_.train, order, first, local, s_.augmentation, s_.seed, epoch);
        // Gradients reset to "none", not zero: a parameter no subnet of this step
        // used is then left alone by the optimizer (no momentum drift), exactly as
        // after a resume, where no gradient exists yet.
        for (auto& param : trainee_.module().parameters()) param.mutable_grad().reset();
        SyncBatchNormScope sync(collective_);
        const auto ls = F::CrossEntropyFuncOptions().label_smoothing(s_.labelSmoothing);
        torch::Tensor logits;
        if (trainee_.net) {
            logits = trainee_.net->forward(b.images);
            (F::cross_entropy(logits, b.labels, ls) / ranks).backward();
        } else {
            // Sandwich rule with in-place distillation: the largest subnet learns
            // from the labels, the others from the largest's soft predictions.
            Supernet& sn = trainee_.supernet;
            logits = sn->forward(b.images, sn->largest());
            (F::cross_entropy(logits, b.labels, ls) / ranks).backward();
            if (epoch >= warmupEpochs()) {
                const torch::Tensor teacher = torch::softmax(logits.detach(), 1);
                std::mt19937_64 rng(mix(s_.seed, 0x5a4d ^ std::uint64_t(global)));
                std::vector<arch::Architecture> others{sn->smallest()};
                for (int i = 0; i < s_.randomSubnets; ++i) others.push_back(randomSubnet(rng));
                for (const arch::Architecture& a : others) {
                    const torch::Tensor out = sn->forward(b.images, a);
                    (-(teacher * torch::log_softmax(out, 1)).sum(1).mean() / ranks).backward();
                }
            }
        }
        allReduceGradients(trainee_.module(), collective_);
        optimizer_->step();
        const double loss = allReduceScalar(collective_, F::cross_entropy(logits.detach(), b.labels, ls).item<double>() / ranks);
        const double correct = allReduceScalar(collective_, double(logits.detach().argmax(1).eq(b.labels).sum().item<std::int64_t>()));
        state_.lossSum += loss;
        state_.correct += static_cast<std::int64_t>(std::llround(correct));
        state_.seen += s_.batch;
        return loss;
    }

    // A uniform draw from the space, or from its members the target accepts
    // (rejection sampling; the smallest subnet when none turns up).
    arch::Architecture randomSubnet(std::mt19937_64& rng) const {
        const Supernet& sn = trainee_.supernet;
        if (!target_.subnetAccepted) return sn->sample(rng);
        for (int tries = 0; tries < kSubnetTries; ++tries) {
            arch::Architecture a = sn->sample(rng);
            if (target_.subnetAccepted(a)) return a;
        }
        return sn->smallest();
    }
    static constexpr int kSubnetTries = 1000;

    EpochReport endEpoch(Clock::time_point epochStart) {
        EpochReport r;
        r.epoch = state_.epoch + 1;
        r.epochs = s_.epochs;
        r.trainLoss = state_.lossSum / double(std::max<std::int64_t>(1, stepsPerEpoch_));
        r.trainAccuracy = state_.seen ? double(state_.correct) / double(state_.seen) : 0;
        if (!collective_ || collective_->rank() == 0) {
            GraphNet net = finalNetwork();
            r.validationAccuracy = accuracyOf(data_.validation, predict(data_.validation, [&](const torch::Tensor& x) { return net->forward(x); }));
            if (trainee_.supernet) {
                GraphNet small = subnet(trainee_.supernet->smallest());
                r.validationAccuracySmallest = accuracyOf(data_.validation, predict(data_.validation, [&](const torch::Tensor& x) { return small->forward(x); }));
            }
        }
        r.seconds = std::chrono::duration<double>(Clock::now() - epochStart).count();
        r.imagesPerSecond = double(stepsPerEpoch_ - 0) * s_.batch / std::max(r.seconds, 1e-9);
        state_.history.push_back(r);
        ++state_.epoch;
        state_.step = 0;
        state_.lossSum = 0;
        state_.correct = state_.seen = 0;
        return r;
    }

    GraphNet subnet(const arch::Architecture& a) {
        GraphNet net = trainee_.supernet->extract(a);
        net->recalibrateBatchNorm(calibrationBatches(data_.train, s_.bnCalibrationImages));
        net->eval();
        return net;
    }

    GraphNet finalNetwork() {
        if (trainee_.supernet) return subnet(target_.network.architecture());
        trainee_.net->eval();
        return trainee_.net;
    }

    // What a resume must match: the settings (threads may change), the data
    // size and the number of ranks.
    nlohmann::json settingsJson() const {
        nlohmann::json j = toJson(s_);
        j.erase("threads");
        j["train_images"] = data_.train.size();
        j["ranks"] = collective_ ? collective_->size() : 1;
        return j;
    }

    void save() {
        if (collective_ && collective_->rank() != 0) return;
        CheckpointContents c;
        c.kind = trainee_.supernet ? "supernet" : "network";
        c.network = trainee_.supernet ? graph::Network(trainee_.supernet->largest()) : target_.network;
        if (target_.supernet) c.space = *target_.supernet;
        c.settings = settingsJson();
        c.position = state_;
        saveCheckpoint(checkpointPath_, c, trainee_.module(), optimizer_.get());
    }

    void message(const std::string& m) {
        if (hooks_.onMessage && (!collective_ || collective_->rank() == 0)) hooks_.onMessage(m);
    }

    TrainTarget target_;
    TrainSettings s_;
    const data::Datasets& data_;
    std::string checkpointPath_;
    TrainHooks hooks_;
    Collective* collective_ = nullptr;
    Trainee trainee_;
    std::unique_ptr<torch::optim::Optimizer> optimizer_;
    std::int64_t stepsPerEpoch_ = 0;
    TrainingPosition state_;
};

TrainOutcome train(const TrainTarget& target, const TrainSettings& settings, const data::Datasets& data,
                   const std::string& checkpointPath, bool resume, const TrainHooks& hooks) {
    if (settings.epochs < 1) throw Error("epochs: " + std::to_string(settings.epochs) + " must be at least 1");
    Trainer t(target, settings, data, checkpointPath, hooks);
    if (resume && std::filesystem::exists(checkpointPath)) t.resumeFrom(checkpointPath);
    else if (!target.initFrom.empty()) t.startFrom(target.initFrom);
    return t.run();
}

std::string trainingDeviceName() { return deviceName(); }

std::vector<int> predictFloat(const quant::FloatModel& model, const data::ImageSet& images, int threads) {
    torch::set_num_threads(std::max(1, threads));
    GraphNet net = fromFloatModel(model);
    net->to(trainingDevice());
    net->eval();
    return predict(images, [&](const torch::Tensor& x) { return net->forward(x); });
}

quant::FloatModel extractSubnet(const std::string& supernetCheckpoint, const space::SearchSpace& space,
                                const arch::Architecture& subnet, const data::ImageSet& calibration,
                                int calibrationImages, int threads) {
    torch::set_num_threads(std::max(1, threads));
    CheckpointContents c = loadCheckpoint(supernetCheckpoint);
    if (c.kind != "supernet") throw Error(supernetCheckpoint + ": not a supernet checkpoint");
    Supernet sn(space, c.network.architecture().resolution, c.network.architecture().width);
    c.loadModule(*sn);
    sn->to(trainingDevice());
    GraphNet net = sn->extract(subnet);
    net->recalibrateBatchNorm(calibrationBatches(calibration, calibrationImages));
    net->eval();
    return net->toFloatModel();
}

struct SubnetAccuracy::Impl {
    CheckpointContents checkpoint;
    std::optional<Supernet> supernet;
    std::vector<torch::Tensor> calibration;
    const data::ImageSet& validation;
    int threads = 1;
    Impl(const data::ImageSet& v) : validation(v) {}
};

SubnetAccuracy::SubnetAccuracy(const std::string& supernetCheckpoint, const data::ImageSet& calibration,
                               const data::ImageSet& validation, int calibrationImages, int threads)
    : impl_(std::make_unique<Impl>(validation)) {
    if (validation.size() == 0) throw Error("search: no validation images to measure accuracy on");
    impl_->threads = std::max(1, threads);
    torch::set_num_threads(impl_->threads);
    impl_->checkpoint = loadCheckpoint(supernetCheckpoint);
    if (impl_->checkpoint.kind != "supernet")
        throw Error(supernetCheckpoint + ": a network checkpoint, not a supernet (train one with --supernet)");
    const arch::Architecture& a = impl_->checkpoint.network.architecture();
    impl_->supernet.emplace(impl_->checkpoint.space, a.resolution, a.width);
    impl_->checkpoint.loadModule(**impl_->supernet);
    (*impl_->supernet)->to(trainingDevice());
    impl_->calibration = calibrationBatches(calibration, calibrationImages);
}

SubnetAccuracy::~SubnetAccuracy() = default;

const space::SearchSpace& SubnetAccuracy::space() const { return impl_->checkpoint.space; }
int SubnetAccuracy::resolution() const { return impl_->checkpoint.network.architecture().resolution; }
double SubnetAccuracy::width() const { return impl_->checkpoint.network.architecture().width; }

double SubnetAccuracy::operator()(const arch::Architecture& subnet) {
    torch::set_num_threads(impl_->threads);
    GraphNet net = (*impl_->supernet)->extract(subnet);
    net->recalibrateBatchNorm(impl_->calibration);
    net->eval();
    const std::vector<int> p = predict(impl_->validation, [&](const torch::Tensor& x) { return net->forward(x); });
    return accuracyOf(impl_->validation, p);
}

quant::FloatModel SubnetAccuracy::extract(const arch::Architecture& subnet) {
    GraphNet net = (*impl_->supernet)->extract(subnet);
    net->recalibrateBatchNorm(impl_->calibration);
    net->eval();
    return net->toFloatModel();
}

}  // namespace mcunet::nas
