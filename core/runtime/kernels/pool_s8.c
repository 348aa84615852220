/* Max and average pooling with any window and stride (TF Lite's int8
 * MAX_POOL_2D and AVERAGE_POOL_2D, reference_integer_ops::MaxPool and
 * AveragePool): each window is clipped to the input, so padding positions
 * are left out (neither a zero nor the zero point takes part); the output is
 * quantized as the input and clamped to [act_min, act_max] (the fused
 * activation). Out of place only: a window reads input rows that earlier
 * output pixels would already have overwritten. */
#include "mcunet_kernels.h"

/* The part of the window of output (oy, ox) inside the input. */
typedef struct {
    int32_t y0, y1, x0, x1; /* [y0, y1) x [x0, x1), never empty for SAME or VALID windows */
} mcu_pool_span_t;

static mcu_pool_span_t mcu_pool_span(const mcu_shape_t *is, const mcu_pool_t *p, int32_t oy, int32_t ox) {
    mcu_pool_span_t s;
    const int32_t y = oy * p->stride_h - p->pad_top, x = ox * p->stride_w - p->pad_left;
    s.y0 = y < 0 ? 0 : y;
    s.x0 = x < 0 ? 0 : x;
    s.y1 = y + p->kernel_h > is->h ? is->h : y + p->kernel_h;
    s.x1 = x + p->kernel_w > is->w ? is->w : x + p->kernel_w;
    return s;
}

static int8_t mcu_pool_clamp(int32_t v, const mcu_pool_t *p) {
    return (int8_t)(v < p->act_min ? p->act_min : (v > p->act_max ? p->act_max : v));
}

void mcu_maxpool_s8(const int8_t *in, const mcu_shape_t *is, int8_t *out, const mcu_shape_t *os, const mcu_pool_t *p) {
    int32_t oy, ox, c, y, x;
    for (oy = 0; oy < os->h; ++oy)
        for (ox = 0; ox < os->w; ++ox) {
            const mcu_pool_span_t s = mcu_pool_span(is, p, oy, ox);
            int8_t *o = out + ((int64_t)oy * os->w + ox) * os->c;
            for (c = 0; c < os->c; ++c) {
                int32_t m = -128;
                for (y = s.y0; y < s.y1; ++y)
                    for (x = s.x0; x < s.x1; ++x) {
                        const int32_t v = in[((int64_t)y * is->w + x) * is->c + c];
                        if (v > m) m = v;
                    }
                o[c] = mcu_pool_clamp(m, p);
            }
        }
}

void mcu_avgpool2d_s8(const int8_t *in, const mcu_shape_t *is, int8_t *out, const mcu_shape_t *os,
                      const mcu_pool_t *p) {
    int32_t oy, ox, c, y, x;
    for (oy = 0; oy < os->h; ++oy)
        for (ox = 0; ox < os->w; ++ox) {
            const mcu_pool_span_t s = mcu_pool_span(is, p, oy, ox);
            const int32_t count = (s.y1 - s.y0) * (s.x1 - s.x0);
            int8_t *o = out + ((int64_t)oy * os->w + ox) * os->c;
            for (c = 0; c < os->c; ++c) {
                int32_t acc = 0;
                for (y = s.y0; y < s.y1; ++y)
                    for (x = s.x0; x < s.x1; ++x) acc += in[((int64_t)y * is->w + x) * is->c + c];
                /* Rounded half away from zero, as TF Lite. */
                acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
                o[c] = mcu_pool_clamp(acc, p);
            }
        }
}
