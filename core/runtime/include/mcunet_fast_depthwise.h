/* Layer-specialized depthwise convolution (part of mcunet_fast.h: include
 * that header, not this one). In place or not, channel by channel: the
 * channel is copied into a padded int8 plane (padding = the input zero
 * point; its contribution cancels against the bias fold), then every output
 * of the channel is computed from the plane and written at its HWC slot, so
 * the output may start at the input's address (TinyEngine's in-place
 * depthwise) with one plane of scratch.
 *
 * With DSP, two horizontally adjacent outputs are computed together: each
 * row of taps is read as one or two unaligned words whose SXTB16 lane pairs
 * (p0,p2) (p1,p3) (p4,p6) (p5,p7) serve both outputs; the second output's
 * odd-aligned pairs come from one PKHTB and a crossed SMLADX. Weights are
 * packed per row as (w0,w2) (w1,w3) (w4,w6) (w5,0), zero past the kernel. */
#ifndef MCUNET_FAST_DEPTHWISE_H
#define MCUNET_FAST_DEPTHWISE_H

#ifdef __cplusplus
extern "C" {
#endif

/* Channel `ch` of in [h][w][c] into plane [bh][bw], `zp` around it. */
MCU_FAST void mcu_fast_plane(const int8_t *in, const int32_t h, const int32_t w, const int32_t c, int32_t ch,
                             const int32_t pad_top, const int32_t pad_left, const int32_t bh, const int32_t bw,
                             const int8_t zp, int8_t *plane) {
    const int32_t last = pad_left + w < bw ? pad_left + w : bw; /* one past the last input column */
    int32_t by, bx;
    for (by = 0; by < bh; ++by) {
        const int32_t iy = by - pad_top;
        int8_t *dst = plane + by * bw;
        if (iy < 0 || iy >= h) {
            memset(dst, zp, (size_t)bw);
            continue;
        }
        {
            const int8_t *src = in + iy * w * c + ch;
            for (bx = 0; bx < pad_left; ++bx) dst[bx] = zp;
            for (; bx + 4 <= last; bx += 4) {
                const int8_t v0 = src[0], v1 = src[c], v2 = src[2 * c], v3 = src[3 * c];
                dst[bx] = v0;
                dst[bx + 1] = v1;
                dst[bx + 2] = v2;
                dst[bx + 3] = v3;
                src += 4 * c;
            }
            for (; bx < last; ++bx) {
                dst[bx] = *src;
                src += c;
            }
            for (; bx < bw; ++bx) dst[bx] = zp;
        }
    }
}

MCU_FAST uint32_t mcu_fast_pack2(int32_t lo, int32_t hi) {
    return (uint32_t)(uint16_t)(int16_t)lo | ((uint32_t)(uint16_t)(int16_t)hi << 16);
}

/* Row ky of a k x k kernel (k <= 7) as (w0,w2) (w1,w3) (w4,w6) (w5,0),
 * every weight doubled: the dot products then give 2 acc, which the
 * requantization takes as is (no doubling per output). */
MCU_FAST void mcu_fast_dw_pack(const int8_t *wk, const int32_t k, uint32_t packed[7][4]) {
    int32_t ky, j;
    for (ky = 0; ky < k; ++ky) {
        int32_t t[8];
        for (j = 0; j < 8; ++j) t[j] = j < k ? 2 * wk[ky * k + j] : 0;
        packed[ky][0] = mcu_fast_pack2(t[0], t[2]);
        packed[ky][1] = mcu_fast_pack2(t[1], t[3]);
        packed[ky][2] = mcu_fast_pack2(t[4], t[6]);
        packed[ky][3] = mcu_fast_pack2(t[5], 0);
    }
}

#if MCU_HAS_DSP
/* One output: the taps of each row, a word at a time (reads up to 3 bytes
 * past the window; their weights are 0). */
MCU_FAST int32_t mcu_fast_dw_one(const int8_t *p, const int32_t bw, const int32_t k, uint32_t packed[7][4],
                                 int32_t acc) {
    int32_t ky;
    MCU_UNROLL(7)
    for (ky = 0; ky < k; ++ky) {
        const int8_t *r = p + ky * bw;
        const uint32_t x0 = mcu_load32(r);
        acc = mcu_smlad(mcu_sxtb16(x0), packed[ky][0], acc);
        acc = mcu_smlad(mcu_sxtb16_ror8(x0), packed[ky][1], acc);
        if (k > 4) {
            const uint32_t x1 = mcu_load32(r + 4);
            acc = mcu_smlad(mcu_sxtb16(x1), packed[ky][2], acc);
            acc = mcu_smlad(mcu_sxtb16_ror8(x1), packed[ky][3], acc);
        }
    }
    return acc;
}

/* Two outputs, the second `s` plane bytes to the right of the first. */
MCU_FAST void mcu_fast_dw_two(const int8_t *p, const int32_t bw, const int32_t k, const int32_t s,
                              uint32_t packed[7][4], int32_t *acc0, int32_t *acc1) {
    int32_t a0 = *acc0, a1 = *acc1, ky;
    MCU_UNROLL(7)
    for (ky = 0; ky < k; ++ky) {
        const int8_t *r = p + ky * bw;
        const uint32_t *q = packed[ky];
        const uint32_t x0 = mcu_load32(r);
        const uint32_t e0 = mcu_sxtb16(x0), o0 = mcu_sxtb16_ror8(x0); /* (p0,p2) (p1,p3) */
        if (k == 3) {
            a0 = mcu_smlabb(o0, q[1], mcu_smlad(e0, q[0], a0));
            if (s == 1) {
                a1 = mcu_smlatb(e0, q[1], mcu_smlad(o0, q[0], a1));
            } else {
                const uint32_t y = mcu_pkhtb(e0, (uint32_t)(int32_t)r[4]); /* (p4, p2) */
                a1 = mcu_smlatb(o0, q[1], mcu_smladx(y, q[0], a1));
            }
        } else {
            const uint32_t x1 = mcu_load32(r + 4);
            const uint32_t e1 = mcu_sxtb16(x1), o1 = mcu_sxtb16_ror8(x1); /* (p4,p6) (p5,p7) */
            const uint32_t y = mcu_pkhtb(e0, e1);                               /* (p4, p2) */
            a0 = mcu_smlad(o0, q[1], mcu_smlad(e0, q[0], a0));
            if (k == 5) {
                a0 = mcu_smlabb(e1, q[2], a0);
                if (s == 1) {
                    a1 = mcu_smlabb(o1, q[2], mcu_smladx(y, q[1], mcu_smlad(o0, q[0], a1)));
                } else {
                    const uint32_t z = mcu_pkhtb(o0, o1); /* (p5, p3) */
                    a1 = mcu_smlatb(e1, q[2], mcu_smladx(z, q[1], mcu_smladx(y, q[0], a1)));
                }
            } else { /* k == 7 */
                a0 = mcu_smlabb(o1, q[3], mcu_smlad(e1, q[2], a0));
                if (s == 1) {
                    a1 = mcu_smlad(o1, q[2], mcu_smladx(y, q[1], mcu_smlad(o0, q[0], a1)));
                    a1 = mcu_smlatb(e1, q[3], a1);
                } else {
                    const uint32_t z = mcu_pkhtb(o0, o1);                           /* (p5, p3) */
                    const uint32_t v = mcu_pkhtb(e1, (uint32_t)(int32_t)r[8]); /* (p8, p6) */
                    a1 = mcu_smladx(v, q[2], mcu_smladx(z, q[1], mcu_smladx(y, q[0], a1)));
                    a1 = mcu_smlatb(o1, q[3], a1);
                }
            }
        }
    }
    *acc0 = a0;
    *acc1 = a1;
}
#else
MCU_FAST int32_t mcu_fast_dw_one_plain(const int8_t *p, const int32_t bw, const int32_t k, const int8_t *wk,
                                       int32_t acc) {
    int32_t ky, kx;
    for (ky = 0; ky < k; ++ky)
        for (kx = 0; kx < k; ++kx) acc += p[ky * bw + kx] * wk[ky * k + kx];
    return acc;
}
#endif

/* Depthwise convolution: in [h][w][c] -> out [oh][ow][c], kernel k (odd,
 * <= 7 for the DSP path), stride s (1 or 2), weights [c][k][k], channels[c]
 * from mcu_channel_prepare, zp the input zero point. plane: scratch of
 * ((oh-1)*s + k) * ((ow-1)*s + k) + 4 bytes. out may equal in. */
MCU_FAST void mcu_fast_depthwise(const int8_t *in, int8_t *out, const int32_t h, const int32_t w, const int32_t c,
                                 const int32_t oh, const int32_t ow, const int32_t k, const int32_t s,
                                 const int32_t pad_top, const int32_t pad_left, const int8_t *wts,
                                 const mcu_channel_t *ch, int8_t *plane, const int32_t zp, const int32_t lo,
                                 const int32_t hi) {
    const int32_t bh = (oh - 1) * s + k, bw = (ow - 1) * s + k;
    int32_t cc, oy, ox;
    for (cc = 0; cc < c; ++cc) {
        const int8_t *wk = wts + cc * k * k;
        const int32_t mult = ch[cc].mult, round = ch[cc].round, shift = ch[cc].shift;
#if MCU_HAS_DSP
        const int32_t bias = 2 * ch[cc].bias; /* doubled like the packed weights */
        uint32_t packed[7][4];
        mcu_fast_dw_pack(wk, k, packed);
#define MCU_DW_REQUANT mcu_fast_requant2
#else
        const int32_t bias = ch[cc].bias;
#define MCU_DW_REQUANT mcu_fast_requant
#endif
        mcu_fast_plane(in, h, w, c, cc, pad_top, pad_left, bh, bw, (int8_t)zp, plane);
        for (oy = 0; oy < oh; ++oy) {
            const int8_t *row = plane + oy * s * bw;
            int8_t *o = out + oy * ow * c + cc;
            for (ox = 0; ox + 1 < ow; ox += 2) {
                int32_t acc0 = bias, acc1 = bias;
#if MCU_HAS_DSP
                mcu_fast_dw_two(row + ox * s, bw, k, s, packed, &acc0, &acc1);
#else
                acc0 = mcu_fast_dw_one_plain(row + ox * s, bw, k, wk, acc0);
                acc1 = mcu_fast_dw_one_plain(row + ox * s + s, bw, k, wk, acc1);
#endif
                o[ox * c] = mcu_fast_clamp(MCU_DW_REQUANT(acc0, mult, round, shift), lo, hi);
                o[(ox + 1) * c] = mcu_fast_clamp(MCU_DW_REQUANT(acc1, mult, round, shift), lo, hi);
            }
            if (ox < ow) {
#if MCU_HAS_DSP
                const int32_t acc = mcu_fast_dw_one(row + ox * s, bw, k, packed, bias);
#else
                const int32_t acc = mcu_fast_dw_one_plain(row + ox * s, bw, k, wk, bias);
#endif
                o[ox * c] = mcu_fast_clamp(MCU_DW_REQUANT(acc, mult, round, shift), lo, hi);
            }
        }
#undef MCU_DW_REQUANT
    }
}

/* One output of a single-channel window with its borders checked: taps
 * outside the input count as the input zero point `zp` (the bias fold
 * cancels them). Not doubled: requantize with mcu_fast_requant. */
MCU_FAST int32_t mcu_fast_window_checked(const int8_t *in, const int32_t h, const int32_t w, const int32_t k,
                                         const int32_t iy0, const int32_t ix0, const int8_t *wk, const int32_t zp,
                                         int32_t acc) {
    int32_t ky, kx;
    for (ky = 0; ky < k; ++ky)
        for (kx = 0; kx < k; ++kx) {
            const int32_t iy = iy0 + ky, ix = ix0 + kx;
            acc += (iy >= 0 && iy < h && ix >= 0 && ix < w ? in[iy * w + ix] : zp) * wk[ky * k + kx];
        }
    return acc;
}

/* Outputs [ox0, ox1) of output row oy for one output channel (`out`
 * already offset to it, `wk` its k x k weights, `ch` its constants) of
 * mcu_fast_conv2d_c1, every tap checked against the input's borders
 * (kernels/conv2d_s8.c). */
void mcu_fast_conv2d_c1_span(const int8_t *in, int8_t *out, int32_t h, int32_t w, int32_t ow, int32_t cout, int32_t k,
                             int32_t s, int32_t pad_top, int32_t pad_left, const int8_t *wk, const mcu_channel_t *ch,
                             int32_t zp, int32_t lo, int32_t hi, int32_t oy, int32_t ox0, int32_t ox1);

/* Convolution of a single-channel input (a grayscale image: the first
 * layer): in [h][w] -> out [oh][ow][cout], kernel k (odd, <= 7), stride s
 * (1 or 2), weights [cout][k][k], channels[cout] from mcu_channel_prepare.
 * Each output channel is a depthwise filter over the same plane, so the
 * input needs no im2col and no copy: outputs whose window lies inside the
 * input are read straight from it two at a time as the depthwise kernel
 * does (its word reads stay inside the input: pairs that would read past
 * its end go the checked way), the border ones tap by tap. No scratch. Out
 * of place only. */
MCU_FAST void mcu_fast_conv2d_c1(const int8_t *in, int8_t *out, const int32_t h, const int32_t w, const int32_t oh,
                                 const int32_t ow, const int32_t cout, const int32_t k, const int32_t s,
                                 const int32_t pad_top, const int32_t pad_left, const int8_t *wts,
                                 const mcu_channel_t *ch, const int32_t zp, const int32_t lo, const int32_t hi) {
    int32_t oc, oy;
#if MCU_HAS_DSP
    /* Outputs whose whole window is inside the input: rows [y0, y1), columns [x0, x1). */
    const int32_t y0 = (pad_top + s - 1) / s, y1 = h - k + pad_top >= 0 ? (h - k + pad_top) / s + 1 : 0;
    const int32_t x0 = (pad_left + s - 1) / s, x1 = w - k + pad_left >= 0 ? (w - k + pad_left) / s + 1 : 0;
    const int32_t reach = s + (k > 3 ? 8 : 4); /* bytes a pair reads from its first tap of a row */
    for (oc = 0; oc < cout; ++oc) {
        const int8_t *wk = wts + oc * k * k;
        const int32_t mult = ch[oc].mult, round = ch[oc].round, shift = ch[oc].shift, bias2 = 2 * ch[oc].bias;
        uint32_t packed[7][4];
        mcu_fast_dw_pack(wk, k, packed);
        for (oy = 0; oy < oh; ++oy) {
            const int32_t iy = oy * s - pad_top;
            int8_t *o = out + oy * ow * cout + oc;
            int32_t ox = 0;
            if (oy >= y0 && oy < y1) {
                /* The last row a pair reads, and how far into the input its reads may go. */
                const int32_t last = (iy + k - 1) * w - pad_left, end = h * w;
                if (x0 > 0)
                    mcu_fast_conv2d_c1_span(in, out + oc, h, w, ow, cout, k, s, pad_top, pad_left, wk, ch + oc, zp, lo,
                                            hi, oy, 0, x0);
                for (ox = x0; ox + 1 < x1 && last + ox * s + reach <= end; ox += 2) {
                    int32_t acc0 = bias2, acc1 = bias2;
                    mcu_fast_dw_two(in + (iy * w + ox * s - pad_left), w, k, s, packed, &acc0, &acc1);
                    o[ox * cout] = mcu_fast_clamp(mcu_fast_requant2(acc0, mult, round, shift), lo, hi);
                    o[(ox + 1) * cout] = mcu_fast_clamp(mcu_fast_requant2(acc1, mult, round, shift), lo, hi);
                }
                /* An odd one left inside: a word per tap row (up to 3 bytes past the window). */
                if (ox < x1 && last + ox * s + (k > 4 ? 8 : 4) <= end) {
                    const int32_t acc = mcu_fast_dw_one(in + (iy * w + ox * s - pad_left), w, k, packed, bias2);
                    o[ox * cout] = mcu_fast_clamp(mcu_fast_requant2(acc, mult, round, shift), lo, hi);
                    ++ox;
                }
            }
            if (ox < ow)
                mcu_fast_conv2d_c1_span(in, out + oc, h, w, ow, cout, k, s, pad_top, pad_left, wk, ch + oc, zp, lo, hi,
                                        oy, ox, ow);
        }
    }
#else
    for (oc = 0; oc < cout; ++oc)
        for (oy = 0; oy < oh; ++oy)
            mcu_fast_conv2d_c1_span(in, out + oc, h, w, ow, cout, k, s, pad_top, pad_left, wts + oc * k * k, ch + oc, zp,
                                    lo, hi, oy, 0, ow);
#endif
}

/* Residual add with TF Lite's int8 arithmetic (element by element, so out
 * may be a or b). Each input term is (SMMLAR(2x, M, round) + sign) >> r with
 * x = (v + offset) << left_shift and the sign term only when r >= 1; the
 * output the same on their sum, its round including the output offset.
 * Every argument after n is a constant mcu_add_term_prepare() validated. */
MCU_FAST void mcu_fast_add(const int8_t *a, const int8_t *b, int8_t *out, const int32_t n, const int32_t off1,
                           const int32_t off2, const int32_t left, const int32_t m1, const int32_t r1c,
                           const int32_t r1, const int32_t m2, const int32_t r2c, const int32_t r2,
                           const int32_t mo, const int32_t roc, const int32_t ro, const int32_t lo, const int32_t hi) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        const int32_t x = (int32_t)((uint32_t)(a[i] + off1) << (left + 1));
        const int32_t y = (int32_t)((uint32_t)(b[i] + off2) << (left + 1));
        const int32_t hx = (mcu_smmlar(x, m1, r1c) + (r1 > 0 ? (x >> 31) : 0)) >> r1;
        const int32_t hy = (mcu_smmlar(y, m2, r2c) + (r2 > 0 ? (y >> 31) : 0)) >> r2;
        const int32_t sum = hx + hy;
        out[i] = mcu_fast_clamp((mcu_smmlar(sum + sum, mo, roc) + (ro > 0 ? (sum >> 31) : 0)) >> ro, lo, hi);
    }
}

#ifdef __cplusplus
}
#endif

#endif /* MCUNET_FAST_DEPTHWISE_H */
