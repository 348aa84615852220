/* A stand-in for a generated model, so the firmware's protocol code (link
 * and MLPerf commands) runs on the host in tests, fast and with faults
 * injected. Sizes are chosen to need several frames: input 3000 bytes (3
 * chunks), 300 layers (2 profile frames). */
#ifndef FAKE_MODEL_H
#define FAKE_MODEL_H

#include <stdint.h>

#define MODEL_NAME "fake-model"
#define MODEL_ARENA_BYTES 4096
#define MODEL_LAYER_COUNT 300
#define MODEL_INPUT_BYTES 3000
#define MODEL_OUTPUT_BYTES 10
#define MODEL_OUTPUT_SCALE 0.5f
#define MODEL_OUTPUT_ZERO_POINT 2

int8_t *model_input(void);
int model_invoke(const int8_t *in, int8_t *out);

/* Host side of the fake board: bytes the device wrote, and its clock. */
uint32_t fake_board_take_output(uint8_t *buffer, uint32_t capacity);
void fake_board_reset(void);
extern uint32_t fake_invocations;

#endif
