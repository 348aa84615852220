// `mcunet space`: TinyNAS stage 1, choosing the search space for a board.
#include <unistd.h>

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "arch/architecture_json.h"
#include "cli/command.h"
#include "cli/format.h"
#include "cli/options.h"
#include "common/defaults.h"
#include "common/error.h"
#include "cost/cost.h"
#include "graph/build.h"
#include "memory/plan.h"
#include "space/optimizer.h"

namespace mcunet::cli {

using nlohmann::json;

namespace {

struct SpaceOptions {
    std::string board;
    std::optional<double> sramKb, flashKb;
    std::optional<std::string> grid;
    int samples = defaults::kSamplesPerSpace;
    std::uint64_t seed = defaults::kSeed;
    int threads = 0;
    double minSharePercent = defaults::kMinSatisfyingSharePercent;
    int classes = 1000;  // ImageNet's, as the MCUNet paper's spaces
    bool json = false;
};


// "48:224:16/0.2:1:0.1" for an evenly spaced grid (the help's default).
std::string gridText(const space::Grid& g) {
    auto axis = [](auto first, auto last, auto step) {
        return numberText(double(first)) + ":" + numberText(double(last)) + ":" + numberText(double(step));
    };
    const auto& r = g.resolutions;
    const auto& w = g.widths;
    if (r.size() < 2 || w.size() < 2) return "";
    return axis(r.front(), r.back(), r[1] - r[0]) + "/" + axis(w.front(), w.back(), std::round((w[1] - w[0]) * 1e6) / 1e6);
}

json spaceJson(const space::OptimizerOptions& options, const space::SearchSpace& searchSpace,
               const space::Constraints& limits, const space::OptimizerResult& r, const board::Board& b) {
    std::vector<double> fractions;
    for (int i = 0; i <= 20; ++i) fractions.push_back(i / 20.0);
    json spaces = json::array();
    for (const auto& s : r.spaces) {
        json cdf = json::array();
        const auto q = space::cdfQuantiles(s.macs, fractions);
        for (std::size_t i = 0; i < q.size(); ++i) cdf.push_back({q[i], fractions[i]});
        spaces.push_back({{"resolution", s.resolution},
                          {"width", s.width},
                          {"samples", s.samples},
                          {"satisfying", s.satisfying},
                          {"satisfying_share", s.satisfyingShare},
                          {"mean_macs", s.meanMacs},
                          {"cdf", cdf}});
    }
    const space::SpaceResult& chosen = r.spaces[static_cast<std::size_t>(r.chosen)];
    const graph::Graph largest = graph::buildGraph(*chosen.largestSatisfying);
    json peaks = json::object();
    for (memory::Planner p : memory::allPlanners()) peaks[memory::plannerName(p)] = memory::arenaBytes(largest, p);
    return {{"board", b.id},
            {"space", searchSpace.name},
            {"sram_limit_bytes", limits.sramBytes},
            {"flash_limit_bytes", limits.flashBytes},
            {"samples_per_space", options.samplesPerSpace},
            {"min_satisfying_share", options.minSatisfyingShare},
            {"seed", options.seed},
            {"evaluated", r.evaluated},
            {"seconds", r.seconds},
            {"spaces", spaces},
            {"chosen",
             {{"resolution", chosen.resolution},
              {"width", chosen.width},
              {"mean_macs", chosen.meanMacs},
              {"satisfying_share", chosen.satisfyingShare},
              {"largest_satisfying",
               {{"macs", cost::totalMacs(largest)},
                {"flash_bytes", cost::totalFlashBytes(largest, b)},
                {"peak_sram_by_planner", peaks},
                {"architecture", arch::toJson(*chosen.largestSatisfying)}}}}}};
}

void printSpace(const space::OptimizerOptions& options, const space::SearchSpace& searchSpace,
                const space::Constraints& limits, const space::OptimizerResult& r, const board::Board& b) {
    std::printf("search space %s on %s: SRAM %s B, Flash %s B, %d samples per space, seed %" PRIu64 "\n\n",
                searchSpace.name.c_str(), b.id.c_str(), withCommas(limits.sramBytes).c_str(),
                withCommas(limits.flashBytes).c_str(), options.samplesPerSpace, options.seed);
    std::printf("mean MACs (M) of the satisfying networks, and their share\n%6s", "R \\ W");
    for (double w : options.grid.widths) std::printf(" %11.2f", w);
    std::printf("\n");
    const std::size_t nw = options.grid.widths.size();
    for (std::size_t i = 0; i < r.spaces.size(); ++i) {
        const auto& s = r.spaces[i];
        if (i % nw == 0) std::printf("%6d", s.resolution);
        if (s.satisfying == 0)
            std::printf(" %11s", "-");
        else
            std::printf(" %5.1f%s%4.0f%%", s.meanMacs / 1e6, static_cast<int>(i) == r.chosen ? "*" : " ",
                        100.0 * s.satisfyingShare);
        if (i % nw == nw - 1) std::printf("\n");
    }
    const space::SpaceResult& chosen = r.spaces[static_cast<std::size_t>(r.chosen)];
    const graph::Graph largest = graph::buildGraph(*chosen.largestSatisfying);
    std::printf("\nchosen space: R %d, W %.2f (mean %.1fM MACs, %.0f%% of samples fit)\n", chosen.resolution,
                chosen.width, chosen.meanMacs / 1e6, 100.0 * chosen.satisfyingShare);
    std::printf("largest satisfying network: %.1fM MACs, peak SRAM %s B (tinyengine %s B, tflm %s B)\n",
                double(cost::totalMacs(largest)) / 1e6,
                withCommas(memory::arenaBytes(largest, memory::Planner::Ours)).c_str(),
                withCommas(memory::arenaBytes(largest, memory::Planner::TinyEngine)).c_str(),
                withCommas(memory::arenaBytes(largest, memory::Planner::TFLiteMicro)).c_str());
    std::printf("%s architectures in %.2f s\n", withCommas(r.evaluated).c_str(), r.seconds);
}

class ProgressBar {
public:
    explicit ProgressBar(bool enabled) : enabled_(enabled) {}
    bool update(std::int64_t done, std::int64_t total) {
        if (!enabled_ || total <= 0) return true;
        const int width = 40;
        const int filled = static_cast<int>(double(done) / double(total) * width);
        std::fprintf(stderr, "\r[%s%s] %3d%%  %s/%s", std::string(static_cast<std::size_t>(filled), '#').c_str(),
                     std::string(static_cast<std::size_t>(width - filled), '.').c_str(),
                     static_cast<int>(100.0 * double(done) / double(total)), withCommas(done).c_str(),
                     withCommas(total).c_str());
        if (done >= total) std::fprintf(stderr, "\n");
        std::fflush(stderr);
        return true;
    }

private:
    bool enabled_;
};

int spaceCommand(const SpaceOptions& o) {
    const board::Board b = boardFrom(o.board);
    space::Constraints limits;
    limits.sramBytes = static_cast<std::int64_t>(o.sramKb.value_or(double(b.sramBytes) / 1024.0) * 1024.0);
    limits.flashBytes = static_cast<std::int64_t>(o.flashKb.value_or(double(b.flashBytes) / 1024.0) * 1024.0);
    space::OptimizerOptions options;
    if (o.grid) options.grid = space::parseGrid(*o.grid);
    options.samplesPerSpace = o.samples;
    options.seed = o.seed;
    options.threads = o.threads;
    options.minSatisfyingShare = o.minSharePercent / 100.0;
    const space::SearchSpace searchSpace = space::mcunetSpace(o.classes);
    ProgressBar bar(isatty(STDERR_FILENO) != 0);
    options.progress = [&bar](std::int64_t done, std::int64_t total) { return bar.update(done, total); };
    const space::OptimizerResult r = space::optimize(searchSpace, b, limits, options);
    if (r.chosen < 0) {
        // Impossible constraints: say how far off the smallest network is.
        const arch::Architecture small = space::smallest(searchSpace, options.grid.resolutions.front(),
                                                         options.grid.widths.front());
        const graph::Graph g = graph::buildGraph(small);
        throw Error("no architecture of the space fits " + withCommas(limits.sramBytes) + " B SRAM and " +
                    withCommas(limits.flashBytes) + " B Flash (the smallest, R " +
                    std::to_string(small.resolution) + " W " + std::to_string(small.width).substr(0, 4) +
                    ", needs " + withCommas(memory::arenaBytes(g, memory::Planner::Ours)) + " B SRAM and " +
                    withCommas(cost::totalFlashBytes(g, b)) + " B Flash)");
    }
    if (o.json) std::cout << spaceJson(options, searchSpace, limits, r, b).dump(2) << "\n";
    else printSpace(options, searchSpace, limits, r, b);
    return 0;
}

}  // namespace

Runner defineSpace(CLI::App& app) {
    auto o = std::make_shared<SpaceOptions>();
    addBoardOption(app, o->board);
    addNumber(app, "--sram", o->sramKb, 1.0, defaults::kMaxSramKb, "SRAM limit in kB", "the board's");
    addNumber(app, "--flash", o->flashKb, 1.0, defaults::kMaxFlashKb, "Flash limit in kB", "the board's");
    app.add_option("--grid", o->grid,
                   "the spaces to compare: resolutions/widths, each FROM:TO:STEP or a list (resolutions " +
                       rangeText(defaults::kMinGridResolution, defaults::kMaxGridResolution) + ", widths " +
                       rangeText(defaults::kMinGridWidth, defaults::kMaxGridWidth) + "; default " +
                       gridText(space::defaultGrid()) + ")")
        ->type_name("R/W");
    addNumber(app, "--samples", o->samples, defaults::kMinSamplesPerSpace, defaults::kMaxSamplesPerSpace,
              "seeded samples per space");
    addNumber<std::int64_t>(app, "--seed", o->seed, 0, INT64_MAX, "seed of the samples");
    addNumber(app, "--classes", o->classes, defaults::kMinClasses, defaults::kMaxClasses, "classifier classes");
    addNumber(app, "--threads", o->threads, 0, 256, "worker threads", "0: all cores");
    addNumber(app, "--min-share", o->minSharePercent, 0.0, 100.0,
              "a space competes only if this percentage of its samples fit");
    addJsonFlag(app, o->json);
    return [o] { return spaceCommand(*o); };
}

}  // namespace mcunet::cli
