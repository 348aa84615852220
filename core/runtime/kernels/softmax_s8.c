/* Softmax, int8 in, int8 out (scale 1/256, zero point -128), with TF Lite's
 * fixed-point arithmetic bit for bit (reference_ops::Softmax for int8, which
 * TF Lite Micro runs; the exp and reciprocal are gemmlowp's fixedpoint.h
 * polynomials). Everything is int32 with a 64-bit product; no float, no libm.
 *
 * Formats (Qm.n: m integer bits, n = 31 - m fraction bits):
 * - scaled input differences x - max: Q5.26 (inputs below -32 are cut off
 *   by diff_min before they could overflow);
 * - exp() results and the reciprocal: Q0.31;
 * - the sum of exps: Q12.19.
 *
 * Each output reads only its own input element after the row's max and sum
 * are known, so `out == in` (in place) is safe; the exp is computed twice
 * per element rather than kept in a scratch buffer, as TF Lite does. */
#include "mcunet_fixed_point.h"
#include "mcunet_kernels.h"

#define SCALED_DIFF_BITS 5 /* Q5.26 */
#define ACCUM_BITS 12      /* Q12.19 */

/* x * 2^n, saturating to the int32 range (gemmlowp's rescale to fewer
 * integer bits). 1 <= n <= 30. */
static int32_t sat_mul_pot(int32_t x, int32_t n) {
    const int32_t limit = (int32_t)(((uint32_t)1 << (31 - n)) - 1u);
    if (x > limit) return INT32_MAX;
    if (x < -limit) return INT32_MIN;
    return (int32_t)((uint32_t)x << n);
}

/* exp(a) for a in [-1/4, 0), Q0.31 in and out: exp(-1/8) * exp(a + 1/8),
 * the second factor as its Taylor series to degree 4 around 0. */
static int32_t exp_quarter(int32_t a) {
    const int32_t exp_minus_eighth = 1895147668; /* round(exp(-1/8) * 2^31) */
    const int32_t one_third = 715827883;         /* round(2^31 / 3) */
    const int32_t t = a + (1 << 28);             /* a + 1/8 */
    const int32_t t2 = mcu_sat_rounding_doubling_high_mul(t, t);
    const int32_t t3 = mcu_sat_rounding_doubling_high_mul(t2, t);
    const int32_t t4 = mcu_sat_rounding_doubling_high_mul(t2, t2);
    /* t^2/2 + t^3/6 + t^4/24 = ((t^4/4 + t^3) / 3 + t^2) / 2 */
    const int32_t inner = mcu_sat_rounding_doubling_high_mul(mcu_rounding_divide_by_pot(t4, 2) + t3, one_third);
    const int32_t higher = mcu_rounding_divide_by_pot(inner + t2, 1);
    return exp_minus_eighth + mcu_sat_rounding_doubling_high_mul(exp_minus_eighth, t + higher);
}

/* exp(a) for a <= 0 in Q5.26 (a > -32), result in Q0.31. a = f - r with f
 * in [-1/4, 0) and r a non-negative multiple of 1/4; exp(f) comes from the
 * polynomial and each set bit of r (1/4 ... 16) multiplies by exp(-bit). */
static int32_t exp_negative_q5_26(int32_t a) {
    static const int32_t exp_minus_pot[7] = {
        1672461947, /* exp(-1/4) in Q0.31 */
        1302514674, /* exp(-1/2) */
        790015084,  /* exp(-1) */
        290630308,  /* exp(-2) */
        39332535,   /* exp(-4) */
        720401,     /* exp(-8) */
        242         /* exp(-16) */
    };
    const int32_t quarter = 1 << 24; /* 1/4 in Q5.26 */
    const int32_t f = (a & (quarter - 1)) - quarter;
    const int32_t r = f - a;
    int32_t result, k;
    if (a == 0) return INT32_MAX; /* exp(0) = 1, saturated */
    /* f in Q0.31: times 2^5, which cannot saturate since |f| <= 2^24 */
    result = exp_quarter((int32_t)((uint32_t)f << SCALED_DIFF_BITS));
    for (k = 0; k < 7; ++k)
        if (r & ((int32_t)1 << (24 + k))) result = mcu_sat_rounding_doubling_high_mul(result, exp_minus_pot[k]);
    return result;
}

/* 1 / (1 + a) for a in [0, 1), Q0.31 in and out: three Newton-Raphson
 * steps on d = (1 + a) / 2 from the start 48/17 - 32/17 d, in Q2.29. */
static int32_t one_over_one_plus(int32_t a) {
    const int32_t c48_17 = 1515870810;      /* round(48/17 * 2^29) */
    const int32_t c_minus_32_17 = -1010580540; /* round(-32/17 * 2^29) */
    const int32_t one_q2_29 = (int32_t)1 << 29;
    /* (a + 1) / 2, rounded half away from zero; a >= 0 so that is a floor */
    const int32_t d = (int32_t)(((int64_t)a + ((int64_t)1 << 31)) >> 1);
    int32_t x = c48_17 + mcu_sat_rounding_doubling_high_mul(d, c_minus_32_17);
    int32_t i;
    for (i = 0; i < 3; ++i) {
        const int32_t error = one_q2_29 - mcu_sat_rounding_doubling_high_mul(d, x); /* Q2.29 */
        x += sat_mul_pot(mcu_sat_rounding_doubling_high_mul(x, error), 2);      /* Q4.27 -> Q2.29 */
    }
    /* 1/(1+a) = x/2: x as Q1.30 is already x/2; Q1.30 -> Q0.31 */
    return sat_mul_pot(x, 1);
}

/* (x - max) * beta * input scale in Q5.26; |diff| * 2^shift < 2^31 whenever
 * diff >= diff_min, so the shift cannot overflow. */
static int32_t scaled_diff(int32_t diff, const mcu_softmax_params_t *p) {
    const int32_t shifted = (int32_t)((int64_t)diff * ((int64_t)1 << p->input_left_shift));
    return mcu_sat_rounding_doubling_high_mul(shifted, p->input_multiplier);
}

static int32_t count_leading_zeros(uint32_t v) {
    int32_t n = 0;
    while (n < 32 && !(v & 0x80000000u)) {
        v <<= 1;
        ++n;
    }
    return n;
}

static void softmax_row(const int8_t *in, int32_t n, const mcu_softmax_params_t *p, int8_t *out) {
    int32_t max = in[0], sum = 0, c, headroom, exponent, reciprocal;
    for (c = 1; c < n; ++c)
        if (in[c] > max) max = in[c];
    for (c = 0; c < n; ++c) {
        const int32_t diff = in[c] - max;
        if (diff >= p->diff_min)
            sum += mcu_rounding_divide_by_pot(exp_negative_q5_26(scaled_diff(diff, p)), ACCUM_BITS); /* Q0.31 -> Q12.19 */
    }
    /* sum >= 2^19 (the max contributes exp(0)): normalize it to [1, 2),
     * 1 + s with s in Q0.31, and take 1 / (1 + s) */
    headroom = count_leading_zeros((uint32_t)sum);
    reciprocal = one_over_one_plus((int32_t)(((uint32_t)sum << headroom) - 0x80000000u));
    /* probability * 256 = reciprocal * exp / 2^(bits over one + 31 - 8) */
    exponent = (ACCUM_BITS - headroom) + 31 - 8;
    for (c = 0; c < n; ++c) {
        const int32_t diff = in[c] - max;
        int32_t q = -128;
        if (diff >= p->diff_min) {
            const int32_t prob = mcu_sat_rounding_doubling_high_mul(reciprocal, exp_negative_q5_26(scaled_diff(diff, p)));
            /* exponent > 31 needs a sum of exps >= 512, where TF Lite stops
             * (TFLITE_CHECK); prob < 2^31, so prob / 2^32 or less rounds to 0 */
            q = mcu_clamp_s8((exponent > 31 ? 0 : mcu_rounding_divide_by_pot(prob, exponent)) - 128, -128, 127);
        }
        out[c] = (int8_t)q;
    }
}

void mcu_softmax_s8(const int8_t *in, int32_t rows, int32_t row_size, const mcu_softmax_params_t *p, int8_t *out) {
    int32_t r;
    for (r = 0; r < rows; ++r) softmax_row(in + r * row_size, row_size, p, out + r * row_size);
}
