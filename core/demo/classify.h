#pragma once
// From a prepared picture to the model's int8 input, and from its int8
// output to a label with a confidence (docs/demo.md).
#include <cstdint>
#include <string>
#include <vector>

#include "quant/model.h"

namespace mcunet::demo {

// Pixels (0..255, the model's H x W x C) to its int8 input: the float input
// (pixel - 128) / 128 of training (docs/model-format.md), quantized with the
// input tensor's scale and zero point (trained models: pixel - 128 exactly).
// Throws mcunet::Error when the size differs from the model's input.
std::vector<std::int8_t> quantizeInput(const quant::QuantizedModel& model, const std::vector<std::uint8_t>& pixels);

struct Prediction {
    int label = -1;
    double confidence = 0;             // the winner's probability
    std::vector<double> values;        // every class's probability
};

// The highest output wins (ties: the lower class). Probabilities: the output
// dequantized with its tensor's scale and zero point when the network ends
// in a softmax, else the softmax of those dequantized logits.
Prediction predict(const quant::QuantizedModel& model, const std::vector<std::int8_t>& output);

}  // namespace mcunet::demo
