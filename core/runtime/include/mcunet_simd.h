/* Dual 16-bit multiply-accumulate: Arm's DSP extension (Cortex-M4/M7) through
 * ACLE, or a portable emulation (MCU_EMULATE_DSP) so host tests run the very
 * same SIMD code path. Without either, kernels use plain C loops. */
#ifndef MCUNET_SIMD_H
#define MCUNET_SIMD_H

#include <stdint.h>
#include <string.h>

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#include <arm_acle.h>
#define MCU_HAS_DSP 1
static inline int32_t mcu_smlad(uint32_t a, uint32_t b, int32_t acc) { return __smlad(a, b, acc); }
static inline uint32_t mcu_sxtb16(uint32_t x) { return __sxtb16(x); }
/* A plain rotate: gcc emits one ROR (its arm_acle.h has no __ror). */
static inline uint32_t mcu_ror8(uint32_t x) { return (x >> 8) | (x << 24); }
/* SXTB16 of the word rotated by 8 (lanes 1 and 3): one instruction; gcc
 * does not fold the rotation into SXTB16 by itself. */
static inline uint32_t mcu_sxtb16_ror8(uint32_t x) {
    uint32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
}
static inline uint32_t mcu_double16(uint32_t x) { return (uint32_t)__sadd16((int16x2_t)x, (int16x2_t)x); }
static inline int32_t mcu_smlabb(uint32_t a, uint32_t b, int32_t acc) { return __smlabb(a, b, acc); }
static inline int32_t mcu_smlatb(uint32_t a, uint32_t b, int32_t acc) { return __smlatb(a, b, acc); }
static inline int32_t mcu_smladx(uint32_t a, uint32_t b, int32_t acc) { return __smladx(a, b, acc); }
/* (a's top half, b's bottom half) in one PKHBT (gcc would emit AND, UXTH, ORR). */
static inline uint32_t mcu_pkhtb(uint32_t a, uint32_t b) {
    uint32_t r;
    __asm__("pkhbt %0, %1, %2" : "=r"(r) : "r"(b), "r"(a));
    return r;
}
#elif defined(MCU_EMULATE_DSP)
#define MCU_HAS_DSP 1
static inline int32_t mcu_smlad(uint32_t a, uint32_t b, int32_t acc) {
    return (int32_t)((uint32_t)acc + (uint32_t)((int32_t)(int16_t)(a & 0xffff) * (int32_t)(int16_t)(b & 0xffff)) +
                     (uint32_t)((int32_t)(int16_t)(a >> 16) * (int32_t)(int16_t)(b >> 16)));
}
static inline uint32_t mcu_sxtb16(uint32_t x) {
    return (uint32_t)(uint16_t)(int16_t)(int8_t)(x & 0xff) | ((uint32_t)(uint16_t)(int16_t)(int8_t)((x >> 16) & 0xff) << 16);
}
static inline uint32_t mcu_ror8(uint32_t x) { return (x >> 8) | (x << 24); }
static inline uint32_t mcu_sxtb16_ror8(uint32_t x) { return mcu_sxtb16(mcu_ror8(x)); }
static inline int32_t mcu_lo16(uint32_t x) { return (int32_t)(int16_t)(x & 0xffff); }
static inline int32_t mcu_hi16(uint32_t x) { return (int32_t)(int16_t)(x >> 16); }
static inline int32_t mcu_smlabb(uint32_t a, uint32_t b, int32_t acc) {
    return (int32_t)((uint32_t)acc + (uint32_t)(mcu_lo16(a) * mcu_lo16(b)));
}
static inline int32_t mcu_smlatb(uint32_t a, uint32_t b, int32_t acc) {
    return (int32_t)((uint32_t)acc + (uint32_t)(mcu_hi16(a) * mcu_lo16(b)));
}
static inline int32_t mcu_smladx(uint32_t a, uint32_t b, int32_t acc) {
    return (int32_t)((uint32_t)acc + (uint32_t)(mcu_lo16(a) * mcu_hi16(b)) + (uint32_t)(mcu_hi16(a) * mcu_lo16(b)));
}
static inline uint32_t mcu_pkhtb(uint32_t a, uint32_t b) { return (a & 0xffff0000u) | (b & 0xffffu); }
/* Both 16-bit lanes doubled (SADD16 of x with itself; no carry between lanes). */
static inline uint32_t mcu_double16(uint32_t x) {
    return (uint32_t)(uint16_t)(mcu_lo16(x) * 2) | ((uint32_t)(uint16_t)(mcu_hi16(x) * 2) << 16);
}
#else
#define MCU_HAS_DSP 0
#endif

static inline uint32_t mcu_load32(const void *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

#endif /* MCUNET_SIMD_H */
