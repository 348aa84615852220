#pragma once
// TinyNAS stage 1, the search-space optimizer: for every (R, W) of a grid,
// sample N architectures, keep those whose peak SRAM (planner `ours`) and
// Flash fit the board, and record the distribution (CDF) of their MACs. The
// space whose satisfying networks have the highest mean MACs wins: under the
// same memory, more computation means a better model (MCUNet, section 3.1).
// Seeded per space, so results do not depend on the thread count.
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "arch/architecture.h"
#include "board/board.h"
#include "common/defaults.h"
#include "space/search_space.h"

namespace mcunet::space {

struct Grid {
    std::vector<int> resolutions;
    std::vector<double> widths;
};

// R 48..224 step 16, W 0.2..1.0 step 0.1 (12 x 9 spaces).
Grid defaultGrid();
// Parses "R0:R1:STEP,W0:W1:STEP" (or comma lists "48,96,144/0.3,0.5");
// throws mcunet::Error naming the bad part.
Grid parseGrid(const std::string& text);

struct Constraints {
    std::int64_t sramBytes = 0;
    std::int64_t flashBytes = 0;
};

struct OptimizerOptions {
    Grid grid = defaultGrid();
    int samplesPerSpace = defaults::kSamplesPerSpace;
    std::uint64_t seed = defaults::kSeed;
    int threads = 0;  // 0: all cores
    // A space competes only if at least this share of its samples fit: the
    // mean MACs of a handful of fitting samples is noise, and a search there
    // would mostly draw networks that do not fit. (If no space reaches it, the
    // best space with any fitting sample is chosen.)
    double minSatisfyingShare = defaults::kMinSatisfyingSharePercent / 100.0;
    // Called on the calling thread about every 50 ms with (done, total)
    // architectures; return false to cancel.
    std::function<bool(std::int64_t, std::int64_t)> progress;
    const std::atomic<bool>* cancel = nullptr;
};

struct SpaceResult {
    int resolution = 0;
    double width = 0;
    int samples = 0;
    int satisfying = 0;
    double satisfyingShare = 0;
    double meanMacs = 0;                    // of the satisfying networks (0 if none)
    std::vector<std::int64_t> macs;         // satisfying networks' MACs, ascending (the CDF)
    std::optional<arch::Architecture> largestSatisfying;  // most MACs among them
};

struct OptimizerResult {
    std::vector<SpaceResult> spaces;  // resolutions outer, widths inner
    int chosen = -1;                  // index into spaces, -1 when nothing fits
    bool cancelled = false;
    std::int64_t evaluated = 0;
    double seconds = 0;
    Constraints constraints;
};

OptimizerResult optimize(const SearchSpace& space, const board::Board& board,
                         const Constraints& constraints, const OptimizerOptions& options);

// Whether one architecture fits; `macs` receives its MACs. Checks are ordered
// cheapest first (Flash, then the live-bytes bound, then placement).
bool fits(const arch::Architecture& a, const board::Board& board, const Constraints& c,
          std::int64_t* macs = nullptr);

// MACs at the given fractions of the CDF (fractions in [0, 1]).
std::vector<std::int64_t> cdfQuantiles(const std::vector<std::int64_t>& sortedMacs,
                                       const std::vector<double>& fractions);

}  // namespace mcunet::space
