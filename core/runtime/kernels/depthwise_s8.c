/* Depthwise convolution, in place or not: channel by channel, the input
 * channel is copied into a padded int8 plane (padding = the input zero point,
 * so it contributes nothing), then every output of that channel is computed
 * from the plane and written at its HWC position. Writing channel c touches
 * only channel c's slots, whose input is already in the plane: the output may
 * therefore start at the input's address (TinyEngine's in-place depthwise),
 * with one plane of scratch instead of a second tensor.
 * acc = bias + sum(plane * w) + input_offset * sum(w): the offset is folded
 * into the bias once per channel. Kernel size and stride are compile-time
 * constants in the specialized entry points, so the tap loops unroll.
 * A depth multiplier M = out C / in C above 1 (TF Lite's depth_multiplier:
 * output channel c * M + m filters input channel c) computes the M outputs of
 * a channel from one plane; those calls are out of place only. */
#include <string.h>

#include "mcunet_fixed_point.h"
#include "mcunet_kernels.h"
#include "mcunet_simd.h"

#define MCU_RESTRICT restrict

/* The specialized entry points only pay off if the kernel size and stride
 * reach the loops as constants: force the inlining gcc would otherwise skip. */
#if defined(__GNUC__)
#define MCU_ALWAYS_INLINE static inline __attribute__((always_inline))
#else
#define MCU_ALWAYS_INLINE static inline
#endif

static inline void copy_plane(const int8_t *MCU_RESTRICT in, const mcu_shape_t *is, int32_t ch, int32_t pad_top,
                              int32_t pad_left, int32_t bh, int32_t bw, int8_t zero_point, int8_t *MCU_RESTRICT plane) {
    const int32_t c = is->c;
    const int32_t first = pad_left;                                        /* first plane column inside the input */
    const int32_t last = pad_left + is->w < bw ? pad_left + is->w : bw;    /* one past the last */
    int32_t by, bx;
    for (by = 0; by < bh; ++by) {
        const int32_t iy = by - pad_top;
        int8_t *dst = plane + by * bw;
        if (iy < 0 || iy >= is->h) {
            memset(dst, zero_point, (size_t)bw);
            continue;
        }
        {
            const int8_t *src = in + (int64_t)iy * is->w * c + ch;
            for (bx = 0; bx < first; ++bx) dst[bx] = zero_point;
            for (; bx < last; ++bx) dst[bx] = src[(int64_t)(bx - pad_left) * c];
            for (; bx < bw; ++bx) dst[bx] = zero_point;
        }
    }
}

#if MCU_HAS_DSP

/* DSP path: each row of taps is read four plane bytes at a time (one
 * unaligned word); SXTB16 splits them into the lane pairs (p0,p2) and
 * (p1,p3), which meet the weights packed the same way in two SMLADs. Taps
 * past the kernel's width get weight 0, so a row may read up to three bytes
 * past its end (the plane's scratch has 4 spare bytes for the last row). */
MCU_ALWAYS_INLINE void plane_channel(const int8_t *MCU_RESTRICT plane, int32_t bw, const int8_t *w_in, const int32_t k,
                                     const int32_t s, int32_t oh, int32_t ow, int32_t acc_base, int32_t mult,
                                     int32_t shift, const mcu_quant_t *q, int8_t *MCU_RESTRICT out, int32_t stride_c) {
    const int32_t groups = (k + 3) / 4;
    uint32_t wp[7][4];
    int32_t oy, ox, ky, g;
    const int32_t out_offset = q->output_offset, lo = q->act_min, hi = q->act_max;
    for (ky = 0; ky < k; ++ky)
        for (g = 0; g < groups; ++g) {
            int32_t t[4], j;
            for (j = 0; j < 4; ++j) t[j] = 4 * g + j < k ? w_in[ky * k + 4 * g + j] : 0;
            wp[ky][2 * g] = (uint32_t)(uint16_t)(int16_t)t[0] | (uint32_t)(uint16_t)(int16_t)t[2] << 16;
            wp[ky][2 * g + 1] = (uint32_t)(uint16_t)(int16_t)t[1] | (uint32_t)(uint16_t)(int16_t)t[3] << 16;
        }
    for (oy = 0; oy < oh; ++oy) {
        const int8_t *row = plane + oy * s * bw;
        int8_t *o = out + (int64_t)oy * ow * stride_c;
        for (ox = 0; ox < ow; ++ox) {
            const int8_t *p = row + ox * s;
            int32_t acc = acc_base;
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 7
#endif
            for (ky = 0; ky < k; ++ky) {
                const int8_t *r = p + ky * bw;
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 2
#endif
                for (g = 0; g < groups; ++g) {
                    const uint32_t x = mcu_load32(r + 4 * g);
                    acc = mcu_smlad(mcu_sxtb16(x), wp[ky][2 * g], acc);
                    acc = mcu_smlad(mcu_sxtb16(mcu_ror8(x)), wp[ky][2 * g + 1], acc);
                }
            }
            o[(int64_t)ox * stride_c] = mcu_clamp_s8(mcu_requantize_fast(acc, mult, shift) + out_offset, lo, hi);
        }
    }
}
#else
/* Two outputs per step: their taps share k + s plane values per row, loaded
 * once into registers; the weights live in a local array (registers for
 * small kernels) since the int8 output stores could otherwise alias them. */
MCU_ALWAYS_INLINE void plane_channel(const int8_t *MCU_RESTRICT plane, int32_t bw, const int8_t *w_in, const int32_t k,
                                     const int32_t s, int32_t oh, int32_t ow, int32_t acc_base, int32_t mult,
                                     int32_t shift, const mcu_quant_t *q, int8_t *MCU_RESTRICT out, int32_t stride_c) {
    int32_t w[49];
    int32_t oy, ox, ky, kx, t;
    const int32_t out_offset = q->output_offset, lo = q->act_min, hi = q->act_max;
    for (t = 0; t < k * k; ++t) w[t] = w_in[t];
    for (oy = 0; oy < oh; ++oy) {
        const int8_t *row = plane + oy * s * bw;
        int8_t *o = out + (int64_t)oy * ow * stride_c;
        for (ox = 0; ox + 1 < ow; ox += 2) {
            const int8_t *p = row + ox * s;
            int32_t acc0 = acc_base, acc1 = acc_base;
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 7
#endif
            for (ky = 0; ky < k; ++ky) {
                int32_t v[9];
                const int8_t *r = p + ky * bw;
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 9
#endif
                for (kx = 0; kx < k + s; ++kx) v[kx] = r[kx];
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 7
#endif
                for (kx = 0; kx < k; ++kx) {
                    acc0 += v[kx] * w[ky * k + kx];
                    acc1 += v[kx + s] * w[ky * k + kx];
                }
            }
            o[(int64_t)ox * stride_c] = mcu_clamp_s8(mcu_requantize_fast(acc0, mult, shift) + out_offset, lo, hi);
            o[(int64_t)(ox + 1) * stride_c] = mcu_clamp_s8(mcu_requantize_fast(acc1, mult, shift) + out_offset, lo, hi);
        }
        if (ox < ow) {
            const int8_t *p = row + ox * s;
            int32_t acc = acc_base;
            for (ky = 0; ky < k; ++ky)
                for (kx = 0; kx < k; ++kx) acc += p[ky * bw + kx] * w[ky * k + kx];
            o[(int64_t)ox * stride_c] = mcu_clamp_s8(mcu_requantize_fast(acc, mult, shift) + out_offset, lo, hi);
        }
    }
}
#endif

/* Out of place without scratch: straight from the tensor, bounds checked. */
static void direct(const int8_t *in, const mcu_shape_t *is, const int8_t *weights, const int32_t *bias,
                   const int32_t *multiplier, const int32_t *shift, int8_t *out, const mcu_shape_t *os, int32_t kh,
                   int32_t kw, int32_t sh, int32_t sw, int32_t pad_top, int32_t pad_left, const mcu_quant_t *q) {
    const int32_t m = os->c / is->c;
    int32_t oy, ox, ch, ky, kx;
    for (oy = 0; oy < os->h; ++oy)
        for (ox = 0; ox < os->w; ++ox)
            for (ch = 0; ch < os->c; ++ch) {
                int32_t acc = bias[ch];
                for (ky = 0; ky < kh; ++ky) {
                    const int32_t iy = oy * sh - pad_top + ky;
                    if (iy < 0 || iy >= is->h) continue;
                    for (kx = 0; kx < kw; ++kx) {
                        const int32_t ix = ox * sw - pad_left + kx;
                        if (ix < 0 || ix >= is->w) continue;
                        acc += (in[((int64_t)iy * is->w + ix) * is->c + ch / m] + q->input_offset) *
                               weights[(ch * kh + ky) * kw + kx];
                    }
                }
                out[((int64_t)oy * os->w + ox) * os->c + ch] =
                    mcu_clamp_s8(mcu_requantize_fast(acc, multiplier[ch], shift[ch]) + q->output_offset, q->act_min,
                                 q->act_max);
            }
}

MCU_ALWAYS_INLINE void depthwise(MCU_DEPTHWISE_ARGS, const int32_t k, const int32_t s) {
    const int32_t bh = (out_shape->h - 1) * s + k;
    const int32_t bw = (out_shape->w - 1) * s + k;
    const int8_t zero_point = (int8_t)(-q->input_offset);
    const int32_t m = out_shape->c / in_shape->c;
    int32_t ch, o, t;
    if (!scratch) {
        direct(in, in_shape, weights, bias, multiplier, shift, out, out_shape, k, k, s, s, pad_top, pad_left, q);
        return;
    }
    for (ch = 0; ch < in_shape->c; ++ch) {
        copy_plane(in, in_shape, ch, pad_top, pad_left, bh, bw, zero_point, scratch);
        for (o = ch * m; o < (ch + 1) * m; ++o) {
            const int8_t *w = weights + o * k * k;
            int32_t wsum = 0;
            for (t = 0; t < k * k; ++t) wsum += w[t];
            plane_channel(scratch, bw, w, k, s, out_shape->h, out_shape->w, bias[o] + q->input_offset * wsum,
                          multiplier[o], shift[o], q, out + o, out_shape->c);
        }
    }
}

#define MCU_DEPTHWISE_SPECIALIZED(K, S)                                                                        \
    void mcu_depthwise_s8_k##K##s##S(MCU_DEPTHWISE_ARGS) {                                                     \
        depthwise(in, in_shape, weights, bias, multiplier, shift, out, out_shape, pad_top, pad_left, q, scratch, \
                  K, S);                                                                                       \
    }

MCU_DEPTHWISE_SPECIALIZED(3, 1)
MCU_DEPTHWISE_SPECIALIZED(3, 2)
MCU_DEPTHWISE_SPECIALIZED(5, 1)
MCU_DEPTHWISE_SPECIALIZED(5, 2)
MCU_DEPTHWISE_SPECIALIZED(7, 1)
MCU_DEPTHWISE_SPECIALIZED(7, 2)

void mcu_depthwise_s8(MCU_DEPTHWISE_ARGS, int32_t kernel, int32_t stride) {
    mcu_depthwise_s8_hw(in, in_shape, weights, bias, multiplier, shift, out, out_shape, pad_top, pad_left, q, scratch,
                        kernel, kernel, stride, stride);
}

void mcu_depthwise_s8_hw(MCU_DEPTHWISE_ARGS, int32_t kernel_h, int32_t kernel_w, int32_t stride_h, int32_t stride_w) {
    /* Dispatch to the specialized code; other shapes take the direct path. */
#define MCU_DW_CASE(K, S)                                                                                          \
    if (kernel_h == K && kernel_w == K && stride_h == S && stride_w == S) {                                        \
        mcu_depthwise_s8_k##K##s##S(in, in_shape, weights, bias, multiplier, shift, out, out_shape, pad_top, pad_left, \
                                    q, scratch);                                                                   \
        return;                                                                                                    \
    }
    MCU_DW_CASE(3, 1)
    MCU_DW_CASE(3, 2)
    MCU_DW_CASE(5, 1)
    MCU_DW_CASE(5, 2)
    MCU_DW_CASE(7, 1)
    MCU_DW_CASE(7, 2)
#undef MCU_DW_CASE
    if (!scratch) {
        direct(in, in_shape, weights, bias, multiplier, shift, out, out_shape, kernel_h, kernel_w, stride_h, stride_w,
               pad_top, pad_left, q);
        return;
    }
    {
        /* Any other shape, in place or not: the plane, one output at a time. */
        const int32_t bh = (out_shape->h - 1) * stride_h + kernel_h, bw = (out_shape->w - 1) * stride_w + kernel_w;
        const int32_t m = out_shape->c / in_shape->c, taps = kernel_h * kernel_w;
        int32_t ch, o, oy, ox, ky, kx, t;
        for (ch = 0; ch < in_shape->c; ++ch) {
            copy_plane(in, in_shape, ch, pad_top, pad_left, bh, bw, (int8_t)(-q->input_offset), scratch);
            for (o = ch * m; o < (ch + 1) * m; ++o) {
                const int8_t *w = weights + o * taps;
                int32_t wsum = 0;
                for (t = 0; t < taps; ++t) wsum += w[t];
                for (oy = 0; oy < out_shape->h; ++oy)
                    for (ox = 0; ox < out_shape->w; ++ox) {
                        const int8_t *p = scratch + oy * stride_h * bw + ox * stride_w;
                        int32_t acc = bias[o] + q->input_offset * wsum;
                        for (ky = 0; ky < kernel_h; ++ky)
                            for (kx = 0; kx < kernel_w; ++kx) acc += p[ky * bw + kx] * w[ky * kernel_w + kx];
                        out[((int64_t)oy * out_shape->w + ox) * out_shape->c + o] =
                            mcu_clamp_s8(mcu_requantize_fast(acc, multiplier[o], shift[o]) + q->output_offset,
                                         q->act_min, q->act_max);
                    }
            }
        }
    }
}
