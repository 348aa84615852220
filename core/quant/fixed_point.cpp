#include "quant/fixed_point.h"

#include <cmath>
#include <limits>

namespace mcunet::quant {

Multiplier quantizeMultiplier(double real) {
    Multiplier m;
    if (real == 0.0) return m;
    int shift = 0;
    const double q = std::frexp(real, &shift);
    auto fixed = static_cast<std::int64_t>(std::round(q * double(std::int64_t(1) << 31)));
    if (fixed == (std::int64_t(1) << 31)) {
        fixed /= 2;
        ++shift;
    }
    if (shift < -31) {
        shift = 0;
        fixed = 0;
    }
    m.value = static_cast<std::int32_t>(fixed);
    m.shift = shift;
    return m;
}

std::int32_t saturatingRoundingDoublingHighMul(std::int32_t a, std::int32_t b) {
    const bool overflow = a == b && a == std::numeric_limits<std::int32_t>::min();
    if (overflow) return std::numeric_limits<std::int32_t>::max();
    const std::int64_t ab = std::int64_t(a) * std::int64_t(b);
    const std::int32_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
    return static_cast<std::int32_t>((ab + nudge) / (std::int64_t(1) << 31));
}

std::int32_t roundingDivideByPOT(std::int32_t x, int exponent) {
    const std::int32_t mask = static_cast<std::int32_t>((std::int64_t(1) << exponent) - 1);
    const std::int32_t remainder = x & mask;
    const std::int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

std::int32_t multiplyByQuantizedMultiplier(std::int32_t x, Multiplier m) {
    const int left = m.shift > 0 ? m.shift : 0;
    const int right = m.shift > 0 ? 0 : -m.shift;
    const auto shifted = static_cast<std::int32_t>(static_cast<std::int64_t>(x) * (std::int64_t(1) << left));
    return roundingDivideByPOT(saturatingRoundingDoublingHighMul(shifted, m.value), right);
}

std::int32_t multiplyByQuantizedMultiplierSmallerThanOne(std::int32_t x, Multiplier m) {
    return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x, m.value), -m.shift);
}

}  // namespace mcunet::quant
