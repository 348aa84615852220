/* DWT CYCCNT, the cycle counter of real Cortex-M4/M7 boards (counter_dwt.h).
 * Registers: ARMv7-M Architecture Reference Manual C1.6.5 (DEMCR), C1.8.7
 * (DWT_CTRL, DWT_CYCCNT); the lock access register is the Cortex-M7's
 * (CoreSight, written with the unlock key; ignored where there is none). */
#include "counter_dwt.h"

#define DEMCR (*(volatile uint32_t *)0xE000EDFCu)
#define DWT_LAR (*(volatile uint32_t *)0xE0001FB0u)
#define DWT_CTRL (*(volatile uint32_t *)0xE0001000u)
#define DWT_CYCCNT (*(volatile uint32_t *)0xE0001004u)

void dwt_counter_init(void) {
    DEMCR |= 1u << 24;     /* TRCENA: the DWT is powered */
    DWT_LAR = 0xC5ACCE55u; /* unlock (Cortex-M7) */
    DWT_CYCCNT = 0u;
    DWT_CTRL |= 1u; /* CYCCNTENA */
}

uint32_t dwt_counter_read(void) { return DWT_CYCCNT; }

uint32_t dwt_counter_elapsed(uint32_t earlier, uint32_t later) { return later - earlier; }
