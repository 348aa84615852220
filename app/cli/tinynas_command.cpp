// `mcunet tinynas`: MCUNet's whole flow from data to a profiled board, each
// step resumable and skipped when its output is already there (docs/search.md):
//   1. space     TinyNAS stage 1: the (R, W) whose networks best use the limits
//   2. supernet  the weight-sharing supernet of that space (mcunet-train)
//   3. search    TinyNAS stage 2 under the limits (mcunet-train search)
//   4. model     the chosen network fine-tuned from the supernet, int8
//   5. deploy    generate, build, flash and profile on the board (core/deploy)
//   6. board     int8 accuracy on the board, output for output against the host
// then report.json. Training and search run in mcunet-train, a child whose
// progress lines are passed on; Ctrl+C stops the flow, and the same command
// continues it.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "board/board.h"
#include "cli/command.h"
#include "cli/format.h"
#include "cli/options.h"
#include "common/atomic_file.h"
#include "common/cleanup.h"
#include "common/defaults.h"
#include "common/error.h"
#include "common/json_read.h"
#include "common/output_dir.h"
#include "common/process.h"
#include "common/safe_text.h"
#include "cost/cost.h"
#include "data/dataset.h"
#include "data/network_input.h"
#include "deploy/pipeline.h"
#include "eval/accuracy.h"
#include "graph/build.h"
#include "arch/architecture_json.h"
#include "arch/presets.h"
#include "memory/plan.h"
#include "quant/interpreter.h"
#include "quant/model_dir.h"
#include "search/budget.h"
#include "space/optimizer.h"

namespace mcunet::cli {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

inline constexpr output_dir::Kind kTinynasFolder{"tinynas", "a TinyNAS run"};

struct TinynasOptions {
    std::optional<std::string> data, board, out;
    std::optional<double> sramKb, flashKb;
    double latencyMs = 0;
    std::string budget = "default";
    std::string space = "mcunet-mix";
    std::uint64_t seed = defaults::kSeed;
    std::optional<int> threads, channels;
    bool force = false, json = false;
};

// What every step needs, fixed at the start (and recorded in tinynas.json:
// a folder of another run is not continued).
struct Flow {
    TinynasOptions o;
    board::Board board;
    space::Constraints limits;
    search::Budget budget;
    space::Grid grid;             // the budget's grid up to the data's own resolution
    std::optional<int> native;    // the data's own resolution (data::nativeResolution)
    int channels = 1, classes = 0, threads = 1;
    fs::path out;
    json steps = json::object();  // step -> {"seconds", "skipped"}
};

class Log {
public:
    explicit Log(bool json) : json_(json) {}
    void event(const json& e) const {
        if (json_) {
            std::cout << e.dump() << "\n" << std::flush;
            return;
        }
        const std::string kind = e.value("event", "");
        if (kind == "step")
            std::printf("[%s] %s\n", e["step"].get<std::string>().c_str(),
                        safe_text::forTerminal(e.value("text", "")).c_str());
        else if (kind == "message")
            std::printf("  %s\n", safe_text::forTerminal(e["text"].get<std::string>()).c_str());
        else if (kind == "progress")
            printProgress(e["line"]);
        std::fflush(stdout);
    }

private:
    // One line per epoch or generation of a child, so a long step shows it is moving.
    static void printProgress(const json& l) {
        const auto pct = [](double v) { return numberText(std::round(1000 * v) / 10) + "%"; };
        const std::string kind = l.value("event", "");
        if (kind == "epoch" && l.contains("validation_accuracy"))
            std::printf("  epoch %d/%d: loss %.3f, validation %s, %.0f images/s, %.0f s\n", l.value("epoch", 0),
                        l.value("epochs", 0), l.value("train_loss", 0.0), pct(l.value("validation_accuracy", 0.0)).c_str(),
                        l.value("images_per_second", 0.0), l.value("seconds", 0.0));
        else if (kind == "generation")
            std::printf("  generation %d/%d: %d networks evaluated, best %s, %.0f s\n", l.value("generation", 0),
                        l.value("generations", 0), l.value("evaluated", 0), pct(l.value("best_accuracy", 0.0)).c_str(),
                        l.value("seconds", 0.0));
        else if (kind == "rerank")
            std::printf("  re-ranked %d/%d: %s after fine-tuning, %.0f s\n", l.value("network", 0), l.value("networks", 0),
                        pct(l.value("accuracy", 0.0)).c_str(), l.value("seconds", 0.0));
    }

    bool json_;
};

json identity(const Flow& f) {
    return {{"data", *f.o.data}, {"board", f.board.id}, {"sram_bytes", f.limits.sramBytes},
            {"flash_bytes", f.limits.flashBytes}, {"latency_ms", f.o.latencyMs}, {"budget", f.budget.name},
            {"seed", f.o.seed}, {"channels", f.channels}, {"space", f.o.space}};
}

// Runs mcunet-train with `args`, passing its JSON progress lines on as
// {"event": "progress", "step": step, "line": {...}}; throws with its last
// lines when it fails.
void runTrainProgram(const std::string& step, const std::vector<std::string>& args, const Log& log) {
    const std::string exe = trainProgramPath();
    if (exe.empty()) throw Error("mcunet-train was not found beside mcunet or on PATH (it is built with libtorch)");
    std::vector<std::string> argv{exe};
    argv.insert(argv.end(), args.begin(), args.end());
    const ProcessResult r = runProcess(argv, "", 7 * 24 * 3600.0, [&](const std::string& line) {
        if (line.empty() || line[0] != '{') return;
        try {
            const json e = json::parse(line);
            const std::string kind = e.value("event", "");
            if (kind == "epoch" || kind == "generation" || kind == "rerank" || kind == "done" || kind == "start" || kind == "step")
                log.event({{"event", "progress"}, {"step", step}, {"line", e}});
            else if (kind == "message" && e.contains("text") && e["text"].is_string())
                log.event({{"event", "message"}, {"text", step + ": " + e["text"].get<std::string>()}});
        } catch (const json::exception&) {
        }
    });
    if (r.exitCode == 0) return;
    std::string tail = r.output.size() > 600 ? r.output.substr(r.output.size() - 600) : r.output;
    while (!tail.empty() && tail.back() == '\n') tail.pop_back();
    const std::size_t lastLine = tail.rfind('\n');
    throw Error(step + ": mcunet-train " + args.front() + " failed" +
                (r.exitCode == 2 ? ": " + tail.substr(lastLine == std::string::npos ? 0 : lastLine + 1) : ":\n" + tail));
}

std::vector<std::string> dataSubsetArgs(const Flow& f) {
    std::vector<std::string> a;
    if (f.budget.trainPerClass > 0) a.insert(a.end(), {"--train-per-class", std::to_string(f.budget.trainPerClass)});
    if (f.budget.testPerClass > 0) a.insert(a.end(), {"--test-per-class", std::to_string(f.budget.testPerClass)});
    return a;
}

// The search's final choice among its best by a short fine-tuning (both
// the search and the random baseline: the same evaluation budget).
std::vector<std::string> rerankArgs(const Flow& f) {
    if (f.budget.rerank <= 0) return {};
    return {"--rerank", std::to_string(f.budget.rerank), "--rerank-steps", std::to_string(f.budget.rerankSteps)};
}

// --- the steps ---

json spaceStep(Flow& f, const Log& log) {
    const fs::path file = f.out / "space.json";
    if (fs::exists(file)) return json_read::parseFile(file.string());
    log.event({{"event", "step"}, {"step", "space"}, {"text", "TinyNAS stage 1 on " + std::to_string(f.grid.resolutions.size() * f.grid.widths.size()) + " spaces"}});
    space::SearchSpace s = space::spaceNamed(f.o.space, f.classes);
    s.inputChannels = f.channels;
    space::OptimizerOptions options;
    options.grid = f.grid;
    options.samplesPerSpace = f.budget.samplesPerSpace;
    options.seed = f.o.seed;
    options.threads = f.threads;
    const space::OptimizerResult r = space::optimize(s, f.board, f.limits, options);
    if (r.chosen < 0)
        throw Error("no space of the grid has a network within " + withCommas(f.limits.sramBytes / 1024) + " kB SRAM and " +
                    withCommas(f.limits.flashBytes / 1024) + " kB Flash on " + f.board.id + "; raise --sram or --flash");
    const space::SpaceResult& c = r.spaces[static_cast<std::size_t>(r.chosen)];
    std::string why = "the highest mean MACs of the networks that fit (" + withCommas(std::int64_t(c.meanMacs)) + "), with " +
                      std::to_string(int(100 * c.satisfyingShare)) + "% of its samples fitting";
    if (f.grid.resolutions.size() < f.budget.grid.resolutions.size())
        why += "; resolutions above " + std::to_string(f.grid.resolutions.back()) + " not compared: the images are " +
               std::to_string(*f.native) + " pixels";
    const json chosen = {{"resolution", c.resolution}, {"width", c.width}, {"mean_macs", c.meanMacs},
                         {"satisfying_share", c.satisfyingShare}, {"spaces", r.spaces.size()},
                         {"native_resolution", f.native ? json(*f.native) : json()}, {"why", why}};
    atomic_file::writeText(file.string(), chosen.dump(2) + "\n");
    return chosen;
}

// Trains into `dir` unless it holds a model; `announced`: the step's "step"
// event went out already (the baselines), so this is a message of it.
void trainStep(const Flow& f, const std::string& step, const fs::path& dir, std::vector<std::string> args, const Log& log,
               bool announced = false) {
    if (quant::isTrainedModelDirectory(dir.string())) return;
    const bool resume = fs::exists(dir.string() + ".training/checkpoint.pt");
    const std::string text = std::string(resume ? "continuing" : "training") + " into " + dir.string();
    if (announced) log.event({{"event", "message"}, {"text", step + ": " + text}});
    else log.event({{"event", "step"}, {"step", step}, {"text", text}});
    args.insert(args.end(), {"--data", *f.o.data, "--channels", std::to_string(f.channels), "--threads",
                             std::to_string(f.threads), "--seed", std::to_string(f.o.seed), "--batch",
                             std::to_string(f.budget.batch), "--out", dir.string(), "--json"});
    const std::vector<std::string> subsets = dataSubsetArgs(f);
    args.insert(args.end(), subsets.begin(), subsets.end());
    if (resume) args.push_back("--resume");
    runTrainProgram(step, args, log);
}

void searchStep(const Flow& f, const Log& log) {
    const fs::path dir = f.out / "search";
    if (fs::exists(dir / "search.json") && !json_read::parseFile((dir / "search.json").string()).value("cancelled", true)) return;
    const bool resume = fs::exists(dir / "search-state.json");
    log.event({{"event", "step"}, {"step", "search"}, {"text", "TinyNAS stage 2: " + std::to_string(f.budget.population) + " x " +
                                                                std::to_string(f.budget.generations) + " generations"}});
    std::vector<std::string> args = {
        "search", "--supernet", (f.out / "supernet").string(), "--board", f.board.id, "--sram",
        numberText(double(f.limits.sramBytes) / 1024.0), "--flash", numberText(double(f.limits.flashBytes) / 1024.0),
        "--latency-ms", numberText(f.o.latencyMs), "--population", std::to_string(f.budget.population),
        "--generations", std::to_string(f.budget.generations), "--seed", std::to_string(f.o.seed), "--threads",
        std::to_string(f.threads), "--calibration-images", std::to_string(f.budget.calibrationImages),
        "--validation-images", std::to_string(f.budget.validationImages), "--out", dir.string(), "--json"};
    const std::vector<std::string> rerank = rerankArgs(f);
    args.insert(args.end(), rerank.begin(), rerank.end());
    args.push_back(resume ? "--resume" : "--force");
    runTrainProgram("search", args, log);
}

json deployStep(const Flow& f, const quant::TrainedModel& m, const Log& log) {
    log.event({{"event", "step"}, {"step", "deploy"}, {"text", "generate, build, flash and profile on " + f.board.id}});
    deploy::Request request;
    request.model = &m.int8;
    request.modelName = m.network.name();
    request.board = f.board;
    request.directory = (f.out / "deploy").string();
    request.replace = true;  // our own folder inside the run's
    request.catalog = &board::Catalog::builtIn();
    request.profile = true;
    request.runs = 1;
    request.seed = f.o.seed;
    const deploy::Result r = deploy::run(request, {});
    if (!r.matchesReference) throw Error("deploy: the board's output differs from the reference interpreter's");
    const graph::Graph& g = m.int8.graph;
    json planners = json::object();
    for (memory::Planner p : memory::allPlanners()) planners[memory::plannerName(p)] = memory::arenaBytes(g, p);
    const cost::ModelCost c = cost::estimate(g, f.board);
    const board::Profile& p = r.profiled->profile;
    return {{"directory", request.directory}, {"elf_flash_bytes", r.firmware.flashBytes}, {"elf_sram_bytes", r.firmware.sramBytes},
            {"arena_bytes", r.firmware.arenaBytes}, {"peak_sram_bytes", planners}, {"estimated_flash_bytes", c.flashBytes},
            {"macs", c.macs}, {"params", c.params}, {p.unit(), p.total}, {"estimated_" + p.unit(), p.estimateTotal},
            {"measured_latency_ms", double(p.total) / double(f.board.clockHz) * 1000.0},
            {"estimated_latency_ms", c.latencyMs}, {"outputs_match_reference", r.matchesReference}};
}

// int8 accuracy on the board for a class-balanced subset of the test images,
// compared output for output with the interpreter on the host.
json boardStep(const Flow& f, const quant::TrainedModel& m, const Log& log) {
    log.event({{"event", "step"}, {"step", "board"}, {"text", "int8 accuracy on " + f.board.id + " (" + std::to_string(f.budget.boardImages) + " test images)"}});
    data::DataSpec spec = data::specFor(m.network, *f.o.data);
    spec.seed = f.o.seed;
    spec.trainPerClass = 1;
    const data::Datasets d = data::open(spec);
    const int classes = static_cast<int>(d.test.classes.size());
    std::vector<int> idx = data::balancedSubset(d.test, (f.budget.boardImages + classes - 1) / classes, f.o.seed);
    if (static_cast<int>(idx.size()) > f.budget.boardImages) idx.resize(static_cast<std::size_t>(f.budget.boardImages));
    const data::ImageSet test = d.test.subset(idx);
    const auto host = eval::runInterpreter(m.int8, test, f.threads);
    const cleanup::ScopedDirectory work([] { return atomic_file::makeTempDirectory("tinynas"); });
    const auto onBoard = eval::runOnBoard(m.int8, f.board, test, work.path());
    const quant::Accuracy a = eval::score("int8-board", test, eval::predictions(onBoard), classes);
    const int diff = eval::firstDifference(host, onBoard);
    if (diff >= 0) throw Error("board: image " + std::to_string(diff) + " gives another int8 output on the board than on the host");
    return {{"images", a.images}, {"accuracy", a.value()}, {"outputs_identical_to_host", true}};
}

// --- the baselines, at the same limits, evaluation budget and epochs ---

// What a trained model directory scored, with its costs.
json modelSummary(const Flow& f, const fs::path& dir, const std::string& how) {
    const quant::TrainedModel m = quant::loadTrainedModel(dir.string());
    const graph::Graph& g = m.int8.graph;
    const cost::ModelCost c = cost::estimate(g, f.board);
    json s = {{"model", dir.string()}, {"architecture", m.network.name()}, {"how", how}, {"macs", c.macs},
              {"params", c.params}, {"peak_sram_bytes", memory::arenaBytes(g, memory::Planner::Ours)},
              {"flash_bytes", c.flashBytes}, {"latency_ms", c.latencyMs}};
    for (const quant::Accuracy& a : m.accuracy) s[a.engine] = {{"accuracy", a.value()}, {"images", a.images}};
    return s;
}

// Random search in the same supernet with as many networks as the evolution
// evaluated, its best fine-tuned like the searched network.
json randomBaseline(const Flow& f, const Log& log) {
    const fs::path dir = f.out / "random";
    const json evolved = json_read::parseFile((f.out / "search" / "search.json").string());
    const int budget = std::max(2, int(evolved["evaluated"].size()));
    const bool searched = fs::exists(dir / "search.json") &&
                          !json_read::parseFile((dir / "search.json").string()).value("cancelled", true);
    if (!searched || !quant::isTrainedModelDirectory((f.out / "random-model").string()))
        log.event({{"event", "step"}, {"step", "random"}, {"text", "baseline: random search, " + std::to_string(budget) + " networks"}});
    if (!searched) {
        std::vector<std::string> args = {"search", "--supernet", (f.out / "supernet").string(), "--board", f.board.id, "--sram",
                                   numberText(double(f.limits.sramBytes) / 1024.0), "--flash",
                                   numberText(double(f.limits.flashBytes) / 1024.0), "--latency-ms", numberText(f.o.latencyMs),
                                   "--population", std::to_string(budget), "--generations", "0", "--seed",
                                   std::to_string(f.o.seed + 1), "--threads", std::to_string(f.threads),
                                   "--calibration-images", std::to_string(f.budget.calibrationImages),
                                   "--validation-images", std::to_string(f.budget.validationImages), "--out",
                                   dir.string(), "--json", "--force"};
        const std::vector<std::string> rerank = rerankArgs(f);
        args.insert(args.end(), rerank.begin(), rerank.end());
        runTrainProgram("random", args, log);
    }
    trainStep(f, "random", f.out / "random-model",
              {"train", "--arch", (dir / "best.json").string(), "--init", (f.out / "supernet").string(), "--board",
               f.board.id, "--sram", numberText(double(f.limits.sramBytes) / 1024.0), "--flash",
               numberText(double(f.limits.flashBytes) / 1024.0), "--epochs", std::to_string(f.budget.finetuneEpochs),
               "--max-steps", std::to_string(f.budget.finetuneMaxSteps)},
              log, true);
    return modelSummary(f, f.out / "random-model", "random search, " + std::to_string(budget) + " networks, fine-tuned");
}

// The widths the MobileNetV2 baseline tries: the grid's, and every 0.05
// from 0.05 up to the grid's widest, so that a tight budget (where the
// grid's narrowest MobileNetV2 is already too large) still gets a baseline.
std::vector<double> mobileNetV2Widths(const space::Grid& grid) {
    std::vector<double> widths = grid.widths;
    const double widest = grid.widths.empty() ? 1.0 : *std::max_element(grid.widths.begin(), grid.widths.end());
    for (int i = 1; 0.05 * i <= widest + 1e-9; ++i) widths.push_back(0.05 * i);
    std::sort(widths.begin(), widths.end());
    widths.erase(std::unique(widths.begin(), widths.end(), [](double a, double b) { return std::fabs(a - b) < 1e-9; }),
                 widths.end());
    return widths;
}

// The uniformly scaled MobileNetV2 with the most MACs that fits (over the
// budget's resolutions and mobileNetV2Widths), trained from scratch for the
// epochs the searched network had in all (supernet and fine-tuning).
json mobileNetV2Baseline(const Flow& f, const Log& log) {
    const fs::path arch = f.out / "mbv2.json";
    if (!fs::exists(arch)) {
        std::optional<arch::Architecture> best;
        std::int64_t bestMacs = -1;
        for (int r : f.grid.resolutions)
            for (double w : mobileNetV2Widths(f.grid)) {
                arch::Architecture a = arch::mobileNetV2(w, r, f.classes);
                a.inputChannels = f.channels;
                std::int64_t macs = 0;
                if (space::fits(a, f.board, f.limits, &macs) && macs > bestMacs) {
                    best = a;
                    bestMacs = macs;
                }
            }
        if (!best) return {{"how", "no scaled MobileNetV2 (widths 0.05 and up, the grid's resolutions) fits the limits"}};
        arch::saveArchitecture(*best, arch.string());
    }
    const int epochs = f.budget.supernetEpochs + f.budget.finetuneEpochs;
    log.event({{"event", "step"}, {"step", "mbv2"}, {"text", "baseline: scaled MobileNetV2 from scratch, " + std::to_string(epochs) + " epochs"}});
    trainStep(f, "mbv2", f.out / "mbv2-model",
              {"train", "--arch", arch.string(), "--board", f.board.id, "--sram",
               numberText(double(f.limits.sramBytes) / 1024.0), "--flash", numberText(double(f.limits.flashBytes) / 1024.0),
               "--epochs", std::to_string(epochs), "--max-steps",
               std::to_string(std::max(f.budget.supernetMaxSteps, f.budget.finetuneMaxSteps))},
              log, true);
    return modelSummary(f, f.out / "mbv2-model", "largest fitting mbv2-w{W}-r{R}, from scratch, " +
                                                     std::to_string(epochs) + " epochs");
}

// Test-set int8 accuracy margins of the searched network over each baseline, in points.
json margins(const json& searched, const json& baselines) {
    json m = json::object();
    for (const auto& [name, b] : baselines.items())
        if (b.contains("int8-reference") && searched.contains("int8-reference"))
            m[name] = 100 * (searched["int8-reference"]["accuracy"].get<double>() - b["int8-reference"]["accuracy"].get<double>());
    return m;
}

// --- the flow ---

// The grid's resolutions up to the first one at or above the images' own
// (28 x 28 images: 32, never 96): a larger input only upsamples, so it
// costs MACs and SRAM and adds no detail, while stage 1's rule (the highest
// mean MACs) would prefer it.
space::Grid upToNative(space::Grid grid, std::optional<int> native) {
    if (!native) return grid;
    std::sort(grid.resolutions.begin(), grid.resolutions.end());
    std::vector<int> kept;
    for (int r : grid.resolutions) {
        kept.push_back(r);
        if (r >= *native) break;
    }
    grid.resolutions = kept;
    return grid;
}

void setUp(Flow& f) {
    f.board = board::Catalog::builtIn().byId(*f.o.board);
    f.budget = search::budgetNamed(f.o.budget);
    f.limits.sramBytes = static_cast<std::int64_t>(f.o.sramKb.value_or(double(f.board.sramBytes) / 1024.0) * 1024.0);
    f.limits.flashBytes = static_cast<std::int64_t>(f.o.flashKb.value_or(double(f.board.flashBytes) / 1024.0) * 1024.0);
    f.threads = f.o.threads.value_or(int(std::max(1u, std::thread::hardware_concurrency())));
    f.out = *f.o.out;
    // Classes and channels from the data (a folder's class subfolders).
    data::DataSpec spec;
    spec.source = *f.o.data;
    spec.resolution = 32;
    spec.channels = f.o.channels.value_or(*f.o.data == "fashion-mnist" ? 1 : 3);
    spec.trainPerClass = 1;
    spec.testPerClass = 1;
    f.classes = static_cast<int>(data::open(spec).train.classes.size());
    f.channels = spec.channels;
    f.native = data::nativeResolution(*f.o.data);
    f.grid = upToNative(f.budget.grid, f.native);
    // The folder: new, empty, or this run's (continued); --force starts again.
    const fs::path record = f.out / "tinynas.json";
    const output_dir::State state = output_dir::inspect(f.out.string(), kTinynasFolder);
    if (state == output_dir::State::Ours && !f.o.force) {
        const json saved = json_read::parseFile(record.string());
        if (saved.value("identity", json()) != identity(f))
            throw Error(f.out.string() + ": holds a TinyNAS run with other data, board, limits, budget or seed; "
                                         "pass --force to start again, or choose another folder");
        return;
    }
    output_dir::check(f.out.string(), state, kTinynasFolder, f.o.force);
    if (state == output_dir::State::Ours)
        for (const char* step : {"space.json", "supernet", "supernet.training", "search", "model", "model.training", "deploy",
                                 "random", "random-model", "random-model.training", "mbv2.json", "mbv2-model",
                                 "mbv2-model.training", "report.json"})
            fs::remove_all(f.out / step);
    output_dir::claim(f.out.string(), kTinynasFolder, true);
    atomic_file::writeText(record.string(), json{{"format", "mcunet-tinynas"}, {"version", 1}, {"identity", identity(f)}}.dump(2) + "\n");
}

template <typename F>
auto timed(Flow& f, const std::string& step, F work) {
    const auto t0 = Clock::now();
    auto result = work();
    f.steps[step] = std::chrono::duration<double>(Clock::now() - t0).count();
    return result;
}

json runFlow(Flow& f, const Log& log) {
    const json space = timed(f, "space", [&] { return spaceStep(f, log); });
    const int r = space["resolution"].get<int>();
    const double w = space["width"].get<double>();
    log.event({{"event", "message"}, {"text", "space: " + std::to_string(r) + "x" + std::to_string(r) + ", width " +
                                                  numberText(w) + " (" + space["why"].get<std::string>() + ")"}});
    timed(f, "supernet", [&] {
        trainStep(f, "supernet", f.out / "supernet",
                  {"train", "--supernet", "--space", f.o.space, "--resolution", std::to_string(r), "--width", numberText(w),
                   "--board", f.board.id, "--sram", numberText(double(f.limits.sramBytes) / 1024.0), "--flash",
                   numberText(double(f.limits.flashBytes) / 1024.0), "--epochs", std::to_string(f.budget.supernetEpochs),
                   "--max-steps", std::to_string(f.budget.supernetMaxSteps)},
                  log);
        return 0;
    });
    timed(f, "search", [&] {
        searchStep(f, log);
        return 0;
    });
    timed(f, "model", [&] {
        trainStep(f, "model", f.out / "model",
                  {"train", "--arch", (f.out / "search" / "best.json").string(), "--init", (f.out / "supernet").string(),
                   "--board", f.board.id, "--sram", numberText(double(f.limits.sramBytes) / 1024.0), "--flash",
                   numberText(double(f.limits.flashBytes) / 1024.0), "--epochs", std::to_string(f.budget.finetuneEpochs),
                   "--max-steps", std::to_string(f.budget.finetuneMaxSteps)},
                  log);
        return 0;
    });
    const quant::TrainedModel m = quant::loadTrainedModel((f.out / "model").string());
    const json deployed = timed(f, "deploy", [&] { return deployStep(f, m, log); });
    const json onBoard = timed(f, "board", [&] { return boardStep(f, m, log); });
    json baselines = json::object();
    baselines["random"] = timed(f, "random", [&] { return randomBaseline(f, log); });
    baselines["mbv2"] = timed(f, "mbv2", [&] { return mobileNetV2Baseline(f, log); });
    const json searchedModel = modelSummary(f, f.out / "model", "evolutionary search, fine-tuned");
    const json searched = json_read::parseFile((f.out / "search" / "search.json").string());
    json accuracy = json::object();
    for (const quant::Accuracy& a : m.accuracy) accuracy[a.engine] = {{"accuracy", a.value()}, {"images", a.images}};
    accuracy["int8-board"] = onBoard;
    return {{"format", "mcunet-tinynas-report"}, {"version", 1}, {"identity", identity(f)}, {"space", space},
            {"network", {{"architecture", m.network.name()}, {"key", searched["evaluated"][searched["best"].get<std::size_t>()]["key"]},
                         {"search_validation_accuracy", searched["evaluated"][searched["best"].get<std::size_t>()]["accuracy"]},
                         {"networks_evaluated", searched["evaluated"].size()}, {"rerank", searched.value("rerank", json())}}},
            {"accuracy", accuracy}, {"deploy", deployed}, {"searched", searchedModel}, {"baselines", baselines},
            {"margins_points", margins(searchedModel, baselines)}, {"step_seconds", f.steps}};
}

void printReport(const json& r) {
    const json& d = r["deploy"];
    const json& a = r["accuracy"];
    auto pct = [&](const char* engine) {
        return a.contains(engine) ? numberText(std::round(1000 * a[engine]["accuracy"].get<double>()) / 10) + "%" : std::string("-");
    };
    std::printf("\nTinyNAS on %s: %s (%s networks searched)\n", r["identity"]["board"].get<std::string>().c_str(),
                r["network"]["key"].get<std::string>().c_str(), withCommas(r["network"]["networks_evaluated"].get<std::int64_t>()).c_str());
    std::printf("  space      %dx%d, width %s: %s\n", r["space"]["resolution"].get<int>(), r["space"]["resolution"].get<int>(),
                numberText(r["space"]["width"].get<double>()).c_str(), r["space"]["why"].get<std::string>().c_str());
    std::printf("  accuracy   float %s, int8 host %s, int8 on the board %s (%d images, outputs identical to the host)\n",
                pct("float").c_str(), pct("int8-reference").c_str(), pct("int8-board").c_str(), a["int8-board"]["images"].get<int>());
    std::printf("  peak SRAM  ours %s B, tinyengine %s B, tflm %s B (limit %s B)\n",
                withCommas(d["peak_sram_bytes"]["ours"].get<std::int64_t>()).c_str(),
                withCommas(d["peak_sram_bytes"]["tinyengine"].get<std::int64_t>()).c_str(),
                withCommas(d["peak_sram_bytes"]["tflm"].get<std::int64_t>()).c_str(),
                withCommas(r["identity"]["sram_bytes"].get<std::int64_t>()).c_str());
    std::printf("  Flash      %s B in the ELF (estimate %s B, limit %s B)\n", withCommas(d["elf_flash_bytes"].get<std::int64_t>()).c_str(),
                withCommas(d["estimated_flash_bytes"].get<std::int64_t>()).c_str(),
                withCommas(r["identity"]["flash_bytes"].get<std::int64_t>()).c_str());
    std::printf("  latency    %.1f ms measured on the board (estimate %.1f ms)\n", d["measured_latency_ms"].get<double>(),
                d["estimated_latency_ms"].get<double>());
    for (const auto& [name, b] : r["baselines"].items()) {
        if (!b.contains("int8-reference")) {
            std::printf("  %-10s %s\n", name.c_str(), b.value("how", "").c_str());
            continue;
        }
        std::printf("  %-10s int8 %.1f%% (searched %+.1f points): %s, %s MACs, %s B SRAM\n", name.c_str(),
                    100 * b["int8-reference"]["accuracy"].get<double>(), r["margins_points"].value(name, 0.0),
                    b["how"].get<std::string>().c_str(), withCommas(b["macs"].get<std::int64_t>()).c_str(),
                    withCommas(b["peak_sram_bytes"].get<std::int64_t>()).c_str());
    }
    std::printf("  steps      ");
    for (const auto& [step, seconds] : r["step_seconds"].items()) std::printf("%s %.0f s  ", step.c_str(), seconds.get<double>());
    std::printf("\n");
}

int tinynasCommand(const TinynasOptions& o) {
    if (!o.data || !o.board || !o.out || o.out->empty()) throw Error("needs --data DIR|fashion-mnist, --board ID and --out DIR");
    if (o.channels == 2) throw Error("--channels: 2 is not supported (1 or 3)");
    Flow f;
    f.o = o;
    setUp(f);
    const Log log(o.json);
    const fs::path done = f.out / "report.json";
    if (fs::exists(done)) {  // a finished run: its report again
        const json report = json_read::parseFile(done.string());
        if (o.json) std::cout << json{{"event", "done"}, {"report", report}}.dump() << "\n";
        else printReport(report);
        return 0;
    }
    const json report = runFlow(f, log);
    atomic_file::writeText((f.out / "report.json").string(), report.dump(2) + "\n");
    if (o.json) std::cout << json{{"event", "done"}, {"report", report}}.dump() << "\n";
    else printReport(report);
    return 0;
}

}  // namespace

Runner defineTinynas(CLI::App& app) {
    auto o = std::make_shared<TinynasOptions>();
    app.add_option("--data", o->data, "fashion-mnist, or a folder with one subfolder per class")->type_name("DIR");
    app.add_option("--board", o->board, "the board to design for, deploy to and profile on")->type_name("ID");
    addNumber(app, "--sram", o->sramKb, 1.0, defaults::kMaxSramKb, "peak SRAM limit in kB", "the board's");
    addNumber(app, "--flash", o->flashKb, 1.0, defaults::kMaxFlashKb, "Flash limit in kB", "the board's");
    addNumber(app, "--latency-ms", o->latencyMs, 0.0, 1e6, "latency limit (the board's latency model)", "0: none");
    app.add_option("--budget", o->budget, "quick (a smoke run), default (under an hour on 2 cores) or thorough")
        ->check(oneOf({"quick", "default", "thorough"}))
        ->type_name("NAME");
    app.add_option("--space", o->space, "the search space: mcunet-mix (MCUNet's choices and a feature mix), mcunet or mbv2")
        ->check(oneOf({"mcunet", "mcunet-mix", "mbv2"}))
        ->type_name("NAME")
        ->default_str("mcunet-mix");
    addNumber<std::int64_t>(app, "--seed", o->seed, 0, INT64_MAX, "seed of every step");
    addNumber(app, "--threads", o->threads, 1, 256, "threads", "every core");
    addNumber(app, "--channels", o->channels, 1, 3, "input channels (1 gray, 3 RGB)", "1 for fashion-mnist, else 3");
    app.add_option("--out", o->out, "the run's folder: every step's output; the same command continues it")->type_name("DIR");
    addForceFlag(app, o->force);
    addJsonFlag(app, o->json)->description("progress as JSON lines (docs/search.md)");
    return [o] { return tinynasCommand(*o); };
}

}  // namespace mcunet::cli
