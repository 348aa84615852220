#pragma once
// Training, without torch in the header: what `mcunet train` and the search
// call. One architecture (plain training, or fine-tuning from a checkpoint), or
// the weight-sharing supernet of a search space with the sandwich rule and
// in-place distillation (BigNAS / Once-for-All). docs/training.md describes the
// schedule, the checkpoint and the determinism guarantees.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "arch/architecture.h"
#include "common/defaults.h"
#include "data/dataset.h"
#include "graph/network.h"
#include "quant/model.h"
#include "space/search_space.h"

namespace mcunet::nas {

enum class OptimizerKind { Sgd, AdamW };

struct TrainSettings {
    int epochs = defaults::kTrainEpochs;
    int batch = defaults::kTrainBatch;                 // global batch (split over ranks when distributed)
    int threads = 2;                // torch intra-op threads
    OptimizerKind optimizer = OptimizerKind::Sgd;
    double learningRate = 0.05;     // peak; cosine decay to 0 over all steps
    double momentum = 0.9;          // SGD (Nesterov)
    double weightDecay = 4e-5;      // conv and classifier weights only, never BatchNorm or bias
    double labelSmoothing = 0.1;
    data::Augmentation augmentation;
    std::uint64_t seed = defaults::kSeed;
    int maxStepsPerEpoch = 0;       // > 0: at most this many steps per epoch (tests, quick runs)
    int checkpointEverySteps = 0;   // > 0: also checkpoint every N steps (besides every epoch)
    // Supernet only.
    int randomSubnets = 2;          // sandwich: largest + smallest + this many random subnets per step
    double warmupShare = 0.25;      // first share of the epochs trains the largest subnet alone
    int bnCalibrationImages = 500;  // BatchNorm statistics re-estimated on this many training images
};

// What to train.
struct TrainTarget {
    // The network (plain training: any family, e.g. an MBConv architecture or a
    // keyword-spotting DS-CNN), or the subnet that becomes the model
    // directory's network after supernet training (an MBConv architecture; by
    // default the largest).
    graph::Network network;
    // Set: train the supernet of this space at the network's (R, W).
    std::optional<space::SearchSpace> supernet;
    // A checkpoint to start from: a network checkpoint of the same
    // architecture, or a supernet checkpoint that contains it (fine-tuning).
    std::string initFrom;
    // Supernet: when set, the sandwich rule's random subnets are drawn among
    // the ones it accepts (the networks the search may pick: those within the
    // limits), so the shared weights train for them (docs/search.md).
    std::function<bool(const arch::Architecture&)> subnetAccepted;
};

struct StepReport {
    int epoch = 0, epochs = 0;       // epoch counts from 1
    std::int64_t step = 0, stepsPerEpoch = 0, globalStep = 0, totalSteps = 0;
    double loss = 0;                 // this step (largest subnet's for a supernet)
    double accuracy = 0;             // this epoch so far, on augmented training batches
    double learningRate = 0;
    double imagesPerSecond = 0;      // this run, all ranks
    double etaSeconds = 0;
};

struct EpochReport {
    int epoch = 0, epochs = 0;
    double trainLoss = 0, trainAccuracy = 0;
    double validationAccuracy = 0;        // the network (supernet: the largest subnet)
    double validationAccuracySmallest = -1;  // supernet only
    double seconds = 0;
    double imagesPerSecond = 0;
};

// The settings as JSON (the model directory's training record; checkpoints
// keep them to refuse a resume with other flags).
nlohmann::json toJson(const TrainSettings& s);

// The record of one epoch as JSON (progress lines, checkpoints, model.json).
nlohmann::json epochToJson(const EpochReport& r);

// Data-parallel training over several processes (an MPI communicator in
// `mcunet-train`): every rank computes gradients on its part of each global
// batch; gradients and BatchNorm moments are summed over ranks.
class Collective {
public:
    virtual ~Collective() = default;
    virtual int rank() const = 0;
    virtual int size() const = 0;
    virtual void allReduceSum(float* values, std::size_t count) = 0;
};

struct TrainHooks {
    std::function<void(const StepReport&)> onStep;
    std::function<void(const EpochReport&)> onEpoch;
    std::function<void(const std::string&)> onMessage;  // e.g. "resumed at epoch 3, step 0"
    const std::atomic<bool>* stop = nullptr;  // set: write a checkpoint and return
    Collective* collective = nullptr;
};

struct TrainOutcome {
    bool stopped = false;          // stopped by the hook before the last epoch ended
    int epochsCompleted = 0;
    std::vector<EpochReport> history;
    quant::FloatModel model;       // BatchNorm folded, of target.network
    double validationAccuracy = 0; // of `model` on the validation set (float)
};

// Trains; the checkpoint at `checkpointPath` is written atomically every epoch
// (and every checkpointEverySteps steps, and when stopped). With `resume`, an
// existing checkpoint is continued (its settings must match). Throws
// mcunet::Error for bad settings or a checkpoint that does not fit.
TrainOutcome train(const TrainTarget& target, const TrainSettings& settings, const data::Datasets& data,
                   const std::string& checkpointPath, bool resume, const TrainHooks& hooks);

// Where training runs: "cuda" or "cpu" (chosen at run time).
std::string trainingDeviceName();

// Accuracy of a float model on images (torch, `threads` threads); predictions
// per image, in order.
std::vector<int> predictFloat(const quant::FloatModel& model, const data::ImageSet& images, int threads);

// A subnet of a trained supernet checkpoint, extracted with BatchNorm
// recalibrated on `calibration` (the search's accuracy of one candidate).
quant::FloatModel extractSubnet(const std::string& supernetCheckpoint, const space::SearchSpace& space,
                                const arch::Architecture& subnet, const data::ImageSet& calibration,
                                int calibrationImages, int threads);

// The search's fitness (TinyNAS stage 2): the validation accuracy of subnets
// of one trained supernet, each extracted with its BatchNorm statistics
// re-estimated on the same `calibrationImages` training images, then run on
// `validation`. The supernet is loaded once. Deterministic: the same subnet
// always gets the same accuracy.
class SubnetAccuracy {
public:
    SubnetAccuracy(const std::string& supernetCheckpoint, const data::ImageSet& calibration,
                   const data::ImageSet& validation, int calibrationImages, int threads);
    ~SubnetAccuracy();
    SubnetAccuracy(const SubnetAccuracy&) = delete;
    SubnetAccuracy& operator=(const SubnetAccuracy&) = delete;
    // The checkpoint's space, resolution and width (what the search searches).
    const space::SearchSpace& space() const;
    int resolution() const;
    double width() const;
    double operator()(const arch::Architecture& subnet);  // in [0, 1]
    // The float model of a subnet (BatchNorm recalibrated), for fine-tuning.
    quant::FloatModel extract(const arch::Architecture& subnet);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mcunet::nas
