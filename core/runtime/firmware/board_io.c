/* Byte-link helpers every board layer shares, built on its board_putc, and
 * the router of received bytes. */
#include "app.h"
#include "board.h"
#include "mcunet_link.h"

void app_feed(uint8_t byte) {
    if (link_in_frame() || byte == (uint8_t)MCU_LINK_SYNC0)
        link_feed(byte);
    else
        mlperf_feed(byte);
}

void board_write(const void *data, uint32_t n) {
    const uint8_t *p = (const uint8_t *)data;
    uint32_t i;
    for (i = 0; i < n; ++i) board_putc(p[i]);
}

void board_puts(const char *s) {
    while (*s) board_putc((uint8_t)*s++);
}
