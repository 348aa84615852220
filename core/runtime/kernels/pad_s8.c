/* Constant padding of H and W (TF Lite's int8 PAD and PADV2): the input
 * placed at (pad_top, pad_left) of the output, every other element `value`.
 * Written from the last output element backwards: output element j comes
 * from input element i <= j (the output is at least as wide), and every
 * input element still to be read lies below j, so the output may start at
 * the input (in place). */
#include "mcunet_kernels.h"

void mcu_pad_s8(const int8_t *in, const mcu_shape_t *is, int8_t *out, const mcu_shape_t *os, int32_t pad_top,
                int32_t pad_left, int8_t value) {
    int32_t y, x, c;
    for (y = os->h - 1; y >= 0; --y)
        for (x = os->w - 1; x >= 0; --x) {
            const int32_t iy = y - pad_top, ix = x - pad_left;
            int8_t *o = out + ((int64_t)y * os->w + x) * os->c;
            if (iy < 0 || iy >= is->h || ix < 0 || ix >= is->w) {
                for (c = os->c - 1; c >= 0; --c) o[c] = value;
            } else {
                const int8_t *i = in + ((int64_t)iy * is->w + ix) * is->c;
                for (c = os->c - 1; c >= 0; --c) o[c] = i[c];
            }
        }
}
