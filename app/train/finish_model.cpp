#include <cstdio>
#include <filesystem>
#include <iostream>

#include "arch/architecture_json.h"
#include "common/safe_text.h"
#include "eval/accuracy.h"
#include "quant/model_dir.h"
#include "train_command.h"

namespace mcunet::train {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

void printConfusion(const quant::Accuracy& a, const std::vector<std::string>& classes) {
    std::printf("\nconfusion (%s; rows: true class, columns: predicted)\n%14s", a.engine.c_str(), "");
    for (std::size_t c = 0; c < classes.size(); ++c) std::printf(" %5zu", c);
    std::printf("\n");
    for (std::size_t r = 0; r < a.confusion.size(); ++r) {
        std::printf("%2zu %-11.11s", r, safe_text::forTerminal(classes[r]).c_str());
        for (int v : a.confusion[r]) std::printf(" %5d", v);
        std::printf("\n");
    }
}

}  // namespace

int finishModel(const graph::Network& a, const nas::TrainOutcome& outcome, const data::Datasets& d,
                const std::string& outDir, const std::string& workDir, const std::string& checkpoint,
                int calibrationImages, const nas::TrainSettings& settings, const json& dataRecord,
                std::chrono::steady_clock::time_point started, bool asJson) {
    const int classes = a.numClasses();
    quant::TrainedModel m;
    m.network = a;
    m.classes = d.train.classes;
    m.floatModel = outcome.model;
    // Activation ranges: min/max of every tensor over real training images
    // (not augmented), the input fixed at scale 1/128, zero point 0; weights
    // on input channels that stayed constant folded into the bias (docs/training.md).
    const auto calibration = eval::calibrationInputs(d.train, calibrationImages, settings.seed ^ 0xca11b7a7eULL);
    m.int8 = quant::quantize(m.floatModel, calibration, quant::kImageInputQuant);
    m.calibration = {{"method", "min/max per tensor over training images; weights on constant input channels folded into the bias"}, {"images", calibration.size()},
                     {"input", "scale 1/128, zero point 0 (int8 = pixel - 128)"}};
    const std::vector<int> floatPred = nas::predictFloat(m.floatModel, d.test, settings.threads);
    const auto int8Out = eval::runInterpreter(m.int8, d.test, settings.threads);
    m.accuracy.push_back(eval::score("float", d.test, floatPred, classes));
    m.accuracy.push_back(eval::score("int8-reference", d.test, eval::predictions(int8Out), classes));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    json history = json::array();
    for (const nas::EpochReport& r : outcome.history) history.push_back(nas::epochToJson(r));
    m.training = {{"data", dataRecord}, {"settings", nas::toJson(settings)}, {"history", history},
                  {"validation_accuracy", outcome.validationAccuracy}, {"seconds", seconds}};
    quant::saveTrainedModel(m, outDir, {{checkpoint, "checkpoint.pt"}});
    std::error_code ec;
    fs::remove_all(workDir, ec);
    const quant::Accuracy& f = m.accuracy[0];
    const quant::Accuracy& q = m.accuracy[1];
    if (asJson) {
        std::cout << json{{"event", "done"}, {"model", outDir}, {"architecture", a.name()},
                          {"float_accuracy", f.value()}, {"int8_accuracy", q.value()}, {"test_images", f.images},
                          {"validation_accuracy", outcome.validationAccuracy}, {"seconds", seconds},
                          {"accuracy", {quant::toJson(f), quant::toJson(q)}}}
                         .dump()
                  << "\n";
    } else {
        std::printf("\n%s: test accuracy float %.2f%%, int8 %.2f%% on %d images (%.1f s)\n", outDir.c_str(),
                    100 * f.value(), 100 * q.value(), f.images, seconds);
        printConfusion(q, m.classes);
    }
    return 0;
}

}  // namespace mcunet::train
