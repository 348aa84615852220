/* Generation-time checks and constants for the layer-specialized kernels of
 * mcunet_fast.h: when the fast requantization is exact, and its rounding
 * constants. The code generator and the kernel tests call these; the
 * firmware does not (the linker drops them). */
#include "mcunet_fast.h"

static int64_t magnitude(int64_t v) { return v < 0 ? -v : v; }

static const int64_t kLimit = (int64_t)1 << 31;

int mcu_channel_prepare(int32_t bias, int32_t input_offset, const int8_t *w, int32_t n, int32_t multiplier,
                        int32_t shift, int32_t output_offset, mcu_channel_t *out) {
    int64_t sum = 0, magnitudes = 0, folded, bound, round;
    int32_t j, r;
    if (multiplier <= 0 || shift > -1 || shift < -30) return 0;
    r = -shift;
    for (j = 0; j < n; ++j) {
        sum += w[j];
        magnitudes += magnitude(w[j]);
    }
    folded = (int64_t)bias + (int64_t)input_offset * sum;
    /* Largest |acc| any int8 input can give: the fold plus |x| <= 128 per tap. */
    bound = magnitude(folded) + 128 * magnitudes;
    if (2 * bound >= kLimit) return 0;
    round = ((int64_t)1 << (r - 1)) + (int64_t)output_offset * ((int64_t)1 << r);
    /* SMMLAR's result (|SRDHM| <= |acc| + 1, plus round) and the sign term fit. */
    if (bound + 2 + magnitude(round) >= kLimit) return 0;
    out->bias = (int32_t)folded;
    out->mult = multiplier;
    out->round = (int32_t)round;
    out->shift = r;
    return 1;
}

int mcu_add_term_prepare(int64_t bound, int32_t multiplier, int32_t shift, int32_t offset, int32_t *round) {
    int64_t rc;
    int32_t r;
    if (multiplier <= 0 || shift > 0 || shift < -30 || bound < 0) return 0;
    r = -shift;
    if (2 * bound >= kLimit) return 0;
    rc = (r > 0 ? (int64_t)1 << (r - 1) : 0) + (int64_t)offset * ((int64_t)1 << r);
    if (bound + 2 + magnitude(rc) >= kLimit) return 0;
    *round = (int32_t)rc;
    return 1;
}
