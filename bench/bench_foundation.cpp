// Foundation benchmark: architectures evaluated per second (sample + graph +
// cost + planner `ours`) on one core and on all cores, the full default
// stage-1 run, and the three planners' arenas for the presets. Prints a
// Markdown report (bench/RESULTS.md keeps the recorded one). Every ratio is
// against a baseline measured in the same run.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "arch/presets.h"
#include "board/board.h"
#include "cost/cost.h"
#include "graph/build.h"
#include "memory/plan.h"
#include "space/optimizer.h"

using namespace mcunet;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

// Architectures per second on `threads` threads, drawn across the default grid.
double rate(int threads, int perThread, bool fullPlan, const board::Board& b) {
    const space::Grid grid = space::defaultGrid();
    const space::SearchSpace s = space::mcunetSpace();
    const space::Constraints limits{b.sramBytes, b.flashBytes};
    std::atomic<std::int64_t> sink{0};
    const auto start = Clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            std::mt19937_64 rng(100 + t);
            std::int64_t local = 0;
            for (int i = 0; i < perThread; ++i) {
                const int r = grid.resolutions[rng() % grid.resolutions.size()];
                const double w = grid.widths[rng() % grid.widths.size()];
                const arch::Architecture a = space::sample(s, r, w, rng);
                if (fullPlan) {
                    const graph::Graph g = graph::buildGraph(a);
                    const cost::ModelCost c = cost::estimate(g, b);
                    local += c.macs + memory::plan(g, memory::Planner::Ours).arenaBytes;
                } else {
                    local += space::fits(a, b, limits) ? 1 : 0;
                }
            }
            sink += local;
        });
    for (auto& th : pool) th.join();
    return double(threads) * perThread / seconds(start);
}

double stageOne(int threads, const board::Board& b, space::OptimizerResult* out = nullptr) {
    space::OptimizerOptions o;
    o.threads = threads;
    const auto start = Clock::now();
    space::OptimizerResult r = space::optimize(space::mcunetSpace(), b, {b.sramBytes, b.flashBytes}, o);
    const double s = seconds(start);
    if (out) *out = std::move(r);
    return s;
}

void planners(const std::string& label, const graph::Graph& g) {
    const auto tflm = memory::arenaBytes(g, memory::Planner::TFLiteMicro);
    const auto te = memory::arenaBytes(g, memory::Planner::TinyEngine);
    const auto ours = memory::plan(g, memory::Planner::Ours);
    std::printf("| %s | %.1fM | %lld | %lld | %lld | %lld | %.2fx | %.2fx |\n", label.c_str(),
                double(cost::totalMacs(g)) / 1e6, (long long)tflm, (long long)te, (long long)ours.arenaBytes,
                (long long)ours.lowerBound, double(tflm) / double(ours.arenaBytes),
                double(te) / double(ours.arenaBytes));
}

}  // namespace

int main() {
    const board::Catalog catalog = board::Catalog::builtIn();
    const board::Board& b = catalog.byId("stm32f746g-disco");
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

    std::printf("## Architectures evaluated per second (stm32f746g-disco, default grid)\n\n");
    std::printf("| path | 1 thread | %d threads | speed-up |\n|---|---|---|---|\n", cores);
    rate(1, 200, true, b);  // warm up
    const double full1 = rate(1, 4000, true, b), fullN = rate(cores, 4000, true, b);
    std::printf("| sample + graph + cost + full `ours` plan (placements, timeline) | %.0f/s | %.0f/s | %.2fx |\n",
                full1, fullN, fullN / full1);
    const double fit1 = rate(1, 20000, false, b), fitN = rate(cores, 20000, false, b);
    std::printf("| stage-1 fit check (sample + graph + MACs + Flash + `ours` arena vs limit) | %.0f/s | %.0f/s | %.2fx |\n\n",
                fit1, fitN, fitN / fit1);

    std::printf("## Full default stage 1 (12 x 9 spaces x 1000 samples = 108,000 architectures)\n\n");
    space::OptimizerResult result;
    const double one = stageOne(1, b);
    const double all = stageOne(cores, b, &result);
    std::printf("| threads | wall time | vs target 2 s |\n|---|---|---|\n");
    std::printf("| 1 | %.2f s | %.2fx |\n| %d | %.2f s | %.2fx |\n\n", one, 2.0 / one, cores, all, 2.0 / all);
    const auto& chosen = result.spaces[static_cast<std::size_t>(result.chosen)];
    std::printf("Chosen space: R %d, W %.2f (mean %.1fM MACs, %.0f%% of samples fit).\n\n", chosen.resolution,
                chosen.width, chosen.meanMacs / 1e6, 100 * chosen.satisfyingShare);

    std::printf("## Peak SRAM (arena bytes) by planner\n\n");
    std::printf("| network | MACs | tflm | tinyengine | ours | live-bytes bound | tflm / ours | tinyengine / ours |\n");
    std::printf("|---|---|---|---|---|---|---|---|\n");
    for (const char* name : {"mcunet-vww1", "mcunet-in3", "mbv2-w0.35-r144", "proxyless-w0.3-r176", "mbv2-w1.0-r224"})
        planners(name, graph::buildGraph(arch::preset(name)));
    planners("chosen space's largest satisfying net", graph::buildGraph(*chosen.largestSatisfying));
    return 0;
}
