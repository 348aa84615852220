#include <cstdint>

#include "arch/architecture_json.h"
#include "arch/presets.h"
#include "cli/command.h"
#include "cli/options.h"
#include "common/defaults.h"
#include "common/error.h"
#include "graph/build.h"
#include "quant/model_dir.h"

namespace mcunet::cli {

void addArchitectureOptions(CLI::App& app, ModelOptions& o) {
    app.add_option("ARCH.json", o.archFile, "architecture JSON file (docs/architecture-json.md)")->type_name("");
    app.add_option("--preset", o.preset, "a built-in architecture (mcunet presets)")->type_name("NAME");
}

void addModelOptions(CLI::App& app, ModelOptions& o) {
    addArchitectureOptions(app, o);
    app.add_option("--model", o.model, "a trained model directory (mcunet train): its architecture and int8 weights")
        ->type_name("DIR");
    addNumber<std::int64_t>(app, "--seed", o.seed, 0, INT64_MAX,
                            "seeded random weights for ARCH.json or --preset (right for memory and speed, recognise nothing)",
                            "none: --model or --seed is needed");
}

arch::Architecture architectureFrom(const ModelOptions& o) {
    if (o.preset && o.archFile) throw Error("give either ARCH.json or --preset, not both");
    if (o.preset) return arch::preset(*o.preset);
    if (!o.archFile) throw Error("needs ARCH.json or --preset NAME");
    return arch::loadArchitecture(*o.archFile);
}

ModelSource modelFrom(const ModelOptions& o) {
    ModelSource m;
    if (o.model) {
        if (o.preset || o.archFile || o.seed)
            throw Error("--model takes the architecture and weights from DIR; leave out ARCH.json, --preset and --seed");
        quant::TrainedModel t = quant::loadTrainedModel(*o.model);
        m.architecture = t.architecture;
        m.model = std::move(t.int8);
        m.weights = "trained (" + *o.model + ")";
        return m;
    }
    m.architecture = architectureFrom(o);
    if (!o.seed)
        throw Error("no trained weights: give --model DIR (made by `mcunet train`), or --seed S for seeded random weights");
    m.seed = *o.seed;
    m.model = quant::quantizeSeeded(graph::buildGraph(m.architecture), m.seed);
    m.weights = "seeded random (seed " + std::to_string(m.seed) + ")";
    return m;
}

CLI::Option* addBoardOption(CLI::App& app, std::string& id) {
    return app.add_option("--board", id, "the board (mcunet boards)")->type_name("ID");
}

board::Board boardFrom(const std::string& id, const char* virtualOnly) {
    if (id.empty()) throw Error("needs --board ID (see `mcunet boards`)");
    board::Board b = board::Catalog::builtIn().byId(id);
    if (virtualOnly && !b.isVirtual)
        throw Error(b.id + ": " + virtualOnly + " real boards over USB is not available yet; use virtual-m7 or virtual-m4");
    return b;
}

CLI::Option* addPlannerOption(CLI::App& app, std::string& planner) {
    planner = defaults::kPlanner;
    return app.add_option("--planner", planner,
                          "memory planner: tflm (alias greedy), tinyengine, ours (default " + planner + ")")
        ->type_name("P");
}

}  // namespace mcunet::cli
