#pragma once
// Writes an int8 model as a standard .tflite flatbuffer (TF Lite schema 3),
// so other engines (TF Lite, TF Lite Micro, Arm NN) run the very same model:
// CONV_2D (1x1 and general convs, per-channel weights), DEPTHWISE_CONV_2D
// (per-channel), ADD, AVERAGE_POOL_2D (global, VALID), RESHAPE + FULLY_CONNECTED
// (per-tensor weights). ReLU6 is the fused activation; padding is SAME.
#include <cstdint>
#include <string>
#include <vector>

#include "quant/model.h"

namespace mcunet::interop {

std::vector<std::uint8_t> exportTflite(const quant::QuantizedModel& m, const std::string& description = "");
void writeTflite(const quant::QuantizedModel& m, const std::string& path);  // atomic

// A model of op `op` alone: its inputs become the model's inputs (in the op's
// order), its output the output. For layer-by-layer cross-checks.
std::vector<std::uint8_t> exportTfliteLayer(const quant::QuantizedModel& m, int op);

// Reads back what a .tflite file holds at the top level (for checks and error
// messages): operator count, tensor count, input/output shapes. Throws
// mcunet::Error naming the problem on a file that is not a valid .tflite.
struct TfliteSummary {
    int operators = 0;
    int tensors = 0;
    std::vector<std::vector<int>> inputShapes, outputShapes;
    std::vector<std::string> opNames;
};
TfliteSummary inspectTflite(const std::vector<std::uint8_t>& bytes);

}  // namespace mcunet::interop
