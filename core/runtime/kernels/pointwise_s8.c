/* 1x1 convolution as an int8 GEMM, two pixels per pass over the weights.
 * In place (out == in): the two input pixels are copied to q15 scratch before
 * their outputs are written; pixels go in increasing order when the output is
 * no wider than the input and in decreasing order when it is wider, so no
 * output ever lands on input not yet read (docs/memory-planning.md).
 * Out of place without scratch: reads the input directly. */
#include "mcunet_dot.h"
#include "mcunet_fixed_point.h"
#include "mcunet_kernels.h"

static void direct(const int8_t *in, int32_t pixels, int32_t cin, const int8_t *weights, const int32_t *bias,
                   const int32_t *multiplier, const int32_t *shift, int8_t *out, int32_t cout, const mcu_quant_t *q) {
    int32_t p, oc, j;
    for (p = 0; p < pixels; ++p) {
        const int8_t *x = in + (int64_t)p * cin;
        int8_t *o = out + (int64_t)p * cout;
        for (oc = 0; oc < cout; ++oc) {
            const int8_t *w = weights + (int64_t)oc * cin;
            int32_t acc = bias[oc];
            for (j = 0; j < cin; ++j) acc += (x[j] + q->input_offset) * w[j];
            o[oc] = mcu_clamp_s8(mcu_requantize_fast(acc, multiplier[oc], shift[oc]) + q->output_offset, q->act_min,
                                 q->act_max);
        }
    }
}

static inline int8_t out_value(int32_t acc, int32_t multiplier, int32_t shift, const mcu_quant_t *q) {
    return mcu_clamp_s8(mcu_requantize_fast(acc, multiplier, shift) + q->output_offset, q->act_min, q->act_max);
}

/* Computes pixels 0 and 1 (o1 NULL: one pixel) from their copied columns, two
 * output channels per pass. */
static void pair(const int16_t *c0, const int16_t *c1, int32_t cin, const int8_t *weights, const int32_t *bias,
                 const int32_t *multiplier, const int32_t *shift, int8_t *o0, int8_t *o1, int32_t cout,
                 const mcu_quant_t *q) {
    int32_t oc;
    for (oc = 0; oc + 1 < cout; oc += 2) {
        int32_t acc[4];
        acc[0] = acc[1] = bias[oc];
        acc[2] = acc[3] = bias[oc + 1];
        mcu_dot2x2(c0, c1, weights + (int64_t)oc * cin, weights + (int64_t)(oc + 1) * cin, cin, acc);
        o0[oc] = out_value(acc[0], multiplier[oc], shift[oc], q);
        o0[oc + 1] = out_value(acc[2], multiplier[oc + 1], shift[oc + 1], q);
        if (o1) {
            o1[oc] = out_value(acc[1], multiplier[oc], shift[oc], q);
            o1[oc + 1] = out_value(acc[3], multiplier[oc + 1], shift[oc + 1], q);
        }
    }
    if (oc < cout) {
        int32_t a0 = bias[oc], a1 = bias[oc];
        mcu_dot2(c0, c1, weights + (int64_t)oc * cin, cin, &a0, &a1);
        o0[oc] = out_value(a0, multiplier[oc], shift[oc], q);
        if (o1) o1[oc] = out_value(a1, multiplier[oc], shift[oc], q);
    }
}

void mcu_pointwise_s8(const int8_t *in, int32_t pixels, int32_t in_channels, const int8_t *weights,
                      const int32_t *bias, const int32_t *multiplier, const int32_t *shift, int8_t *out,
                      int32_t out_channels, const mcu_quant_t *q, int16_t *scratch) {
    const int32_t cin = in_channels, cout = out_channels;
    int16_t *c0 = scratch, *c1 = scratch + cin;
    int32_t p;
    if (!scratch) {
        direct(in, pixels, cin, weights, bias, multiplier, shift, out, cout, q);
        return;
    }
    if (cout <= cin || out != in) {
        for (p = 0; p + 1 < pixels; p += 2) {
            mcu_q15_column(in + (int64_t)p * cin, cin, q->input_offset, c0);
            mcu_q15_column(in + (int64_t)(p + 1) * cin, cin, q->input_offset, c1);
            pair(c0, c1, cin, weights, bias, multiplier, shift, out + (int64_t)p * cout,
                 out + (int64_t)(p + 1) * cout, cout, q);
        }
        if (p < pixels) {
            mcu_q15_column(in + (int64_t)p * cin, cin, q->input_offset, c0);
            pair(c0, c0, cin, weights, bias, multiplier, shift, out + (int64_t)p * cout, 0, cout, q);
        }
    } else {
        for (p = pixels - 1; p >= 1; p -= 2) {
            mcu_q15_column(in + (int64_t)p * cin, cin, q->input_offset, c0);
            mcu_q15_column(in + (int64_t)(p - 1) * cin, cin, q->input_offset, c1);
            pair(c0, c1, cin, weights, bias, multiplier, shift, out + (int64_t)p * cout,
                 out + (int64_t)(p - 1) * cout, cout, q);
        }
        if (p == 0) {
            mcu_q15_column(in, cin, q->input_offset, c0);
            pair(c0, c0, cin, weights, bias, multiplier, shift, out, 0, cout, q);
        }
    }
}
