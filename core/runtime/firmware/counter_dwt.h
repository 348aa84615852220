/* Cycle counter of real Cortex-M4/M7 boards: the DWT's CYCCNT (ARMv7-M
 * Architecture Reference Manual, C1.8). 32 bits: it wraps after 2^32 cycles
 * (19.9 s at 216 MHz), so it times layers, not whole sessions. QEMU does not
 * model it (it reads 0 there): the virtual boards count instructions with
 * SysTick instead (board_mps2.c). */
#ifndef MCUNET_COUNTER_DWT_H
#define MCUNET_COUNTER_DWT_H

#include <stdint.h>

void dwt_counter_init(void);
uint32_t dwt_counter_read(void);
uint32_t dwt_counter_elapsed(uint32_t earlier, uint32_t later);

#endif
