/* The fake model and board for host tests of the firmware protocol code. */
#include <string.h>

#include "app.h"
#include "board.h"
#include "mcunet_link.h"

static int8_t arena[MODEL_ARENA_BYTES];
static uint8_t out_buffer[1 << 20];
static uint32_t out_len;
static uint32_t clock_ticks;
uint32_t fake_invocations;

int8_t app_input[MODEL_INPUT_BYTES];
int8_t app_output[MODEL_OUTPUT_BYTES];
uint32_t mcu_profile_counts[MODEL_LAYER_COUNT];
uint32_t mcu_profile_mark;
uint32_t app_input_written;
uint64_t app_last_total;

int8_t *model_input(void) { return arena; }

/* Output o = (sum of input bytes * (o + 1)) mod 256; layer i "takes" 100 + i. */
int model_invoke(const int8_t *in, int8_t *out) {
    uint32_t i, sum = 0;
    if (in != arena) memcpy(arena, in, MODEL_INPUT_BYTES);
    for (i = 0; i < MODEL_INPUT_BYTES; ++i) sum += (uint8_t)arena[i];
    for (i = 0; i < MODEL_OUTPUT_BYTES; ++i) out[i] = (int8_t)(uint8_t)(sum * (i + 1));
    for (i = 0; i < MODEL_LAYER_COUNT; ++i) mcu_profile_counts[i] = 100 + i;
    clock_ticks += 1000;
    ++fake_invocations;
    return 0;
}

void app_run(uint32_t runs) {
    uint32_t r, i;
    for (r = 0; r < runs; ++r) {
        uint64_t total = 0;
        model_invoke(app_input, app_output);
        for (i = 0; i < MODEL_LAYER_COUNT; ++i) total += mcu_profile_counts[i];
        app_last_total = total;
    }
}

void board_init(void) {}
void board_putc(uint8_t c) {
    if (out_len < sizeof out_buffer) out_buffer[out_len++] = c;
}
int board_getc(void) { return -1; }
uint32_t board_counter_read(void) { return clock_ticks; }
uint32_t board_counter_elapsed(uint32_t earlier, uint32_t later) { return later - earlier; }
uint8_t board_counter_kind(void) { return MCU_COUNTER_CYCLES; }
uint32_t board_time_us(void) { return clock_ticks; }
const char *board_name(void) { return "fake-board"; }
const char *board_timing(void) { return "cycles: fake board, 1000 us per run"; }
void board_exit(int code) { (void)code; }
int32_t board_read_host_input(uint8_t *buf, uint32_t n) {  /* a real board: no host */
    (void)buf;
    (void)n;
    return -1;
}

uint32_t fake_board_take_output(uint8_t *buffer, uint32_t capacity) {
    uint32_t n = out_len < capacity ? out_len : capacity;
    memcpy(buffer, out_buffer, n);
    memmove(out_buffer, out_buffer + n, out_len - n);
    out_len -= n;
    return n;
}

void fake_board_reset(void) {
    out_len = 0;
    fake_invocations = 0;
}
void board_counter_align(void) {}
