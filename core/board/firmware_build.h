#pragma once
// Cross build: the generated model (prefix "model") plus the firmware in its
// firmware/ folder, for a board, with arm-none-eabi-gcc (argument lists, no
// shell). The linker script gets the board's real Flash and SRAM sizes, so a
// model that does not fit fails here, with the overflow in bytes.
#include <cstdint>
#include <string>

#include "board/board.h"

namespace mcunet::board {

struct FirmwareBuild {
    std::string elf;
    std::int64_t flashBytes = 0;  // from the ELF: text, rodata, vectors, data initializers
    std::int64_t sramBytes = 0;   // from the ELF: data, bss (arena included), stack
    std::int64_t arenaBytes = 0;  // size of the model's arena symbol
    bool inputCopy = true;        // false: no room for the input copy, the host rewrites it per run
    std::string log;
};

// The firmware keeps a copy of the input outside the arena (so a profile can
// run the same input many times); when SRAM has no room for it, the build is
// redone without the copy. Throws mcunet::Error: unsupported board, missing
// compiler, compile error, or "does not fit: SRAM over by N bytes".
FirmwareBuild buildFirmware(const std::string& generatedDir, const Board& board);

}  // namespace mcunet::board
