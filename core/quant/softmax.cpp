#include "quant/softmax.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "common/error.h"
#include "quant/fixed_point.h"

namespace mcunet::quant {
namespace {

// Integer bits of the scaled input differences (Q5.26) and of the sum of
// exps (Q12.19), as in TF Lite's int8 softmax.
constexpr int kDiffBits = 5;
constexpr int kSumBits = 12;
constexpr int kMaxRowSize = 4095;  // 4096 * exp(0) = 4096 * 2^19 overflows the Q12.19 sum

// A fixed-point number: `raw` / 2^(31 - intBits), gemmlowp's FixedPoint with
// the integer bits carried at run time.
struct Fixed {
    std::int32_t raw = 0;
    int intBits = 0;
};

Fixed operator*(Fixed a, Fixed b) { return {saturatingRoundingDoublingHighMul(a.raw, b.raw), a.intBits + b.intBits}; }

// Same integer bits on both sides; plain int32 additions, as in gemmlowp.
Fixed operator+(Fixed a, Fixed b) { return {a.raw + b.raw, a.intBits}; }
Fixed operator-(Fixed a, Fixed b) { return {a.raw - b.raw, a.intBits}; }

// The value in `bits` integer bits: a rounding right shift when bits grows,
// a saturating left shift when it shrinks (gemmlowp's Rescale).
Fixed rescale(Fixed a, int bits) {
    const int up = a.intBits - bits;
    if (up <= 0) return {roundingDivideByPOT(a.raw, -up), bits};
    const std::int64_t shifted = std::int64_t(a.raw) * (std::int64_t(1) << up);
    const std::int64_t limit = (std::int64_t(1) << (31 - up)) - 1;  // gemmlowp saturates past +-limit
    if (a.raw > limit) return {std::numeric_limits<std::int32_t>::max(), bits};
    if (a.raw < -limit) return {std::numeric_limits<std::int32_t>::min(), bits};
    return {static_cast<std::int32_t>(shifted), bits};
}

// A real constant rounded to `intBits` integer bits (gemmlowp's FromDouble;
// its checked constants are these values).
Fixed constant(double value, int intBits) {
    return {static_cast<std::int32_t>(std::lround(std::ldexp(value, 31 - intBits))), intBits};
}

Fixed oneIn(int intBits) {
    return {intBits == 0 ? std::numeric_limits<std::int32_t>::max() : std::int32_t(1) << (31 - intBits), intBits};
}

// exp(a) for a in [-1/4, 0): exp(-1/8) * (1 + t + t^2/2 + t^3/6 + t^4/24), t = a + 1/8.
Fixed expQuarter(Fixed a) {
    static const Fixed expEighth = constant(std::exp(-0.125), 0);
    static const Fixed third = constant(1.0 / 3.0, 0);
    const Fixed t = a + constant(0.125, 0);
    const Fixed t2 = t * t;
    const Fixed t3 = t2 * t;
    const Fixed t4 = t2 * t2;
    const Fixed quarterT4 = {roundingDivideByPOT(t4.raw, 2), 0};
    const Fixed series = {roundingDivideByPOT(((quarterT4 + t3) * third + t2).raw, 1), 0};
    return expEighth + expEighth * (t + series);
}

// exp(a) for a <= 0 with any integer bits, result with 0 integer bits.
// a = f - r, f in [-1/4, 0): exp(f) times exp(-2^k) for each bit 2^k of r.
Fixed expOnNegativeValues(Fixed a) {
    if (a.raw == 0) return oneIn(0);
    const int fracBits = 31 - a.intBits;
    const std::int32_t quarter = std::int32_t(1) << (fracBits - 2);
    const Fixed f = {(a.raw & (quarter - 1)) - quarter, a.intBits};
    const std::int32_t r = (f - a).raw;
    // exp(-2^k) for k = -2 .. 4
    static const std::array<Fixed, 7> expMinusPot = [] {
        std::array<Fixed, 7> t;
        for (int k = -2; k <= 4; ++k) t[std::size_t(k + 2)] = constant(std::exp(-std::ldexp(1.0, k)), 0);
        return t;
    }();
    Fixed result = expQuarter(rescale(f, 0));
    for (int k = -2; k <= 4 && k < a.intBits; ++k)
        if (r & (std::int32_t(1) << (fracBits + k))) result = result * expMinusPot[std::size_t(k + 2)];
    // Below -32 exp() is taken as 0 (only reachable with more than 5 integer bits).
    if (a.intBits > 5 && a.raw < -(std::int32_t(1) << (36 - a.intBits))) return {0, 0};
    return result;
}

// 1 / (1 + a) for a in [0, 1), Newton-Raphson on d = (1 + a) / 2 in Q2.29.
Fixed oneOverOnePlus(Fixed a) {
    const std::int64_t sum = std::int64_t(a.raw) + std::numeric_limits<std::int32_t>::max();
    const Fixed d = {static_cast<std::int32_t>((sum + (sum >= 0 ? 1 : -1)) / 2), 0};  // rounding half sum
    Fixed x = constant(48.0 / 17.0, 2) + d * constant(-32.0 / 17.0, 2);
    for (int i = 0; i < 3; ++i) x = x + rescale(x * (oneIn(2) - d * x), 2);
    return rescale({x.raw, 1}, 0);  // x / 2: the same raw value read with one integer bit fewer
}

// The reciprocal of a positive sum in `intBits` integer bits: 1/(1+s) with
// the sum normalized to 1+s, s in [0, 1), and the bits it had above one.
Fixed reciprocal(std::int32_t sum, int intBits, int& bitsOverOne) {
    const int headroom = std::countl_zero(static_cast<std::uint32_t>(sum));
    bitsOverOne = intBits - headroom;
    const auto s = static_cast<std::int32_t>((static_cast<std::uint32_t>(sum) << headroom) - (std::uint32_t(1) << 31));
    return oneOverOnePlus({s, 0});
}

void softmaxRow(const std::int8_t* in, int n, const SoftmaxParams& p, std::int8_t* out, std::vector<Fixed>& exps) {
    const int max = *std::max_element(in, in + n);
    Fixed sum = {0, kSumBits};
    exps.assign(static_cast<std::size_t>(n), Fixed{});
    for (int c = 0; c < n; ++c) {
        const int diff = in[c] - max;
        if (diff < p.diffMin) continue;  // exp() taken as 0; output -128
        const Multiplier m{p.inputMultiplier, p.inputLeftShift};
        exps[static_cast<std::size_t>(c)] = expOnNegativeValues({multiplyByQuantizedMultiplier(diff, m), kDiffBits});
        sum = sum + rescale(exps[static_cast<std::size_t>(c)], kSumBits);
    }
    int bitsOverOne = 0;
    const Fixed scale = reciprocal(sum.raw, kSumBits, bitsOverOne);
    // probability * 256 = scale * exp / 2^(bitsOverOne + 31 - 8); the product
    // is >= 0, so the rounding division is floor((x + half) / 2^e), which also
    // covers e > 31 (sum of exps >= 512, where TF Lite stops on a check).
    const int exponent = bitsOverOne + 31 - 8;
    for (int c = 0; c < n; ++c) {
        if (in[c] - max < p.diffMin) {
            out[c] = -128;
            continue;
        }
        const std::int64_t x = (scale * exps[static_cast<std::size_t>(c)]).raw;
        const std::int64_t q = (x + (std::int64_t(1) << (exponent - 1))) >> exponent;
        out[c] = static_cast<std::int8_t>(std::clamp<std::int64_t>(q - 128, -128, 127));
    }
}

}  // namespace

SoftmaxParams prepareSoftmax(double beta, double inputScale) {
    if (!std::isfinite(beta) || beta <= 0.0)
        throw Error("softmax: beta must be positive and finite (got " + std::to_string(beta) + ")");
    if (!std::isfinite(inputScale) || inputScale <= 0.0)
        throw Error("softmax: input scale must be positive and finite (got " + std::to_string(inputScale) + ")");
    // beta * scale in Q5.26, capped at the largest Q31 value: a larger
    // multiplier would only push every non-max input further below zero.
    const double real = std::min(beta * inputScale * double(std::int64_t(1) << (31 - kDiffBits)),
                                 double((std::int64_t(1) << 31) - 1));
    if (!(real > 1.0))
        throw Error("softmax: beta * input scale must exceed 2^-26 (got " + std::to_string(beta * inputScale) + ")");
    const Multiplier m = quantizeMultiplier(real);
    SoftmaxParams p;
    p.inputMultiplier = m.value;
    p.inputLeftShift = m.shift;
    // The largest |x - max| whose scaled value still fits Q5.26 (TF Lite's
    // CalculateInputRadius): (2^5 - 1) * 2^26 / 2^shift, floored.
    const double radius = double((1 << kDiffBits) - 1) * double(std::int64_t(1) << (31 - kDiffBits)) /
                          double(std::int64_t(1) << m.shift);
    p.diffMin = -static_cast<std::int32_t>(std::floor(radius));
    return p;
}

void softmaxS8(const std::int8_t* in, int rows, int rowSize, const SoftmaxParams& params, std::int8_t* out) {
    if (rows < 0) throw Error("softmax: rows must be >= 0 (got " + std::to_string(rows) + ")");
    if (rowSize < 1 || rowSize > kMaxRowSize)
        throw Error("softmax: row size must be in 1.." + std::to_string(kMaxRowSize) + " (got " +
                    std::to_string(rowSize) + ")");
    if (params.inputMultiplier < (std::int32_t(1) << 30) || params.inputLeftShift < 1 || params.inputLeftShift > 31 ||
        params.diffMin > 0 ||
        -std::int64_t(params.diffMin) * (std::int64_t(1) << params.inputLeftShift) >
            std::int64_t((1 << kDiffBits) - 1) << (31 - kDiffBits))
        throw Error("softmax: parameters out of range (multiplier " + std::to_string(params.inputMultiplier) +
                    ", shift " + std::to_string(params.inputLeftShift) + ", diff_min " +
                    std::to_string(params.diffMin) + ")");
    if (rows > 0 && (!in || !out)) throw Error("softmax: null input or output");
    std::vector<Fixed> exps;
    for (int r = 0; r < rows; ++r) {
        const std::ptrdiff_t offset = std::ptrdiff_t(r) * rowSize;
        softmaxRow(in + offset, rowSize, params, out + offset, exps);
    }
}

}  // namespace mcunet::quant
