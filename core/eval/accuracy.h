#pragma once
// Accuracy of a trained model on images, measured by every engine that runs
// it: float (quant::runFloat), the int8 reference interpreter, the generated C
// on the host, and the firmware on a (virtual) board through the link. The
// int8 engines must agree output by output; `mcunet eval` and `mcunet train`
// report all of them.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "board/board.h"
#include "data/dataset.h"
#include "device/board_device.h"
#include "quant/model.h"
#include "quant/model_dir.h"

namespace mcunet::eval {

// Image i as the model's input: float (pixel - 128) / 128, int8 pixel - 128.
std::vector<float> floatInput(const data::ImageSet& set, int i);
std::vector<std::int8_t> int8Input(const data::ImageSet& set, int i);

// Calibration inputs: `count` images of `set` drawn without replacement with `seed`.
std::vector<std::vector<float>> calibrationInputs(const data::ImageSet& set, int count, std::uint64_t seed);

// Index of the largest value (the first on ties).
int argmax(const std::vector<std::int8_t>& v);
int argmax(const std::vector<float>& v);

quant::Accuracy score(const std::string& engine, const data::ImageSet& set, const std::vector<int>& predictions, int classes);

// Progress: (images done, images in all); return false to cancel (throws mcunet::Error "cancelled").
using Progress = std::function<bool(int, int)>;

std::vector<int> predictFloat(const quant::FloatModel& m, const data::ImageSet& set, int threads);
// Outputs of the reference interpreter, one per image.
std::vector<std::vector<std::int8_t>> runInterpreter(const quant::QuantizedModel& m, const data::ImageSet& set, int threads);
// Generates the C project into workDir, builds the host runner, runs every image.
std::vector<std::vector<std::int8_t>> runHostC(const quant::QuantizedModel& m, const data::ImageSet& set,
                                               const std::string& workDir);
// Generates, cross-builds for the board and starts it as the live demos do
// (deploy/target.h: a virtual board in QEMU; a real board found on USB,
// flashed, then its USB or serial link, `device` choosing which), then runs
// every image over the link protocol: input, run, output.
std::vector<std::vector<std::int8_t>> runOnBoard(const quant::QuantizedModel& m, const board::Board& b,
                                                 const data::ImageSet& set, const std::string& workDir,
                                                 const Progress& progress = {}, const device::DeviceSelector& device = {});

std::vector<int> predictions(const std::vector<std::vector<std::int8_t>>& outputs);
// Index of the first image whose outputs differ, -1 when all are equal.
int firstDifference(const std::vector<std::vector<std::int8_t>>& a, const std::vector<std::vector<std::int8_t>>& b);

}  // namespace mcunet::eval
