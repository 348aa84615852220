#include "deploy/stages.h"

namespace mcunet::deploy {

const char* stageName(Stage stage) {
    switch (stage) {
        case Stage::Generate: return "generate";
        case Stage::Build: return "build";
        case Stage::Flash: return "flash";
        case Stage::Profile: return "profile";
    }
    return "";
}

const std::vector<Stage>& allStages() {
    static const std::vector<Stage> all{Stage::Generate, Stage::Build, Stage::Flash, Stage::Profile};
    return all;
}

bool StageState::done(Stage s) const {
    switch (s) {
        case Stage::Generate: return generated;
        case Stage::Build: return generated && built;
        case Stage::Flash: return generated && built && flashed;
        case Stage::Profile: return generated && built && flashed && profiled;
    }
    return false;
}

std::vector<Stage> stagesFor(Stage target, const StageState& state) {
    Stage first = target;
    for (Stage s : allStages()) {
        if (s >= target) break;
        if (!state.done(s)) {
            first = s;
            break;
        }
    }
    std::vector<Stage> out;
    for (Stage s : allStages())
        if (s >= first && s <= target) out.push_back(s);
    return out;
}

std::vector<Stage> stagesAfresh(Stage target) {
    std::vector<Stage> out;
    for (Stage s : allStages())
        if (s <= target) out.push_back(s);
    return out;
}

StageState afterStage(Stage finished, StageState state) {
    bool* flags[] = {&state.generated, &state.built, &state.flashed, &state.profiled};
    for (Stage s : allStages()) *flags[static_cast<int>(s)] = s < finished ? state.done(s) : s == finished;
    return state;
}

StageState runStages(const std::vector<Stage>& stages, StageState state, const StageRunner& run, StageState* reached) {
    for (Stage s : stages) {
        if (reached) *reached = state;
        run(s);
        state = afterStage(s, state);
    }
    if (reached) *reached = state;
    return state;
}

}  // namespace mcunet::deploy
