/* Cycle counter for real Cortex-M4/M7 boards: the DWT's CYCCNT (QEMU does not
 * model it: it reads 0 there, which is why the virtual boards count
 * instructions with SysTick instead). A real board's layer provides
 * board_counter_* with these. */
#include <stdint.h>

#define DEMCR (*(volatile uint32_t *)0xE000EDFCu)
#define DWT_LAR (*(volatile uint32_t *)0xE0001FB0u)
#define DWT_CTRL (*(volatile uint32_t *)0xE0001000u)
#define DWT_CYCCNT (*(volatile uint32_t *)0xE0001004u)

void dwt_counter_init(void) {
    DEMCR |= 1u << 24; /* TRCENA */
    DWT_LAR = 0xC5ACCE55u; /* unlock (Cortex-M7) */
    DWT_CYCCNT = 0u;
    DWT_CTRL |= 1u;
}

uint32_t dwt_counter_read(void) { return DWT_CYCCNT; }

uint32_t dwt_counter_elapsed(uint32_t earlier, uint32_t later) { return later - earlier; }
