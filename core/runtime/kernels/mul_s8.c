/* Elementwise product with TF Lite's int8 arithmetic
 * (reference_integer_ops::Mul): (a - za) * (b - zb) requantized by one
 * multiplier s_a * s_b / s_out, plus the output zero point, clamped.
 * Element by element, so the output may be either input (in place). */
#include "mcunet_fixed_point.h"
#include "mcunet_kernels.h"

void mcu_mul_s8(const int8_t *a, const int8_t *b, int8_t *out, int32_t size, const mcu_mul_params_t *p) {
    int32_t i;
    for (i = 0; i < size; ++i) {
        const int32_t product = (a[i] + p->input1_offset) * (b[i] + p->input2_offset);
        out[i] = mcu_clamp_s8(mcu_requantize(product, p->multiplier, p->shift) + p->output_offset, p->act_min,
                              p->act_max);
    }
}
