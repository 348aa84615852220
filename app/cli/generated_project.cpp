#include "cli/generated_project.h"

#include <filesystem>

#include "board/virtual_board.h"
#include "common/error.h"
#include "common/json_read.h"

namespace mcunet::cli {

namespace fs = std::filesystem;
namespace jr = mcunet::json_read;
using nlohmann::json;

namespace {

void nonNegative(const json& plan, const char* key) {
    const std::int64_t v = jr::integer(plan, key, "plan");
    if (v < 0) throw Error(jr::join("plan", key) + ": " + std::to_string(v) + " is negative");
}

// The fields of plan.json that run, build, flash and profile use.
void checkPlanFields(CheckedPlan& p) {
    const json& plan = p.json;
    if (const std::string format = jr::string(plan, "format", "plan"); format != "mcunet-plan")
        throw Error("plan.format: \"" + format.substr(0, 40) + "\" is not mcunet-plan");
    if (const std::int64_t v = jr::integer(plan, "schema_version", "plan"); v != 1)
        throw Error("plan.schema_version: " + std::to_string(v) + " is not supported (1)");
    jr::string(plan, "model", "plan");
    nonNegative(plan, "arena_bytes");
    nonNegative(plan, "weight_flash_bytes");
    p.inputBytes = board::tensorBytesFromPlan(plan, "input");
    p.outputBytes = board::tensorBytesFromPlan(plan, "output");
    p.layers = board::layersFromPlan(plan);
    if (p.layers.empty()) throw Error("plan.layers: empty");
    for (std::size_t i = 0; i < p.layers.size(); ++i)
        if (p.layers[i].macs < 0) throw Error(jr::index("plan.layers", i) + ".macs: " + std::to_string(p.layers[i].macs) + " is negative");
}

// DIR/sub exists as a folder we can list, with at least one .c file.
void requireSources(const fs::path& dir, const std::string& sub) {
    std::error_code ec;
    if (!fs::is_directory(dir / sub, ec))
        throw Error(dir.string() + ": not a generated project (" + sub + "/ missing)");
    fs::directory_iterator it(dir / sub, ec);
    if (ec) throw Error((dir / sub).string() + ": cannot open (" + ec.message() + ")");
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        if (ec) break;
        if (it->path().extension() == ".c") return;
    }
    if (ec) throw Error((dir / sub).string() + ": cannot read (" + ec.message() + ")");
    throw Error(dir.string() + ": not a generated project (no C files in " + sub + "/)");
}

}  // namespace

CheckedPlan readPlan(const std::string& planPath) {
    CheckedPlan p;
    p.path = planPath;
    p.json = jr::parseFile(planPath);
    try {
        checkPlanFields(p);
    } catch (const Error& e) {
        throw Error(planPath + ": " + e.what());
    }
    return p;
}

CheckedPlan openGeneratedProject(const std::string& directory, ProjectBuild build) {
    const fs::path dir(directory);
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw Error(directory + ": no such directory (a project made by `mcunet codegen`)");
    std::vector<std::string> files = {"plan.json", "model.h", "model.c", "model_weights.c"};
    if (build == ProjectBuild::Host) files.push_back("model_host.c");
    else files.insert(files.end(), {"firmware/main.c", "firmware/firmware.ld", "firmware/profile.h"});
    for (const std::string& f : files)
        if (!fs::is_regular_file(dir / f, ec))
            throw Error(directory + ": not a generated project (" + f + " missing)");
    if (!fs::is_directory(dir / "include", ec)) throw Error(directory + ": not a generated project (include/ missing)");
    requireSources(dir, "kernels");
    return readPlan((dir / "plan.json").string());
}

json toJson(const FlashedState& s) {
    return {{"board", s.board}, {"elf", s.elf}, {"plan", s.plan.empty() ? json(nullptr) : json(s.plan)},
            {"model", s.model}, {"arena_bytes", s.arenaBytes}};
}

void writeFlashedState(const FlashedState& s) {
    const std::string path = board::flashedFirmwarePath(s.board);
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    if (ec) throw Error(fs::path(path).parent_path().string() + ": cannot create (" + ec.message() + ")");
    jr::writeFileAtomically(path, toJson(s).dump(2) + "\n");
}

FlashedState readFlashedState(const std::string& boardId) {
    const std::string path = board::flashedFirmwarePath(boardId);
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
        s.arenaBytes = jr::has(state, "arena_bytes") ? jr::integer(state, "arena_bytes", "") : 0;
    } catch (const Error& e) {
        throw Error(path + ": " + e.what() + " (flash the board again: mcunet flash DIR --board " + boardId + ")");
    }
    if (!fs::is_regular_file(s.elf, ec))
        throw Error(path + ": elf: " + s.elf + ": no such file (flash the board again: mcunet flash DIR --board " + boardId + ")");
    return s;
}

}  // namespace mcunet::cli
