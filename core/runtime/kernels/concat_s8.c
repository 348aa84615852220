/* Channel concatenation (TF Lite's int8 CONCATENATION along the last axis,
 * every input quantized as the output, as TF Lite Micro requires): each
 * output pixel is the pixels of the inputs one after the other. Out of place
 * only. */
#include "mcunet_kernels.h"

void mcu_concat_s8(const int8_t *const *inputs, const int32_t *channels, int32_t count, int32_t pixels, int8_t *out) {
    int32_t p, k, c;
    for (p = 0; p < pixels; ++p)
        for (k = 0; k < count; ++k) {
            const int8_t *i = inputs[k] + (int64_t)p * channels[k];
            for (c = 0; c < channels[k]; ++c) *out++ = i[c];
        }
}
