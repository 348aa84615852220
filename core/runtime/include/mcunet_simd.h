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
#else
#define MCU_HAS_DSP 0
#endif

static inline uint32_t mcu_load32(const void *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

#endif /* MCUNET_SIMD_H */
