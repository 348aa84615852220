/* Included (-include) when the firmware compiles the generated model: the
 * model's per-layer hooks read the board's counter. */
#ifndef MCUNET_FIRMWARE_PROFILE_H
#define MCUNET_FIRMWARE_PROFILE_H

#include <stdint.h>

#include "board.h"

extern uint32_t mcu_profile_mark;
extern uint32_t mcu_profile_counts[];

#define MCUNET_PROFILE_BEGIN(layer) (mcu_profile_mark = board_counter_read())
#define MCUNET_PROFILE_END(layer) \
    (mcu_profile_counts[(layer)] = board_counter_elapsed(mcu_profile_mark, board_counter_read()))

#endif
