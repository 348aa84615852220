#pragma once
// The deploy pipeline's order and its "run what is missing" rule, once for
// the CLI (deploy::run) and the studio's Deploy step (ui/deploy), tested
// without a board by injecting the stages (tests/core/deploy/test_stages.cpp).
//
//   generate -> build -> flash -> profile
//
// A stage needs the one before it, done for the current inputs (design,
// board, planner, weights). Asking for a stage runs the first missing one and
// everything after it up to the stage asked for; a stage that runs makes
// every later stage's result out of date. No Qt.
#include <functional>
#include <vector>

namespace mcunet::deploy {

enum class Stage { Generate, Build, Flash, Profile };
const char* stageName(Stage stage);  // "generate", "build", "flash", "profile"
// Every stage, in pipeline order.
const std::vector<Stage>& allStages();

// What is done for the current inputs.
struct StageState {
    bool generated = false;  // a generated project for the current design, board, planner and weights
    bool built = false;      // its firmware
    bool flashed = false;    // that firmware running on the board
    bool profiled = false;   // a profile of it

    bool done(Stage s) const;
    bool operator==(const StageState&) const = default;
};

// The stages that asking for `target` runs, in order: from the first stage
// not done (or `target` itself when all before it are) through `target`.
std::vector<Stage> stagesFor(Stage target, const StageState& state);
// Every stage from Generate through `target` (the studio's "Deploy and
// profile", the CLI's deploy).
std::vector<Stage> stagesAfresh(Stage target);
// The state once `finished` has run: it is done, every later stage is not.
StageState afterStage(Stage finished, StageState state);

// Runs `stages` in order, one call of `run` each, and returns the state each
// success leaves. Throws what `run` throws (the state then stays as the last
// finished stage left it, in `state` when given).
using StageRunner = std::function<void(Stage)>;
StageState runStages(const std::vector<Stage>& stages, StageState state, const StageRunner& run,
                     StageState* reached = nullptr);

}  // namespace mcunet::deploy
