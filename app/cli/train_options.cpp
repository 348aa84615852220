#include "cli/train_options.h"

#include <cstdint>

#include "cli/options.h"
#include "common/error.h"

namespace mcunet::cli {

namespace {

// The optimizers' own defaults (docs/training.md): SGD with Nesterov momentum
// at the MCUNet paper's rate, AdamW at the usual one for small networks.
constexpr double kSgdLearningRate = 0.05, kAdamWLearningRate = 0.002;
constexpr double kSgdWeightDecay = 4e-5, kAdamWWeightDecay = 0.05;

}  // namespace

double TrainOptions::learningRateOrDefault() const {
    return learningRate.value_or(optimizer == "adamw" ? kAdamWLearningRate : kSgdLearningRate);
}

double TrainOptions::weightDecayOrDefault() const {
    return weightDecay.value_or(optimizer == "adamw" ? kAdamWWeightDecay : kSgdWeightDecay);
}

namespace {

void addNetworkOptions(CLI::App& app, TrainOptions& o) {
    app.add_option("--arch", o.arch, "train this architecture JSON")->type_name("FILE");
    app.add_option("--preset", o.preset, "train a built-in architecture (mcunet presets), or a keyword-spotting network for an audio folder: ds-cnn (MLPerf Tiny's), ds-cnn-s")->type_name("NAME");
    app.add_flag("--supernet", o.supernet, "train the Once-for-All supernet of --space")->disable_flag_override();
    app.add_option("--space", o.space, "the supernet's search space: mcunet, mcunet-mix or mbv2 (default mcunet; docs/search.md)")
        ->type_name("NAME")
        ->check(oneOf({"mcunet", "mcunet-mix", "mbv2"}));
    app.add_option("--subnet", o.subnet, "supernet: the subnet that becomes the model (default the largest)")
        ->type_name("FILE");
    addNumber(app, "--resolution", o.resolution, defaults::kMinNetworkResolution, defaults::kMaxNetworkResolution,
              "input resolution",
              "the architecture's; " + std::to_string(TrainOptions::kSupernetResolution) + " for --supernet");
    addNumber(app, "--channels", o.channels, 1, 3, "input channels, 1 (gray) or 3 (RGB)", "the architecture's");
    addNumber(app, "--width", o.width, defaults::kMinNetworkWidth, defaults::kMaxNetworkWidth, "width multiplier",
              "the architecture's; " + numberText(TrainOptions::kSupernetWidth) + " for --supernet");
    app.add_option("--board", o.board, "refuse a network that does not fit this board (mcunet boards)")->type_name("ID");
    addNumber(app, "--sram", o.sramKb, 1.0, defaults::kMaxSramKb, "with --board: SRAM limit in kB", "the board's");
    addNumber(app, "--flash", o.flashKb, 1.0, defaults::kMaxFlashKb, "with --board: Flash limit in kB", "the board's");
}

void addScheduleOptions(CLI::App& app, TrainOptions& o) {
    addNumber(app, "--epochs", o.epochs, defaults::kMinTrainEpochs, defaults::kMaxTrainEpochs, "epochs");
    addNumber(app, "--batch", o.batch, defaults::kMinTrainBatch, defaults::kMaxTrainBatch,
              "global batch (split over MPI ranks)");
    addNumber(app, "--threads", o.threads, 1, 256, "torch threads", "every core");
    app.add_option("--optimizer", o.optimizer,
                   std::string("sgd (Nesterov momentum 0.9) or adamw (default ") + defaults::kTrainOptimizer + ")")
        ->type_name("NAME")
        ->check(oneOf({"sgd", "adamw"}));
    addNumber(app, "--lr", o.learningRate, 1e-7, 10.0, "peak learning rate, cosine decay to 0",
              numberText(kSgdLearningRate) + " (sgd), " + numberText(kAdamWLearningRate) + " (adamw)");
    addNumber(app, "--weight-decay", o.weightDecay, 0.0, 1.0, "on conv and classifier weights",
              numberText(kSgdWeightDecay) + " (sgd), " + numberText(kAdamWWeightDecay) + " (adamw)");
    addNumber(app, "--label-smoothing", o.labelSmoothing, 0.0, 0.9, "label smoothing");
    addNumber<std::int64_t>(app, "--seed", o.seed, 0, INT64_MAX, "seed of weights, split, order and augmentation");
    addNumber(app, "--crop-padding", o.cropPadding, 0, 64, "augmentation: random crop with this padding");
    app.add_flag("--no-flip", o.noFlip, "augmentation: no horizontal flip")->disable_flag_override();
    addNumber(app, "--max-steps", o.maxSteps, 0, INT32_MAX, "at most this many steps per epoch", "0: all");
    addNumber(app, "--checkpoint-steps", o.checkpointSteps, 0, INT32_MAX, "also checkpoint every N steps",
              "0: every epoch only");
    app.add_option("--init", o.init, "start from a checkpoint or a model directory")->type_name("CHECKPOINT|DIR");
    app.add_flag("--resume", o.resume, "continue the unfinished run of --out with the same flags")->disable_flag_override();
}

void addDataOptions(CLI::App& app, TrainOptions& o) {
    app.add_option("--data", o.data, "fashion-mnist, or a folder with one subfolder per class (docs/datasets.md)")
        ->type_name("DIR");
    addNumber(app, "--validation", o.validation, 0.01, 0.5, "share of the training images held out for validation");
    addNumber(app, "--train-per-class", o.trainPerClass, 0, INT32_MAX, "class-balanced training subset", "0: all");
    addNumber(app, "--test-per-class", o.testPerClass, 0, INT32_MAX, "class-balanced test subset", "0: all");
    addNumber(app, "--calibration-images", o.calibrationImages, 1, 100000,
              "training images the int8 activation ranges are calibrated on");
    app.add_option("--out", o.out, "the model directory to write (docs/model-format.md): new, empty, or one "
                                   "it made before (with --force)")->type_name("DIR");
    addForceFlag(app, o.force);
}

}  // namespace

void defineTrainOptions(CLI::App& app, TrainOptions& o) {
    addDataOptions(app, o);
    addNetworkOptions(app, o);
    addScheduleOptions(app, o);
    addJsonFlag(app, o.json)->description("progress as JSON lines (docs/training.md)");
}

void checkTrainOptions(const TrainOptions& o) {
    if (!o.data) throw Error("needs --data DIR|fashion-mnist (mcunet train --help lists the options)");
    if (!o.out || o.out->empty()) throw Error("needs --out DIR (the model directory to write)");
    if (int(o.arch.has_value()) + int(o.preset.has_value()) + int(o.supernet) != 1)
        throw Error("give exactly one of --arch ARCH.json, --preset NAME, --supernet");
    if (!o.supernet && (o.space || o.subnet)) throw Error("--space and --subnet go with --supernet");
    if (o.channels == 2) throw Error("--channels: 2 is not supported (1 or 3)");
    if (!o.board && (o.sramKb || o.flashKb)) throw Error("--sram and --flash go with --board");
}

}  // namespace mcunet::cli
