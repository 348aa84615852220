#pragma once
// The project file (.mcuproj, docs/project-format.md): everything the studio
// needs to reopen a piece of work. The target board and its limits, the
// architecture being designed, the search-space settings, the last
// search-space result and the model directory training wrote. Plain C++ (no Qt): the CLI and tests read it too.
//
// Loading validates every field and names the bad one ("target.sram_limit_bytes:
// expected an integer"); older schema versions are migrated on load (see
// migrate()); saving is atomic (temporary file, then rename).
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "arch/architecture.h"
#include "board/board.h"
#include "common/defaults.h"
#include "space/optimizer.h"

namespace mcunet::project {

inline constexpr int kProjectSchemaVersion = 5;
inline constexpr const char* kProjectFormat = "mcunet-project";
inline constexpr const char* kProjectExtension = ".mcuproj";

// The board and the limits the design is checked against. Overrides replace
// the board's SRAM / Flash (e.g. to keep room for the application).
struct Target {
    std::string boardId = "virtual-m7";
    std::optional<std::int64_t> sramLimitBytes;
    std::optional<std::int64_t> flashLimitBytes;
    bool operator==(const Target&) const = default;
};

// TinyNAS stage 1 settings (the search space's classifier follows the
// architecture's num_classes).
struct SpaceSettings {
    space::Grid grid = space::defaultGrid();
    int samplesPerSpace = defaults::kSamplesPerSpace;
    std::uint64_t seed = defaults::kSeed;
    // Stage 1's rule: the highest mean MACs among the spaces where at least
    // this share of the samples fit (`mcunet space --min-share`).
    double minSatisfyingShare = defaults::kMinSatisfyingSharePercent / 100.0;
    bool operator==(const SpaceSettings& o) const {
        return grid.resolutions == o.grid.resolutions && grid.widths == o.grid.widths &&
               samplesPerSpace == o.samplesPerSpace && seed == o.seed && minSatisfyingShare == o.minSatisfyingShare;
    }
};

// The space stage 1 chose last time, with the limits and settings it ran under
// (the studio shows it as stale when those no longer match).
struct SpaceChoice {
    int resolution = 0;
    double width = 0;
    double meanMacs = 0;
    double satisfyingShare = 0;
    std::int64_t sramLimitBytes = 0;
    std::int64_t flashLimitBytes = 0;
    bool operator==(const SpaceChoice&) const = default;
};

struct Project {
    std::string name = "untitled";
    Target target;
    arch::Architecture architecture;
    SpaceSettings space;
    std::string planner = defaults::kPlanner;  // planner shown in Design and Deploy: tflm, tinyengine, ours
    std::optional<SpaceChoice> lastSpaceChoice;
    // The model directory `mcunet train` wrote for this project (empty: not
    // trained). Absolute, or relative to the project file's folder; Deploy
    // uses its int8 weights while its architecture is the design's.
    std::string trainedModel;
    // The .tflite this project was imported from (empty: the network is
    // `architecture`, designed here). Absolute, or relative to the project
    // file's folder. An imported network is read-only in the studio: cost,
    // planning, code generation and deploy use the file's graph and weights.
    std::string importedModel;
    // The `mcunet tinynas` run folder the Train & search step used (empty:
    // none). Absolute, or relative to the project file's folder; the step
    // shows its front and report again when the project opens.
    std::string searchRun;
    bool operator==(const Project&) const = default;
};

nlohmann::json toJson(const Project& p);
// Migrates older versions, then validates; throws mcunet::Error naming the field.
Project fromJson(const nlohmann::json& document);
// Brings a document of an older schema_version up to kProjectSchemaVersion.
// Refuses versions newer than this build (or unknown) with a message.
nlohmann::json migrate(const nlohmann::json& document);

// Throws mcunet::Error with the file name and the problem.
Project load(const std::string& filePath);
void save(const Project& p, const std::string& filePath);  // atomic

// The board ID must be in the catalog ("target.board: ..."); throws otherwise.
void checkAgainst(const Project& p, const board::Catalog& catalog);
// Limits after the project's overrides.
space::Constraints limits(const Project& p, const board::Board& b);

// Autosave lives beside the project: "dir/name.mcuproj" -> "dir/name.mcuproj.autosave".
std::string autosavePath(const std::string& projectPath);
// True when an autosave exists beside the project and is newer than it (or
// the project file is gone): there is unsaved work to offer for recovery.
bool hasNewerAutosave(const std::string& projectPath);

// The project a new window starts from: board virtual-m7, mcunet-vww1.
Project demoProject();

}  // namespace mcunet::project
