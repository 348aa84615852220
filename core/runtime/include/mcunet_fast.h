/* Layer-specialized int8 kernels (TinyEngine's approach): static inline
 * functions that the generated model.c calls with every shape, stride and
 * activation bound as a compile-time constant, so the compiler unrolls and
 * folds them per layer. Bit-exact with TF Lite's int8 arithmetic, like the
 * general kernels of mcunet_kernels.h, which remain the fallback.
 *
 * What the code generator does once, so the kernels never do:
 * - the input offset is folded into the bias:
 *       bias' = bias + input_offset * sum(weights of the channel)
 *   so inputs enter the dot products as raw int8 (padding taps hold the
 *   input zero point, whose contribution the fold cancels);
 * - TF Lite's requantization (a doubling high multiply rounded, then a
 *   rounding right shift by r = -shift, then + output offset) becomes
 *       out = (SMMLAR(2 acc, M, round) + (acc >> 31)) >> r
 *   with round = 2^(r-1) + output_offset * 2^r per channel (mcu_channel_t).
 *   Exact when r >= 1, |2 acc| < 2^31 and the sum fits 32 bits, which
 *   mcu_channel_prepare() checks from the weights and bias; layers where it
 *   does not hold keep the general kernels.
 *
 * Every function documents its arguments and constraints. Scratch buffers
 * are 4-byte aligned. */
#ifndef MCUNET_FAST_H
#define MCUNET_FAST_H

#include <stdint.h>
#include <string.h>

#include "mcunet_kernels.h"
#include "mcunet_simd.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define MCU_FAST static inline __attribute__((always_inline))
#else
#define MCU_FAST static inline
#endif

/* Loop unrolling for the Arm build only: the loops have compile-time trip
 * counts there; host builds (tests, the host runner) keep them rolled and
 * compile several times faster, with the same arithmetic. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__arm__)
#define MCU_PRAGMA(x) _Pragma(#x)
#define MCU_UNROLL(n) MCU_PRAGMA(GCC unroll n)
#else
#define MCU_UNROLL(n)
#endif

/* Per output channel, in the order the epilogue reads them. */
typedef struct {
    int32_t bias;  /* bias + input_offset * sum(w) */
    int32_t mult;  /* TF Lite's Q31 multiplier (positive) */
    int32_t round; /* 2^(shift-1) + output_offset * 2^shift */
    int32_t shift; /* right shift r >= 1 (TF Lite's -shift) */
} mcu_channel_t;

/* Fills `out` for one channel and returns 1 when the fast requantization is
 * exact for every int8 input; returns 0 (out untouched) otherwise.
 * w: the channel's n weights; bias, multiplier, shift: as TF Lite stores
 * them (shift > 0 is a left shift); offsets as in mcu_quant_t. */
int mcu_channel_prepare(int32_t bias, int32_t input_offset, const int8_t *w, int32_t n, int32_t multiplier,
                        int32_t shift, int32_t output_offset, mcu_channel_t *out);

/* For an ADD input or output: returns 1 and the rounding constant when
 * (SMMLAR(2x, multiplier, round) + sign) >> r reproduces TF Lite's
 * MultiplyByQuantizedMultiplierSmallerThanOneExp(x) + offset for every
 * |x| <= bound (r = -shift, 0 allowed: then no sign term). */
int mcu_add_term_prepare(int64_t bound, int32_t multiplier, int32_t shift, int32_t offset, int32_t *round);

/* SMMLAR: acc + (a * b + 2^31) / 2^32, rounded down (Arm's definition). */
MCU_FAST int32_t mcu_smmlar(int32_t a, int32_t b, int32_t acc) {
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
    int32_t r;
    __asm__("smmlar %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
    return r;
#else
    const uint64_t sum = ((uint64_t)(uint32_t)acc << 32) + (uint64_t)((int64_t)a * (int64_t)b) + 0x80000000u;
    return (int32_t)(uint32_t)(sum >> 32);
#endif
}

/* The requantized value before clamping (see the header comment). */
MCU_FAST int32_t mcu_fast_requant(int32_t acc, int32_t mult, int32_t round, int32_t shift) {
    return (mcu_smmlar(acc + acc, mult, round) + (acc >> 31)) >> shift;
}

/* The same from an accumulator that is already doubled (2 acc). */
MCU_FAST int32_t mcu_fast_requant2(int32_t acc2, int32_t mult, int32_t round, int32_t shift) {
    return (mcu_smmlar(acc2, mult, round) + (acc2 >> 31)) >> shift;
}

/* Saturates to int8, then to [lo, hi] (constants: the checks vanish for the
 * full range). */
MCU_FAST int8_t mcu_fast_clamp(int32_t v, const int32_t lo, const int32_t hi) {
#if defined(__ARM_FEATURE_SAT) && __ARM_FEATURE_SAT
    v = __ssat(v, 8);
#else
    v = v < -128 ? -128 : (v > 127 ? 127 : v);
#endif
    if (lo > -128 && v < lo) v = lo;
    if (hi < 127 && v > hi) v = hi;
    return (int8_t)v;
}

/* ---- 1x1 convolution and the dot products the general convolution shares ---- */

/* x[0..n) widened to q15 without offset (doubled when dbl: then the dot
 * products give 2 acc, saving the doubling in every output's
 * requantization); with DSP each group of four is stored in SXTB16 lane
 * order (x0, x2, x1, x3), the tail in natural order. */
MCU_FAST void mcu_fast_widen(const int8_t *x, const int32_t n, int16_t *col, const int dbl) {
    int32_t j, tail = 0;
#if MCU_HAS_DSP
    tail = n & ~3;
    for (j = 0; j < tail; j += 4) {
        const uint32_t v = mcu_load32(x + j);
        uint32_t even = mcu_sxtb16(v), odd = mcu_sxtb16_ror8(v);
        if (dbl) {
            even = mcu_double16(even);
            odd = mcu_double16(odd);
        }
        memcpy(col + j, &even, 4);
        memcpy(col + j + 2, &odd, 4);
    }
#endif
    for (j = tail; j < n; ++j) col[j] = (int16_t)(dbl ? 2 * x[j] : x[j]);
}

/* Two columns (c0, c1; n values in mcu_fast_widen's order) against two
 * weight rows (wa, wb; int8, natural order): acc[0..3] += c0.wa, c1.wa,
 * c0.wb, c1.wb. */
MCU_FAST void mcu_fast_dot2x2(const int16_t *c0, const int16_t *c1, const int8_t *wa, const int8_t *wb,
                              const int32_t n, int32_t acc[4]) {
    int32_t a0 = acc[0], a1 = acc[1], b0 = acc[2], b1 = acc[3];
    int32_t j, tail = 0;
#if MCU_HAS_DSP
    tail = n & ~3;
    MCU_UNROLL(2)
    for (j = 0; j < tail; j += 4) {
        const uint32_t x0lo = mcu_load32(c0 + j), x0hi = mcu_load32(c0 + j + 2);
        const uint32_t x1lo = mcu_load32(c1 + j), x1hi = mcu_load32(c1 + j + 2);
        const uint32_t va = mcu_load32(wa + j), vb = mcu_load32(wb + j);
        const uint32_t a02 = mcu_sxtb16(va), a13 = mcu_sxtb16_ror8(va);
        const uint32_t b02 = mcu_sxtb16(vb), b13 = mcu_sxtb16_ror8(vb);
        a0 = mcu_smlad(x0lo, a02, a0);
        a1 = mcu_smlad(x1lo, a02, a1);
        b0 = mcu_smlad(x0lo, b02, b0);
        b1 = mcu_smlad(x1lo, b02, b1);
        a0 = mcu_smlad(x0hi, a13, a0);
        a1 = mcu_smlad(x1hi, a13, a1);
        b0 = mcu_smlad(x0hi, b13, b0);
        b1 = mcu_smlad(x1hi, b13, b1);
    }
#endif
    for (j = tail; j < n; ++j) {
        const int32_t x0 = c0[j], x1 = c1[j];
        a0 += x0 * wa[j];
        a1 += x1 * wa[j];
        b0 += x0 * wb[j];
        b1 += x1 * wb[j];
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = b0;
    acc[3] = b1;
}

MCU_FAST int8_t mcu_fast_output(int32_t acc, const mcu_channel_t *ch, const int dbl, const int32_t lo,
                                const int32_t hi) {
    const int32_t v = dbl ? mcu_fast_requant2(acc, ch->mult, ch->round, ch->shift)
                          : mcu_fast_requant(acc, ch->mult, ch->round, ch->shift);
    return mcu_fast_clamp(v, lo, hi);
}

/* Outputs of two pixels (columns c0, c1 of n values; o0, o1 their HWC
 * outputs) for all `cout` channels; weights [cout][n]; dbl: the columns
 * hold doubled inputs. For a lone pixel pass c1 = c0 and o1 = o0: the same
 * values are written twice. */
MCU_FAST void mcu_fast_gemm_pair(const int16_t *c0, const int16_t *c1, const int32_t n, const int8_t *w,
                                 const mcu_channel_t *ch, int8_t *o0, int8_t *o1, const int32_t cout,
                                 const int32_t lo, const int32_t hi, const int dbl) {
    int32_t oc;
    /* Walking pointers keep two output bases (immediate offsets) in registers. */
    for (oc = 0; oc + 1 < cout; oc += 2) {
        int32_t acc[4];
        acc[0] = acc[1] = dbl ? 2 * ch[0].bias : ch[0].bias;
        acc[2] = acc[3] = dbl ? 2 * ch[1].bias : ch[1].bias;
        mcu_fast_dot2x2(c0, c1, w, w + n, n, acc);
        o0[0] = mcu_fast_output(acc[0], ch, dbl, lo, hi);
        o1[0] = mcu_fast_output(acc[1], ch, dbl, lo, hi);
        o0[1] = mcu_fast_output(acc[2], ch + 1, dbl, lo, hi);
        o1[1] = mcu_fast_output(acc[3], ch + 1, dbl, lo, hi);
        w += 2 * n;
        ch += 2;
        o0 += 2;
        o1 += 2;
    }
    if (oc < cout) {
        int32_t acc[4];
        acc[0] = acc[1] = acc[2] = acc[3] = dbl ? 2 * ch[0].bias : ch[0].bias;
        mcu_fast_dot2x2(c0, c1, w, w, n, acc);
        o0[0] = mcu_fast_output(acc[0], ch, dbl, lo, hi);
        o1[0] = mcu_fast_output(acc[1], ch, dbl, lo, hi);
    }
}

/* 1x1 convolution, stride 1: in [pixels][cin] -> out [pixels][cout],
 * weights [cout][cin], channels[cout] from mcu_channel_prepare.
 * scratch: 4 * cin bytes (two q15 columns), always required.
 * In place (out == in) is allowed: `backward` must then be 1 when
 * cout > cin (pixels are visited last to first) and 0 otherwise.
 * dbl: widen doubled inputs (fewer instructions when 3 cout > 2 cin). */
MCU_FAST void mcu_fast_pointwise(const int8_t *in, int8_t *out, const int32_t pixels, const int32_t cin,
                                 const int32_t cout, const int8_t *w, const mcu_channel_t *ch, int16_t *scratch,
                                 const int32_t lo, const int32_t hi, const int backward, const int dbl) {
    int16_t *c0 = scratch, *c1 = scratch + cin;
    int32_t p;
    if (!backward) {
        for (p = 0; p + 1 < pixels; p += 2) {
            mcu_fast_widen(in + p * cin, cin, c0, dbl);
            mcu_fast_widen(in + (p + 1) * cin, cin, c1, dbl);
            mcu_fast_gemm_pair(c0, c1, cin, w, ch, out + p * cout, out + (p + 1) * cout, cout, lo, hi, dbl);
        }
        if (p < pixels) {
            mcu_fast_widen(in + p * cin, cin, c0, dbl);
            mcu_fast_gemm_pair(c0, c0, cin, w, ch, out + p * cout, out + p * cout, cout, lo, hi, dbl);
        }
    } else {
        for (p = pixels - 1; p >= 1; p -= 2) {
            mcu_fast_widen(in + p * cin, cin, c0, dbl);
            mcu_fast_widen(in + (p - 1) * cin, cin, c1, dbl);
            mcu_fast_gemm_pair(c0, c1, cin, w, ch, out + p * cout, out + (p - 1) * cout, cout, lo, hi, dbl);
        }
        if (p == 0) {
            mcu_fast_widen(in, cin, c0, dbl);
            mcu_fast_gemm_pair(c0, c0, cin, w, ch, out, out, cout, lo, hi, dbl);
        }
    }
}

/* Three columns (c0, c1, c2) against two weight rows (wa, wb):
 * acc[0..5] += c0.wa, c1.wa, c2.wa, c0.wb, c1.wb, c2.wb. Each weight word
 * is widened once for three pixels: 24 MACs in 4 weight and 6 column loads,
 * 4 SXTB16 and 12 SMLAD per four inputs. */
MCU_FAST void mcu_fast_dot3x2(const int16_t *c0, const int16_t *c1, const int16_t *c2, const int8_t *wa,
                              const int8_t *wb, const int32_t n, int32_t acc[6]) {
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], b0 = acc[3], b1 = acc[4], b2 = acc[5];
    int32_t j, tail = 0;
#if MCU_HAS_DSP
    tail = n & ~3;
    /* Unrolled whole up to 128 inputs (Flash for speed: about 3 kB of code
     * per layer; the loop's pointer steps, end test and branch were 5 of its
     * 29 instructions). Partly unrolled, the six accumulators spill. */
    MCU_UNROLL(32)
    for (j = 0; j < tail; j += 4) {
        const uint32_t va = mcu_load32(wa + j), vb = mcu_load32(wb + j);
        const uint32_t a02 = mcu_sxtb16(va), a13 = mcu_sxtb16_ror8(va);
        const uint32_t b02 = mcu_sxtb16(vb), b13 = mcu_sxtb16_ror8(vb);
        uint32_t lo = mcu_load32(c0 + j), hi = mcu_load32(c0 + j + 2);
        a0 = mcu_smlad(hi, a13, mcu_smlad(lo, a02, a0));
        b0 = mcu_smlad(hi, b13, mcu_smlad(lo, b02, b0));
        lo = mcu_load32(c1 + j);
        hi = mcu_load32(c1 + j + 2);
        a1 = mcu_smlad(hi, a13, mcu_smlad(lo, a02, a1));
        b1 = mcu_smlad(hi, b13, mcu_smlad(lo, b02, b1));
        lo = mcu_load32(c2 + j);
        hi = mcu_load32(c2 + j + 2);
        a2 = mcu_smlad(hi, a13, mcu_smlad(lo, a02, a2));
        b2 = mcu_smlad(hi, b13, mcu_smlad(lo, b02, b2));
    }
#endif
    for (j = tail; j < n; ++j) {
        a0 += c0[j] * wa[j];
        a1 += c1[j] * wa[j];
        a2 += c2[j] * wa[j];
        b0 += c0[j] * wb[j];
        b1 += c1[j] * wb[j];
        b2 += c2[j] * wb[j];
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = b0;
    acc[4] = b1;
    acc[5] = b2;
}

/* Outputs of three pixels (columns c0, c1, c2 of n values; o0, o1, o2
 * their HWC outputs) for all `cout` channels, as mcu_fast_gemm_pair. */
MCU_FAST void mcu_fast_gemm_triple(const int16_t *c0, const int16_t *c1, const int16_t *c2, const int32_t n,
                                   const int8_t *w, const mcu_channel_t *ch, int8_t *o0, int8_t *o1, int8_t *o2,
                                   const int32_t cout, const int32_t lo, const int32_t hi, const int dbl) {
    int32_t oc;
    for (oc = 0; oc < cout; oc += 2) {
        const int two = oc + 1 < cout; /* an odd last channel is computed twice, written once */
        const mcu_channel_t *cb = two ? ch + 1 : ch;
        int32_t acc[6];
        acc[0] = acc[1] = acc[2] = dbl ? 2 * ch[0].bias : ch[0].bias;
        acc[3] = acc[4] = acc[5] = dbl ? 2 * cb->bias : cb->bias;
        mcu_fast_dot3x2(c0, c1, c2, w, two ? w + n : w, n, acc);
        o0[0] = mcu_fast_output(acc[0], ch, dbl, lo, hi);
        o1[0] = mcu_fast_output(acc[1], ch, dbl, lo, hi);
        o2[0] = mcu_fast_output(acc[2], ch, dbl, lo, hi);
        if (two) {
            o0[1] = mcu_fast_output(acc[3], cb, dbl, lo, hi);
            o1[1] = mcu_fast_output(acc[4], cb, dbl, lo, hi);
            o2[1] = mcu_fast_output(acc[5], cb, dbl, lo, hi);
        }
        w += 2 * n;
        ch += 2;
        o0 += 2;
        o1 += 2;
        o2 += 2;
    }
}

MCU_FAST int32_t mcu_fast_pointwise3_scratch_bytes(const int32_t cin) { return 6 * cin; }

/* mcu_fast_pointwise, three pixels at a time (each weight word widened
 * once for three pixels) when the plan can give it three q15 columns.
 * The same arguments and in-place rules; scratch: 6 * cin bytes
 * (mcu_fast_pointwise3_scratch_bytes).
 * 1x1 convolution, stride 1: in [pixels][cin] -> out [pixels][cout],
 * weights [cout][cin], channels[cout] from mcu_channel_prepare.
 * scratch: three q15 columns (the last one or two pixels go as a pair).
 * In place (out == in) is allowed: `backward` must then be 1 when
 * cout > cin (pixels are visited last to first) and 0 otherwise: a group's
 * inputs are all widened before any of its outputs is written.
 * dbl: widen doubled inputs (fewer instructions when 3 cout > 2 cin). */
MCU_FAST void mcu_fast_pointwise3(const int8_t *in, int8_t *out, const int32_t pixels, const int32_t cin,
                                  const int32_t cout, const int8_t *w, const mcu_channel_t *ch, int16_t *scratch,
                                  const int32_t lo, const int32_t hi, const int backward, const int dbl) {
    int16_t *c0 = scratch, *c1 = scratch + cin, *c2 = scratch + 2 * cin;
    int32_t p;
    if (!backward) {
        for (p = 0; p + 2 < pixels; p += 3) {
            mcu_fast_widen(in + p * cin, cin, c0, dbl);
            mcu_fast_widen(in + (p + 1) * cin, cin, c1, dbl);
            mcu_fast_widen(in + (p + 2) * cin, cin, c2, dbl);
            mcu_fast_gemm_triple(c0, c1, c2, cin, w, ch, out + p * cout, out + (p + 1) * cout, out + (p + 2) * cout,
                                 cout, lo, hi, dbl);
        }
        if (p + 1 < pixels) {
            mcu_fast_widen(in + p * cin, cin, c0, dbl);
            mcu_fast_widen(in + (p + 1) * cin, cin, c1, dbl);
            mcu_fast_gemm_pair(c0, c1, cin, w, ch, out + p * cout, out + (p + 1) * cout, cout, lo, hi, dbl);
        } else if (p < pixels) {
            mcu_fast_widen(in + p * cin, cin, c0, dbl);
            mcu_fast_gemm_pair(c0, c0, cin, w, ch, out + p * cout, out + p * cout, cout, lo, hi, dbl);
        }
    } else {
        for (p = pixels - 1; p >= 2; p -= 3) {
            mcu_fast_widen(in + p * cin, cin, c0, dbl);
            mcu_fast_widen(in + (p - 1) * cin, cin, c1, dbl);
            mcu_fast_widen(in + (p - 2) * cin, cin, c2, dbl);
            mcu_fast_gemm_triple(c0, c1, c2, cin, w, ch, out + p * cout, out + (p - 1) * cout, out + (p - 2) * cout,
                                 cout, lo, hi, dbl);
        }
        if (p == 1) {
            mcu_fast_widen(in + cin, cin, c0, dbl);
            mcu_fast_widen(in, cin, c1, dbl);
            mcu_fast_gemm_pair(c0, c1, cin, w, ch, out + cout, out, cout, lo, hi, dbl);
        } else if (p == 0) {
            mcu_fast_widen(in, cin, c0, dbl);
            mcu_fast_gemm_pair(c0, c0, cin, w, ch, out, out, cout, lo, hi, dbl);
        }
    }
}

/* General convolution, out of place: two output pixels at a time gathered
 * into q15 columns (padding taps hold the input zero point `zp`), then the
 * same 2x2 GEMM as 1x1 layers. Rows are padded to np = k*k*cin rounded up
 * to 4 so the GEMM has no scalar tail: weights [cout][np] (OHWI, then
 * zeros), columns end in zeros.
 * scratch: 4 * np bytes (mcu_fast_conv2d_scratch_bytes). */
MCU_FAST int32_t mcu_fast_conv2d_row(const int32_t k, const int32_t cin) { return (k * k * cin + 3) & ~3; }
MCU_FAST int32_t mcu_fast_conv2d_scratch_bytes(const int32_t k, const int32_t cin) {
    return 4 * mcu_fast_conv2d_row(k, cin);
}

/* The window of output (oy, ox) into its column. check: 0 when the caller
 * knows the whole window is inside the input (then no tap is tested). */
MCU_FAST void mcu_fast_im2col(const int8_t *in, const int32_t h, const int32_t w, const int32_t cin, const int32_t k,
                              const int32_t s, const int32_t pad_top, const int32_t pad_left, int32_t oy, int32_t ox,
                              const int32_t zp, int16_t *col, const int check) {
    /* Taps are written straight to their dot-product slot (mcu_fast_widen's
     * lane order with DSP); with constant k and cin the loops unroll and every
     * slot is a constant. */
    const int32_t n = k * k * cin, np = mcu_fast_conv2d_row(k, cin);
    int32_t ky, kx, c, j;
    MCU_UNROLL(7)
    for (ky = 0; ky < k; ++ky) {
        const int32_t iy = oy * s - pad_top + ky;
        MCU_UNROLL(7)
        for (kx = 0; kx < k; ++kx) {
            const int32_t ix = ox * s - pad_left + kx;
            const int inside = !check || (iy >= 0 && iy < h && ix >= 0 && ix < w);
            const int8_t *src = in + (iy * w + ix) * cin;
            MCU_UNROLL(8)
            for (c = 0; c < cin; ++c) {
                j = (ky * k + kx) * cin + c;
                col[MCU_HAS_DSP ? (j & ~3) | ((j & 1) << 1) | ((j & 2) >> 1) : j] = (int16_t)(inside ? src[c] : zp);
            }
        }
    }
    for (j = n; j < np; ++j) col[MCU_HAS_DSP ? (j & ~3) | ((j & 1) << 1) | ((j & 2) >> 1) : j] = 0;
}

MCU_FAST void mcu_fast_conv2d(const int8_t *in, int8_t *out, const int32_t h, const int32_t w, const int32_t cin,
                              const int32_t oh, const int32_t ow, const int32_t cout, const int32_t k, const int32_t s,
                              const int32_t pad_top, const int32_t pad_left, const int8_t *wts,
                              const mcu_channel_t *ch, int16_t *scratch, const int32_t zp, const int32_t lo,
                              const int32_t hi) {
    const int32_t np = mcu_fast_conv2d_row(k, cin), pixels = oh * ow;
    /* Outputs whose whole window is inside the input: rows [y0, y1), columns [x0, x1). */
    const int32_t y0 = (pad_top + s - 1) / s, y1 = h - k + pad_top >= 0 ? (h - k + pad_top) / s + 1 : 0;
    const int32_t x0 = (pad_left + s - 1) / s, x1 = w - k + pad_left >= 0 ? (w - k + pad_left) / s + 1 : 0;
    int16_t *c0 = scratch, *c1 = scratch + np;
    int32_t p;
#define MCU_IM2COL(q, col)                                                                                   \
    do {                                                                                                     \
        const int32_t oy_ = (q) / ow, ox_ = (q) % ow;                                                        \
        if (oy_ >= y0 && oy_ < y1 && ox_ >= x0 && ox_ < x1)                                                  \
            mcu_fast_im2col(in, h, w, cin, k, s, pad_top, pad_left, oy_, ox_, zp, col, 0);                   \
        else                                                                                                 \
            mcu_fast_im2col(in, h, w, cin, k, s, pad_top, pad_left, oy_, ox_, zp, col, 1);                   \
    } while (0)
    for (p = 0; p + 1 < pixels; p += 2) {
        MCU_IM2COL(p, c0);
        MCU_IM2COL(p + 1, c1);
        mcu_fast_gemm_pair(c0, c1, np, wts, ch, out + p * cout, out + (p + 1) * cout, cout, lo, hi, 0);
    }
#undef MCU_IM2COL
    if (p < pixels) {
        mcu_fast_im2col(in, h, w, cin, k, s, pad_top, pad_left, p / ow, p % ow, zp, c0, 1);
        mcu_fast_gemm_pair(c0, c0, np, wts, ch, out + p * cout, out + p * cout, cout, lo, hi, 0);
    }
}

/* Fully connected: x [n] -> out [cout], weights [cout][n], channels[cout]
 * (per-tensor quantization: every channel has the same mult and shift).
 * out must not overlap x. No scratch: inputs are widened on the fly. */
MCU_FAST void mcu_fast_fully_connected(const int8_t *x, int8_t *out, const int32_t n, const int32_t cout,
                                       const int8_t *w, const mcu_channel_t *ch, const int32_t lo, const int32_t hi) {
    int32_t oc, j;
    const int32_t tail = MCU_HAS_DSP ? n & ~3 : 0;
    for (oc = 0; oc < cout; oc += 2) {
        const int two = oc + 1 < cout;
        const int8_t *wa = w + oc * n, *wb = two ? wa + n : wa;
        int32_t a = ch[oc].bias, b = two ? ch[oc + 1].bias : 0;
#if MCU_HAS_DSP
        for (j = 0; j < tail; j += 4) {
            const uint32_t v = mcu_load32(x + j), va = mcu_load32(wa + j), vb = mcu_load32(wb + j);
            const uint32_t xe = mcu_sxtb16(v), xo = mcu_sxtb16_ror8(v);
            a = mcu_smlad(xo, mcu_sxtb16_ror8(va), mcu_smlad(xe, mcu_sxtb16(va), a));
            b = mcu_smlad(xo, mcu_sxtb16_ror8(vb), mcu_smlad(xe, mcu_sxtb16(vb), b));
        }
#endif
        for (j = tail; j < n; ++j) {
            a += x[j] * wa[j];
            b += x[j] * wb[j];
        }
        out[oc] = mcu_fast_output(a, ch + oc, 0, lo, hi);
        if (two) out[oc + 1] = mcu_fast_output(b, ch + oc + 1, 0, lo, hi);
    }
}

#ifdef __cplusplus
}
#endif

#include "mcunet_fast_depthwise.h"

#endif /* MCUNET_FAST_H */
