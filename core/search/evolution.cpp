#include "search/evolution.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <sstream>

#include "arch/architecture_json.h"
#include "common/atomic_file.h"
#include "common/error.h"
#include "common/json_read.h"
#include "cost/cost.h"
#include "graph/build.h"
#include "memory/plan.h"

namespace mcunet::search {

using nlohmann::json;

namespace {

constexpr int kStateVersion = 1;

int maxDepth(const space::SearchSpace& s, std::size_t stage) {
    return *std::max_element(s.depthChoices[stage].begin(), s.depthChoices[stage].end());
}

std::size_t slotCount(const space::SearchSpace& s) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.depthChoices.size(); ++i) n += static_cast<std::size_t>(maxDepth(s, i));
    return n;
}

// Uniform in [0, 1) from 53 random bits: the same on every standard library.
double uniform(std::mt19937_64& rng) { return double(rng() >> 11) * 0x1.0p-53; }

int pick(const std::vector<int>& choices, std::mt19937_64& rng) {
    return choices[static_cast<std::size_t>(rng() % choices.size())];
}

Genome randomGenome(const space::SearchSpace& s, std::mt19937_64& rng) {
    Genome g;
    for (const auto& depths : s.depthChoices) g.depths.push_back(pick(depths, rng));
    g.blockGenes.resize(slotCount(s));
    for (arch::Block& b : g.blockGenes) {
        b.kernel = pick(s.kernelChoices, rng);
        b.expand = pick(s.expandChoices, rng);
    }
    return g;
}

Genome mutate(const space::SearchSpace& s, Genome g, double p, std::mt19937_64& rng) {
    for (std::size_t i = 0; i < g.depths.size(); ++i)
        if (uniform(rng) < p) g.depths[i] = pick(s.depthChoices[i], rng);
    for (arch::Block& b : g.blockGenes) {
        if (uniform(rng) < p) b.kernel = pick(s.kernelChoices, rng);
        if (uniform(rng) < p) b.expand = pick(s.expandChoices, rng);
    }
    return g;
}

Genome crossover(const Genome& a, const Genome& b, std::mt19937_64& rng) {
    Genome c = a;
    for (std::size_t i = 0; i < c.depths.size(); ++i)
        if (rng() & 1) c.depths[i] = b.depths[i];
    for (std::size_t i = 0; i < c.blockGenes.size(); ++i) {
        if (rng() & 1) c.blockGenes[i].kernel = b.blockGenes[i].kernel;
        if (rng() & 1) c.blockGenes[i].expand = b.blockGenes[i].expand;
    }
    return c;
}

json genomeJson(const Genome& g) {
    json slots = json::array();
    for (const arch::Block& b : g.blockGenes) slots.push_back({b.kernel, b.expand});
    return {{"depths", g.depths}, {"slots", slots}};
}

// A genome read back from a state file: every gene one of the space's choices.
Genome genomeFromJson(const json& j, const space::SearchSpace& s, const std::string& path) {
    Genome g;
    const json& depths = json_read::array(j, "depths", path);
    const json& slots = json_read::array(j, "slots", path);
    if (depths.size() != s.depthChoices.size() || slots.size() != slotCount(s))
        throw Error(path + ": not a genome of space " + s.name);
    auto member = [&](const json& v, const std::vector<int>& choices, const std::string& where) {
        if (!v.is_number_integer() || std::find(choices.begin(), choices.end(), v.get<int>()) == choices.end())
            throw Error(where + ": " + v.dump().substr(0, 20) + " is not a choice of the space");
        return v.get<int>();
    };
    for (std::size_t i = 0; i < depths.size(); ++i)
        g.depths.push_back(member(depths[i], s.depthChoices[i], json_read::index(path + ".depths", i)));
    for (std::size_t i = 0; i < slots.size(); ++i) {
        const std::string where = json_read::index(path + ".slots", i);
        if (!slots[i].is_array() || slots[i].size() != 2) throw Error(where + ": expected [kernel, expand]");
        g.blockGenes.push_back({member(slots[i][0], s.kernelChoices, where), member(slots[i][1], s.expandChoices, where)});
    }
    return g;
}

// Best first: accuracy, then fewer MACs, then the key (a total order, so the
// run does not depend on the sort's stability).
bool better(const Candidate& a, const Candidate& b) {
    if (a.accuracy != b.accuracy) return a.accuracy > b.accuracy;
    if (a.costs.macs != b.costs.macs) return a.costs.macs < b.costs.macs;
    return a.key < b.key;
}

double axisValue(const Candidate& c, const std::string& axis) {
    if (axis == "latency_ms") return c.costs.latencyMs;
    if (axis == "peak_sram_bytes") return double(c.costs.peakSramBytes);
    if (axis == "flash_bytes") return double(c.costs.flashBytes);
    if (axis == "macs") return double(c.costs.macs);
    throw Error("front: unknown axis \"" + axis + "\" (latency_ms, peak_sram_bytes, flash_bytes, macs)");
}

void checkSettings(const Settings& s, const Limits& l) {
    auto range = [](const std::string& name, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi))
            throw Error(name + ": " + std::to_string(v) + " is out of range (" + std::to_string(lo) + " to " +
                        std::to_string(hi) + ")");
    };
    range("population", s.population, 2, 100000);
    range("generations", s.generations, 0, 100000);
    range("parent share", s.parentShare, 0.01, 1);
    range("mutation share", s.mutationShare, 0, 1);
    range("mutation probability", s.mutationProbability, 0, 1);
    range("tries per child", s.triesPerChild, 1, 1000000);
    if (l.sramBytes <= 0) throw Error("--sram: the SRAM limit must be positive");
    if (l.flashBytes <= 0) throw Error("--flash: the Flash limit must be positive");
    if (!(l.latencyMs >= 0) || !std::isfinite(l.latencyMs)) throw Error("--latency-ms: must be 0 (none) or positive");
}

// Why no network of the space fits: the limit even its smallest member exceeds.
[[noreturn]] void nothingFits(const Problem& p) {
    const arch::Architecture smallest = space::smallest(p.space, p.resolution, p.width);
    const Costs c = costsOf(smallest, p.board);
    auto kb = [](std::int64_t b) { return std::to_string((b + 1023) / 1024) + " kB"; };
    if (c.peakSramBytes > p.limits.sramBytes)
        throw Error("--sram: " + kb(p.limits.sramBytes) + " is below the " + kb(c.peakSramBytes) +
                    " of peak SRAM the smallest network of the space needs at " + std::to_string(p.resolution) + "x" +
                    std::to_string(p.resolution) + ", width " + std::to_string(p.width).substr(0, 4));
    if (c.flashBytes > p.limits.flashBytes)
        throw Error("--flash: " + kb(p.limits.flashBytes) + " is below the " + kb(c.flashBytes) +
                    " of Flash the smallest network of the space needs");
    if (p.limits.latencyMs > 0 && c.latencyMs > p.limits.latencyMs)
        throw Error("--latency-ms: " + std::to_string(p.limits.latencyMs) + " ms is below the " +
                    std::to_string(c.latencyMs) + " ms the smallest network of the space needs on " + p.board.id);
    throw Error("no network of the space was found within the limits (" + kb(p.limits.sramBytes) + " SRAM, " +
                kb(p.limits.flashBytes) + " Flash): raise them or draw more tries");
}

class Run {
public:
    Run(const Problem& p, const Settings& s, const Evaluator& e, const Hooks& h)
        : p_(p), s_(s), evaluate_(e), hooks_(h), rng_(s.seed) {}

    Result go(bool resume) {
        if (resume) load();
        else start();
        while (generation_ < s_.generations) {
            if (hooks_.stopRequested ? hooks_.stopRequested() : hooks_.cancel && hooks_.cancel->load()) {
                result_.cancelled = true;
                break;
            }
            nextGeneration();
            ++generation_;
            finishGeneration();
        }
        result_.generationsDone = generation_;
        return result_;
    }

private:
    // A feasible genome's candidate (cached), or nullptr when over a limit.
    const Candidate* consider(const Genome& g) {
        const arch::Architecture a = toArchitecture(p_, g);
        const std::string key = keyOf(a);
        if (const auto it = index_.find(key); it != index_.end()) return &result_.evaluated[it->second];
        if (const auto it = pending_.find(key); it != pending_.end()) return &it->second;
        if (infeasible_.count(key)) return nullptr;
        const std::optional<Costs> costs = feasibleCosts(a, p_.board, p_.limits);
        if (!costs) {
            infeasible_.insert({key, true});
            return nullptr;
        }
        Candidate c;
        c.architecture = a;
        c.key = key;
        c.costs = *costs;
        c.generation = generation_;
        genomes_.emplace(key, g);
        pendingOrder_.push_back(key);
        return &pending_.emplace(key, std::move(c)).first->second;
    }

    // Evaluates the pending candidates (one evaluator call) and records them.
    void evaluatePending() {
        if (pendingOrder_.empty()) return;
        std::vector<arch::Architecture> batch;
        for (const std::string& k : pendingOrder_) batch.push_back(pending_.at(k).architecture);
        const std::vector<double> acc = evaluate_(batch);
        if (acc.size() != batch.size()) throw Error("search: the evaluator returned " + std::to_string(acc.size()) +
                                                    " accuracies for " + std::to_string(batch.size()) + " networks");
        for (std::size_t i = 0; i < batch.size(); ++i) {
            if (!(acc[i] >= 0 && acc[i] <= 1)) throw Error("search: the evaluator returned an accuracy outside [0, 1]");
            Candidate c = std::move(pending_.at(pendingOrder_[i]));
            c.accuracy = acc[i];
            index_[c.key] = result_.evaluated.size();
            result_.evaluated.push_back(std::move(c));
        }
        pending_.clear();
        pendingOrder_.clear();
    }

    void start() {
        // The initial population: random feasible networks.
        const std::int64_t tries = std::int64_t(s_.population) * s_.triesPerChild;
        for (std::int64_t t = 0; t < tries && int(population_.size()) < s_.population; ++t) {
            Genome g = randomGenome(p_.space, rng_);
            if (consider(g)) population_.push_back(std::move(g));
        }
        if (population_.empty()) nothingFits(p_);
        evaluatePending();
        finishGeneration();
    }

    const Candidate& candidateOf(const Genome& g) const {
        return result_.evaluated[index_.at(keyOf(toArchitecture(p_, g)))];
    }

    void nextGeneration() {
        std::vector<Genome> ranked = population_;
        std::stable_sort(ranked.begin(), ranked.end(),
                         [&](const Genome& a, const Genome& b) { return better(candidateOf(a), candidateOf(b)); });
        const int parents = std::max(1, int(std::lround(s_.parentShare * s_.population)));
        ranked.resize(std::min<std::size_t>(ranked.size(), std::size_t(parents)));
        std::vector<Genome> next = ranked;
        const int mutations = int(std::lround(s_.mutationShare * s_.population));
        const auto n = static_cast<unsigned>(ranked.size());
        while (int(next.size()) < s_.population) {
            const bool mutation = int(next.size()) - int(ranked.size()) < mutations;
            bool added = false;
            for (int t = 0; t < s_.triesPerChild && !added; ++t) {
                // Draws in a fixed order (argument evaluation order is unspecified).
                const Genome& a = ranked[rng_() % n];
                Genome child = a;
                if (mutation) {
                    child = mutate(p_.space, a, s_.mutationProbability, rng_);
                } else {
                    const Genome& b = ranked[rng_() % n];
                    child = crossover(a, b, rng_);
                }
                if (consider(child)) {
                    next.push_back(std::move(child));
                    added = true;
                }
            }
            // No try made a feasible child: the slot goes to a parent (never an infeasible network).
            if (!added) next.push_back(ranked[rng_() % n]);
        }
        population_ = std::move(next);
        evaluatePending();
    }

    void finishGeneration() {
        result_.best = *std::min_element(result_.evaluated.begin(), result_.evaluated.end(), better);
        if (!hooks_.statePath.empty() && hooks_.writeState) atomic_file::writeText(hooks_.statePath, state().dump() + "\n");
        if (hooks_.onGeneration) {
            Progress pr;
            pr.generation = generation_;
            pr.generations = s_.generations;
            pr.evaluated = int(result_.evaluated.size());
            pr.bestAccuracy = result_.best.accuracy;
            pr.best = result_.best;
            pr.newlyEvaluated.assign(result_.evaluated.begin() + std::ptrdiff_t(reported_), result_.evaluated.end());
            reported_ = result_.evaluated.size();
            hooks_.onGeneration(pr);
        }
    }

    json identity() const {
        return {{"space", p_.space.name}, {"resolution", p_.resolution}, {"width", p_.width}, {"board", p_.board.id},
                {"limits", toJson(p_.limits)}, {"settings", toJson(s_)}};
    }

    json state() const {
        std::ostringstream rng;
        rng << rng_;
        json population = json::array();
        for (const Genome& g : population_) population.push_back(genomeJson(g));
        json evaluated = json::array();
        for (const Candidate& c : result_.evaluated)
            evaluated.push_back({{"genome", genomeJson(genomes_.at(c.key))},
                                 {"accuracy", c.accuracy},
                                 {"generation", c.generation}});
        return {{"format", "mcunet-search-state"}, {"version", kStateVersion}, {"identity", identity()},
                {"generation", generation_}, {"rng", rng.str()}, {"population", population},
                {"evaluated", evaluated}};
    }

    void load() {
        const std::string& path = hooks_.statePath;
        if (path.empty()) throw Error("search: resume needs a state file");
        const json st = json_read::parseFile(path);
        try {
            if (json_read::string(st, "format", "") != "mcunet-search-state")
                throw Error("format: not mcunet-search-state");
            if (json_read::integer(st, "version", "") != kStateVersion) throw Error("version: not supported");
            if (st.at("identity") != identity())
                throw Error("written for another search (space, resolution, width, board, limits or settings differ)");
            generation_ = static_cast<int>(json_read::integerIn(st, "generation", "", 0, s_.generations));
            std::istringstream rng(json_read::string(st, "rng", ""));
            rng >> rng_;
            if (!rng) throw Error("rng: unreadable");
            const json& evaluated = json_read::array(st, "evaluated", "");
            for (std::size_t i = 0; i < evaluated.size(); ++i) {
                const std::string where = json_read::index("evaluated", i);
                const Genome g = genomeFromJson(json_read::object(evaluated[i], "genome", where), p_.space, where + ".genome");
                Candidate c;
                c.architecture = toArchitecture(p_, g);
                c.key = keyOf(c.architecture);
                const std::optional<Costs> costs = feasibleCosts(c.architecture, p_.board, p_.limits);
                if (!costs || index_.count(c.key)) throw Error(where + ": not a network of this search");
                c.costs = *costs;
                c.accuracy = json_read::number(evaluated[i], "accuracy", where);
                if (!(c.accuracy >= 0 && c.accuracy <= 1)) throw Error(where + ".accuracy: outside [0, 1]");
                c.generation = static_cast<int>(json_read::integerIn(evaluated[i], "generation", where, 0, generation_));
                genomes_[c.key] = g;
                index_[c.key] = result_.evaluated.size();
                result_.evaluated.push_back(std::move(c));
            }
            const json& population = json_read::array(st, "population", "");
            for (std::size_t i = 0; i < population.size(); ++i) {
                const std::string where = json_read::index("population", i);
                Genome g = genomeFromJson(population[i], p_.space, where);
                if (!index_.count(keyOf(toArchitecture(p_, g)))) throw Error(where + ": not evaluated");
                population_.push_back(std::move(g));
            }
            if (population_.empty() || result_.evaluated.empty()) throw Error("population: empty");
        } catch (const Error& e) {
            throw Error(path + ": " + e.what());
        } catch (const json::exception& e) {
            throw Error(path + ": " + e.what());
        }
        result_.best = *std::min_element(result_.evaluated.begin(), result_.evaluated.end(), better);
    }

    const Problem& p_;
    const Settings& s_;
    const Evaluator& evaluate_;
    const Hooks& hooks_;
    std::mt19937_64 rng_;
    int generation_ = 0;
    std::size_t reported_ = 0;  // result_.evaluated[0, reported_) went out in a Progress
    std::vector<Genome> population_;
    Result result_;
    std::map<std::string, std::size_t> index_;       // key -> result_.evaluated
    std::map<std::string, Candidate> pending_;       // feasible, not yet evaluated
    std::vector<std::string> pendingOrder_;
    std::map<std::string, bool> infeasible_;
    std::map<std::string, Genome> genomes_;          // key -> the genome that first made it (the state file's)
};

}  // namespace

arch::Architecture toArchitecture(const Problem& p, const Genome& g) {
    arch::Architecture a = space::largest(p.space, p.resolution, p.width);
    std::size_t slot = 0;
    for (std::size_t i = 0; i < a.stages.size(); ++i) {
        const int depth = g.depths[i];
        a.stages[i].blocks.assign(g.blockGenes.begin() + static_cast<std::ptrdiff_t>(slot),
                                  g.blockGenes.begin() + static_cast<std::ptrdiff_t>(slot) + depth);
        slot += static_cast<std::size_t>(maxDepth(p.space, i));
    }
    a.name = p.space.name + "-r" + std::to_string(p.resolution) + "-searched";
    return a;
}

std::string keyOf(const arch::Architecture& a) {
    std::string key = "d";
    for (std::size_t i = 0; i < a.stages.size(); ++i) key += (i ? "." : "") + std::to_string(a.stages[i].blocks.size());
    key += "|";
    for (const arch::Stage& st : a.stages)
        for (const arch::Block& b : st.blocks) key += "k" + std::to_string(b.kernel) + "e" + std::to_string(b.expand) + " ";
    if (!key.empty() && key.back() == ' ') key.pop_back();
    return key;
}

Costs costsOf(const arch::Architecture& a, const board::Board& b) {
    const graph::Graph g = graph::buildGraph(a);
    const cost::ModelCost c = cost::estimate(g, b);
    Costs out;
    out.macs = c.macs;
    out.params = c.params;
    out.flashBytes = c.flashBytes;
    out.latencyMs = c.latencyMs;
    out.peakSramBytes = memory::arenaBytes(g, memory::Planner::Ours);
    return out;
}

std::optional<Costs> feasibleCosts(const arch::Architecture& a, const board::Board& b, const Limits& limits) {
    const graph::Graph g = graph::buildGraph(a);
    // Cheapest checks first: Flash and latency from the cost model, then the
    // arena (planner `ours`, stopped as soon as the limit is beaten or missed).
    const cost::ModelCost c = cost::estimate(g, b);
    if (c.flashBytes > limits.flashBytes) return std::nullopt;
    if (limits.latencyMs > 0 && c.latencyMs > limits.latencyMs) return std::nullopt;
    if (memory::arenaBytes(g, memory::Planner::Ours, limits.sramBytes) > limits.sramBytes) return std::nullopt;
    Costs out;
    out.macs = c.macs;
    out.params = c.params;
    out.flashBytes = c.flashBytes;
    out.latencyMs = c.latencyMs;
    out.peakSramBytes = memory::arenaBytes(g, memory::Planner::Ours);  // the exact arena, as codegen plans it
    return out;
}

std::vector<int> paretoFront(const std::vector<Candidate>& candidates, const std::string& axis) {
    std::vector<int> order(candidates.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = int(i);
    for (const Candidate& c : candidates) axisValue(c, axis);  // refuses an unknown axis even when empty
    std::sort(order.begin(), order.end(), [&](int x, int y) {
        const Candidate& a = candidates[std::size_t(x)];
        const Candidate& b = candidates[std::size_t(y)];
        const double ca = axisValue(a, axis), cb = axisValue(b, axis);
        if (ca != cb) return ca < cb;
        return better(a, b);
    });
    std::vector<int> front;
    double best = -1;
    for (int i : order)
        if (candidates[std::size_t(i)].accuracy > best) {
            front.push_back(i);
            best = candidates[std::size_t(i)].accuracy;
        }
    return front;
}

std::vector<int> Result::front(const std::string& axis) const { return paretoFront(evaluated, axis); }

Result run(const Problem& problem, const Settings& settings, const Evaluator& evaluate, const Hooks& hooks, bool resume) {
    checkSettings(settings, problem.limits);
    if (problem.resolution < 8 || problem.resolution > 1024) throw Error("resolution: out of range (8 to 1024)");
    if (!(problem.width > 0 && problem.width <= 4)) throw Error("width: out of range (0 to 4)");
    Run r(problem, settings, evaluate, hooks);
    return r.go(resume);
}

std::vector<int> rerankPool(const std::vector<Candidate>& evaluated, int k) {
    const auto byAccuracy = [&](int a, int b) { return better(evaluated[std::size_t(a)], evaluated[std::size_t(b)]); };
    std::vector<int> order(evaluated.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = int(i);
    std::sort(order.begin(), order.end(), byAccuracy);
    // The depth configuration: the key up to its '|' ("d4.4.4.3.2.1").
    const auto depths = [&](int i) {
        const std::string& key = evaluated[std::size_t(i)].key;
        return key.substr(0, key.find('|'));
    };
    std::vector<int> pool, others;
    std::vector<std::string> seen;
    for (int i : order) {
        const std::string d = depths(i);
        if (int(pool.size()) < k && std::find(seen.begin(), seen.end(), d) == seen.end()) {
            seen.push_back(d);
            pool.push_back(i);
        } else {
            others.push_back(i);
        }
    }
    for (int i : others) {
        if (int(pool.size()) >= k) break;
        pool.push_back(i);
    }
    return pool;
}

Rerank rerank(Result& r, int k, int steps, const Evaluator& finetuned) {
    if (k < 1) throw Error("rerank: at least one network");
    Rerank out;
    out.steps = steps;
    out.pool = rerankPool(r.evaluated, k);
    if (out.pool.empty()) return out;
    std::vector<arch::Architecture> archs;
    for (int i : out.pool) archs.push_back(r.evaluated[std::size_t(i)].architecture);
    out.accuracy = finetuned(archs);
    if (out.accuracy.size() != out.pool.size()) throw Error("rerank: " + std::to_string(out.accuracy.size()) +
                                                            " accuracies for " + std::to_string(out.pool.size()) + " networks");
    std::size_t best = 0;  // the pool is in the supernet's order: a tie keeps the earlier
    for (std::size_t i = 1; i < out.pool.size(); ++i)
        if (out.accuracy[i] > out.accuracy[best]) best = i;
    out.chosen = out.pool[best];
    r.best = r.evaluated[std::size_t(out.chosen)];
    return out;
}

json toJson(const Limits& l) {
    return {{"sram_bytes", l.sramBytes}, {"flash_bytes", l.flashBytes}, {"latency_ms", l.latencyMs}};
}

json toJson(const Settings& s) {
    return {{"population", s.population}, {"generations", s.generations}, {"parent_share", s.parentShare},
            {"mutation_share", s.mutationShare}, {"mutation_probability", s.mutationProbability},
            {"seed", s.seed}, {"tries_per_child", s.triesPerChild}};
}

json toJson(const Candidate& c) {
    return {{"key", c.key},
            {"architecture", arch::toJson(c.architecture)},
            {"accuracy", c.accuracy},
            {"generation", c.generation},
            {"macs", c.costs.macs},
            {"params", c.costs.params},
            {"peak_sram_bytes", c.costs.peakSramBytes},
            {"flash_bytes", c.costs.flashBytes},
            {"latency_ms", c.costs.latencyMs}};
}

json resultJson(const Problem& problem, const Settings& settings, const Result& r, const Rerank* rerank) {
    json evaluated = json::array();
    int best = -1;
    for (std::size_t i = 0; i < r.evaluated.size(); ++i) {
        evaluated.push_back(toJson(r.evaluated[i]));
        if (r.evaluated[i].key == r.best.key) best = int(i);
    }
    json fronts = json::object();
    for (const char* axis : kAxes) fronts[axis] = r.front(axis);
    json reranked = nullptr;
    if (rerank && rerank->chosen >= 0) {
        json pool = json::array();
        for (std::size_t i = 0; i < rerank->pool.size(); ++i)
            pool.push_back({{"index", rerank->pool[i]}, {"accuracy", rerank->accuracy[i]}});
        reranked = {{"steps", rerank->steps}, {"pool", pool}, {"chosen", rerank->chosen}};
    }
    return {{"format", "mcunet-search"},
            {"version", 2},
            {"space", problem.space.name},
            {"resolution", problem.resolution},
            {"width", problem.width},
            {"board", problem.board.id},
            {"limits", toJson(problem.limits)},
            {"settings", toJson(settings)},
            {"generations_done", r.generationsDone},
            {"cancelled", r.cancelled},
            {"evaluated", evaluated},
            {"best", best},
            {"rerank", reranked},
            {"fronts", fronts}};
}

}  // namespace mcunet::search
