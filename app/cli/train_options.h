#pragma once
// The flags of `mcunet train` (docs/training.md), defined once: `mcunet train`
// checks them and answers --help without loading libtorch, then hands the
// command line to mcunet-train, which parses it with the same definition.
#include <cstdint>
#include <optional>
#include <string>

#include "common/defaults.h"

namespace CLI {
class App;
}

namespace mcunet::cli {

struct TrainOptions {
    // The supernet's largest network is taken at this size unless given.
    static constexpr int kSupernetResolution = 96;
    static constexpr double kSupernetWidth = 0.5;

    std::optional<std::string> data, out;
    // The network: exactly one of arch, preset, supernet.
    std::optional<std::string> arch, preset;
    bool supernet = false;
    std::optional<std::string> space, subnet;  // supernet only
    std::optional<int> resolution, channels;
    std::optional<double> width;
    std::optional<std::string> board;
    std::optional<double> sramKb, flashKb;  // with --board; default the board's
    int epochs = defaults::kTrainEpochs;
    int batch = defaults::kTrainBatch;
    std::optional<int> threads;  // default: every core
    std::string optimizer = defaults::kTrainOptimizer;
    std::optional<double> learningRate, weightDecay;  // default: the optimizer's (below)
    double labelSmoothing = 0.1;
    std::uint64_t seed = defaults::kSeed;
    int cropPadding = 2;
    bool noFlip = false;
    double validation = 0.1;
    int trainPerClass = 0, testPerClass = 0;  // 0: every image
    int calibrationImages = 200;
    int maxSteps = 0, checkpointSteps = 0;     // 0: no limit, every epoch only
    std::optional<std::string> init;
    bool resume = false, force = false, json = false;

    double learningRateOrDefault() const;
    double weightDecayOrDefault() const;
    std::string spaceOrDefault() const { return space.value_or("mcunet"); }
};

// Adds the flags, with their ranges and defaults, to `app`.
void defineTrainOptions(CLI::App& app, TrainOptions& o);

// The checks that need neither files nor data (--data and --out given, one
// network, flags that go together); throws mcunet::Error.
void checkTrainOptions(const TrainOptions& o);

}  // namespace mcunet::cli
