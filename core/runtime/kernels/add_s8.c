/* Residual add with TF Lite's int8 arithmetic; element by element, so the
 * output may be either input (in place). */
#include "mcunet_fixed_point.h"
#include "mcunet_kernels.h"

void mcu_add_s8(const int8_t *a, const int8_t *b, int8_t *out, int32_t size, const mcu_add_params_t *p) {
    int32_t i;
    for (i = 0; i < size; ++i) {
        const int32_t x = (int32_t)((uint32_t)(a[i] + p->input1_offset) << p->left_shift);
        const int32_t y = (int32_t)((uint32_t)(b[i] + p->input2_offset) << p->left_shift);
        const int32_t sum = mcu_requantize_fast(x, p->input1_multiplier, p->input1_shift) +
                            mcu_requantize_fast(y, p->input2_multiplier, p->input2_shift);
        out[i] = mcu_clamp_s8(mcu_requantize_fast(sum, p->output_multiplier, p->output_shift) + p->output_offset,
                              p->act_min, p->act_max);
    }
}
