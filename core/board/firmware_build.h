#pragma once
// Cross build: the generated model (prefix "model") plus the firmware in its
// firmware/ folder, for a board, with arm-none-eabi-gcc (argument lists, no
// shell). The linker script gets the board's real Flash and SRAM sizes (from
// its board JSON) at its memory map's origins, so a model that does not fit
// fails here, with the overflow in bytes.
//
// Boards with a firmware board layer (docs/boards.md): the QEMU mps2 virtual
// boards (virtual-m7, virtual-m4: board_mps2.c, Flash at 0x0) and
// stm32f746g-disco (board_stm32f7.c + counter_dwt.c, Flash at 0x08000000,
// single-precision FPU). SRAM starts at 0x20000000 on all of them.
#include <cstdint>
#include <functional>
#include <string>

#include "board/board.h"

namespace mcunet::board {

struct FirmwareOptions {
    // What `profile%` reports as m-model-[...] for MLPerf Tiny's runner
    // (MCUNET_MLPERF_MODEL): vww01, ic01, kws01, ad01, sww01 or another
    // [a-z0-9_-] name of at most 32 characters (checkMlperfTaskId, board/mlperf.h).
    // Empty: the model's name.
    std::string mlperfTaskId;
    // Real boards' UART link rate (MCUNET_UART_BAUD), one of serialBaudRates()
    // (board/serial_port.h); the host must open the port at the same rate.
    // The virtual boards' UART has no rate: ignored there.
    int uartBaud = 115200;
    // Called before each compiler run and before the link with (steps done,
    // steps in all); returning false stops the build with board::Cancelled
    // (board/cancel.h) and no firmware.elf is left behind. May be empty.
    std::function<bool(int done, int total)> progress;
};

struct FirmwareBuild {
    std::string elf;
    std::int64_t flashBytes = 0;  // from the ELF: text, rodata, vectors, data initializers
    std::int64_t sramBytes = 0;   // from the ELF: data, bss (arena included), stack
    std::int64_t arenaBytes = 0;  // size of the model's arena symbol
    bool inputCopy = true;        // false: no room for the input copy, the host rewrites it per run
    std::uint32_t flashOrigin = 0;  // where the image starts (its vector table)
    std::string log;
};

// Whether buildFirmware has a board layer for `board` (the one place that
// says which boards can get firmware).
bool hasFirmwareLayer(const Board& board);
// "virtual-m7, virtual-m4 and stm32f746g-disco": the boards of the built-in
// catalog that have a firmware board layer, for messages (never a list
// written by hand, which goes stale when a board is added).
std::string boardsWithFirmwareText();

// The firmware keeps a copy of the input outside the arena (so a profile can
// run the same input many times); when SRAM has no room for it, the build is
// redone without the copy. An earlier firmware.elf is removed first, so a
// failed or cancelled build never leaves a stale one. Throws mcunet::Error: no board layer for the
// board, a bad option (naming it), missing compiler, compile error, or "does
// not fit: SRAM over by N bytes".
FirmwareBuild buildFirmware(const std::string& generatedDir, const Board& board, const FirmwareOptions& options = {});

}  // namespace mcunet::board
