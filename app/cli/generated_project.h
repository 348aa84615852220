#pragma once
// What `run`, `build`, `flash` and `profile` read from disk, checked before
// anything slow starts (a host or cross build, QEMU): the generated project
// (docs/generated-code.md) and its plan.json. Errors are mcunet::Error naming the file and the
// field, never a filesystem or JSON library exception.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "board/profiler.h"

namespace mcunet::cli {

// plan.json, read and checked: the fields the CLI and the board code use have
// the right types and shapes (format, schema_version, arena_bytes,
// weight_flash_bytes, input/output shapes, layers).
struct CheckedPlan {
    std::string path;
    nlohmann::json json;
    std::int64_t inputBytes = 0, outputBytes = 0;
    std::vector<board::LayerInfo> layers;
};
CheckedPlan readPlan(const std::string& planPath);

// Which sources a build compiles: the host runner (`run`) or the firmware
// (`build`, `flash`).
enum class ProjectBuild { Host, Firmware };

// Checks that DIR is a generated project with the sources `build` compiles
// (model.c, model_weights.c, kernels/*.c, ...) and reads its plan.json.
CheckedPlan openGeneratedProject(const std::string& dir, ProjectBuild build);

}  // namespace mcunet::cli
