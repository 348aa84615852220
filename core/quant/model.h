#pragma once
// Float and int8 models over the layer graph.
//
// Weight layouts (TF Lite's): conv2d [Cout][k][k][Cin] (OHWI), depthwise
// [k][k][C], pointwise and fully connected [Cout][Cin]. Activations are HWC.
// Quantization follows TF Lite's int8 scheme (DESIGN.md section 4):
// activations per tensor (scale, zero point), weights symmetric per output
// channel (fully connected: per tensor, which every engine accepts), bias
// int32 at scale s_in * s_w, requantization by a Q31 multiplier and shift,
// the fused activation (ReLU6, ReLU) folded into the output clamp; average pool keeps its input's
// quantization (as TF Lite's AVERAGE_POOL_2D requires).
#include <cstdint>
#include <optional>
#include <vector>

#include "graph/graph.h"
#include "quant/calibration.h"
#include "quant/fixed_point.h"
#include "quant/softmax.h"

namespace mcunet::quant {

struct FloatWeights {
    std::vector<float> weights;
    std::vector<float> bias;
};

struct FloatModel {
    graph::Graph graph;
    std::vector<FloatWeights> ops;  // per op; empty for add and pool
};

// Seeded random weights (He-style scale so activations stay in range through
// deep residual stacks); the stand-in for trained weights until training lands.
FloatModel initializeWeights(const graph::Graph& g, std::uint64_t seed);

// Float inference; returns every tensor's values (index = tensor).
std::vector<std::vector<float>> runFloat(const FloatModel& m, const std::vector<float>& input);

struct TensorQuant {
    float scale = 1.0f;
    std::int32_t zeroPoint = 0;
};

struct OpQuant {
    std::vector<std::int8_t> weights;
    std::vector<std::int32_t> bias;
    std::vector<float> weightScales;       // per output channel (one for fully connected)
    std::vector<Multiplier> multipliers;   // per output channel (one for fully connected)
    std::int32_t activationMin = -128;
    std::int32_t activationMax = 127;
    // Add only (TF Lite's int8 add).
    int leftShift = 20;
    Multiplier input1, input2, output;
    // Softmax only (TF Lite's int8 softmax, derived from the input scale).
    SoftmaxParams softmax;
    // Mean: input scale / output scale; mul: s_a * s_b / s_out (TF Lite's
    // QuantizeMultiplier of the real ratio, in double).
    Multiplier ratio;
    // Pad only: the padding value (TF Lite's PAD: the zero point).
    std::int32_t padValue = 0;
};

struct QuantizedModel {
    graph::Graph graph;
    std::vector<TensorQuant> tensors;  // per tensor
    std::vector<OpQuant> ops;          // per op
};

// Calibrates activation ranges on the inputs (float HWC, any range) and
// quantizes. Throws mcunet::Error when there is no calibration input.
// Ranges: the minimum and maximum each tensor reaches over the calibration
// inputs (widened to include 0). Weights that read an input channel which
// never changed over the calibration are folded into the bias
// (quant/calibration.h).
QuantizedModel quantize(const FloatModel& m, const std::vector<std::vector<float>>& calibration);
// The same with the input tensor's quantization fixed (trained models:
// scale 1/128, zero point 0, so the int8 input is pixel - 128 exactly).
QuantizedModel quantize(const FloatModel& m, const std::vector<std::vector<float>>& calibration, TensorQuant input);
// Fills every op's requantization multipliers (and ADD's input/output
// multipliers) from the tensor scales and weight scales: quantize() ends with
// it, and a model read back from a file is completed by it.
void deriveRequantization(QuantizedModel& q);

// The input quantization of trained models (docs/model-format.md).
inline constexpr TensorQuant kImageInputQuant{1.0f / 128.0f, 0};

std::vector<std::int8_t> quantizeTensor(const std::vector<float>& values, TensorQuant q);
std::vector<float> dequantizeTensor(const std::vector<std::int8_t>& values, TensorQuant q);

// Seeded weights, calibrated on `calibrationInputs` seeded random images and
// quantized: the int8 model the CLI and the studio generate code from until
// trained weights exist.
QuantizedModel quantizeSeeded(const graph::Graph& g, std::uint64_t seed, int calibrationInputs = 4);

// Random float images in [-1, 1], seeded.
std::vector<std::vector<float>> randomInputs(const graph::Graph& g, int count, std::uint64_t seed);

}  // namespace mcunet::quant
