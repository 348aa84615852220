#include <cstdint>

#include "arch/architecture_json.h"
#include "arch/presets.h"
#include "cli/command.h"
#include "cli/options.h"
#include "common/defaults.h"
#include "common/error.h"
#include "device/board_device.h"
#include "graph/build.h"
#include "interop/tflite_import.h"
#include "quant/model_dir.h"

namespace mcunet::cli {

void addArchitectureOptions(CLI::App& app, ModelOptions& o) {
    app.add_option("ARCH.json", o.archFile, "architecture JSON file (docs/architecture-json.md)")->type_name("");
    app.add_option("--preset", o.preset, "a built-in architecture (mcunet presets)")->type_name("NAME");
    app.add_option("--tflite", o.tflite, "an int8 .tflite model with its own weights (mcunet import FILE checks its ops)")
        ->type_name("FILE");
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
    if (o.tflite) throw Error("--tflite: this command takes an architecture (ARCH.json or --preset)");
    if (o.preset && o.archFile) throw Error("give either ARCH.json or --preset, not both");
    if (o.preset) return arch::preset(*o.preset);
    if (!o.archFile) throw Error("needs ARCH.json or --preset NAME");
    return arch::loadArchitecture(*o.archFile);
}

NamedGraph graphFrom(const ModelOptions& o) {
    if (o.tflite) {
        if (o.preset || o.archFile) throw Error("--tflite is the whole model; leave out ARCH.json and --preset");
        return {interop::importedModelName(*o.tflite), interop::loadTfliteModel(*o.tflite).graph};
    }
    arch::Architecture a = architectureFrom(o);
    return {a.name, graph::buildGraph(a)};
}

ModelSource modelFrom(const ModelOptions& o) {
    ModelSource m;
    if (o.tflite) {
        if (o.preset || o.archFile || o.seed || o.model)
            throw Error("--tflite brings its own graph and weights; leave out ARCH.json, --preset, --model and --seed");
        m.model = interop::loadTfliteModel(*o.tflite);
        m.name = interop::importedModelName(*o.tflite);
        m.architecture.name = m.name;
        m.weights = "imported (" + *o.tflite + ")";
        return m;
    }
    if (o.model) {
        if (o.preset || o.archFile || o.seed)
            throw Error("--model takes the architecture and weights from DIR; leave out ARCH.json, --preset and --seed");
        quant::TrainedModel t = quant::loadTrainedModel(*o.model);
        m.name = t.network.name();
        if (t.network.isArchitecture()) m.architecture = t.network.architecture();
        else m.architecture.name = m.name;  // another family: its graph is model.graph
        m.model = std::move(t.int8);
        m.weights = "trained (" + *o.model + ")";
        return m;
    }
    m.architecture = architectureFrom(o);
    m.name = m.architecture.name;
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

board::Board boardFrom(const std::string& id, const char* action) {
    if (id.empty()) throw Error("needs --board ID (see `mcunet boards`)");
    board::Board b = board::Catalog::builtIn().byId(id);
    if (const device::BoardSupport support = device::boardSupport(b); action && !support.deployable())
        throw Error(std::string(action) + " " + support.whyNot);
    return b;
}

CLI::Option* addPlannerOption(CLI::App& app, std::string& planner) {
    planner = defaults::kPlanner;
    return app.add_option("--planner", planner,
                          "memory planner: tflm (alias greedy), tinyengine, ours (default " + planner + ")")
        ->type_name("P");
}

}  // namespace mcunet::cli
