/* Mean over H and W (TF Lite's int8 MEAN, axis [1, 2]) as TF Lite Micro
 * computes it (reduce.cc): with keep_dims, reference_integer_ops::Mean (the
 * sum of x - input zero point, times the input/output scale ratio, divided
 * by the count rounding half away from zero, plus the output zero point);
 * without, its generic reduction, which TF Lite Micro runs integer-only when
 * input and output are quantized alike (the sum of x divided by the count,
 * truncated toward zero). Channel by channel: output c is written only after
 * channel c is summed, so the output may start at the input (in place). */
#include "mcunet_fixed_point.h"
#include "mcunet_kernels.h"

void mcu_mean_s8(const int8_t *in, int32_t pixels, int32_t channels, const mcu_mean_params_t *p, int8_t *out) {
    int32_t c, i;
    for (c = 0; c < channels; ++c) {
        int32_t acc = 0;
        if (!p->keep_dims) {
            for (i = 0; i < pixels; ++i) acc += in[(int64_t)i * channels + c];
            out[c] = (int8_t)(acc / pixels);
            continue;
        }
        for (i = 0; i < pixels; ++i) acc += in[(int64_t)i * channels + c] - p->input_zero_point;
        acc = mcu_requantize(acc, p->multiplier, p->shift);
        acc = acc > 0 ? (acc + pixels / 2) / pixels : (acc - pixels / 2) / pixels;
        out[c] = mcu_clamp_s8(acc + p->output_zero_point, -128, 127);
    }
}
