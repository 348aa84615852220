/* MCUNet Studio firmware: runs the generated model and answers both the
 * studio's binary link protocol and MLPerf Tiny's text commands on the same
 * byte link. Frames start with 0xA5, which no text command contains. */
#include <string.h>

#include "app.h"
#include "board.h"
#include "mcunet_link.h"

#ifndef MCUNET_NO_INPUT_COPY
int8_t app_input[MODEL_INPUT_BYTES];
#endif
int8_t app_output[MODEL_OUTPUT_BYTES];
uint32_t mcu_profile_counts[MODEL_LAYER_COUNT];
uint32_t mcu_profile_mark;
uint32_t app_input_written;
uint64_t app_last_total;

void app_run(uint32_t runs) {
    uint32_t r;
    for (r = 0; r < runs; ++r) {
        uint64_t total = 0;
        uint32_t i;
        board_counter_align();
        model_invoke(app_input, app_output); /* copies the input into the arena unless it is there */
        for (i = 0; i < MODEL_LAYER_COUNT; ++i) total += mcu_profile_counts[i];
        app_last_total = total;
    }
    if (!APP_INPUT_REPEATABLE) app_input_written = 0; /* the run consumed the input */
}

int main(void) {
    board_init();
    mlperf_boot();
    for (;;) {
        const int c = board_getc();
        if (c >= 0) app_feed((uint8_t)c);
    }
}
