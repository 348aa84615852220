#include "train/trained_model_info.h"

#include <filesystem>

#include <nlohmann/json.hpp>

#include "arch/architecture_json.h"
#include "graph/network.h"
#include "common/error.h"
#include "common/json_read.h"
#include "quant/model_dir.h"

namespace mcunet::ui {

namespace jr = mcunet::json_read;
using nlohmann::json;

TrainedModelInfo readTrainedModelInfo(const std::string& directory) {
    const std::string path = (std::filesystem::path(directory) / "model.json").string();
    const json doc = jr::parseFile(path);
    TrainedModelInfo info;
    info.directory = directory;
    try {
        if (!doc.is_object() || jr::string(doc, "format", "") != "mcunet-model")
            throw Error("format: expected \"mcunet-model\"");
        // Version 2 names a network of any family; the studio's design steps
        // take MBConv networks (a keyword network runs in the Demo step).
        const graph::Network network = jr::has(doc, "network") ? graph::networkFromJson(jr::object(doc, "network", ""), "network")
                                                               : graph::Network(arch::fromJson(jr::object(doc, "architecture", "")));
        if (!network.isArchitecture())
            throw Error("network: " + network.name() + " is a " + network.family() +
                        " network (keyword spotting); the design, deploy and search steps take MBConv networks: run it in the Demo step");
        info.architecture = network.architecture();
        for (const json& c : jr::array(doc, "classes", ""))
            info.classes.push_back(c.is_string() ? c.get<std::string>() : c.dump());
        if (jr::has(doc, "accuracy"))
            for (const json& a : jr::array(doc, "accuracy", "")) {
                const quant::Accuracy acc = quant::accuracyFromJson(a, "accuracy");
                if (acc.engine == "float") info.floatAccuracy = acc.value();
                if (acc.engine == "int8-reference") {
                    info.int8Accuracy = acc.value();
                    info.int8Confusion = acc.confusion;
                    info.testImages = acc.images;
                }
            }
        if (jr::has(doc, "training") && doc["training"].is_object() && doc["training"].contains("data") &&
            doc["training"]["data"].is_object() && doc["training"]["data"].contains("source") &&
            doc["training"]["data"]["source"].is_string())
            info.dataSource = doc["training"]["data"]["source"].get<std::string>();
        if (jr::has(doc, "training") && doc["training"].is_object() && doc["training"].contains("history") &&
            doc["training"]["history"].is_array())
            for (const json& e : doc["training"]["history"]) {
                if (!e.is_object()) continue;
                auto num = [&e](const char* key, double fallback) {
                    return e.contains(key) && e[key].is_number() ? e[key].get<double>() : fallback;
                };
                TrainEpoch r;
                r.epoch = static_cast<int>(num("epoch", 0));
                r.epochs = static_cast<int>(num("epochs", 0));
                r.trainLoss = num("train_loss", 0);
                r.trainAccuracy = num("train_accuracy", 0);
                r.validationAccuracy = num("validation_accuracy", 0);
                r.validationAccuracySmallest = num("validation_accuracy_smallest", -1);
                r.seconds = num("seconds", 0);
                r.imagesPerSecond = num("images_per_second", 0);
                info.history.push_back(r);
            }
    } catch (const Error& e) {
        throw Error(path + ": " + e.what());
    }
    return info;
}

std::vector<std::string> architectureDifferences(const arch::Architecture& trained, const arch::Architecture& design) {
    std::vector<std::string> out;
    if (trained.numClasses != design.numClasses)
        out.push_back(std::to_string(trained.numClasses) + " classes (the design has " +
                      std::to_string(design.numClasses) + ")");
    if (trained.resolution != design.resolution || trained.inputChannels != design.inputChannels) {
        auto shape = [](const arch::Architecture& a) {
            return std::to_string(a.resolution) + "x" + std::to_string(a.resolution) + "x" + std::to_string(a.inputChannels);
        };
        out.push_back("input " + shape(trained) + " (the design's is " + shape(design) + ")");
    }
    if (trained.width != design.width)
        out.push_back("width " + std::to_string(trained.width).substr(0, 4) + " (the design's is " +
                      std::to_string(design.width).substr(0, 4) + ")");
    // Everything else (stem, stages, blocks, head) at once: the user needs to
    // know that the layers differ, not a diff of them.
    arch::Architecture body = trained;
    body.name = design.name;
    body.numClasses = design.numClasses;
    body.resolution = design.resolution;
    body.inputChannels = design.inputChannels;
    body.width = design.width;
    if (!(body == design)) out.push_back("other layers (blocks, kernels, expand ratios or channels)");
    return out;
}

arch::Architecture adoptTrained(const arch::Architecture& trained, const arch::Architecture& design) {
    arch::Architecture a = trained;
    a.name = design.name;
    return a;
}

}  // namespace mcunet::ui
