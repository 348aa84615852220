#include "cli/train_commands.h"

#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "board/board.h"
#include "cli/args.h"
#include "common/atomic_file.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "common/process.h"
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

int trainCommand(const std::vector<std::string>& argv) {
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

namespace {

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

}  // namespace

int evalCommand(const std::vector<std::string>& argv) {
    Args args(argv, {"json", "no-host"}, {"model", "data", "board", "sram", "flash", "images", "board-images", "threads", "seed"});
    if (!args.positional().empty()) throw Error("eval: unexpected argument \"" + args.positional()[0] + "\"");
    const auto modelDir = args.option("model");
    const auto source = args.option("data");
    if (!modelDir || !source) throw Error("eval: needs --model DIR and --data DIR|fashion-mnist");
    const quant::TrainedModel m = quant::loadTrainedModel(*modelDir);
    std::optional<board::Board> b;
    if (auto id = args.option("board")) {
        b = board::Catalog::builtIn().byId(*id);
        // Smaller limits than the board's: the firmware's linker script enforces them.
        b->sramBytes = static_cast<std::int64_t>(args.number("sram", double(b->sramBytes) / 1024.0, 1, double(b->sramBytes) / 1024.0) * 1024.0);
        b->flashBytes = static_cast<std::int64_t>(args.number("flash", double(b->flashBytes) / 1024.0, 1, double(b->flashBytes) / 1024.0) * 1024.0);
    } else if (args.option("sram") || args.option("flash")) {
        throw Error("eval: --sram and --flash go with --board");
    }
    const int threads = static_cast<int>(args.integer("threads", 2, 1, 256));
    const auto seed = static_cast<std::uint64_t>(args.integer("seed", 1, 0, INT64_MAX));
    data::DataSpec spec;
    spec.source = *source;
    spec.resolution = m.architecture.resolution;
    spec.channels = m.architecture.inputChannels;
    spec.seed = seed;
    spec.trainPerClass = 1;  // only the test images are used
    data::Datasets d = data::open(spec);
    if (d.test.classes != m.classes)
        throw Error(*source + ": its classes differ from the model's (" + std::to_string(m.classes.size()) + " classes in " + *modelDir + ")");
    const int limit = static_cast<int>(args.integer("images", 0, 0, INT32_MAX));
    data::ImageSet test = limit > 0 && limit < d.test.size() ? boardSubset(d.test, limit, seed) : d.test;
    const int classes = m.architecture.numClasses;
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
    const std::string workDir = atomic_file::makeTempDirectory("eval");
    struct Cleanup {
        std::string d;
        int token;
        ~Cleanup() {
            std::error_code ec;
            fs::remove_all(d, ec);
            cleanup::remove(token);
        }
    } removeWork{workDir, cleanup::addDirectory(workDir)};
    if (!args.flag("no-host")) {
        std::vector<std::vector<std::int8_t>> host;
        timed("int8-host-c", test, [&] { host = eval::runHostC(m.int8, test, workDir + "/host"); return eval::predictions(host); });
        hostDiff = eval::firstDifference(ref, host);
    }
    int boardImages = 0;
    if (b) {
        const data::ImageSet few = boardSubset(d.test, static_cast<int>(args.integer("board-images", 200, 1, 100000)), seed);
        boardImages = few.size();
        const auto fewRef = eval::runInterpreter(m.int8, few, threads);
        std::vector<std::vector<std::int8_t>> onBoard;
        timed("int8-" + b->id, few, [&] { onBoard = eval::runOnBoard(m.int8, *b, few, workDir + "/board"); return eval::predictions(onBoard); });
        boardDiff = eval::firstDifference(fewRef, onBoard);
    }
    const bool identical = hostDiff < 0 && boardDiff < 0;
    if (args.flag("json")) {
        json out = {{"model", *modelDir}, {"data", *source}, {"engines", json::array()}, {"int8_outputs_identical", identical},
                    {"board_images", boardImages}};
        for (const EvalRow& r : rows) {
            json j = quant::toJson(r.accuracy);
            j["seconds"] = r.seconds;
            out["engines"].push_back(j);
        }
        std::cout << out.dump(2) << "\n";
    } else {
        std::printf("%s on %s\n\n", m.architecture.name.c_str(), source->c_str());
        printRows(rows);
        std::printf("\nint8 outputs %s across the interpreter%s%s (image by image)\n", identical ? "identical" : "DIFFER",
                    args.flag("no-host") ? "" : ", host C", b ? (", " + b->id + " (" + std::to_string(boardImages) + " images)").c_str() : "");
    }
    if (!identical) {
        std::fprintf(stderr, "eval: int8 outputs differ (host C at image %d, board at image %d)\n", hostDiff, boardDiff);
        return 1;
    }
    return 0;
}

}  // namespace mcunet::cli
