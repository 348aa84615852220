#pragma once
// Activation ranges for int8 quantization, from float runs over calibration
// inputs (docs/training.md, "What happens", step 4): every tensor's minimum and
// maximum (TF Lite's converter default), widened to include 0, and every
// channel's own minimum and maximum. quantize() turns a tensor's range into
// its scale and zero point, and uses the channels' to find input channels
// that never change (a ReLU whose channel BatchNorm switched off): their
// weights are taken out of the weight scale (quant/model.cpp).
//
// Clipped ranges (the 99.995th percentile, or the range that minimises the
// expected squared error) were measured on searched fashion-MNIST models and
// gained at most 0.02 points once constant channels were handled, so min/max
// stays (bench/RESULTS.md, "Int8 of networks from the supernet").
#include <vector>

namespace mcunet::quant {

struct FloatModel;

struct Range {
    float lo = 0.0f, hi = 0.0f;
};

struct Calibrated {
    std::vector<Range> tensors;                // per tensor (index = tensor), including 0
    std::vector<std::vector<Range>> channels;  // per tensor, per channel: as reached
};

// Throws mcunet::Error when there is no calibration input.
Calibrated calibrate(const FloatModel& m, const std::vector<std::vector<float>>& calibration);

}  // namespace mcunet::quant
