#pragma once
// The flags of `mcunet search` (docs/search.md), defined once: `mcunet search`
// checks them without loading libtorch, then hands the command line to
// mcunet-train, which parses it with the same definition.
#include <cstdint>
#include <optional>
#include <string>

#include "common/defaults.h"

namespace CLI {
class App;
}

namespace mcunet::cli {

struct SearchOptions {
    std::optional<std::string> supernet, board, out;
    std::optional<double> sramKb, flashKb;  // default: the board's
    double latencyMs = 0;                   // 0: no latency limit
    int population = defaults::kSearchPopulation;
    int generations = defaults::kSearchGenerations;
    std::uint64_t seed = defaults::kSeed;
    std::optional<int> threads;  // default: every core
    int calibrationImages = defaults::kSearchCalibrationImages;
    int validationImages = 0;  // 0: the whole validation split
    int rerank = 0;            // > 0: the best this many re-ranked by a short fine-tuning
    int rerankSteps = defaults::kSearchRerankSteps;
    bool resume = false, force = false, json = false;
};

void defineSearchOptions(CLI::App& app, SearchOptions& o);
// The checks that need no files (given flags, combinations); throws mcunet::Error.
void checkSearchOptions(const SearchOptions& o);

}  // namespace mcunet::cli
