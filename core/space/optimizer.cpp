#include "space/optimizer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <mutex>
#include <thread>

#include "common/error.h"
#include "cost/cost.h"
#include "graph/build.h"
#include "memory/plan.h"

namespace mcunet::space {

Grid defaultGrid() {
    Grid g;
    for (int r = 48; r <= 224; r += 16) g.resolutions.push_back(r);
    for (int i = 2; i <= 10; ++i) g.widths.push_back(i / 10.0);
    return g;
}

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> parts;
    std::stringstream in(s);
    std::string part;
    while (std::getline(in, part, sep)) parts.push_back(part);
    return parts;
}

double toNumber(const std::string& s, const std::string& what) {
    try {
        std::size_t used = 0;
        double v = std::stod(s, &used);
        if (used != s.size() || !std::isfinite(v)) throw std::invalid_argument(s);
        return v;
    } catch (const std::exception&) {
        throw Error("--grid: \"" + s + "\" is not a number (" + what + ")");
    }
}

std::string shortNumber(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.10g", v);
    return text;
}

// An axis value as typed, within [min, max]: the message quotes the text
// ("width 50"), never a value computed from it.
double inRange(const std::string& typed, const std::string& what, double min, double max) {
    const double v = toNumber(typed, what);
    if (v < min || v > max)
        throw Error("--grid: " + what + " " + typed + " is out of range (" + shortNumber(min) + " to " + shortNumber(max) + ")");
    return v;
}

std::vector<double> axis(const std::string& text, const std::string& what, double min, double max) {
    std::vector<double> values;
    if (text.find(':') != std::string::npos) {
        const auto p = split(text, ':');
        if (p.size() != 3) throw Error("--grid: \"" + text + "\" is not FROM:TO:STEP (" + what + ")");
        const double from = inRange(p[0], what, min, max), to = inRange(p[1], what, min, max), step = toNumber(p[2], what);
        if (step <= 0 || to < from) throw Error("--grid: \"" + text + "\" is an empty range (" + what + ")");
        for (int i = 0;; ++i) {
            const double v = from + i * step;
            if (v > to + step * 1e-6) break;
            values.push_back(std::round(v * 1e6) / 1e6);
            if (values.size() > 1000) throw Error("--grid: too many values (" + what + ")");
        }
    } else {
        for (const auto& part : split(text, ',')) values.push_back(inRange(part, what, min, max));
    }
    if (values.empty()) throw Error("--grid: no " + what);
    return values;
}

}  // namespace

Grid parseGrid(const std::string& text) {
    const auto halves = split(text, '/');
    if (halves.size() != 2)
        throw Error("--grid: \"" + text + "\" is not RESOLUTIONS/WIDTHS (e.g. 48:224:16/0.2:1.0:0.1)");
    Grid g;
    for (double r : axis(halves[0], "resolution", defaults::kMinGridResolution, defaults::kMaxGridResolution)) {
        if (r != std::floor(r)) throw Error("--grid: resolutions " + halves[0] + " must be whole numbers");
        g.resolutions.push_back(static_cast<int>(r));
    }
    for (double w : axis(halves[1], "width", defaults::kMinGridWidth, defaults::kMaxGridWidth))
        g.widths.push_back(w);
    return g;
}

bool fits(const arch::Architecture& a, const board::Board& board, const Constraints& c,
          std::int64_t* macs) {
    const graph::Graph g = graph::buildGraph(a);
    if (macs) *macs = cost::totalMacs(g);
    if (cost::totalFlashBytes(g, board) > c.flashBytes) return false;
    return memory::arenaBytes(g, memory::Planner::Ours, c.sramBytes) <= c.sramBytes;
}

std::vector<std::int64_t> cdfQuantiles(const std::vector<std::int64_t>& sorted,
                                       const std::vector<double>& fractions) {
    std::vector<std::int64_t> out;
    if (sorted.empty()) return out;
    for (double f : fractions) {
        const double pos = std::clamp(f, 0.0, 1.0) * double(sorted.size() - 1);
        out.push_back(sorted[static_cast<std::size_t>(std::llround(pos))]);
    }
    return out;
}

OptimizerResult optimize(const SearchSpace& space, const board::Board& board,
                         const Constraints& constraints, const OptimizerOptions& options) {
    if (constraints.sramBytes <= 0 || constraints.flashBytes <= 0)
        throw Error("constraints: SRAM and Flash limits must be positive");
    if (options.samplesPerSpace < 1 || options.samplesPerSpace > 10000000)
        throw Error("samples: " + std::to_string(options.samplesPerSpace) + " is out of range (1 to 10000000)");
    if (options.grid.resolutions.empty() || options.grid.widths.empty()) throw Error("grid: empty");
    if (!(options.minSatisfyingShare >= 0.0 && options.minSatisfyingShare <= 1.0))
        throw Error("min-share: " + std::to_string(options.minSatisfyingShare) + " is out of range (0 to 1)");
    const auto start = std::chrono::steady_clock::now();
    OptimizerResult result;
    result.constraints = constraints;
    const std::size_t nw = options.grid.widths.size();
    const std::size_t spaceCount = options.grid.resolutions.size() * nw;
    result.spaces.resize(spaceCount);
    const std::int64_t total = std::int64_t(spaceCount) * options.samplesPerSpace;

    std::atomic<std::size_t> nextSpace{0};
    std::atomic<std::int64_t> done{0};
    std::atomic<bool> stop{false};
    std::exception_ptr failure;
    std::mutex failureMutex;

    auto worker = [&]() {
        try {
            for (;;) {
                const std::size_t index = nextSpace.fetch_add(1);
                if (index >= spaceCount || stop.load()) return;
                SpaceResult& r = result.spaces[index];
                r.resolution = options.grid.resolutions[index / nw];
                r.width = options.grid.widths[index % nw];
                // One generator per space: same samples whatever the threads.
                std::mt19937_64 rng(options.seed * 0x9E3779B97F4A7C15ULL + index * 0xBF58476D1CE4E5B9ULL + 1);
                std::int64_t best = -1;
                double sum = 0;
                for (int k = 0; k < options.samplesPerSpace; ++k) {
                    if ((k & 15) == 0 && (stop.load() || (options.cancel && options.cancel->load()))) {
                        stop = true;
                        return;
                    }
                    arch::Architecture a = sample(space, r.resolution, r.width, rng);
                    std::int64_t macs = 0;
                    if (fits(a, board, constraints, &macs)) {
                        r.macs.push_back(macs);
                        sum += double(macs);
                        if (macs > best) {
                            best = macs;
                            r.largestSatisfying = std::move(a);
                        }
                    }
                    ++r.samples;
                    done.fetch_add(1, std::memory_order_relaxed);
                }
                std::sort(r.macs.begin(), r.macs.end());
                r.satisfying = static_cast<int>(r.macs.size());
                r.satisfyingShare = double(r.satisfying) / r.samples;
                r.meanMacs = r.satisfying ? sum / r.satisfying : 0.0;
            }
        } catch (...) {
            std::lock_guard<std::mutex> lock(failureMutex);
            if (!failure) failure = std::current_exception();
            stop = true;
        }
    };

    int threads = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
    threads = std::clamp(threads, 1, 256);
    std::atomic<int> running{threads};
    auto run = [&]() {
        worker();
        running.fetch_sub(1);
    };
    std::vector<std::thread> pool;
    if (options.progress) {
        // Workers sample; the calling thread reports progress and relays cancel.
        for (int t = 0; t < threads; ++t) pool.emplace_back(run);
        while (running.load() > 0) {
            if (!options.progress(done.load(), total)) stop = true;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        options.progress(done.load(), total);
    } else {
        for (int t = 1; t < threads; ++t) pool.emplace_back(run);
        run();
    }
    for (auto& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);
    result.cancelled = stop.load() && done.load() < total;
    result.evaluated = done.load();
    for (const double minShare : {options.minSatisfyingShare, 0.0}) {
        double bestMean = -1;
        for (std::size_t i = 0; i < result.spaces.size() && !result.cancelled; ++i) {
            const SpaceResult& r = result.spaces[i];
            if (r.satisfying > 0 && r.satisfyingShare >= minShare && r.meanMacs > bestMean) {
                bestMean = r.meanMacs;
                result.chosen = static_cast<int>(i);
            }
        }
        if (result.chosen >= 0) break;
    }
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

}  // namespace mcunet::space
