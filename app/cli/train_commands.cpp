// `mcunet train` (checks its flags, then hands over to mcunet-train, the only
// program that loads libtorch) and `mcunet eval` (accuracy on every engine).
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "board/board.h"
#include "cli/command.h"
#include "cli/device_options.h"
#include "cli/options.h"
#include "cli/search_options.h"
#include "cli/train_options.h"
#include "common/atomic_file.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "common/process.h"
#include "common/safe_text.h"
#include "data/network_input.h"
#include "eval/accuracy.h"
#include "quant/model_dir.h"

namespace mcunet::cli {

namespace fs = std::filesystem;
using nlohmann::json;

std::string trainProgramPath() {
    if (const char* env = std::getenv("MCUNET_TRAIN"); env && *env) return env;
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        for (const fs::path& p : {self.parent_path() / "mcunet-train", self.parent_path() / "train" / "mcunet-train"})
            if (fs::exists(p, ec) && ::access(p.c_str(), X_OK) == 0) return p.string();
    }
    return findProgram("mcunet-train");
}

namespace {

// Replaces this process with mcunet-train (signals and exit codes pass
// through unchanged).
int execTrain(const std::vector<std::string>& argv) {
    const std::string exe = trainProgramPath();
    if (exe.empty())
        throw Error("mcunet-train was not found beside mcunet or on PATH (it is built with libtorch: see README)");
    std::vector<std::string> args{exe};
    args.insert(args.end(), argv.begin(), argv.end());
    std::vector<char*> cargs;
    for (std::string& a : args) cargs.push_back(a.data());
    cargs.push_back(nullptr);
    std::fflush(stdout);
    cleanup::resetSignalMaskInChild();  // mcunet-train handles SIGINT itself (checkpoint, then stop)
    ::execv(exe.c_str(), cargs.data());
    throw Error("cannot start " + exe + ": " + std::strerror(errno));
}

struct EvalRow {
    quant::Accuracy accuracy;
    double seconds = 0;
};

// The images the board gets: a class-balanced subset of the test images.
data::ImageSet boardSubset(const data::ImageSet& test, int count, std::uint64_t seed) {
    const int classes = static_cast<int>(test.classes.size());
    std::vector<int> idx = data::balancedSubset(test, (count + classes - 1) / classes, seed);
    if (static_cast<int>(idx.size()) > count) idx.resize(static_cast<std::size_t>(count));
    return test.subset(idx);
}

void printRows(const std::vector<EvalRow>& rows) {
    std::printf("%-22s %8s %9s %9s\n", "engine", "images", "accuracy", "seconds");
    for (const EvalRow& r : rows)
        std::printf("%-22s %8d %8.2f%% %9.1f\n", r.accuracy.engine.c_str(), r.accuracy.images, 100 * r.accuracy.value(), r.seconds);
}

struct EvalOptions {
    std::optional<std::string> model, data, board;
    std::optional<double> sramKb, flashKb;
    const CLI::Option *sramOption = nullptr, *flashOption = nullptr;  // for their text as typed
    int images = 0, boardImages = 200, threads = 2;
    std::uint64_t seed = defaults::kSeed;
    bool noHost = false, json = false;
    DeviceOptions device;  // a real board given with --board
};

int evalCommand(const EvalOptions& o) {
    if (!o.model || !o.data) throw Error("needs --model DIR and --data DIR|fashion-mnist");
    const std::string modelDir = *o.model, source = *o.data;
    const quant::TrainedModel m = quant::loadTrainedModel(modelDir);
    std::optional<board::Board> b;
    if (o.board) {
        b = board::Catalog::builtIn().byId(*o.board);
        // Smaller limits than the board's: the firmware's linker script enforces them.
        auto limit = [](const std::optional<double>& kb, const CLI::Option* given, std::int64_t bytes) {
            if (!kb) return bytes;
            if (*kb * 1024.0 > double(bytes))
                throw Error(given->get_name() + ": " + given->as<std::string>() + " is out of range (1 to " +
                            numberText(double(bytes) / 1024.0) + ", the board's)");
            return static_cast<std::int64_t>(*kb * 1024.0);
        };
        b = board::withLimits(*b, limit(o.sramKb, o.sramOption, b->sramBytes), limit(o.flashKb, o.flashOption, b->flashBytes));
    } else if (o.sramKb || o.flashKb) {
        throw Error("--sram and --flash go with --board");
    }
    const int threads = o.threads;
    const std::uint64_t seed = o.seed;
    data::DataSpec spec = data::specFor(m.network, source);
    spec.seed = seed;
    spec.trainPerClass = 1;  // only the test images are used
    data::Datasets d = data::open(spec);
    if (d.test.classes != m.classes)
        throw Error(source + ": its classes differ from the model's (" + std::to_string(m.classes.size()) + " classes in " + modelDir + ")");
    const int limit = o.images;
    data::ImageSet test = limit > 0 && limit < d.test.size() ? boardSubset(d.test, limit, seed) : d.test;
    const int classes = m.network.numClasses();
    std::vector<EvalRow> rows;
    auto timed = [&](const std::string& engine, const data::ImageSet& set, auto run) {
        const auto t0 = std::chrono::steady_clock::now();
        const std::vector<int> p = run();
        rows.push_back({eval::score(engine, set, p, classes), std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()});
    };
    timed("float", test, [&] { return eval::predictFloat(m.floatModel, test, threads); });
    std::vector<std::vector<std::int8_t>> ref;
    timed("int8-reference", test, [&] { ref = eval::runInterpreter(m.int8, test, threads); return eval::predictions(ref); });
    int hostDiff = -1, boardDiff = -1;
    const cleanup::ScopedDirectory work([] { return atomic_file::makeTempDirectory("eval"); });
    const std::string& workDir = work.path();
    if (!o.noHost) {
        std::vector<std::vector<std::int8_t>> host;
        timed("int8-host-c", test, [&] { host = eval::runHostC(m.int8, test, workDir + "/host"); return eval::predictions(host); });
        hostDiff = eval::firstDifference(ref, host);
    }
    int boardImages = 0;
    if (b) {
        const data::ImageSet few = boardSubset(d.test, o.boardImages, seed);
        boardImages = few.size();
        const auto fewRef = eval::runInterpreter(m.int8, few, threads);
        std::vector<std::vector<std::int8_t>> onBoard;
        timed("int8-" + b->id, few, [&] { onBoard = eval::runOnBoard(m.int8, *b, few, workDir + "/board", {}, o.device.selector()); return eval::predictions(onBoard); });
        boardDiff = eval::firstDifference(fewRef, onBoard);
    }
    const bool identical = hostDiff < 0 && boardDiff < 0;
    if (o.json) {
        json out = {{"model", modelDir}, {"data", source}, {"engines", json::array()}, {"int8_outputs_identical", identical},
                    {"board_images", boardImages}};
        for (const EvalRow& r : rows) {
            json j = quant::toJson(r.accuracy);
            j["seconds"] = r.seconds;
            out["engines"].push_back(j);
        }
        std::cout << out.dump(2) << "\n";
    } else {
        std::printf("%s on %s\n\n", safe_text::forTerminal(m.network.name()).c_str(), safe_text::forTerminal(source).c_str());
        printRows(rows);
        std::printf("\nint8 outputs %s across the interpreter%s%s (image by image)\n", identical ? "identical" : "DIFFER",
                    o.noHost ? "" : ", host C", b ? (", " + b->id + " (" + std::to_string(boardImages) + " images)").c_str() : "");
    }
    if (!identical) {
        std::fprintf(stderr, "eval: int8 outputs differ (host C at image %d, board at image %d)\n", hostDiff, boardDiff);
        return 1;
    }
    return 0;
}

}  // namespace

Runner defineTrain(CLI::App& app, const std::vector<std::string>& argv) {
    auto o = std::make_shared<TrainOptions>();
    defineTrainOptions(app, *o);
    app.footer("Runs in mcunet-train (the program that loads libtorch); under mpirun -np N it trains data-parallel.\n"
               "docs/training.md: the flags, the progress lines, checkpoints and exit codes.");
    return [o, argv] {
        checkTrainOptions(*o);  // before libtorch loads: a typo costs nothing
        return execTrain(argv);
    };
}

Runner defineSearch(CLI::App& app, const std::vector<std::string>& argv) {
    auto o = std::make_shared<SearchOptions>();
    defineSearchOptions(app, *o);
    app.footer("Runs in mcunet-train (the program that loads libtorch). docs/search.md: the flow, the files, the\n"
               "progress lines; then fine-tune the chosen network with mcunet train --arch OUT/best.json --init SUPERNET.");
    return [o, argv] {
        checkSearchOptions(*o);  // before libtorch loads
        std::vector<std::string> args{"search"};
        args.insert(args.end(), argv.begin(), argv.end());
        return execTrain(args);
    };
}

Runner defineEval(CLI::App& app) {
    auto o = std::make_shared<EvalOptions>();
    app.add_option("--model", o->model, "a trained model directory (mcunet train)")->type_name("DIR");
    app.add_option("--data", o->data, "fashion-mnist, or a folder with one subfolder per class")->type_name("DIR");
    app.add_option("--board", o->board,
                   "also run the model on this board: a virtual board (QEMU) or a connected one with a firmware layer "
                   "(flashed first; --serial, --port and --link choose it)")
        ->type_name("ID");
    o->sramOption = addNumber(app, "--sram", o->sramKb, 1.0, defaults::kMaxSramKb, "with --board: SRAM limit in kB, at most the board's",
                              "the board's");
    o->flashOption = addNumber(app, "--flash", o->flashKb, 1.0, defaults::kMaxFlashKb,
                               "with --board: Flash limit in kB, at most the board's", "the board's");
    addNumber(app, "--images", o->images, 0, INT32_MAX, "class-balanced test images for every engine", "0: all");
    addNumber(app, "--board-images", o->boardImages, 1, 100000, "class-balanced test images for the board");
    addNumber(app, "--threads", o->threads, 1, 256, "threads of the float and int8 engines");
    addNumber<std::int64_t>(app, "--seed", o->seed, 0, INT64_MAX, "seed of the image subsets");
    app.add_flag("--no-host", o->noHost, "skip the generated C on the host")->disable_flag_override();
    addDeviceOptions(app, o->device);
    addJsonFlag(app, o->json);
    return [o] { return evalCommand(*o); };
}

}  // namespace mcunet::cli
