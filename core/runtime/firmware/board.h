/* The board support layer the firmware needs: a byte link (UART), a
 * free-running counter, and a way to stop. One implementation per board
 * family, chosen by the firmware build (core/board/firmware_build.cpp):
 * board_mps2.c for the QEMU virtual boards (counts executed instructions),
 * board_stm32f7.c with counter_dwt.c for STM32F746G-DISCO (counts cycles).
 * Every other firmware file (main.c, link_device.c, mlperf.c, board_io.c,
 * startup.c) is shared by all boards. */
#ifndef MCUNET_BOARD_H
#define MCUNET_BOARD_H

#include <stdint.h>

void board_init(void);
void board_putc(uint8_t c);
int board_getc(void); /* -1 when no byte is waiting */
void board_write(const void *data, uint32_t n);
void board_puts(const char *s);
/* Counter: read it, then ask how many units (cycles or instructions, see
 * board_counter_kind) passed between two readings. */
uint32_t board_counter_read(void);
uint32_t board_counter_elapsed(uint32_t earlier, uint32_t later);
uint8_t board_counter_kind(void); /* MCU_COUNTER_CYCLES or MCU_COUNTER_INSTRUCTIONS */
/* Makes later counts independent of when in a tick the run starts (QEMU's
 * SysTick ticks every 40 instructions); a no-op where counts are cycles. */
void board_counter_align(void);
uint32_t board_time_us(void); /* microseconds since boot (virtual boards: instruction time) */
/* One line of printable ASCII without '[' or ']' saying what board_time_us
 * and the counter measure; MLPerf's `profile%` prints it as m-timing-[...]. */
const char *board_timing(void);
const char *board_name(void);
void board_exit(int code);
/* Reads up to `n` bytes of the host file MCU_HOST_INPUT_FILE (mcunet_link.h; in the folder
 * the emulator runs in) into `buf` through semihosting, the fast route for
 * live demos on virtual boards (the UART carries about 14 KB/s). Returns the
 * bytes read, or -1 where the board has no host (real boards) or the file
 * cannot be opened; with n == 0 it touches no file and returns 0 exactly
 * when the board has a host. */
int32_t board_read_host_input(uint8_t *buf, uint32_t n);

#endif
