/* General convolution: two output pixels at a time, each gathered into a q15
 * im2col column (padding taps are 0 once the input offset is applied), then
 * one pass over each output channel's weights for both columns. */
#include "mcunet_dot.h"
#include "mcunet_fixed_point.h"
#include "mcunet_kernels.h"

static void im2col(const int8_t *in, const mcu_shape_t *is, const mcu_window_t *win, int32_t oy, int32_t ox,
                   int32_t offset, int16_t *col) {
    const int32_t kh = win->kernel_h, kw = win->kernel_w;
    int32_t ky, kx, c;
    int16_t *dst = col;
    for (ky = 0; ky < kh; ++ky) {
        const int32_t iy = oy * win->stride_h - win->pad_top + ky;
        for (kx = 0; kx < kw; ++kx) {
            const int32_t ix = ox * win->stride_w - win->pad_left + kx;
            if (iy < 0 || iy >= is->h || ix < 0 || ix >= is->w) {
                for (c = 0; c < is->c; ++c) *dst++ = 0;
            } else {
                const int8_t *src = in + ((int64_t)iy * is->w + ix) * is->c;
                for (c = 0; c < is->c; ++c) *dst++ = (int16_t)(src[c] + offset);
            }
        }
    }
    mcu_q15_reorder(col, kh * kw * is->c);
}

void mcu_conv2d_s8(const int8_t *in, const mcu_shape_t *in_shape, const int8_t *weights, const int32_t *bias,
                   const int32_t *multiplier, const int32_t *shift, int8_t *out, const mcu_shape_t *out_shape,
                   const mcu_window_t *window, const mcu_quant_t *q, int16_t *scratch) {
    const int32_t n = window->kernel_h * window->kernel_w * in_shape->c;
    const int32_t pixels = out_shape->h * out_shape->w;
    int16_t *col0 = scratch;
    int16_t *col1 = scratch + n;
    int32_t p;
    for (p = 0; p < pixels; p += 2) {
        const int32_t two = p + 1 < pixels;
        int8_t *o0 = out + (int64_t)p * out_shape->c;
        int8_t *o1 = o0 + out_shape->c;
        int32_t oc;
        im2col(in, in_shape, window, p / out_shape->w, p % out_shape->w, q->input_offset, col0);
        if (two) im2col(in, in_shape, window, (p + 1) / out_shape->w, (p + 1) % out_shape->w, q->input_offset, col1);
        for (oc = 0; oc < out_shape->c; ++oc) {
            int32_t a0 = bias[oc], a1 = bias[oc];
            mcu_dot2(col0, two ? col1 : col0, weights + (int64_t)oc * n, n, &a0, &a1);
            o0[oc] = mcu_clamp_s8(mcu_requantize_fast(a0, multiplier[oc], shift[oc]) + q->output_offset, q->act_min,
                                  q->act_max);
            if (two)
                o1[oc] = mcu_clamp_s8(mcu_requantize_fast(a1, multiplier[oc], shift[oc]) + q->output_offset, q->act_min,
                                      q->act_max);
        }
    }
}

/* mcunet_fast.h: the border outputs of mcu_fast_conv2d_c1, tap by tap. Out
 * of line on purpose: inlined into a model whose input and output share the
 * arena, GCC 12 at -O3 dropped this loop's stores (found on person_detect's
 * host build; -O2, clang and this separate function are right). */
void mcu_fast_conv2d_c1_span(const int8_t *in, int8_t *out, int32_t h, int32_t w, int32_t ow, int32_t cout, int32_t k,
                             int32_t s, int32_t pad_top, int32_t pad_left, const int8_t *wk, const mcu_channel_t *ch,
                             int32_t zp, int32_t lo, int32_t hi, int32_t oy, int32_t ox0, int32_t ox1) {
    int8_t *o = out + oy * ow * cout;
    const int32_t iy0 = oy * s - pad_top;
    const int32_t ky0 = iy0 < 0 ? -iy0 : 0, ky1 = h - iy0 < k ? h - iy0 : k; /* taps inside: rows [ky0, ky1) */
    int32_t ox, ky, kx, sum = 0;
    /* Every tap as the zero point, then the taps inside corrected: the
     * window is clipped once per output instead of tested per tap. */
    for (ky = 0; ky < k * k; ++ky) sum += wk[ky];
    for (ox = ox0; ox < ox1; ++ox) {
        const int32_t ix0 = ox * s - pad_left;
        const int32_t kx0 = ix0 < 0 ? -ix0 : 0, kx1 = w - ix0 < k ? w - ix0 : k;
        int32_t acc = ch->bias + zp * sum;
        for (ky = ky0; ky < ky1; ++ky) {
            const int8_t *row = in + (iy0 + ky) * w + ix0;
            const int8_t *wr = wk + ky * k;
            for (kx = kx0; kx < kx1; ++kx) acc += (row[kx] - zp) * wr[kx];
        }
        o[ox * cout] = mcu_fast_clamp(mcu_fast_requant(acc, ch->mult, ch->round, ch->shift), lo, hi);
    }
}
