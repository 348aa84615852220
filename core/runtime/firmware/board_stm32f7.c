/* Board layer for STM32F746G-DISCO (STM32F746NG: Cortex-M7 at up to 216 MHz,
 * single-precision FPU, 320 KB SRAM from 0x20000000, 1 MB Flash at
 * 0x08000000), and with MCUNET_STM32F7_NUCLEO144 for NUCLEO-F767ZI
 * (STM32F767ZI: the same core and FPU, 512 KB SRAM, 2 MB Flash; its clock
 * source and UART are below, "the board's differences"). Written from ST's reference manual RM0385 (its chapters are
 * named below) and Arm's ARMv7-M / Cortex-M7 documentation; no vendor HAL and
 * no CMSIS device header: the few registers used are defined here. Their
 * addresses and bit positions were cross-checked against ST's CMSIS device
 * header stm32f746xx.h (github.com/STMicroelectronics/cmsis_device_f7), which
 * the build does not use.
 *
 * - Clock (RM0385: RCC, PWR over-drive, Flash read latency): the board's 25 MHz HSE
 *   crystal -> PLL M=25 (1 MHz input), N=432 (432 MHz VCO), P=2 -> 216 MHz
 *   SYSCLK and HCLK; APB1 /4 = 54 MHz, APB2 /2 = 108 MHz (their maxima);
 *   Q=9 -> 48 MHz for USB. Voltage scale 1 with over-drive on (needed above
 *   180 MHz), Flash 7 wait states (HCLK 210-216 MHz at 2.7-3.6 V).
 *   If the HSE, the PLL or over-drive does not come up within its bound,
 *   the board stays on the 16 MHz HSI and m-timing-[...] says so.
 * - L1 instruction and data caches on (ARMv7-M ARM B2.2.7, Cortex-M7 TRM:
 *   invalidate, then enable in CCR). Nothing uses DMA, so no cache
 *   maintenance is needed after this.
 * - Link: USART1 on PA9 (TX) and PB7 (RX), alternate function 7, wired to
 *   the ST-LINK/V2-1's virtual COM port (UM1907); 8N1 at MCUNET_UART_BAUD
 *   (115200 unless the build says otherwise), from PCLK2 (RM0385: USART).
 * - USB: the OTG_FS port (CN13, PA11/PA12) as the vendor bulk link
 *   (usb_device.h, usb_otg_fs_stm32f7.c) when the PLL gives its 48 MHz;
 *   serial number = the chip's 96-bit unique ID (RM0385: device electronic
 *   signature, 0x1FF0F420) in hex. A reply goes out where its request came
 *   from (UART or USB).
 * - Counters: DWT CYCCNT for per-layer counts (cycles: counter_dwt.c);
 *   SysTick on the core clock, extended to 64 bits by its wrap interrupt
 *   (every 2^24 cycles, 78 ms: about 30 cycles each, below 2e-6 of a
 *   count), for m-lap-us. */
#include "board.h"
#include "counter_dwt.h"
#include "mcunet_link.h"
#include "usb_device.h"
#include "usb_otg_fs.h"

#ifndef MCUNET_BOARD_NAME
#define MCUNET_BOARD_NAME "stm32f746g-disco"
#endif
#ifndef MCUNET_UART_BAUD
#define MCUNET_UART_BAUD 115200u
#endif

#define REG(address) (*(volatile uint32_t *)(address))

/* RCC (RM0385: RCC registers, base 0x40023800). */
#define RCC_CR REG(0x40023800u)
#define RCC_PLLCFGR REG(0x40023804u)
#define RCC_CFGR REG(0x40023808u)
#define RCC_AHB1ENR REG(0x40023830u)
#define RCC_APB1ENR REG(0x40023840u)
#define RCC_APB2ENR REG(0x40023844u)
#define RCC_DCKCFGR2 REG(0x40023890u)
#define RCC_CR_HSEON (1u << 16)
#define RCC_CR_HSERDY (1u << 17)
#define RCC_CR_HSEBYP (1u << 18)
#define RCC_CR_PLLON (1u << 24)
#define RCC_CR_PLLRDY (1u << 25)
/* PWR (RM0385: PWR registers, base 0x40007000). */
#define PWR_CR1 REG(0x40007000u)
#define PWR_CSR1 REG(0x40007004u)
#define PWR_CR1_VOS_SCALE1 (3u << 14)
#define PWR_CR1_ODEN (1u << 16)
#define PWR_CR1_ODSWEN (1u << 17)
#define PWR_CSR1_ODRDY (1u << 16)
#define PWR_CSR1_ODSWRDY (1u << 17)
/* Flash interface (RM0385: FLASH_ACR, base 0x40023C00). */
#define FLASH_ACR REG(0x40023C00u)
/* GPIO A and B (RM0385: GPIO registers, bases 0x40020000 and 0x40020400). */
#define GPIO_MODER(base) REG((base) + 0x00u)
#define GPIO_OSPEEDR(base) REG((base) + 0x08u)
#define GPIO_PUPDR(base) REG((base) + 0x0Cu)
#define GPIO_AFRL(base) REG((base) + 0x20u)
#define GPIO_AFRH(base) REG((base) + 0x24u)
#define GPIOA 0x40020000u
#define GPIOB 0x40020400u
#define GPIOD 0x40020C00u
/* The board's differences. STM32F746G-DISCO (UM1907): 25 MHz HSE crystal,
 * USART1 on PA9/PB7 to the ST-LINK's virtual COM port. NUCLEO-F767ZI
 * (Nucleo-144, UM1974; STM32F767ZI, RM0410: the same RCC, PWR, Flash
 * interface, GPIO, USART and OTG_FS registers as the F746): 8 MHz HSE from
 * the ST-LINK's MCO (an external clock: bypass), USART3 on PD8/PD9 to the
 * virtual COM port, on APB1. */
#ifdef MCUNET_STM32F7_NUCLEO144
#define HSE_MHZ 8u
#define HSE_BYPASS RCC_CR_HSEBYP
#define UART_BASE 0x40004800u /* USART3 */
#else
#define HSE_MHZ 25u
#define HSE_BYPASS 0u
#define UART_BASE 0x40011000u /* USART1 */
#endif
/* USART (RM0385: USART registers). */
#define UART_CR1 REG(UART_BASE + 0x00u)
#define UART_BRR REG(UART_BASE + 0x0Cu)
#define UART_ISR REG(UART_BASE + 0x1Cu)
#define UART_ICR REG(UART_BASE + 0x20u)
#define UART_RDR REG(UART_BASE + 0x24u)
#define UART_TDR REG(UART_BASE + 0x28u)
#define USART_ISR_ERRORS 0xFu /* PE, FE, NF, ORE; cleared by the same bits of ICR */
#define USART_ISR_RXNE (1u << 5)
#define USART_ISR_TC (1u << 6)
#define USART_ISR_TXE (1u << 7)
/* System control block and SysTick (ARMv7-M ARM B3.2, B3.3). */
#define SCB_VTOR REG(0xE000ED08u)
#define SCB_CCR REG(0xE000ED14u)
#define SCB_CCSIDR REG(0xE000ED80u)
#define SCB_CSSELR REG(0xE000ED84u)
#define SCB_ICIALLU REG(0xE000EF50u)
#define SCB_DCISW REG(0xE000EF60u)
#define SCB_CCR_DC (1u << 16)
#define SCB_CCR_IC (1u << 17)
#define SYST_CSR REG(0xE000E010u)
#define SYST_RVR REG(0xE000E014u)
#define SYST_CVR REG(0xE000E018u)

#define HSI_HZ 16000000u
#define PLL_HZ 216000000u
#define POLL_LIMIT 2000000u /* ready-flag polls: well over 100 ms at 16 MHz */

static uint32_t core_hz = HSI_HZ;
static uint32_t pclk1_hz = HSI_HZ, pclk2_hz = HSI_HZ;
static const char *clock_note = "cycles: core clock 16 MHz HSI, the HSE, the PLL or over-drive did not start";
static volatile uint32_t systick_wraps;
static int usb_up, reply_on_usb;
static char serial_hex[25];
#define UID_BASE 0x1FF0F420u
#define USB_WRITE_POLLS 200000u /* a host that stops reading costs the byte, never a hang */

typedef void (*vector_t)(void);
extern const vector_t mcu_vectors[]; /* startup.c */

static void barrier(void) { __asm volatile("dsb\n isb" ::: "memory"); }

/* Waits until (REG & mask) == want; 0 when it never happens. */
static int wait_for(volatile uint32_t *reg, uint32_t mask, uint32_t want) {
    uint32_t i;
    for (i = 0; i < POLL_LIMIT; ++i)
        if ((*reg & mask) == want) return 1;
    return 0;
}

/* RM0385's PWR chapter ("entering Over-drive mode") gives the order: PLL configured
 * and on, over-drive enabled and switched, then Flash latency, prescalers
 * and the switch to the PLL. Returns 0 (still on HSI) on a timeout. */
static int clock_216mhz(void) {
    RCC_APB1ENR |= 1u << 28; /* PWREN */
    (void)RCC_APB1ENR;       /* read back: the clock is on before PWR is written */
    PWR_CR1 = (PWR_CR1 & ~(3u << 14)) | PWR_CR1_VOS_SCALE1; /* VOS can change only while the PLL is off */
    RCC_CR = (RCC_CR & ~RCC_CR_HSEBYP) | HSE_BYPASS; /* a crystal (DISCO) or an external clock (Nucleo) */
    RCC_CR |= RCC_CR_HSEON;
    if (!wait_for(&RCC_CR, RCC_CR_HSERDY, RCC_CR_HSERDY)) return 0;
    /* PLLM [5:0] = the HSE in MHz (1 MHz in), PLLN [14:6] = 432, PLLP [17:16] = 0 (/2), PLLSRC [22] = 1 (HSE), PLLQ [27:24] = 9. */
    RCC_PLLCFGR = HSE_MHZ | (432u << 6) | (0u << 16) | (1u << 22) | (9u << 24);
    RCC_CR |= RCC_CR_PLLON;
    if (!wait_for(&RCC_CR, RCC_CR_PLLRDY, RCC_CR_PLLRDY)) return 0;
    PWR_CR1 |= PWR_CR1_ODEN;
    if (!wait_for(&PWR_CSR1, PWR_CSR1_ODRDY, PWR_CSR1_ODRDY)) return 0;
    PWR_CR1 |= PWR_CR1_ODSWEN;
    if (!wait_for(&PWR_CSR1, PWR_CSR1_ODSWRDY, PWR_CSR1_ODSWRDY)) return 0;
    FLASH_ACR = (FLASH_ACR & ~0xFu) | 7u; /* LATENCY: 7 wait states */
    if (!wait_for(&FLASH_ACR, 0xFu, 7u)) return 0;
    /* HPRE [7:4] = 0 (/1), PPRE1 [12:10] = 101 (/4), PPRE2 [15:13] = 100 (/2). */
    RCC_CFGR = (RCC_CFGR & ~0xFCF0u) | (5u << 10) | (4u << 13);
    RCC_CFGR = (RCC_CFGR & ~3u) | 2u; /* SW: PLL */
    return wait_for(&RCC_CFGR, 3u << 2, 2u << 2); /* SWS: PLL */
}

static void clock_init(void) {
    if (clock_216mhz()) {
        core_hz = PLL_HZ;
        pclk1_hz = PLL_HZ / 4u;
        pclk2_hz = PLL_HZ / 2u;
        clock_note = "cycles: core clock 216 MHz, m-lap-us from SysTick on it";
        return;
    }
    /* Back to the HSI as it was after reset: the system clock never left it
     * (SW is written last), so the PLL and over-drive can simply go off. */
    RCC_CFGR &= ~3u;
    RCC_CR &= ~RCC_CR_PLLON;
    PWR_CR1 &= ~(PWR_CR1_ODSWEN | PWR_CR1_ODEN);
}

static void caches_init(void) {
    uint32_t ccsidr, sets, ways, way_shift, line_shift, set, way;
    barrier();
    SCB_ICIALLU = 0u;
    barrier();
    SCB_CCR |= SCB_CCR_IC;
    barrier();
    /* Invalidate the L1 data cache set by set, way by way (its geometry from
     * CCSIDR: line size, associativity, sets), then enable it. */
    SCB_CSSELR = 0u; /* level 1 data cache */
    barrier();
    ccsidr = SCB_CCSIDR;
    line_shift = (ccsidr & 7u) + 4u;
    ways = ((ccsidr >> 3) & 0x3FFu) + 1u;
    sets = ((ccsidr >> 13) & 0x7FFFu) + 1u;
    for (way_shift = 32u; way_shift > 0u && (1u << (32u - way_shift)) < ways; --way_shift) {
    }
    for (set = 0; set < sets; ++set)
        for (way = 0; way < ways; ++way) SCB_DCISW = (set << line_shift) | (way_shift < 32u ? way << way_shift : 0u);
    barrier();
    SCB_CCR |= SCB_CCR_DC;
    barrier();
}

#ifdef MCUNET_STM32F7_NUCLEO144
/* USART3 on PD8 (TX) and PD9 (RX), AF7 in AFRH[3:0] and [7:4]; its clock is PCLK1. */
static uint32_t uart_pins_and_clock(void) {
    RCC_AHB1ENR |= 1u << 3;  /* GPIODEN */
    RCC_APB1ENR |= 1u << 18; /* USART3EN */
    RCC_DCKCFGR2 &= ~(3u << 4); /* USART3SEL: PCLK1 */
    (void)RCC_APB1ENR;
    GPIO_MODER(GPIOD) = (GPIO_MODER(GPIOD) & ~(0xFu << 16)) | (0xAu << 16);
    GPIO_OSPEEDR(GPIOD) = (GPIO_OSPEEDR(GPIOD) & ~(3u << 16)) | (2u << 16);
    GPIO_PUPDR(GPIOD) = (GPIO_PUPDR(GPIOD) & ~(3u << 18)) | (1u << 18); /* RX pulled up while the ST-LINK starts */
    GPIO_AFRH(GPIOD) = (GPIO_AFRH(GPIOD) & ~0xFFu) | 0x77u;
    return pclk1_hz;
}
#else
/* USART1 on PA9 (TX) and PB7 (RX); its clock is PCLK2. */
static uint32_t uart_pins_and_clock(void) {
    RCC_AHB1ENR |= (1u << 0) | (1u << 1); /* GPIOAEN, GPIOBEN */
    RCC_APB2ENR |= 1u << 4;               /* USART1EN */
    RCC_DCKCFGR2 &= ~3u;                  /* USART1SEL: PCLK2 */
    (void)RCC_APB2ENR;                    /* read back: clocks on before the registers are written */
    /* PA9: alternate function (MODER 10), high speed, AF7 in AFRH[7:4]. */
    GPIO_MODER(GPIOA) = (GPIO_MODER(GPIOA) & ~(3u << 18)) | (2u << 18);
    GPIO_OSPEEDR(GPIOA) = (GPIO_OSPEEDR(GPIOA) & ~(3u << 18)) | (2u << 18);
    GPIO_AFRH(GPIOA) = (GPIO_AFRH(GPIOA) & ~(0xFu << 4)) | (7u << 4);
    /* PB7: alternate function, pull-up (an idle line while the ST-LINK starts), AF7 in AFRL[31:28]. */
    GPIO_MODER(GPIOB) = (GPIO_MODER(GPIOB) & ~(3u << 14)) | (2u << 14);
    GPIO_PUPDR(GPIOB) = (GPIO_PUPDR(GPIOB) & ~(3u << 14)) | (1u << 14);
    GPIO_AFRL(GPIOB) = (GPIO_AFRL(GPIOB) & ~(0xFu << 28)) | (7u << 28);
    return pclk2_hz;
}
#endif

static void uart_init(void) {
    const uint32_t pclk_hz = uart_pins_and_clock();
    /* 16x oversampling: BRR = PCLK / baud, rounded (RM0385: USART baud rate generation). */
    UART_CR1 = 0u;
    UART_BRR = (pclk_hz + MCUNET_UART_BAUD / 2u) / MCUNET_UART_BAUD;
    UART_CR1 = (1u << 3) | (1u << 2) | 1u; /* TE, RE, UE; 8 data bits, no parity (M, PCE = 0) */
}

void SysTick_Handler(void) { systick_wraps++; }

void board_init(void) {
    SCB_VTOR = (uint32_t)(uintptr_t)mcu_vectors; /* 0x08000000: the table this image links there */
    clock_init();
    caches_init();
    dwt_counter_init();
    SYST_RVR = 0x00FFFFFFu;
    SYST_CVR = 0u;
    SYST_CSR = 7u; /* enable, wrap interrupt, processor clock */
    uart_init();
    if (core_hz == PLL_HZ) { /* PLLQ gives USB its 48 MHz only then */
        static const char digits[] = "0123456789ABCDEF";
        uint32_t i;
        for (i = 0; i < 24u; ++i)
            serial_hex[i] = digits[(REG(UID_BASE + 4u * (i / 8u)) >> (28u - 4u * (i % 8u))) & 0xFu];
        serial_hex[24] = 0;
        usb_up = usb_otg_fs_init(serial_hex);
    }
}

void board_putc(uint8_t c) {
    if (reply_on_usb && usbd_configured()) {
        uint32_t i;
        for (i = 0; i < USB_WRITE_POLLS && usbd_write(&c, 1u) == 0u; ++i) usb_otg_fs_poll();
        return;
    }
    while (!(UART_ISR & USART_ISR_TXE)) {
    }
    UART_TDR = c;
}

int board_getc(void) {
    const uint32_t isr = UART_ISR;
    int c;
    /* An overrun or framing error stops nothing: clear it and go on (the
     * link's CRC and retries catch the lost bytes). */
    if (isr & USART_ISR_ERRORS) UART_ICR = USART_ISR_ERRORS;
    if (isr & USART_ISR_RXNE) {
        reply_on_usb = 0;
        return (int)(UART_RDR & 0xFFu);
    }
    if (!usb_up) return -1;
    usb_otg_fs_poll();
    c = usbd_getc();
    if (c >= 0) reply_on_usb = 1;
    return c;
}

uint32_t board_counter_read(void) { return dwt_counter_read(); }

uint32_t board_counter_elapsed(uint32_t earlier, uint32_t later) { return dwt_counter_elapsed(earlier, later); }

uint8_t board_counter_kind(void) { return MCU_COUNTER_CYCLES; }

void board_counter_align(void) {}

/* Core clock cycles since SysTick started, 64 bits. */
static uint64_t systick_cycles(void) {
    uint32_t wraps, value;
    do {
        wraps = systick_wraps;
        value = SYST_CVR;
    } while (wraps != systick_wraps);
    return ((uint64_t)wraps << 24) + (0x00FFFFFFu - value);
}

uint32_t board_time_us(void) { return (uint32_t)(systick_cycles() / (core_hz / 1000000u)); }

const char *board_timing(void) { return clock_note; }

const char *board_name(void) { return MCUNET_BOARD_NAME; }

/* A real board cannot exit: the last bytes go out, then it waits for a
 * reset (the fault, if any, was printed as e-[...]). */
int32_t board_read_host_input(uint8_t *buf, uint32_t n) {
    (void)buf;
    (void)n;
    return -1; /* no host: a semihosting call would stop the core without a debugger */
}

void board_exit(int code) {
    (void)code;
    while (!(UART_ISR & USART_ISR_TC)) {
    }
    __asm volatile("cpsid i" ::: "memory");
    for (;;) {
    }
}
