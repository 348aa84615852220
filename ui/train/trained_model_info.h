#pragma once
// What the studio shows about a trained model directory (docs/model-format.md)
// without loading its weights: the architecture it was trained as, the class
// names, the test accuracies and the int8 confusion matrix, read from
// model.json alone. And how that architecture differs from the design, since
// Deploy may only use the trained weights for the very same network.
// Plain C++ (no Qt).
#include <string>
#include <vector>

#include "arch/architecture.h"
#include "train/train_progress.h"

namespace mcunet::ui {

struct TrainedModelInfo {
    std::string directory;
    arch::Architecture architecture;  // numClasses is the data's
    std::vector<std::string> classes;
    double floatAccuracy = -1, int8Accuracy = -1;  // -1: not recorded
    int testImages = 0;
    std::vector<std::vector<int>> int8Confusion;  // [true class][predicted class]; may be empty
    std::vector<TrainEpoch> history;              // training.history: one record per epoch
    std::string dataSource;                       // training.data.source ("fashion-mnist" or a folder); may be empty
};

// Throws mcunet::Error naming the file when model.json is missing or malformed.
TrainedModelInfo readTrainedModelInfo(const std::string& directory);

// The ways `trained` differs from `design`, one short phrase each ("10 classes
// (the design has 2)"); empty when they are the same network. Names are not
// compared: a preset renamed is still the same network.
std::vector<std::string> architectureDifferences(const arch::Architecture& trained, const arch::Architecture& design);

// The design as it must be for the trained weights to fit it: the trained
// network under the design's name.
arch::Architecture adoptTrained(const arch::Architecture& trained, const arch::Architecture& design);

}  // namespace mcunet::ui
