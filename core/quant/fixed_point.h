#pragma once
// TF Lite's int8 fixed-point arithmetic (tensorflow/lite/kernels/internal/
// common.h semantics): a real multiplier becomes a Q31 multiplier and a power
// of two; results are rounded twice (doubling high multiply, then rounding
// right shift). The reference interpreter uses these; the generated C kernels
// implement the same arithmetic independently and are tested against it.
#include <cstdint>

namespace mcunet::quant {

struct Multiplier {
    std::int32_t value = 0;  // Q31, in [2^30, 2^31) unless zero
    int shift = 0;           // > 0: left shift, < 0: right shift
};

Multiplier quantizeMultiplier(double real);

std::int32_t saturatingRoundingDoublingHighMul(std::int32_t a, std::int32_t b);
std::int32_t roundingDivideByPOT(std::int32_t x, int exponent);
// x * real, with real given as a Multiplier (TF Lite MultiplyByQuantizedMultiplier).
std::int32_t multiplyByQuantizedMultiplier(std::int32_t x, Multiplier m);
// For multipliers below one (TF Lite ...SmallerThanOneExp, used by add).
std::int32_t multiplyByQuantizedMultiplierSmallerThanOne(std::int32_t x, Multiplier m);

}  // namespace mcunet::quant
