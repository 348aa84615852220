#pragma once
// `mcunet train` (the mcunet-train program; `mcunet train` hands over to it so
// that only this program loads libtorch).
#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/train_options.h"
#include "data/dataset.h"
#include "nas/training.h"

namespace mcunet::train {

// Returns the exit code: 0 done, 130 stopped by SIGINT/SIGTERM after a
// checkpoint. Throws mcunet::Error for bad flags or data (exit code 2).
int trainCommand(const std::vector<std::string>& argv, nas::Collective* collective);

// `mcunet search`: 0 done, 130 stopped by SIGINT/SIGTERM after a generation
// (resumable). Throws mcunet::Error for bad flags, data or limits (exit code 2).
// Under mpirun each rank measures its share of every generation's networks
// (the results are all-reduced, so every rank follows the same search); rank 0
// writes the files and the progress.
int searchCommand(const std::vector<std::string>& argv, nas::Collective* collective);

// The training settings `mcunet train` derives from its flags.
nas::TrainSettings settingsOf(const cli::TrainOptions& o);

// After training: int8 from the trained weights (activation ranges calibrated
// on real training images), float and int8 accuracy on the test set, and the
// model directory written atomically.
int finishModel(const graph::Network& a, const nas::TrainOutcome& outcome, const data::Datasets& d,
                const std::string& outDir, const std::string& workDir, const std::string& checkpoint,
                int calibrationImages, const nas::TrainSettings& settings, const nlohmann::json& dataRecord,
                std::chrono::steady_clock::time_point started, bool json);

}  // namespace mcunet::train
