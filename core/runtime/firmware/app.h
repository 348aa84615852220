/* What the firmware's protocol handlers share: the model's buffers and the
 * last run's measurements. */
#ifndef MCUNET_FIRMWARE_APP_H
#define MCUNET_FIRMWARE_APP_H

#include <stdint.h>

#include "model.h"

/* The input kept outside the arena: in-place layers reuse the arena's input
 * tensor, and profiling runs the same input many times. */
extern int8_t app_input[MODEL_INPUT_BYTES];
extern int8_t app_output[MODEL_OUTPUT_BYTES];
extern uint32_t mcu_profile_counts[MODEL_LAYER_COUNT];
extern uint32_t app_input_written; /* bytes of input received since the last run */
extern uint64_t app_last_total;    /* counter units of the last inference */

/* Runs the model `runs` times on the input in the arena. */
void app_run(uint32_t runs);

void link_feed(uint8_t byte);   /* binary link protocol */
int link_in_frame(void);        /* a frame is being received */
void mlperf_feed(uint8_t byte); /* MLPerf Tiny text commands */
void mlperf_boot(void);

#endif
