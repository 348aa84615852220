#pragma once
// Training checkpoints (docs/training.md): a torch archive holding the
// module's parameters and buffers, the optimizer's state and a JSON record
// (kind, architecture, space, settings, position, epoch history). Internal to
// core/nas (includes torch).
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "graph/network.h"
#include "nas/training.h"
#include "space/search_space.h"

namespace mcunet::nas {

inline constexpr int kCheckpointVersion = 1;

// Where a run is: what a checkpoint stores besides the weights and the optimizer.
struct TrainingPosition {
    int epoch = 0;            // epochs completed
    std::int64_t step = 0;    // next step within the current epoch
    double lossSum = 0;       // the current epoch's running sums
    std::int64_t correct = 0, seen = 0;
    std::vector<EpochReport> history;
};

struct CheckpointContents {
    std::string kind;                 // "network" or "supernet"
    graph::Network network;  // the network, or the supernet's largest member (an architecture)
    space::SearchSpace space;         // supernet only
    nlohmann::json settings;          // what must match to resume
    TrainingPosition position;

    std::shared_ptr<torch::serialize::InputArchive> archive;  // set by loadCheckpoint
    std::string path;
    void loadModule(torch::nn::Module& m) const;
    void loadOptimizer(torch::optim::Optimizer& o) const;
};

// Atomic: a unique temporary file beside `path`, fsync, rename.
void saveCheckpoint(const std::string& path, const CheckpointContents& c, torch::nn::Module& m,
                    torch::optim::Optimizer* optimizer);
// Throws mcunet::Error naming the file for anything unreadable or of another version.
CheckpointContents loadCheckpoint(const std::string& path);

nlohmann::json spaceToJson(const space::SearchSpace& s);
space::SearchSpace spaceFromJson(const nlohmann::json& j);

}  // namespace mcunet::nas
