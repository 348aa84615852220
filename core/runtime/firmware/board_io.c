/* Byte-link helpers every board layer shares, built on its board_putc. */
#include "board.h"

void board_write(const void *data, uint32_t n) {
    const uint8_t *p = (const uint8_t *)data;
    uint32_t i;
    for (i = 0; i < n; ++i) board_putc(p[i]);
}

void board_puts(const char *s) {
    while (*s) board_putc((uint8_t)*s++);
}
