/* Reset and fault handlers and the vector table, placed by the linker script
 * at the start of Flash, where the core reads the initial stack pointer and
 * the reset address: 0x0 on the QEMU virtual boards, 0x08000000 on
 * STM32F746G-DISCO (its board layer also points VTOR there). Sixteen
 * entries: the firmware enables no peripheral interrupt. */
#include <stdint.h>
#include <string.h>

#include "board.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
int main(void);

void Reset_Handler(void) {
    uint32_t *src = &_sidata, *dst = &_sdata;
    while (dst < &_edata) *dst++ = *src++;
    for (dst = &_sbss; dst < &_ebss; ++dst) *dst = 0;
#if defined(__ARM_FP)
    /* Full access to CP10/CP11 before any floating-point instruction. */
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
    __asm volatile("dsb\n isb");
#endif
    board_exit(main());
}

static void fault(const char *what) {
    board_puts("e-[");
    board_puts(what);
    board_puts("]\r\n");
    board_exit(3);
}

void HardFault_Handler(void) { fault("hard fault"); }
void MemManage_Handler(void) { fault("memory management fault"); }
void BusFault_Handler(void) { fault("bus fault"); }
void UsageFault_Handler(void) { fault("usage fault"); }
void Default_Handler(void) { fault("unexpected interrupt"); }
void SysTick_Handler(void);

typedef void (*vector_t)(void);

__attribute__((section(".isr_vector"), used)) const vector_t mcu_vectors[16] = {
    (vector_t)(uintptr_t)&_estack, Reset_Handler,   Default_Handler, HardFault_Handler,
    MemManage_Handler,             BusFault_Handler, UsageFault_Handler, 0,
    0,                             0,                0,               Default_Handler,
    Default_Handler,               0,                Default_Handler, SysTick_Handler,
};
