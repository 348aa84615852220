/* Fully connected, weights per tensor or per output channel; the input offset is folded into
 * the bias (bias + offset * sum of the row's weights) and the row is walked
 * four at a time. */
#include "mcunet_fixed_point.h"
#include "mcunet_kernels.h"

void mcu_fully_connected_s8(const int8_t *in, int32_t n, const int8_t *weights, const int32_t *bias,
                            const int32_t *multiplier, const int32_t *shift, int32_t per_channel, int8_t *out,
                            int32_t out_features, const mcu_quant_t *q) {
    int32_t o, j;
    for (o = 0; o < out_features; ++o) {
        const int8_t *w = weights + (int64_t)o * n;
        int32_t acc = bias[o], wsum = 0;
        for (j = 0; j + 4 <= n; j += 4) {
            acc += in[j] * w[j] + in[j + 1] * w[j + 1] + in[j + 2] * w[j + 2] + in[j + 3] * w[j + 3];
            wsum += w[j] + w[j + 1] + w[j + 2] + w[j + 3];
        }
        for (; j < n; ++j) {
            acc += in[j] * w[j];
            wsum += w[j];
        }
        acc += q->input_offset * wsum;
        const int32_t m = per_channel ? o : 0;
        out[o] = mcu_clamp_s8(mcu_requantize_fast(acc, multiplier[m], shift[m]) + q->output_offset, q->act_min,
                              q->act_max);
    }
}
