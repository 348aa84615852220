/* Board layer for QEMU's mps2-an500 (Cortex-M7) and mps2-an386 (Cortex-M4):
 * CMSDK UART0 is the link; SysTick on the processor clock is the counter.
 * Under `-icount shift=0` every executed instruction takes 1 ns and SysTick
 * (25 MHz) ticks once per 40 instructions, identically on every run, so the
 * counter is reported as executed instructions (resolution 40), never cycles. */
#include "board.h"
#include "mcunet_link.h"

#define UART0_BASE 0x40004000u
#define UART_DATA (*(volatile uint32_t *)(UART0_BASE + 0x00u))
#define UART_STATE (*(volatile uint32_t *)(UART0_BASE + 0x04u))
#define UART_CTRL (*(volatile uint32_t *)(UART0_BASE + 0x08u))
#define UART_BAUDDIV (*(volatile uint32_t *)(UART0_BASE + 0x10u))
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)

#define INSTRUCTIONS_PER_TICK 40u

#ifndef MCUNET_BOARD_NAME
#define MCUNET_BOARD_NAME "virtual"
#endif

static volatile uint32_t systick_wraps;
static uint32_t tick_base; /* ticks before the last alignment */

/* SysTick wraps every 2^24 ticks; counting wraps extends the counter to 32
 * bits of ticks (171G instructions). */
void SysTick_Handler(void) { systick_wraps++; }

void board_init(void) {
    UART_BAUDDIV = 16u;
    UART_CTRL = 3u; /* TX and RX enable: without TX enable the first byte hangs */
    SYST_RVR = 0x00FFFFFFu;
    SYST_CVR = 0u;
    SYST_CSR = 7u; /* enable, wrap interrupt, processor clock */
}

void board_putc(uint8_t c) {
    while (UART_STATE & 1u) {
    }
    UART_DATA = c;
}

int board_getc(void) {
    if (UART_STATE & 2u) return (int)(UART_DATA & 0xFFu);
    return -1;
}

/* Ticks since the last alignment: 0 right after it, then the first reload
 * (to 0xFFFFFF) one tick later, counting down, wrapping every 2^24. */
static uint32_t ticks_since_align(void) {
    uint32_t wraps, value;
    do {
        wraps = systick_wraps;
        value = SYST_CVR;
    } while (wraps != systick_wraps);
    if (value == 0u) return wraps << 24;
    return (wraps << 24) + 1u + (0x00FFFFFFu - value);
}

/* Ticks since boot (modulo 2^32). */
uint32_t board_counter_read(void) { return tick_base + ticks_since_align(); }

/* Restarts the tick period at this instruction: a write to the current-value
 * register restarts SysTick, so every later tick falls at the same
 * instruction of a run, and per-layer counts repeat exactly run after run. */
void board_counter_align(void) {
    const uint32_t now = board_counter_read();
    SYST_CSR = 5u; /* no wrap interrupt while the count restarts */
    SYST_CVR = 0u;
    systick_wraps = 0u;
    tick_base = now;
    SYST_CSR = 7u;
}

uint32_t board_counter_elapsed(uint32_t earlier, uint32_t later) { return (later - earlier) * INSTRUCTIONS_PER_TICK; }

/* Virtual time: with -icount shift=0 one instruction is one nanosecond. */
uint32_t board_time_us(void) { return (uint32_t)(((uint64_t)board_counter_read() * INSTRUCTIONS_PER_TICK) / 1000u); }

uint8_t board_counter_kind(void) { return MCU_COUNTER_INSTRUCTIONS; }

const char *board_timing(void) {
    return "instructions: virtual board, m-lap-us is instruction time (QEMU -icount shift=0: "
           "1 executed instruction = 1 ns), not wall-clock time or cycles";
}

const char *board_name(void) { return MCUNET_BOARD_NAME; }

/* One semihosting call (ARM's semihosting specification: operation in r0,
 * parameter block in r1, result in r0; bkpt 0xab on M-profile). */
static int32_t semihost(uint32_t op, volatile uint32_t *block) {
    register uint32_t r0 __asm("r0") = op;
    register volatile uint32_t *r1 __asm("r1") = block;
    __asm volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return (int32_t)r0;
}

int32_t board_read_host_input(uint8_t *buf, uint32_t n) {
    static const char name[] = MCU_HOST_INPUT_FILE;
    volatile uint32_t block[3];
    int32_t handle, left;
    if (n == 0) return 0; /* asks only whether there is a host */
    block[0] = (uint32_t)name;
    block[1] = 1u; /* "rb" */
    block[2] = sizeof name - 1u;
    handle = semihost(0x01u, block); /* SYS_OPEN */
    if (handle < 0) return -1;
    block[0] = (uint32_t)handle;
    block[1] = (uint32_t)buf;
    block[2] = n;
    left = semihost(0x06u, block); /* SYS_READ: returns the bytes not read */
    block[0] = (uint32_t)handle;
    (void)semihost(0x02u, block); /* SYS_CLOSE */
    if (left < 0 || (uint32_t)left > n) return -1;
    return (int32_t)(n - (uint32_t)left);
}

void board_exit(int code) {
    /* Semihosting SYS_EXIT_EXTENDED: QEMU exits with `code`. */
    volatile uint32_t block[2];
    block[0] = 0x20026u; /* ADP_Stopped_ApplicationExit */
    block[1] = (uint32_t)code;
    __asm volatile("mov r0, #0x20\n mov r1, %0\n bkpt 0xab" : : "r"(block) : "r0", "r1", "memory");
    for (;;) {
    }
}
