/* What the firmware's protocol handlers share: the model's buffers and the
 * last run's measurements. */
#ifndef MCUNET_FIRMWARE_APP_H
#define MCUNET_FIRMWARE_APP_H

#include <stdint.h>

#include "model.h"

/* The input, kept outside the arena so the same input can run many times
 * (in-place layers reuse the arena's input tensor). When the board's SRAM has
 * no room for that copy (MCUNET_NO_INPUT_COPY), the input is written straight
 * into the arena and each run consumes it: it must be written again before
 * the next run. */
#ifdef MCUNET_NO_INPUT_COPY
#define app_input (model_input())
#define APP_INPUT_REPEATABLE 0
#else
extern int8_t app_input[MODEL_INPUT_BYTES];
#define APP_INPUT_REPEATABLE 1
#endif
extern int8_t app_output[MODEL_OUTPUT_BYTES];
extern uint32_t mcu_profile_counts[MODEL_LAYER_COUNT];
extern uint32_t app_input_written; /* bytes of input received since the last run */
extern uint64_t app_last_total;    /* counter units of the last inference */

/* Runs the model `runs` times on the input in the arena. */
void app_run(uint32_t runs);

void link_feed(uint8_t byte);   /* binary link protocol */
int link_in_frame(void);        /* a frame is being received */
void mlperf_feed(uint8_t byte); /* MLPerf Tiny text commands */
/* One received byte, from any link (UART, USB): frames (they start with
 * 0xA5, which no text command contains) to link_feed, text to mlperf_feed. */
void app_feed(uint8_t byte);
void mlperf_boot(void);

#endif
