#include "board/flashed_state.h"

#include <filesystem>

#include <nlohmann/json.hpp>

#include "board/virtual_board.h"
#include "common/error.h"
#include "common/json_read.h"

namespace mcunet::board {

namespace fs = std::filesystem;
namespace jr = mcunet::json_read;
using nlohmann::json;

json toJson(const FlashedState& s) {
    return {{"board", s.board}, {"elf", s.elf}, {"plan", s.plan.empty() ? json(nullptr) : json(s.plan)},
            {"model", s.model}, {"arena_bytes", s.arenaBytes}};
}

void writeFlashedState(const FlashedState& s) {
    const std::string path = flashedFirmwarePath(s.board);
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    if (ec) throw Error(fs::path(path).parent_path().string() + ": cannot create (" + ec.message() + ")");
    jr::writeFileAtomically(path, toJson(s).dump(2) + "\n");
}

FlashedState readFlashedState(const std::string& boardId) {
    const std::string path = flashedFirmwarePath(boardId);
    const std::string again = " (flash the board again: mcunet flash DIR --board " + boardId + ")";
    std::error_code ec;
    if (!fs::exists(path, ec)) throw Error(boardId + ": nothing flashed yet (mcunet flash DIR --board " + boardId + ")");
    const json state = jr::parseFile(path);
    FlashedState s;
    try {
        s.board = jr::string(state, "board", "");
        if (s.board != boardId) throw Error("board: \"" + s.board.substr(0, 40) + "\" is not " + boardId);
        s.elf = jr::string(state, "elf", "");
        if (s.elf.empty()) throw Error("elf: empty");
        const json& plan = jr::field(state, "plan", "");
        if (!plan.is_null() && !plan.is_string())
            throw Error(std::string("plan: expected a string or null, found ") + plan.type_name());
        if (plan.is_string()) s.plan = plan.get<std::string>();
        s.model = jr::has(state, "model") ? jr::string(state, "model", "") : "";
        s.arenaBytes = jr::has(state, "arena_bytes") ? jr::integerIn(state, "arena_bytes", "", 0, std::int64_t(1) << 32) : 0;
    } catch (const Error& e) {
        throw Error(path + ": " + e.what() + again);
    }
    if (!fs::is_regular_file(s.elf, ec)) throw Error(path + ": elf: " + s.elf + ": no such file" + again);
    return s;
}

}  // namespace mcunet::board
