/* TF Lite's fixed-point requantization in C99 (static inline, no libcalls:
 * the 64-bit division by 2^31 compiles to shifts). */
#ifndef MCUNET_FIXED_POINT_H
#define MCUNET_FIXED_POINT_H

#include <stdint.h>

static inline int32_t mcu_sat_rounding_doubling_high_mul(int32_t a, int32_t b) {
    if (a == b && a == INT32_MIN) return INT32_MAX;
    {
        const int64_t ab = (int64_t)a * (int64_t)b;
        const int64_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
        return (int32_t)((ab + nudge) / ((int64_t)1 << 31));
    }
}

static inline int32_t mcu_rounding_divide_by_pot(int32_t x, int32_t exponent) {
    const int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* acc * real multiplier (Q31 `multiplier`, power of two `shift`, > 0 left). */
static inline int32_t mcu_requantize(int32_t acc, int32_t multiplier, int32_t shift) {
    const int32_t left = shift > 0 ? shift : 0;
    const int32_t right = shift > 0 ? 0 : -shift;
    return mcu_rounding_divide_by_pot(mcu_sat_rounding_doubling_high_mul((int32_t)((uint32_t)acc << left), multiplier),
                                      right);
}

/* The same result as mcu_requantize in fewer instructions (what the
 * optimized kernels use; tested equal to it on the host and the board):
 * - the doubling high multiply's saturation case (both operands INT32_MIN)
 *   cannot happen, since quantized multipliers are positive;
 * - TF Lite's nudge-and-truncate (nudge 2^30 or 1 - 2^30 by sign, then
 *   division rounding toward zero) equals adding 2^30 and an arithmetic
 *   shift right by 31, for both signs (floor((y + 2^30 - 1) / 2^31) =
 *   ceil((y - 2^30) / 2^31)); the compiler makes that one multiply-accumulate
 *   and two shifts. */
static inline int32_t mcu_requantize_fast(int32_t acc, int32_t multiplier, int32_t shift) {
    const int32_t left = shift > 0 ? shift : 0;
    const int32_t right = shift > 0 ? 0 : -shift;
    const int64_t product = (int64_t)(int32_t)((uint32_t)acc << left) * multiplier + ((int64_t)1 << 30);
    const int32_t high = (int32_t)(product >> 31);
    const int32_t mask = (int32_t)((1u << right) - 1u);
    const int32_t remainder = high & mask;
    const int32_t result = high >> right;
    const int32_t threshold = (mask >> 1) + (result < 0 ? 1 : 0);
    return result + (remainder > threshold ? 1 : 0);
}

/* TF Lite's ...SmallerThanOneExp (multipliers below one; shift <= 0). */
static inline int32_t mcu_requantize_below_one(int32_t x, int32_t multiplier, int32_t shift) {
    return mcu_rounding_divide_by_pot(mcu_sat_rounding_doubling_high_mul(x, multiplier), -shift);
}

static inline int8_t mcu_clamp_s8(int32_t v, int32_t lo, int32_t hi) {
    return (int8_t)(v < lo ? lo : (v > hi ? hi : v));
}

#endif /* MCUNET_FIXED_POINT_H */
