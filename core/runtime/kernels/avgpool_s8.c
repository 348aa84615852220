/* Global average pool, channel by channel: output c is written only after
 * channel c is summed, so the output may start at the input (in place).
 * Rounds half away from zero as TF Lite does; output quantized as input. */
#include "mcunet_kernels.h"

void mcu_avgpool_s8(const int8_t *in, int32_t pixels, int32_t channels, int8_t *out) {
    int32_t c, p;
    for (c = 0; c < channels; ++c) {
        int32_t acc = 0;
        for (p = 0; p < pixels; ++p) acc += in[(int64_t)p * channels + c];
        acc = acc > 0 ? (acc + pixels / 2) / pixels : (acc - pixels / 2) / pixels;
        out[c] = (int8_t)(acc < -128 ? -128 : (acc > 127 ? 127 : acc));
    }
}
