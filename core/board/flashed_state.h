#pragma once
// What was last flashed onto a board, as the host remembers it: the ELF and
// the plan.json it was generated with, in
// $XDG_STATE_HOME/mcunet-studio/<board>.json (flashedFirmwarePath). For the
// virtual boards this record *is* their Flash (openLink boots the recorded
// ELF); for a real board it tells `profile` which plan to check the board's
// HELLO against. Written atomically, and only after the board answered with
// the flashed model, so a cancelled or failed flash never leaves half a record.
#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace mcunet::board {

struct FlashedState {
    std::string board, elf, model;
    std::string plan;  // empty: flashed as a bare ELF, without its plan.json
    std::int64_t arenaBytes = 0;
};

nlohmann::json toJson(const FlashedState& s);
// Throws mcunet::Error naming the folder when it cannot be created.
void writeFlashedState(const FlashedState& s);
// Throws mcunet::Error when nothing was flashed on `boardId`, or the record is
// damaged (the message names the file and the field).
FlashedState readFlashedState(const std::string& boardId);

}  // namespace mcunet::board
