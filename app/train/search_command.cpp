// `mcunet search` (in mcunet-train, the program that loads libtorch): TinyNAS
// stage 2 in a trained supernet. The data, its split and the space come from
// the supernet's model directory; candidates are checked against the board's
// limits (core/search) before their accuracy is measured in the supernet
// (nas::SubnetAccuracy). Writes OUT/search.json (every evaluated network,
// the fronts), OUT/best.json (the chosen architecture) and keeps
// OUT/search-state.json for --resume. docs/search.md.
#include "train_command.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>

#include <CLI/CLI.hpp>

#include "arch/architecture_json.h"
#include "board/board.h"
#include "cli/options.h"
#include "cli/search_options.h"
#include "cli/train_options.h"
#include "common/atomic_file.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "common/json_read.h"
#include "common/number_text.h"
#include "common/output_dir.h"
#include "data/dataset.h"
#include "data/network_input.h"
#include "nas/training.h"
#include "quant/model_dir.h"
#include "search/evolution.h"

namespace mcunet::train {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

inline constexpr output_dir::Kind kSearchFolder{"search", "a search"};

// The data the supernet was trained on, split as it was (model.json's record).
data::DataSpec dataOf(const quant::TrainedModel& m, const std::string& modelJson) {
    const json data = m.training.is_object() && m.training.contains("data") ? m.training["data"] : json::object();
    if (!data.is_object() || !data.contains("source"))
        throw Error(modelJson + ": training.data.source: missing (train the supernet again with this version)");
    data::DataSpec spec = data::specFor(m.network, json_read::string(data, "source", "training.data"));
    spec.trainPerClass = static_cast<int>(json_read::has(data, "train_per_class")
                                              ? json_read::integerIn(data, "train_per_class", "training.data", 0, INT32_MAX)
                                              : 0);
    spec.testPerClass = 1;  // the search never looks at the test images
    spec.validationFraction = json_read::has(data, "validation_fraction")
                                  ? json_read::number(data, "validation_fraction", "training.data")
                                  : 0.1;
    if (!(spec.validationFraction >= 0.01 && spec.validationFraction <= 0.5))
        throw Error(modelJson + ": training.data.validation_fraction: out of range (0.01 to 0.5)");
    const json settings = m.training.value("settings", json::object());
    spec.seed = json_read::has(data, "seed") ? std::uint64_t(json_read::integerIn(data, "seed", "training.data", 0, INT64_MAX))
                : settings.is_object() && settings.contains("seed") && settings["seed"].is_number_unsigned()
                    ? settings["seed"].get<std::uint64_t>()
                    : defaults::kSeed;
    return spec;
}

class Output {
public:
    Output(bool json, bool silent) : json_(json), silent_(silent) {}
    void event(const json& e) const {
        if (silent_) return;
        if (json_) {
            std::cout << e.dump() << "\n" << std::flush;
            return;
        }
        const std::string kind = e.value("event", "");
        if (kind == "generation")
            std::printf("generation %d/%d: %d networks evaluated, best %.2f%% (%s MACs, %s B SRAM, %.1f ms)\n",
                        e["generation"].get<int>(), e["generations"].get<int>(), e["evaluated"].get<int>(),
                        100 * e["best_accuracy"].get<double>(), withCommas(e["best"]["macs"].get<std::int64_t>()).c_str(),
                        withCommas(e["best"]["peak_sram_bytes"].get<std::int64_t>()).c_str(),
                        e["best"]["latency_ms"].get<double>());
        else if (kind == "message")
            std::printf("%s\n", e["text"].get<std::string>().c_str());
        std::fflush(stdout);
    }

private:
    bool json_, silent_;
};

}  // namespace

// The accuracies of `batch`, each rank measuring every size-th network and
// the counts of correct images summed over the ranks (exact in floats below
// 2^24 images), so that every rank gets the same values as one process would.
std::vector<double> measure(nas::SubnetAccuracy& accuracy, const std::vector<arch::Architecture>& batch, int images,
                            nas::Collective* collective) {
    const int rank = collective ? collective->rank() : 0, size = collective ? collective->size() : 1;
    std::vector<float> correct(batch.size(), 0.0f);
    for (std::size_t i = 0; i < batch.size(); ++i)
        if (int(i % std::size_t(size)) == rank) correct[i] = float(std::llround(accuracy(batch[i]) * images));
    if (collective) collective->allReduceSum(correct.data(), correct.size());
    std::vector<double> out;
    for (float c : correct) out.push_back(double(c) / images);
    return out;
}

// The re-ranking (--rerank): each network of the pool fine-tuned for
// `steps` steps from the supernet's weights with `mcunet train`'s recipe,
// then scored on the whole validation split. Under mpirun each rank
// fine-tunes every size-th network and the counts are summed. Sets `stopped`
// when Ctrl+C ends a fine-tuning (the search is then resumable).
std::vector<double> finetunedAccuracies(const std::vector<arch::Architecture>& pool, const data::Datasets& d,
                                        const std::string& checkpoint, const nas::TrainSettings& recipe,
                                        const fs::path& work, const std::atomic<bool>& stop, bool& stopped,
                                        const Output& log, nas::Collective* collective) {
    const int rank = collective ? collective->rank() : 0, size = collective ? collective->size() : 1;
    const int images = d.validation.size();
    std::vector<float> correct(pool.size() + 1, 0.0f);  // the last: networks stopped
    fs::create_directories(work);
    for (std::size_t i = 0; i < pool.size(); ++i) {
        if (int(i % std::size_t(size)) != rank || correct.back() > 0) continue;
        const auto t0 = std::chrono::steady_clock::now();
        nas::TrainTarget target;
        target.network = graph::Network(pool[i]);
        target.initFrom = checkpoint;
        nas::TrainHooks hooks;
        hooks.stop = &stop;
        const fs::path ckpt = work / ("network-" + std::to_string(i) + "-rank-" + std::to_string(rank) + ".pt");
        const nas::TrainOutcome out = nas::train(target, recipe, d, ckpt.string(), false, hooks);
        fs::remove(ckpt);
        if (out.stopped) {
            correct.back() = 1;
            continue;
        }
        correct[i] = float(std::llround(out.validationAccuracy * images));
        log.event({{"event", "rerank"}, {"network", i + 1}, {"networks", pool.size()}, {"key", search::keyOf(pool[i])},
                   {"accuracy", out.validationAccuracy},
                   {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()}});
    }
    if (collective) collective->allReduceSum(correct.data(), correct.size());
    std::error_code ec;
    fs::remove_all(work, ec);
    stopped = correct.back() > 0;
    std::vector<double> out;
    for (std::size_t i = 0; i < pool.size(); ++i) out.push_back(double(correct[i]) / images);
    return out;
}

// The recipe of the re-ranking: `mcunet train`'s defaults with the
// supernet's batch and seed, one epoch of at most `steps` steps.
nas::TrainSettings rerankRecipe(const quant::TrainedModel& supernet, const cli::SearchOptions& o, int threads) {
    cli::TrainOptions t;
    const json settings = supernet.training.is_object() ? supernet.training.value("settings", json::object()) : json::object();
    if (settings.is_object() && settings.contains("batch") && settings["batch"].is_number_integer())
        t.batch = std::clamp(settings["batch"].get<int>(), defaults::kMinTrainBatch, defaults::kMaxTrainBatch);
    t.epochs = 1;
    t.maxSteps = o.rerankSteps;
    t.threads = threads;
    t.seed = o.seed;
    return settingsOf(t);
}

// Every rank reaches this point before any goes on (a sum of nothing).
void barrier(nas::Collective* collective) {
    float nothing = 0;
    if (collective) collective->allReduceSum(&nothing, 1);
}

int searchCommand(const std::vector<std::string>& argv, nas::Collective* collective) {
    const bool rank0 = !collective || collective->rank() == 0;
    const auto started = std::chrono::steady_clock::now();
    cli::SearchOptions o;
    CLI::App app("mcunet search: TinyNAS stage 2, evolutionary search in a trained supernet under a board's limits.",
                 "mcunet search");
    cli::configureApp(app);
    cli::defineSearchOptions(app, o);
    if (!cli::parseArguments(app, argv)) return 0;
    cli::checkSearchOptions(o);
    const board::Board b = board::Catalog::builtIn().byId(*o.board);
    search::Problem problem;
    problem.board = b;
    problem.limits.sramBytes = static_cast<std::int64_t>(o.sramKb.value_or(double(b.sramBytes) / 1024.0) * 1024.0);
    problem.limits.flashBytes = static_cast<std::int64_t>(o.flashKb.value_or(double(b.flashBytes) / 1024.0) * 1024.0);
    problem.limits.latencyMs = o.latencyMs;
    const std::string out = *o.out;
    const std::string statePath = (fs::path(out) / "search-state.json").string();
    // The folder: new, empty, ours with --force (start again) or --resume (continue).
    const output_dir::State state = output_dir::inspect(out, kSearchFolder);
    if (o.resume && state != output_dir::State::Ours)
        throw Error("--resume: " + out + " holds no search to continue");
    output_dir::check(out, state, kSearchFolder, o.force || o.resume, "--force (start again) or --resume (continue)");
    barrier(collective);  // every rank has looked at the folder before rank 0 writes into it

    const std::string modelJson = (fs::path(*o.supernet) / "model.json").string();
    const quant::TrainedModel supernetModel = quant::loadTrainedModel(*o.supernet);
    const std::string checkpoint = (fs::path(*o.supernet) / "checkpoint.pt").string();
    const data::DataSpec spec = dataOf(supernetModel, modelJson);
    const Output log(o.json && rank0, !rank0);
    log.event({{"event", "message"}, {"text", "loading " + spec.source + " (the supernet's validation split)"}});
    const data::Datasets d = data::open(spec);
    if (d.train.classes != supernetModel.classes)
        throw Error(spec.source + ": its classes differ from the supernet's (" + modelJson + ")");
    data::ImageSet validation = d.validation;
    if (o.validationImages > 0 && o.validationImages < validation.size()) {
        const int classes = static_cast<int>(validation.classes.size());
        std::vector<int> idx = data::balancedSubset(validation, (o.validationImages + classes - 1) / classes, o.seed);
        if (static_cast<int>(idx.size()) > o.validationImages) idx.resize(static_cast<std::size_t>(o.validationImages));
        validation = validation.subset(idx);
    }
    const int threads = o.threads.value_or(int(std::max(1u, std::thread::hardware_concurrency())));
    nas::SubnetAccuracy accuracy(checkpoint, d.train, validation, o.calibrationImages, threads);
    problem.space = accuracy.space();
    problem.resolution = accuracy.resolution();
    problem.width = accuracy.width();

    search::Settings settings;
    settings.population = o.population;
    settings.generations = o.generations;
    settings.seed = o.seed;
    std::atomic<bool> stop{false};
    search::Hooks hooks;
    // Ranks stop together: each asks the others between generations.
    hooks.stopRequested = [&stop, collective] {
        float v = stop ? 1.0f : 0.0f;
        if (collective) collective->allReduceSum(&v, 1);
        return v > 0;
    };
    hooks.statePath = statePath;
    hooks.writeState = rank0;
    hooks.onGeneration = [&](const search::Progress& p) {
        json fresh = json::array();
        for (const search::Candidate& c : p.newlyEvaluated) fresh.push_back(search::toJson(c));
        log.event({{"event", "generation"}, {"generation", p.generation}, {"generations", p.generations},
                   {"evaluated", p.evaluated}, {"best_accuracy", p.bestAccuracy}, {"best", search::toJson(p.best)},
                   {"new", fresh},
                   {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()}});
    };
    // The first Ctrl+C stops after the running generation (resumable).
    cleanup::setGracefulStop([&stop] {
        stop = true;
        return true;
    });
    if (rank0 && (state != output_dir::State::Ours || o.force)) output_dir::claim(out, kSearchFolder, true);
    if (rank0 && o.force) fs::remove(statePath);
    barrier(collective);
    const bool resume = o.resume && fs::exists(statePath);
    search::Result result;
    try {
        result = search::run(
            problem, settings,
            [&](const std::vector<arch::Architecture>& batch) { return measure(accuracy, batch, validation.size(), collective); },
            hooks, resume);
    } catch (...) {
        cleanup::setGracefulStop({});
        // A search that never started leaves no folder behind.
        std::error_code ec;
        if (!rank0) throw;
        if (state == output_dir::State::Missing) fs::remove_all(out, ec);
        else if (state == output_dir::State::Empty) fs::remove(fs::path(out) / output_dir::kMarkerFile, ec);
        throw;
    }
    std::optional<search::Rerank> reranked;
    if (o.rerank > 0 && !result.cancelled) {
        log.event({{"event", "message"}, {"text", "re-ranking the best " + std::to_string(o.rerank) + " by " +
                                                      std::to_string(o.rerankSteps) + " steps of fine-tuning each"}});
        bool stopped = false;
        const nas::TrainSettings recipe = rerankRecipe(supernetModel, o, threads);
        reranked = search::rerank(result, o.rerank, o.rerankSteps, [&](const std::vector<arch::Architecture>& pool) {
            return finetunedAccuracies(pool, d, checkpoint, recipe, fs::path(out) / "rerank.work", stop, stopped, log,
                                       collective);
        });
        if (stopped) {
            result.cancelled = true;  // resumable: the generations are done, the re-ranking runs again
            reranked.reset();
        }
    }
    cleanup::setGracefulStop({});
    if (!rank0) return result.cancelled ? 130 : 0;
    json doc = search::resultJson(problem, settings, result, reranked ? &*reranked : nullptr);
    doc["supernet"] = fs::absolute(*o.supernet).string();
    doc["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    atomic_file::writeText((fs::path(out) / "search.json").string(), doc.dump(2) + "\n");
    arch::Architecture best = result.best.architecture;
    best.name = problem.space.name + "-searched-" + b.id;
    arch::saveArchitecture(best, (fs::path(out) / "best.json").string());
    if (result.cancelled) {
        log.event({{"event", "stopped"}, {"text", "stopped after generation " + std::to_string(result.generationsDone) +
                                                      "; continue with the same flags and --resume"}});
        return 130;
    }
    const json bestJson = search::toJson(result.best);
    if (o.json) {
        std::cout << json{{"event", "done"}, {"out", out}, {"best", bestJson}, {"evaluated", result.evaluated.size()},
                          {"rerank", doc["rerank"]}, {"seconds", doc["seconds"]}}
                         .dump()
                  << "\n";
    } else {
        std::printf("\nbest of %zu networks: %.2f%% validation accuracy in the supernet\n  %s MACs, peak SRAM %s B (limit %s), "
                    "Flash %s B (limit %s), %.1f ms on %s\nwrote %s/search.json and %s/best.json; fine-tune it with\n"
                    "  mcunet train --arch %s/best.json --init %s --data %s --out MODEL\n",
                    result.evaluated.size(), 100 * result.best.accuracy, withCommas(result.best.costs.macs).c_str(),
                    withCommas(result.best.costs.peakSramBytes).c_str(), withCommas(problem.limits.sramBytes).c_str(),
                    withCommas(result.best.costs.flashBytes).c_str(), withCommas(problem.limits.flashBytes).c_str(),
                    result.best.costs.latencyMs, b.id.c_str(), out.c_str(), out.c_str(), out.c_str(),
                    o.supernet->c_str(), spec.source.c_str());
        if (reranked)
            std::printf("chosen among the best %zu by %.2f%% validation accuracy after %d steps of fine-tuning\n",
                        reranked->pool.size(), 100 * reranked->accuracy[std::size_t(std::find(reranked->pool.begin(), reranked->pool.end(), reranked->chosen) - reranked->pool.begin())],
                        reranked->steps);
    }
    return 0;
}

}  // namespace mcunet::train
