#include "space/space_sampling.h"

#include <algorithm>
#include <numeric>
#include <random>

#include "cost/cost.h"
#include "graph/build.h"
#include "memory/plan.h"

namespace mcunet::ui {

std::vector<SampledNetwork> sampleNetworks(const space::SearchSpace& s, int resolution, double width, int count,
                                           std::uint64_t seed, const board::Board& b, const space::Constraints& c,
                                           const std::atomic<bool>* cancel,
                                           const std::function<void(int, int)>& progress) {
    std::vector<SampledNetwork> out;
    out.reserve(static_cast<std::size_t>(std::max(count, 0)));
    std::mt19937_64 rng(seed * 0x9e3779b97f4a7c15ULL + std::uint64_t(resolution) * 1000 + std::uint64_t(width * 1000));
    for (int i = 0; i < count; ++i) {
        if (cancel && cancel->load()) break;
        SampledNetwork n;
        n.architecture = space::sample(s, resolution, width, rng);
        n.architecture.name = "sample-r" + std::to_string(resolution) + "-w" +
                              std::to_string(int(width * 100 + 0.5)) + "-" + std::to_string(i + 1);
        const graph::Graph g = graph::buildGraph(n.architecture);
        const cost::ModelCost mc = cost::estimate(g, b);
        n.macs = mc.macs;
        n.params = mc.params;
        n.flashBytes = mc.flashBytes;
        n.latencyMs = mc.latencyMs;
        n.peakSramBytes = memory::arenaBytes(g, memory::Planner::Ours);
        n.fits = n.peakSramBytes <= c.sramBytes && n.flashBytes <= c.flashBytes;
        out.push_back(std::move(n));
        if (progress && (i % 16 == 15 || i + 1 == count)) progress(i + 1, count);
    }
    return out;
}

std::vector<int> paretoFront(const std::vector<double>& cost, const std::vector<double>& benefit) {
    std::vector<int> order(cost.size());
    std::iota(order.begin(), order.end(), 0);
    // Cheapest first; among equal cost, the best benefit first.
    std::sort(order.begin(), order.end(), [&](int a, int b) {
        const auto ua = static_cast<std::size_t>(a), ub = static_cast<std::size_t>(b);
        if (cost[ua] != cost[ub]) return cost[ua] < cost[ub];
        return benefit[ua] > benefit[ub];
    });
    std::vector<int> front;
    double best = -1e300;
    for (int i : order) {
        const double v = benefit[static_cast<std::size_t>(i)];
        if (v > best) {
            front.push_back(i);
            best = v;
        }
    }
    return front;
}

}  // namespace mcunet::ui
