#include "nas/checkpoint.h"

#include "arch/architecture_json.h"
#include "common/atomic_file.h"
#include "common/error.h"
#include "common/input_file.h"
#include "common/json_read.h"

namespace mcunet::nas {

using nlohmann::json;

json spaceToJson(const space::SearchSpace& s) {
    json j = {{"name", s.name}, {"stem_base_channels", s.stemBaseChannels},
              {"first_block_base_channels", s.firstBlockBaseChannels},
              {"stage_base_channels", s.stageBaseChannels}, {"stage_strides", s.stageStrides},
              {"depth_choices", s.depthChoices}, {"kernel_choices", s.kernelChoices},
              {"expand_choices", s.expandChoices}, {"classes", s.numClasses}, {"input_channels", s.inputChannels}};
    if (s.featureMix) j["feature_mix"] = {{"base_channels", s.featureMix->baseChannels}, {"scale_with_width", s.featureMix->scaleWithWidth}};
    return j;
}

space::SearchSpace spaceFromJson(const json& j) {
    space::SearchSpace s;
    s.name = j.at("name").get<std::string>();
    s.stemBaseChannels = j.at("stem_base_channels").get<int>();
    s.firstBlockBaseChannels = j.at("first_block_base_channels").get<int>();
    s.stageBaseChannels = j.at("stage_base_channels").get<std::vector<int>>();
    s.stageStrides = j.at("stage_strides").get<std::vector<int>>();
    s.depthChoices = j.at("depth_choices").get<std::vector<std::vector<int>>>();
    s.kernelChoices = j.at("kernel_choices").get<std::vector<int>>();
    s.expandChoices = j.at("expand_choices").get<std::vector<int>>();
    s.numClasses = j.at("classes").get<int>();
    s.inputChannels = j.at("input_channels").get<int>();
    if (j.contains("feature_mix"))
        s.featureMix = arch::FeatureMix{j["feature_mix"].at("base_channels").get<int>(), j["feature_mix"].at("scale_with_width").get<bool>()};
    return s;
}

json toJson(const TrainSettings& s) {
    return {{"epochs", s.epochs}, {"batch", s.batch}, {"threads", s.threads},
            {"optimizer", s.optimizer == OptimizerKind::Sgd ? "sgd" : "adamw"}, {"learning_rate", s.learningRate},
            {"momentum", s.momentum}, {"weight_decay", s.weightDecay}, {"label_smoothing", s.labelSmoothing},
            {"schedule", "cosine"}, {"seed", s.seed}, {"crop_padding", s.augmentation.cropPadding},
            {"horizontal_flip", s.augmentation.horizontalFlip}, {"max_steps_per_epoch", s.maxStepsPerEpoch},
            {"random_subnets", s.randomSubnets}, {"warmup_share", s.warmupShare}};
}

json epochToJson(const EpochReport& r) {
    json j = {{"epoch", r.epoch}, {"epochs", r.epochs}, {"train_loss", r.trainLoss}, {"train_accuracy", r.trainAccuracy},
              {"validation_accuracy", r.validationAccuracy}, {"seconds", r.seconds}, {"images_per_second", r.imagesPerSecond}};
    if (r.validationAccuracySmallest >= 0) j["validation_accuracy_smallest"] = r.validationAccuracySmallest;
    return j;
}

namespace {

EpochReport epochFromJson(const json& j) {
    EpochReport r;
    r.epoch = j.at("epoch").get<int>();
    r.epochs = j.at("epochs").get<int>();
    r.trainLoss = j.at("train_loss").get<double>();
    r.trainAccuracy = j.at("train_accuracy").get<double>();
    r.validationAccuracy = j.at("validation_accuracy").get<double>();
    r.seconds = j.at("seconds").get<double>();
    r.imagesPerSecond = j.at("images_per_second").get<double>();
    r.validationAccuracySmallest = j.value("validation_accuracy_smallest", -1.0);
    return r;
}

}  // namespace

void saveCheckpoint(const std::string& path, const CheckpointContents& c, torch::nn::Module& m,
                    torch::optim::Optimizer* optimizer) {
    json record = {{"format", "mcunet-checkpoint"}, {"version", kCheckpointVersion}, {"kind", c.kind},
                   {"settings", c.settings},
                   {"epoch", c.position.epoch}, {"step", c.position.step}, {"loss_sum", c.position.lossSum},
                   {"correct", c.position.correct}, {"seen", c.position.seen}, {"history", json::array()}};
    // MBConv networks as before ("architecture"); other families as "network".
    if (c.network.isArchitecture()) record["architecture"] = arch::toJson(c.network.architecture());
    else record["network"] = graph::toJson(c.network);
    if (c.kind == "supernet") record["space"] = spaceToJson(c.space);
    for (const EpochReport& r : c.position.history) record["history"].push_back(epochToJson(r));
    torch::serialize::OutputArchive archive;
    torch::serialize::OutputArchive weights;
    m.save(weights);
    archive.write("model", weights);
    if (optimizer) {
        torch::serialize::OutputArchive opt;
        optimizer->save(opt);
        archive.write("optimizer", opt);
    }
    archive.write("record", c10::IValue(record.dump()));
    atomic_file::replace(path, [&](const std::string& temp) { archive.save_to(temp); });
}

namespace {

std::string firstLine(const std::string& text) {
    const std::string line = text.substr(0, text.find('\n'));
    return line.size() > 200 ? line.substr(0, 200) + "..." : line;
}

}  // namespace

CheckpointContents loadCheckpoint(const std::string& path) {
    CheckpointContents c;
    c.path = path;
    c.archive = std::make_shared<torch::serialize::InputArchive>();
    json record;
    // A FIFO would block libtorch's open for ever, a device never end.
    input_file::requireRegular(path, "a training checkpoint (checkpoint.pt) or a model directory");
    try {
        c.archive->load_from(path);
        c10::IValue text;
        c.archive->read("record", text);
        record = json::parse(text.toStringRef());
    } catch (const c10::Error& e) {
        // libtorch's message without its C++ backtrace, first line only.
        throw Error(path + ": not a readable training checkpoint (" + firstLine(e.what_without_backtrace()) + ")");
    } catch (const std::exception& e) {
        throw Error(path + ": not a readable training checkpoint (" + firstLine(e.what()) + ")");
    }
    try {
        if (record.at("format") != "mcunet-checkpoint") throw Error("format is not mcunet-checkpoint");
        if (record.at("version").get<int>() != kCheckpointVersion)
            throw Error("version " + record.at("version").dump() + " is not " + std::to_string(kCheckpointVersion));
        c.kind = record.at("kind").get<std::string>();
        c.network = record.contains("network") ? graph::networkFromJson(record.at("network"), "record.network")
                                               : graph::Network(arch::fromJson(record.at("architecture")));
        if (c.kind == "supernet") c.space = spaceFromJson(record.at("space"));
        c.settings = record.at("settings");
        TrainingPosition& at = c.position;
        // Bounded where read: a resumed run never starts at a negative
        // epoch or sums an overflowing count.
        constexpr std::int64_t kMaxCount = std::int64_t(1) << 50;
        at.epoch = static_cast<int>(json_read::integerIn(record, "epoch", "record", 0, 1000000));
        at.step = json_read::integerIn(record, "step", "record", 0, kMaxCount);
        at.seen = json_read::integerIn(record, "seen", "record", 0, kMaxCount);
        at.correct = json_read::integerIn(record, "correct", "record", 0, at.seen);
        at.lossSum = json_read::number(record, "loss_sum", "record");
        if (at.lossSum < 0) throw Error("record.loss_sum: negative");
        for (const json& h : record.at("history")) at.history.push_back(epochFromJson(h));
    } catch (const Error& e) {
        throw Error(path + ": " + e.what());
    } catch (const std::exception& e) {
        throw Error(path + ": checkpoint record: " + e.what());
    }
    return c;
}

void CheckpointContents::loadModule(torch::nn::Module& m) const {
    try {
        torch::serialize::InputArchive weights;
        archive->read("model", weights);
        m.load(weights);
    } catch (const std::exception& e) {
        throw Error(path + ": the weights do not fit this network (" + std::string(e.what()).substr(0, 200) + ")");
    }
}

void CheckpointContents::loadOptimizer(torch::optim::Optimizer& o) const {
    try {
        torch::serialize::InputArchive opt;
        archive->read("optimizer", opt);
        o.load(opt);
    } catch (const std::exception& e) {
        throw Error(path + ": the optimizer state does not fit (" + std::string(e.what()).substr(0, 200) + ")");
    }
}

}  // namespace mcunet::nas
