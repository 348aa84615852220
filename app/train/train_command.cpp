// `mcunet train`: flags -> data -> training -> int8 -> accuracy -> model directory.
// docs/training.md describes the flags, the progress lines and the exit codes.
#include "train_command.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <thread>
#include <atomic>

#include <nlohmann/json.hpp>

#include "arch/architecture_json.h"
#include "arch/presets.h"
#include "board/board.h"
#include "search/evolution.h"
#include "cli/options.h"
#include "cli/train_options.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "common/input_file.h"
#include "common/output_dir.h"
#include "common/safe_text.h"
#include "cost/cost.h"
#include "data/network_input.h"
#include "eval/accuracy.h"
#include "graph/build.h"
#include "memory/plan.h"
#include "quant/model_dir.h"

namespace mcunet::train {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::atomic<bool> gStop{false};

struct Plan {
    nas::TrainTarget target;
    nas::TrainSettings settings;
    data::DataSpec dataSpec;
    std::string out, workDir, checkpoint;
    std::optional<board::Board> board;
    std::int64_t sramLimit = 0, flashLimit = 0;
    int calibrationImages = 200;
    bool resume = false, json = false;
};

class Output {
public:
    Output(bool json, bool silent) : json_(json), silent_(silent), tty_(!json && isatty(STDERR_FILENO)) {}
    void event(const json& e) {
        if (silent_) return;
        if (json_) {
            std::cout << e.dump() << "\n" << std::flush;
            return;
        }
        const std::string kind = e.value("event", "");
        if (kind == "step") {
            if (!tty_) return;
            const int width = 30;
            const double f = double(e["global_step"].get<std::int64_t>()) / double(std::max<std::int64_t>(1, e["total_steps"].get<std::int64_t>()));
            const int filled = static_cast<int>(f * width);
            std::fprintf(stderr, "\r[%s%s] epoch %d/%d  loss %.4f  acc %.1f%%  %.0f img/s  ETA %.0f s   ",
                         std::string(std::size_t(filled), '#').c_str(), std::string(std::size_t(width - filled), '.').c_str(),
                         e["epoch"].get<int>(), e["epochs"].get<int>(), e["loss"].get<double>(),
                         100 * e["accuracy"].get<double>(), e["images_per_second"].get<double>(), e["eta_seconds"].get<double>());
            std::fflush(stderr);
        } else if (kind == "epoch") {
            if (tty_) std::fprintf(stderr, "\n");
            std::printf("epoch %d/%d: loss %.4f, train %.2f%%, validation %.2f%%%s, %.1f s (%.0f images/s)\n",
                        e["epoch"].get<int>(), e["epochs"].get<int>(), e["train_loss"].get<double>(),
                        100 * e["train_accuracy"].get<double>(), 100 * e["validation_accuracy"].get<double>(),
                        e.contains("validation_accuracy_smallest")
                            ? (", smallest subnet " + std::to_string(100 * e["validation_accuracy_smallest"].get<double>()).substr(0, 5) + "%").c_str()
                            : "",
                        e["seconds"].get<double>(), e["images_per_second"].get<double>());
            std::fflush(stdout);
        } else if (kind == "message" || kind == "stopped") {
            std::printf("%s\n", safe_text::forTerminal(e["text"].get<std::string>()).c_str());  // file names as they are on disk
            std::fflush(stdout);
        }
    }

private:
    bool json_, silent_, tty_;
};

space::SearchSpace searchSpaceOf(const cli::TrainOptions& o) {
    return space::spaceNamed(o.spaceOrDefault());
}

// The network to train: an MBConv architecture, or a keyword-spotting
// network (--preset ds-cnn...), whose input is fixed by the MFCC features.
graph::Network networkOf(const cli::TrainOptions& o) {
    if (o.preset) {
        if (std::optional<graph::Network> kws = graph::keywordPreset(*o.preset)) {
            if (o.resolution || o.width || o.channels)
                throw Error("--preset " + *o.preset + ": its input is one second of MFCC features (49 x 10); leave out --resolution, --width and --channels");
            return *kws;
        }
    }
    arch::Architecture a;
    if (o.arch) a = arch::loadArchitecture(*o.arch);
    else if (o.preset) a = arch::preset(*o.preset);
    else a = space::largest(searchSpaceOf(o), o.resolution.value_or(cli::TrainOptions::kSupernetResolution),
                             o.width.value_or(cli::TrainOptions::kSupernetWidth));
    if (o.resolution) a.resolution = *o.resolution;
    if (o.width && !o.supernet) a.width = *o.width;
    if (o.channels) a.inputChannels = *o.channels;
    return a;
}


// Refuses a network that cannot run on the board before anything trains.
void checkFits(const Plan& p, const graph::Network& a) {
    if (!p.board) return;
    const graph::Graph g = a.build();
    const std::int64_t sram = memory::arenaBytes(g, memory::Planner::Ours);
    const std::int64_t flash = cost::totalFlashBytes(g, *p.board);
    if (sram > p.sramLimit || flash > p.flashLimit)
        throw Error(a.name() + " does not fit " + p.board->id + ": peak SRAM " + std::to_string(sram) + " B (limit " +
                    std::to_string(p.sramLimit) + "), Flash " + std::to_string(flash) + " B (limit " +
                    std::to_string(p.flashLimit) + "); choose a smaller network, resolution or width");
}

// --out: new, empty, or a model directory of ours with --force; never a
// folder of the user's (common/output_dir.h). Its parent must take a folder.
void checkOutput(const std::string& out, bool force) {
    output_dir::State state = output_dir::inspect(out, output_dir::kModel);
    // Model directories written before the marker existed are ours too.
    if (state == output_dir::State::NotOurs && quant::isTrainedModelDirectory(out)) state = output_dir::State::Ours;
    output_dir::check(out, state, output_dir::kModel, force);
    if (state == output_dir::State::Empty && ::access(out.c_str(), W_OK) != 0)
        throw Error(out + ": cannot write in it (" + std::strerror(errno) + ")");
    const fs::path parent = fs::absolute(fs::path(out)).parent_path();
    std::error_code ec;
    if (!fs::is_directory(parent, ec)) throw Error(out + ": its folder " + parent.string() + " does not exist");
    if (::access(parent.c_str(), W_OK) != 0)
        throw Error(out + ": cannot write in " + parent.string() + " (" + std::strerror(errno) + ")");
}

Plan planFrom(const cli::TrainOptions& o) {
    cli::checkTrainOptions(o);
    Plan p;
    p.out = *o.out;
    const graph::Network network = networkOf(o);
    p.settings = settingsOf(o);
    p.resume = o.resume;
    p.json = o.json;
    p.calibrationImages = o.calibrationImages;
    if (o.board) {
        p.board = board::Catalog::builtIn().byId(*o.board);
        p.sramLimit = static_cast<std::int64_t>(o.sramKb.value_or(double(p.board->sramBytes) / 1024.0) * 1024.0);
        p.flashLimit = static_cast<std::int64_t>(o.flashKb.value_or(double(p.board->flashBytes) / 1024.0) * 1024.0);
    }
    p.dataSpec = data::specFor(network, *o.data);
    p.dataSpec.validationFraction = o.validation;
    p.dataSpec.seed = p.settings.seed;
    p.dataSpec.trainPerClass = o.trainPerClass;
    p.dataSpec.testPerClass = o.testPerClass;
    if (p.dataSpec.features == data::Features::Mfcc) {
        // MFCC pictures: the clips are already placed at random in time; a
        // zero-padded crop would put "very quiet" at the edges of every
        // coefficient and a flip reverse time (docs/audio.md).
        p.settings.augmentation = {};
    }
    if (o.supernet) {
        p.target.supernet = searchSpaceOf(o);
        p.target.supernet->inputChannels = network.inputChannels();
    }
    p.target.network = network;
    if (o.subnet) p.target.network = arch::loadArchitecture(*o.subnet);
    if (const auto& init = o.init)
    {
        p.target.initFrom = fs::is_directory(*init) ? (fs::path(*init) / "checkpoint.pt").string() : *init;
        input_file::requireRegular(p.target.initFrom, "a training checkpoint (checkpoint.pt) or a model directory");
    }
    checkOutput(p.out, o.force);
    p.workDir = p.out + ".training";
    p.checkpoint = (fs::path(p.workDir) / "checkpoint.pt").string();
    if (p.resume && !fs::exists(p.checkpoint)) throw Error("--resume: no checkpoint at " + p.checkpoint);
    if (!p.resume && fs::exists(p.checkpoint))
        throw Error(p.checkpoint + ": an unfinished run of this model exists; continue it with --resume or delete " + p.workDir);
    return p;
}

// Makes the network match the data (classes) and checks it.
void fitToData(Plan& p, const data::Datasets& d, Output& out) {
    const int classes = static_cast<int>(d.train.classes.size());
    graph::Network& n = p.target.network;
    if (n.numClasses() != classes) {
        out.event({{"event", "message"}, {"text", n.name() + ": classifier set to the data's " + std::to_string(classes) + " classes"}});
        n.setNumClasses(classes);
    }
    n.validate();
    if (!p.target.supernet) {
        checkFits(p, n);
        return;
    }
    p.target.supernet->numClasses = classes;
    if (!p.board) return;
    // A supernet with --board: its largest network need not fit; the random
    // subnets of each step are drawn among the ones that do.
    const board::Board b = *p.board;
    const search::Limits limits{p.sramLimit, p.flashLimit, 0};
    p.target.subnetAccepted = [b, limits](const arch::Architecture& a) { return search::feasibleCosts(a, b, limits).has_value(); };
    out.event({{"event", "message"}, {"text", "random subnets drawn among those within " + std::to_string(limits.sramBytes / 1024) +
                                                  " kB SRAM and " + std::to_string(limits.flashBytes / 1024) + " kB Flash on " + b.id}});
}

std::string shapeText(const Plan& p) {
    const graph::Network& n = p.target.network;
    return std::to_string(n.inputHeight()) + "x" + std::to_string(n.inputWidth()) + "x" + std::to_string(n.inputChannels()) +
           (n.inputKind() == graph::InputKind::Mfcc ? " MFCC features (1 s clips)" : "");
}

json dataRecord(const Plan& p, const data::Datasets& d) {
    return {{"source", p.dataSpec.source}, {"features", graph::inputKindName(p.target.network.inputKind())}, {"train_images", d.train.size()}, {"validation_images", d.validation.size()},
            {"test_images", d.test.size()}, {"resolution", p.dataSpec.resolution}, {"channels", p.dataSpec.channels},
            {"train_per_class", p.dataSpec.trainPerClass}, {"test_per_class", p.dataSpec.testPerClass},
            {"validation_fraction", p.dataSpec.validationFraction}, {"seed", p.dataSpec.seed},
            {"skipped_files", d.report.skipped.size()}};
}

}  // namespace

int trainCommand(const std::vector<std::string>& argv, nas::Collective* collective) {
    const auto started = std::chrono::steady_clock::now();
    cli::TrainOptions options;
    CLI::App app("mcunet train: train a network or a supernet on a dataset, then write its model directory "
                 "(float and int8 weights, accuracy).", "mcunet train");
    cli::configureApp(app);
    cli::defineTrainOptions(app, options);
    if (!argv.empty() && argv[0] == "help") {  // `mcunet-train help`, as before
        std::cout << app.help();
        return 0;
    }
    if (!cli::parseArguments(app, argv)) return 0;  // --help
    Plan p = planFrom(options);
    const bool rank0 = !collective || collective->rank() == 0;
    Output out(p.json, !rank0);
    out.event({{"event", "message"}, {"text", "loading " + p.dataSpec.source + " as " + shapeText(p)}});
    const data::Datasets d = data::open(p.dataSpec);
    for (const std::string& s : d.report.skipped) out.event({{"event", "message"}, {"text", "skipped " + s}});
    fitToData(p, d, out);
    if (!d.flipMakesSense) p.settings.augmentation.horizontalFlip = false;

    if (rank0) {
        std::error_code ec;
        fs::create_directories(p.workDir, ec);
        if (ec) throw Error(p.workDir + ": cannot create the training folder (" + ec.message() + ")");
    }
    nas::TrainHooks hooks;
    hooks.stop = &gStop;
    hooks.collective = collective;
    auto lastStep = std::chrono::steady_clock::now() - std::chrono::seconds(10);
    hooks.onStep = [&](const nas::StepReport& r) {
        const auto now = std::chrono::steady_clock::now();
        if (now - lastStep < std::chrono::milliseconds(500) && r.step != r.stepsPerEpoch) return;
        lastStep = now;
        out.event({{"event", "step"}, {"epoch", r.epoch}, {"epochs", r.epochs}, {"step", r.step}, {"steps", r.stepsPerEpoch},
                   {"global_step", r.globalStep}, {"total_steps", r.totalSteps}, {"loss", r.loss}, {"accuracy", r.accuracy},
                   {"lr", r.learningRate}, {"images_per_second", r.imagesPerSecond}, {"eta_seconds", r.etaSeconds}});
    };
    hooks.onEpoch = [&](const nas::EpochReport& r) {
        json e = nas::epochToJson(r);
        e["event"] = "epoch";
        out.event(e);
    };
    hooks.onMessage = [&](const std::string& m) { out.event({{"event", "message"}, {"text", m}}); };
    out.event({{"event", "start"}, {"architecture", p.target.network.name()}, {"supernet", p.target.supernet.has_value()},
               {"data", dataRecord(p, d)}, {"epochs", p.settings.epochs}, {"batch", p.settings.batch},
               {"threads", p.settings.threads}, {"ranks", collective ? collective->size() : 1},
               {"device", nas::trainingDeviceName()}});
    nas::TrainOutcome outcome;
    // Ctrl+C or SIGTERM while training: stop after the next step's checkpoint
    // (resumable); at any other time, and at a second signal, the program
    // ends at once, its temporary folders removed (common/cleanup.h).
    cleanup::setGracefulStop([] {
        gStop.store(true);
        return true;
    });
    try {
        outcome = nas::train(p.target, p.settings, d, p.checkpoint, p.resume, hooks);
        cleanup::setGracefulStop({});
    } catch (...) {
        cleanup::setGracefulStop({});
        // Nothing half-made is left behind: an unused working folder goes.
        std::error_code ec;
        if (rank0 && fs::is_empty(p.workDir, ec)) fs::remove(p.workDir, ec);
        throw;
    }
    if (outcome.stopped) {
        out.event({{"event", "stopped"}, {"text", "stopped after a checkpoint at " + p.checkpoint + "; continue with the same flags and --resume"}});
        return 130;
    }
    if (!rank0) return 0;
    return finishModel(p.target.network, outcome, d, p.out, p.workDir, p.checkpoint, p.calibrationImages,
                       p.settings, dataRecord(p, d), started, p.json);
}

// The recipe of `mcunet train`'s flags (also the search's re-ranking recipe).
nas::TrainSettings settingsOf(const cli::TrainOptions& o) {
    nas::TrainSettings s;
    s.epochs = o.epochs;
    s.batch = o.batch;
    s.threads = o.threads.value_or(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
    s.optimizer = o.optimizer == "adamw" ? nas::OptimizerKind::AdamW : nas::OptimizerKind::Sgd;
    s.learningRate = o.learningRateOrDefault();
    s.weightDecay = o.weightDecayOrDefault();
    s.labelSmoothing = o.labelSmoothing;
    s.seed = o.seed;
    s.augmentation.cropPadding = o.cropPadding;
    s.augmentation.horizontalFlip = !o.noFlip;
    s.maxStepsPerEpoch = o.maxSteps;
    s.checkpointEverySteps = o.checkpointSteps;
    return s;
}

}  // namespace mcunet::train
