#pragma once
// The trained model directory (docs/model-format.md, version 2): what
// `mcunet train` writes and `codegen`, `deploy`, `run`, `eval` and
// `export-tflite` take with --model DIR.
//
//   model.json         format, version, network, classes, input, calibration,
//                      training record, accuracies (float and int8, confusion matrices)
//   weights_float.bin  BatchNorm-folded float weights, per op, quant::FloatModel layouts
//   int8.bin           tensor scales / zero points, per-op int8 weights, int32 bias,
//                      weight scales and clamps (multipliers are derived on load)
//   checkpoint.pt      the torch training checkpoint (optional; for fine-tuning
//                      and the search), read only by core/nas
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "graph/network.h"
#include "quant/model.h"

namespace mcunet::quant {

inline constexpr int kModelFormatVersion = 2;  // reads 1 and 2

struct Accuracy {
    std::string engine;                     // "float", "int8-reference", "int8-host-c", "int8-<board>"
    int images = 0, correct = 0;
    std::vector<std::vector<int>> confusion;  // [true class][predicted class]
    double value() const { return images ? double(correct) / images : 0.0; }
};

struct TrainedModel {
    graph::Network network;  // an MBConv architecture or a keyword-spotting DS-CNN
    std::vector<std::string> classes;
    FloatModel floatModel;
    QuantizedModel int8;
    nlohmann::json calibration = nlohmann::json::object();  // method, images
    nlohmann::json training = nlohmann::json::object();     // data, settings, history, times
    std::vector<Accuracy> accuracy;
};

// Writes a complete directory atomically: a fresh folder beside `dir`, renamed
// into place when every file is written (an existing model directory at `dir`
// is replaced; any other existing path is refused). Extra files (e.g. the
// checkpoint) are moved in from `extraFiles` (source path -> name in the folder).
void saveTrainedModel(const TrainedModel& m, const std::string& dir,
                      const std::vector<std::pair<std::string, std::string>>& extraFiles = {});
// Reads and validates one; throws mcunet::Error naming the file and field.
TrainedModel loadTrainedModel(const std::string& dir);
// The network model.json describes, without reading the weights (cheap: what
// the studio needs to choose between picture and sound sources); checked as
// loadTrainedModel checks it.
graph::Network loadModelNetwork(const std::string& dir);
// True when `dir` holds a model.json of ours.
bool isTrainedModelDirectory(const std::string& dir);

nlohmann::json toJson(const Accuracy& a);
Accuracy accuracyFromJson(const nlohmann::json& j, const std::string& path);

}  // namespace mcunet::quant
