#include "cli/search_options.h"

#include <CLI/CLI.hpp>

#include "cli/options.h"
#include "common/error.h"

namespace mcunet::cli {

void defineSearchOptions(CLI::App& app, SearchOptions& o) {
    app.add_option("--supernet", o.supernet, "a supernet's model directory (mcunet train --supernet)")->type_name("DIR");
    app.add_option("--board", o.board, "the board whose limits and latency model constrain the search")->type_name("ID");
    addNumber(app, "--sram", o.sramKb, 1.0, defaults::kMaxSramKb, "peak SRAM limit in kB (planner ours)", "the board's");
    addNumber(app, "--flash", o.flashKb, 1.0, defaults::kMaxFlashKb, "Flash limit in kB", "the board's");
    addNumber(app, "--latency-ms", o.latencyMs, 0.0, 1e6, "latency limit on the board (its latency model)", "0: none");
    addNumber(app, "--population", o.population, 2, 100000, "networks per generation");
    addNumber(app, "--generations", o.generations, 0, 100000, "generations after the initial population");
    addNumber<std::int64_t>(app, "--seed", o.seed, 0, INT64_MAX, "seed of the evolution");
    addNumber(app, "--threads", o.threads, 1, 256, "torch threads", "every core");
    addNumber(app, "--calibration-images", o.calibrationImages, 1, 100000,
              "training images each candidate's BatchNorm statistics are re-estimated on");
    addNumber(app, "--validation-images", o.validationImages, 0, INT32_MAX,
              "class-balanced validation images each candidate is scored on", "0: all");
    addNumber(app, "--rerank", o.rerank, 0, 64,
              "choose among the best N (one per depth configuration) by their validation accuracy after a short "
              "fine-tuning from the supernet", "0: the supernet's best");
    addNumber(app, "--rerank-steps", o.rerankSteps, 1, 1000000, "fine-tuning steps per re-ranked network");
    app.add_option("--out", o.out, "the search folder to write (search.json, best.json, the state): new, empty, or one "
                                   "it made before (with --force or --resume)")->type_name("DIR");
    app.add_flag("--resume", o.resume, "continue the unfinished search in --out (same flags)")->disable_flag_override();
    addForceFlag(app, o.force);
    addJsonFlag(app, o.json)->description("progress as JSON lines (docs/search.md)");
}

void checkSearchOptions(const SearchOptions& o) {
    if (!o.supernet) throw Error("needs --supernet DIR (a model directory of `mcunet train --supernet`)");
    if (!o.board) throw Error("needs --board ID (mcunet boards lists them)");
    if (!o.out || o.out->empty()) throw Error("needs --out DIR (the search folder to write)");
    if (o.resume && o.force) throw Error("--resume continues the search in --out, --force starts it again: give one");
}

}  // namespace mcunet::cli
