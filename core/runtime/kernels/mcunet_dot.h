/* Internal to the kernels: q15 columns and their dot products with int8
 * weights, two output pixels per weight pass (weights are loaded once for
 * both). With DSP, four weights become two SXTB16 lane pairs (w0,w2) and
 * (w1,w3), so columns store each group of four as (x0, x2, x1, x3). */
#ifndef MCUNET_DOT_H
#define MCUNET_DOT_H

#include <stdint.h>

#include "mcunet_fast.h"
#include "mcunet_simd.h"

/* col[j] = x[j] + offset, in dot-product order. */
static inline void mcu_q15_column(const int8_t *x, int32_t n, int32_t offset, int16_t *col) {
    int32_t j = 0;
#if MCU_HAS_DSP
    for (; j + 4 <= n; j += 4) {
        col[j] = (int16_t)(x[j] + offset);
        col[j + 1] = (int16_t)(x[j + 2] + offset);
        col[j + 2] = (int16_t)(x[j + 1] + offset);
        col[j + 3] = (int16_t)(x[j + 3] + offset);
    }
#endif
    for (; j < n; ++j) col[j] = (int16_t)(x[j] + offset);
}

/* Puts a column written in natural order into dot-product order. */
static inline void mcu_q15_reorder(int16_t *col, int32_t n) {
#if MCU_HAS_DSP
    int32_t j;
    for (j = 0; j + 4 <= n; j += 4) {
        const int16_t t = col[j + 1];
        col[j + 1] = col[j + 2];
        col[j + 2] = t;
    }
#else
    (void)col;
    (void)n;
#endif
}

static inline void mcu_dot2(const int16_t *c0, const int16_t *c1, const int8_t *w, int32_t n, int32_t *acc0,
                            int32_t *acc1) {
    int32_t a0 = *acc0, a1 = *acc1;
    int32_t j = 0;
#if MCU_HAS_DSP
    for (; j + 4 <= n; j += 4) {
        const uint32_t w4 = mcu_load32(w + j);
        const uint32_t w02 = mcu_sxtb16(w4);
        const uint32_t w13 = mcu_sxtb16(mcu_ror8(w4));
        a0 = mcu_smlad(mcu_load32(c0 + j), w02, a0);
        a0 = mcu_smlad(mcu_load32(c0 + j + 2), w13, a0);
        a1 = mcu_smlad(mcu_load32(c1 + j), w02, a1);
        a1 = mcu_smlad(mcu_load32(c1 + j + 2), w13, a1);
    }
#else
    for (; j + 4 <= n; j += 4) {
        const int32_t w0 = w[j], w1 = w[j + 1], w2 = w[j + 2], w3 = w[j + 3];
        a0 += c0[j] * w0 + c0[j + 1] * w1 + c0[j + 2] * w2 + c0[j + 3] * w3;
        a1 += c1[j] * w0 + c1[j + 1] * w1 + c1[j + 2] * w2 + c1[j + 3] * w3;
    }
#endif
    for (; j < n; ++j) {
        a0 += c0[j] * w[j];
        a1 += c1[j] * w[j];
    }
    *acc0 = a0;
    *acc1 = a1;
}

/* Two columns against two weight rows: four accumulators (2 pixels x 2
 * output channels); the layer-specialized kernels' dot product. */
static inline void mcu_dot2x2(const int16_t *c0, const int16_t *c1, const int8_t *wa, const int8_t *wb, int32_t n,
                              int32_t acc[4]) {
    mcu_fast_dot2x2(c0, c1, wa, wb, n, acc);
}

#endif /* MCUNET_DOT_H */
