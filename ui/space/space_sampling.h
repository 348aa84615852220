#pragma once
// Sampled networks of one (R, W) space with their full figures, and the
// non-dominated (Pareto) front: the scatter of the Search space step. Plain
// C++; runs on a worker thread.
#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "arch/architecture.h"
#include "board/board.h"
#include "space/optimizer.h"
#include "space/search_space.h"

namespace mcunet::ui {

struct SampledNetwork {
    arch::Architecture architecture;
    std::int64_t macs = 0;
    std::int64_t params = 0;
    std::int64_t flashBytes = 0;
    std::int64_t peakSramBytes = 0;  // planner ours, as the Design view shows it
    double latencyMs = 0;
    bool fits = false;
};

// `count` architectures drawn from the space at (resolution, width) with `seed`;
// stops early (returning what it has) when `cancel` becomes true.
std::vector<SampledNetwork> sampleNetworks(const space::SearchSpace& s, int resolution, double width, int count,
                                           std::uint64_t seed, const board::Board& b, const space::Constraints& c,
                                           const std::atomic<bool>* cancel = nullptr,
                                           const std::function<void(int, int)>& progress = {});

// Indices of the points no other point beats on both axes: lower or equal
// `cost` with higher or equal `benefit`, strictly better on one. Sorted by cost.
std::vector<int> paretoFront(const std::vector<double>& cost, const std::vector<double>& benefit);

}  // namespace mcunet::ui
