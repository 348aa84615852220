#include "cli/generated_project.h"

#include <filesystem>

#include "common/error.h"
#include "common/json_read.h"

namespace mcunet::cli {

namespace fs = std::filesystem;
namespace jr = mcunet::json_read;
using nlohmann::json;

namespace {

// A size in bytes: 0 to 4 GB (far above any microcontroller's memory).
void byteCount(const json& plan, const char* key) { jr::integerIn(plan, key, "plan", 0, std::int64_t(1) << 32); }

// The fields of plan.json that run, build, flash and profile use.
void checkPlanFields(CheckedPlan& p) {
    const json& plan = p.json;
    if (const std::string format = jr::string(plan, "format", "plan"); format != "mcunet-plan")
        throw Error("plan.format: \"" + format.substr(0, 40) + "\" is not mcunet-plan");
    if (const std::int64_t v = jr::integer(plan, "schema_version", "plan"); v != 1)
        throw Error("plan.schema_version: " + std::to_string(v) + " is not supported (1)");
    jr::string(plan, "model", "plan");
    byteCount(plan, "arena_bytes");
    byteCount(plan, "weight_flash_bytes");
    p.inputBytes = board::tensorBytesFromPlan(plan, "input");
    p.outputBytes = board::tensorBytesFromPlan(plan, "output");
    p.layers = board::layersFromPlan(plan);
    if (p.layers.empty()) throw Error("plan.layers: empty");
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

}  // namespace mcunet::cli
