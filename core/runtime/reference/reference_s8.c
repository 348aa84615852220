/* Plain reference kernels: the textbook loops, out of place, no scratch, no
 * tricks. The optimized kernels are tested against these. */
#include "mcunet_fixed_point.h"
#include "mcunet_kernels.h"

void mcu_ref_conv_s8(mcu_ref_conv_kind_t kind, const int8_t *in, const mcu_shape_t *is, const int8_t *weights, const int32_t *bias,
                     const int32_t *multiplier, const int32_t *shift, int8_t *out, const mcu_shape_t *os,
                     const mcu_window_t *win, const mcu_quant_t *q) {
    const int32_t kh = win->kernel_h, kw = win->kernel_w;
    const int32_t depth_multiplier = kind == MCU_REF_DEPTHWISE ? os->c / is->c : 1; /* depthwise output oc reads channel oc / M */
    int32_t oy, ox, oc, ky, kx, ic;
    for (oy = 0; oy < os->h; ++oy)
        for (ox = 0; ox < os->w; ++ox)
            for (oc = 0; oc < os->c; ++oc) {
                int32_t acc = bias[oc];
                for (ky = 0; ky < kh; ++ky)
                    for (kx = 0; kx < kw; ++kx) {
                        const int32_t iy = oy * win->stride_h - win->pad_top + ky;
                        const int32_t ix = ox * win->stride_w - win->pad_left + kx;
                        const int8_t *x;
                        if (iy < 0 || iy >= is->h || ix < 0 || ix >= is->w) continue;
                        x = in + ((int64_t)iy * is->w + ix) * is->c;
                        if (kind == MCU_REF_DEPTHWISE) {
                            acc += (x[oc / depth_multiplier] + q->input_offset) * weights[(oc * kh + ky) * kw + kx];
                        } else {
                            for (ic = 0; ic < is->c; ++ic)
                                acc += (x[ic] + q->input_offset) * weights[((oc * kh + ky) * kw + kx) * is->c + ic];
                        }
                    }
                out[((int64_t)oy * os->w + ox) * os->c + oc] =
                    mcu_clamp_s8(mcu_requantize(acc, multiplier[oc], shift[oc]) + q->output_offset, q->act_min,
                                 q->act_max);
            }
}

void mcu_ref_add_s8(const int8_t *a, const int8_t *b, int8_t *out, int32_t size, const mcu_add_params_t *p) {
    int32_t i;
    for (i = 0; i < size; ++i) {
        const int32_t x = (a[i] + p->input1_offset) * (1 << p->left_shift);
        const int32_t y = (b[i] + p->input2_offset) * (1 << p->left_shift);
        const int32_t sx = mcu_rounding_divide_by_pot(mcu_sat_rounding_doubling_high_mul(x, p->input1_multiplier),
                                                      -p->input1_shift);
        const int32_t sy = mcu_rounding_divide_by_pot(mcu_sat_rounding_doubling_high_mul(y, p->input2_multiplier),
                                                      -p->input2_shift);
        const int32_t r = mcu_rounding_divide_by_pot(mcu_sat_rounding_doubling_high_mul(sx + sy, p->output_multiplier),
                                                     -p->output_shift) +
                          p->output_offset;
        out[i] = mcu_clamp_s8(r, p->act_min, p->act_max);
    }
}

void mcu_ref_avgpool_s8(const int8_t *in, int32_t pixels, int32_t channels, int8_t *out) {
    int32_t c, p;
    for (c = 0; c < channels; ++c) {
        int32_t acc = 0;
        for (p = 0; p < pixels; ++p) acc += in[(int64_t)p * channels + c];
        if (acc > 0)
            acc = (acc + pixels / 2) / pixels;
        else
            acc = (acc - pixels / 2) / pixels;
        out[c] = mcu_clamp_s8(acc, -128, 127);
    }
}

void mcu_ref_fully_connected_s8(const int8_t *in, int32_t n, const int8_t *weights, const int32_t *bias,
                                const int32_t *multiplier, const int32_t *shift, int32_t per_channel, int8_t *out,
                                int32_t out_features, const mcu_quant_t *q) {
    int32_t o, j;
    for (o = 0; o < out_features; ++o) {
        int32_t acc = bias[o];
        for (j = 0; j < n; ++j) acc += (in[j] + q->input_offset) * weights[(int64_t)o * n + j];
        const int32_t m = per_channel ? o : 0;
        out[o] = mcu_clamp_s8(mcu_requantize(acc, multiplier[m], shift[m]) + q->output_offset, q->act_min, q->act_max);
    }
}
