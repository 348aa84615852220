#include "project/project.h"

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "arch/architecture_json.h"
#include "arch/presets.h"
#include "common/error.h"
#include "common/json_read.h"
#include "memory/plan.h"

namespace mcunet::project {

using nlohmann::json;
namespace jr = mcunet::json_read;

namespace {

json optionalBytes(const std::optional<std::int64_t>& v) { return v ? json(*v) : json(nullptr); }

std::optional<std::int64_t> readOptionalBytes(const json& o, const std::string& key, const std::string& path) {
    if (!jr::has(o, key) || o.at(key).is_null()) return std::nullopt;
    const std::int64_t v = jr::integer(o, key, path);
    if (v < 1024 || v > (std::int64_t(1) << 40))
        throw Error(jr::join(path, key) + ": " + std::to_string(v) + " is out of range (1024 to 2^40 bytes, or null)");
    return v;
}

Target readTarget(const json& doc) {
    const json& t = jr::object(doc, "target", "");
    jr::onlyKeys(t, {"board", "sram_limit_bytes", "flash_limit_bytes"}, "target");
    Target target;
    target.boardId = jr::string(t, "board", "target");
    if (target.boardId.empty()) throw Error("target.board: must not be empty");
    target.sramLimitBytes = readOptionalBytes(t, "sram_limit_bytes", "target");
    target.flashLimitBytes = readOptionalBytes(t, "flash_limit_bytes", "target");
    return target;
}

SpaceSettings readSpace(const json& doc) {
    SpaceSettings s;
    if (!jr::has(doc, "search_space")) return s;
    const std::string path = "search_space";
    const json& o = jr::object(doc, "search_space", "");
    jr::onlyKeys(o, {"resolutions", "widths", "samples_per_space", "seed", "min_satisfying_share"}, path);
    s.grid.resolutions.clear();
    s.grid.widths.clear();
    const json& rs = jr::array(o, "resolutions", path);
    for (std::size_t i = 0; i < rs.size(); ++i) {
        if (!rs[i].is_number_integer())
            throw Error(jr::index(jr::join(path, "resolutions"), i) + ": expected an integer");
        const auto r = rs[i].get<std::int64_t>();
        if (r < 32 || r > 1024)
            throw Error(jr::index(jr::join(path, "resolutions"), i) + ": " + std::to_string(r) +
                        " is out of range (32 to 1024)");
        s.grid.resolutions.push_back(static_cast<int>(r));
    }
    const json& ws = jr::array(o, "widths", path);
    for (std::size_t i = 0; i < ws.size(); ++i) {
        if (!ws[i].is_number()) throw Error(jr::index(jr::join(path, "widths"), i) + ": expected a number");
        const double w = ws[i].get<double>();
        if (!(w >= 0.05 && w <= 4.0))
            throw Error(jr::index(jr::join(path, "widths"), i) + ": " + ws[i].dump() +
                        " is out of range (0.05 to 4.0)");
        s.grid.widths.push_back(w);
    }
    if (s.grid.resolutions.empty()) throw Error("search_space.resolutions: must not be empty");
    if (s.grid.widths.empty()) throw Error("search_space.widths: must not be empty");
    const std::int64_t samples = jr::integer(o, "samples_per_space", path);
    if (samples < 1 || samples > 1000000)
        throw Error("search_space.samples_per_space: " + std::to_string(samples) + " is out of range (1 to 1000000)");
    s.samplesPerSpace = static_cast<int>(samples);
    const std::int64_t seed = jr::integer(o, "seed", path);
    if (seed < 0) throw Error("search_space.seed: " + std::to_string(seed) + " must not be negative");
    s.seed = static_cast<std::uint64_t>(seed);
    const double share = jr::number(o, "min_satisfying_share", path);
    if (!(share >= 0 && share <= 1))
        throw Error("search_space.min_satisfying_share: " + o["min_satisfying_share"].dump() + " is out of range (0 to 1)");
    s.minSatisfyingShare = share;
    return s;
}

std::optional<SpaceChoice> readChoice(const json& doc) {
    if (!jr::has(doc, "last_space_choice") || doc.at("last_space_choice").is_null()) return std::nullopt;
    const std::string path = "last_space_choice";
    const json& o = jr::object(doc, "last_space_choice", "");
    jr::onlyKeys(o, {"resolution", "width", "mean_macs", "satisfying_share", "sram_limit_bytes", "flash_limit_bytes"},
                 path);
    SpaceChoice c;
    c.resolution = static_cast<int>(std::clamp<std::int64_t>(jr::integer(o, "resolution", path), 0, 4096));
    c.width = jr::number(o, "width", path);
    c.meanMacs = jr::number(o, "mean_macs", path);
    c.satisfyingShare = jr::number(o, "satisfying_share", path);
    c.sramLimitBytes = jr::integerIn(o, "sram_limit_bytes", path, 0, std::int64_t(1) << 40);
    c.flashLimitBytes = jr::integerIn(o, "flash_limit_bytes", path, 0, std::int64_t(1) << 40);
    return c;
}

// Migrations: kMigrations[v] turns a version-v document into version v + 1.
// When a field changes meaning or one is added, bump kProjectSchemaVersion
// and add the step here (with a test that loads a saved file of the old
// version). An older build refuses a newer file by its version, with a
// message, rather than tripping over an unknown key.
using Migration = json (*)(json);

// 1 -> 2: `trained_model` (the model directory training wrote); version 1
// projects were never trained.
json addTrainedModel(json doc) {
    if (doc.contains("trained_model"))
        throw Error("trained_model: not a field of schema_version 1 (it came with version 2)");
    doc["trained_model"] = nullptr;
    return doc;
}

// 2 -> 3: `imported_model` (a .tflite the project was made from); version 2
// projects were all designed here.
json addImportedModel(json doc) {
    if (doc.contains("imported_model"))
        throw Error("imported_model: not a field of schema_version 2 (it came with version 3)");
    doc["imported_model"] = nullptr;
    return doc;
}

// 3 -> 4: `search_run` (the `mcunet tinynas` run the network came from);
// version 3 projects were never searched.
json addSearchRun(json doc) {
    if (doc.contains("search_run")) throw Error("search_run: not a field of schema_version 3 (it came with version 4)");
    doc["search_run"] = nullptr;
    return doc;
}

// 4 -> 5: `search_space.min_satisfying_share` (stage 1's rule, which was
// fixed at 5%).
json addMinSatisfyingShare(json doc) {
    if (doc.contains("search_space") && doc["search_space"].is_object()) {
        if (doc["search_space"].contains("min_satisfying_share"))
            throw Error("search_space.min_satisfying_share: not a field of schema_version 4 (it came with version 5)");
        doc["search_space"]["min_satisfying_share"] = defaults::kMinSatisfyingSharePercent / 100.0;
    }
    return doc;
}

constexpr std::pair<int, Migration> kMigrations[] = {
    {1, addTrainedModel}, {2, addImportedModel}, {3, addSearchRun}, {4, addMinSatisfyingShare}};

}  // namespace

json toJson(const Project& p) {
    json choice = nullptr;
    if (p.lastSpaceChoice) {
        const SpaceChoice& c = *p.lastSpaceChoice;
        choice = {{"resolution", c.resolution},         {"width", c.width},
                  {"mean_macs", c.meanMacs},            {"satisfying_share", c.satisfyingShare},
                  {"sram_limit_bytes", c.sramLimitBytes}, {"flash_limit_bytes", c.flashLimitBytes}};
    }
    return {{"format", kProjectFormat},
            {"schema_version", kProjectSchemaVersion},
            {"name", p.name},
            {"target",
             {{"board", p.target.boardId},
              {"sram_limit_bytes", optionalBytes(p.target.sramLimitBytes)},
              {"flash_limit_bytes", optionalBytes(p.target.flashLimitBytes)}}},
            {"architecture", arch::toJson(p.architecture)},
            {"search_space",
             {{"resolutions", p.space.grid.resolutions},
              {"widths", p.space.grid.widths},
              {"samples_per_space", p.space.samplesPerSpace},
              {"seed", p.space.seed},
              {"min_satisfying_share", p.space.minSatisfyingShare}}},
            {"design", {{"planner", p.planner}}},
            {"last_space_choice", choice},
            {"trained_model", p.trainedModel.empty() ? json(nullptr) : json(p.trainedModel)},
            {"imported_model", p.importedModel.empty() ? json(nullptr) : json(p.importedModel)},
            {"search_run", p.searchRun.empty() ? json(nullptr) : json(p.searchRun)}};
}

json migrate(const json& document) {
    if (!document.is_object()) throw Error("the project file must be a JSON object");
    const std::int64_t version = jr::integer(document, "schema_version", "");
    if (version > kProjectSchemaVersion || version < 1)
        throw Error("schema_version: " + std::to_string(version) + " is not supported (this build reads versions 1 to " +
                    std::to_string(kProjectSchemaVersion) + ")");
    json doc = document;
    for (std::int64_t v = version; v < kProjectSchemaVersion; ++v) {
        Migration step = nullptr;
        for (const auto& [from, fn] : kMigrations)
            if (from == v) step = fn;
        if (!step) throw Error("schema_version: no migration from version " + std::to_string(v));
        doc = step(std::move(doc));
        doc["schema_version"] = v + 1;
    }
    return doc;
}

Project fromJson(const json& document) {
    const json doc = migrate(document);
    jr::onlyKeys(doc, {"format", "schema_version", "name", "target", "architecture", "search_space", "design",
                       "last_space_choice", "trained_model", "imported_model", "search_run"},
                 "");
    const std::string format = jr::string(doc, "format", "");
    if (format != kProjectFormat)
        throw Error("format: \"" + format + "\" is not \"" + std::string(kProjectFormat) + "\"");
    Project p;
    p.name = jr::has(doc, "name") ? jr::string(doc, "name", "") : std::string("untitled");
    p.target = readTarget(doc);
    const json& a = jr::object(doc, "architecture", "");
    try {
        p.architecture = arch::fromJson(a);
    } catch (const Error& e) {
        throw Error(std::string("architecture.") + e.what());
    }
    p.space = readSpace(doc);
    if (jr::has(doc, "design")) {
        const json& d = jr::object(doc, "design", "");
        jr::onlyKeys(d, {"planner"}, "design");
        if (jr::has(d, "planner")) {
            const std::string name = jr::string(d, "planner", "design");
            try {
                p.planner = memory::plannerName(memory::parsePlanner(name));
            } catch (const Error& e) {
                throw Error(std::string("design.planner: ") + e.what());
            }
        }
    }
    p.lastSpaceChoice = readChoice(doc);
    if (jr::has(doc, "trained_model") && !doc.at("trained_model").is_null()) {
        p.trainedModel = jr::string(doc, "trained_model", "");
        if (p.trainedModel.empty()) throw Error("trained_model: must not be empty (null when there is none)");
    }
    if (jr::has(doc, "imported_model") && !doc.at("imported_model").is_null()) {
        p.importedModel = jr::string(doc, "imported_model", "");
        if (p.importedModel.empty()) throw Error("imported_model: must not be empty (null when there is none)");
        if (p.importedModel.find('\0') != std::string::npos) throw Error("imported_model: contains a NUL character");
    }
    if (jr::has(doc, "search_run") && !doc.at("search_run").is_null()) {
        p.searchRun = jr::string(doc, "search_run", "");
        if (p.searchRun.empty()) throw Error("search_run: must not be empty (null when there is none)");
        if (p.searchRun.find('\0') != std::string::npos) throw Error("search_run: contains a NUL character");
    }
    return p;
}

Project load(const std::string& filePath) {
    try {
        return fromJson(jr::parseFile(filePath));
    } catch (const Error& e) {
        const std::string what = e.what();
        // parseFile already names the file; field errors get it here.
        if (what.rfind(filePath, 0) == 0) throw;
        throw Error(filePath + ": " + what);
    }
}

void save(const Project& p, const std::string& filePath) {
    jr::writeFileAtomically(filePath, toJson(p).dump(2) + "\n");
}

void checkAgainst(const Project& p, const board::Catalog& catalog) {
    if (catalog.find(p.target.boardId)) return;
    std::string known;
    for (const auto& b : catalog.boards()) known += (known.empty() ? "" : ", ") + b.id;
    throw Error("target.board: unknown board \"" + p.target.boardId + "\" (known: " + known + ")");
}

space::Constraints limits(const Project& p, const board::Board& b) {
    return {p.target.sramLimitBytes.value_or(b.sramBytes), p.target.flashLimitBytes.value_or(b.flashBytes)};
}

std::string autosavePath(const std::string& projectPath) { return projectPath + ".autosave"; }

bool hasNewerAutosave(const std::string& projectPath) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path autosave = autosavePath(projectPath);
    if (!fs::exists(autosave, ec)) return false;
    if (!fs::exists(projectPath, ec)) return true;
    const auto a = fs::last_write_time(autosave, ec);
    if (ec) return false;
    const auto p = fs::last_write_time(projectPath, ec);
    if (ec) return true;
    return a > p;
}

Project demoProject() {
    Project p;
    p.name = "demo";
    p.target.boardId = "virtual-m7";
    p.architecture = arch::preset("mcunet-vww1");
    p.space.samplesPerSpace = 1000;
    p.space.seed = 1;
    return p;
}

}  // namespace mcunet::project
