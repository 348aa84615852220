#pragma once
// TinyNAS stage 2: evolutionary search in a trained supernet's space (MCUNet,
// section 3.1; the evolution as Once-for-All's EvolutionFinder). Pure C++: the
// accuracy of a candidate comes from an Evaluator the caller gives (core/nas
// measures it in the supernet after BatchNorm recalibration; tests give a
// function of the architecture), so the search itself is tested without torch.
//
// Every candidate is checked against the limits (peak SRAM with planner
// `ours`, Flash, estimated latency) before its accuracy is asked for: an
// infeasible network is never evaluated, kept or returned. Accuracies are
// cached per architecture. The run is seeded and deterministic: the same
// problem, settings and evaluator give the same population, front and
// choice; a run resumed from its state file (after kill -9) equals an
// uninterrupted one. Formats: docs/search.md.
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "arch/architecture.h"
#include "board/board.h"
#include "space/search_space.h"

namespace mcunet::search {

// 0 means "no limit" for latency; SRAM and Flash limits are required.
struct Limits {
    std::int64_t sramBytes = 0;
    std::int64_t flashBytes = 0;
    double latencyMs = 0;
};

struct Problem {
    space::SearchSpace space;
    int resolution = 0;
    double width = 0;
    board::Board board;
    Limits limits;
};

struct Settings {
    int population = 100;          // Once-for-All's default
    int generations = 20;
    double parentShare = 0.25;     // the best quarter breeds
    double mutationShare = 0.5;    // of each new generation; the rest are crossovers
    double mutationProbability = 0.1;  // per gene
    std::uint64_t seed = 1;
    int triesPerChild = 200;       // feasible children looked for before giving up on one
};

// A network's figures from the cost model (what the limits are checked on).
struct Costs {
    std::int64_t macs = 0, params = 0, peakSramBytes = 0, flashBytes = 0;
    double latencyMs = 0;
};

struct Candidate {
    arch::Architecture architecture;
    std::string key;        // canonical choices, e.g. "d2.3.2.2.3.1|k3e4 k5e6 ..."
    Costs costs;
    double accuracy = -1;   // validation accuracy in [0, 1]
    int generation = 0;     // when first evaluated
};

// The genes: per stage its depth, per block slot (the stage's largest depth
// of slots) its kernel and expand ratio; a stage uses its first `depth` slots.
struct Genome {
    std::vector<int> depths;
    std::vector<arch::Block> blockGenes;  // not "slots": a Qt macro
    bool operator==(const Genome&) const = default;
};

arch::Architecture toArchitecture(const Problem& p, const Genome& g);
// The key of an architecture's choices (the cache and the result file).
std::string keyOf(const arch::Architecture& a);
// The figures the limits are checked on; nullopt when a limit is exceeded.
std::optional<Costs> feasibleCosts(const arch::Architecture& a, const board::Board& b, const Limits& limits);
Costs costsOf(const arch::Architecture& a, const board::Board& b);

// Accuracies in [0, 1] of `architectures`, in order. Called once per
// generation with that generation's new candidates.
using Evaluator = std::function<std::vector<double>(const std::vector<arch::Architecture>&)>;

struct Progress {
    int generation = 0, generations = 0;  // generation 0 is the initial population
    int evaluated = 0;                    // distinct networks so far
    double bestAccuracy = 0;
    Candidate best;
    // The networks evaluated since the last report (after a resume: every
    // network so far), in evaluation order: what a live front plots.
    std::vector<Candidate> newlyEvaluated;
};

struct Hooks {
    std::function<void(const Progress&)> onGeneration;  // after each generation
    const std::atomic<bool>* cancel = nullptr;         // checked between generations
    // Asked between generations instead of `cancel` when set (processes that
    // search together must agree: MPI ranks decide it collectively).
    std::function<bool()> stopRequested;
    std::string statePath;  // written atomically after each generation; "" = none
    bool writeState = true;  // false: statePath is only read (--resume), never written (MPI ranks but the first)
};

struct Result {
    bool cancelled = false;
    int generationsDone = 0;
    std::vector<Candidate> evaluated;  // every distinct network, in evaluation order
    Candidate best;                    // the most accurate (ties: fewest MACs, then key)
    std::vector<int> front(const std::string& axis) const;  // indices into evaluated (axis below)
};

// The non-dominated candidates for accuracy (higher is better) against one
// cost axis ("latency_ms", "peak_sram_bytes", "flash_bytes", "macs"), by
// increasing cost. Throws mcunet::Error for an unknown axis.
std::vector<int> paretoFront(const std::vector<Candidate>& candidates, const std::string& axis);
inline constexpr const char* kAxes[] = {"latency_ms", "peak_sram_bytes", "flash_bytes", "macs"};

// Runs the search; with `resume`, continues the state at hooks.statePath
// (refused if it was written for another problem or other settings).
// Throws mcunet::Error for bad settings, limits no network of the space
// meets (naming the limit), or a state file that does not match.
Result run(const Problem& problem, const Settings& settings, const Evaluator& evaluate, const Hooks& hooks,
           bool resume = false);

// The final choice by a short fine-tuning (docs/search.md, "Re-ranking"):
// after a few epochs of weight sharing the supernet's accuracies of the best
// networks lie within their own measurement noise, so the choice among them
// is made on what the flow optimizes, each network's accuracy after a short
// fine-tuning from the supernet's weights.
struct Rerank {
    int steps = 0;                  // fine-tuning steps per network
    std::vector<int> pool;          // indices into Result::evaluated, in the order measured
    std::vector<double> accuracy;   // validation accuracy after the fine-tuning, per pool entry
    int chosen = -1;                // index into Result::evaluated
};

// The networks re-ranked: the most accurate network of each depth
// configuration (the per-stage depths), the `k` most accurate of those, so
// that the pool spans different networks instead of `k` kernel variants of
// the best (an evolution converges on one depth configuration); when there
// are fewer configurations, the most accurate others. Indices into
// `evaluated`, most accurate first.
std::vector<int> rerankPool(const std::vector<Candidate>& evaluated, int k);

// Measures the pool's accuracies with `finetuned` (called once, with the
// pool's architectures in order) and chooses the most accurate; ties go to
// the network the supernet ranked higher. Sets r.best to the chosen one.
Rerank rerank(Result& r, int k, int steps, const Evaluator& finetuned);

// JSON forms (docs/search.md).
nlohmann::json toJson(const Candidate& c);
nlohmann::json toJson(const Limits& l);
nlohmann::json toJson(const Settings& s);
nlohmann::json resultJson(const Problem& problem, const Settings& settings, const Result& r,
                          const Rerank* rerank = nullptr);

}  // namespace mcunet::search
