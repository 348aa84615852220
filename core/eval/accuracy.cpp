#include "eval/accuracy.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <thread>

#include "codegen/build.h"
#include "codegen/codegen.h"
#include "deploy/target.h"
#include "common/error.h"
#include "common/process.h"
#include "memory/plan.h"
#include "quant/interpreter.h"

namespace mcunet::eval {

namespace fs = std::filesystem;

std::vector<float> floatInput(const data::ImageSet& set, int i) {
    const std::uint8_t* p = set.image(i);
    std::vector<float> v(set.imageBytes());
    for (std::size_t k = 0; k < v.size(); ++k) v[k] = (float(p[k]) - 128.0f) / 128.0f;
    return v;
}

std::vector<std::int8_t> int8Input(const data::ImageSet& set, int i) {
    const std::uint8_t* p = set.image(i);
    std::vector<std::int8_t> v(set.imageBytes());
    for (std::size_t k = 0; k < v.size(); ++k) v[k] = static_cast<std::int8_t>(int(p[k]) - 128);
    return v;
}

std::vector<std::vector<float>> calibrationInputs(const data::ImageSet& set, int count, std::uint64_t seed) {
    std::vector<int> order(static_cast<std::size_t>(set.size()));
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 rng(seed);
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<std::vector<float>> inputs;
    for (int i = 0; i < std::min(count, set.size()); ++i) inputs.push_back(floatInput(set, order[static_cast<std::size_t>(i)]));
    return inputs;
}

int argmax(const std::vector<std::int8_t>& v) {
    return static_cast<int>(std::max_element(v.begin(), v.end()) - v.begin());
}
int argmax(const std::vector<float>& v) { return static_cast<int>(std::max_element(v.begin(), v.end()) - v.begin()); }

quant::Accuracy score(const std::string& engine, const data::ImageSet& set, const std::vector<int>& predictions, int classes) {
    quant::Accuracy a;
    a.engine = engine;
    a.confusion.assign(static_cast<std::size_t>(classes), std::vector<int>(static_cast<std::size_t>(classes), 0));
    for (std::size_t i = 0; i < predictions.size() && i < set.labels.size(); ++i) {
        const int truth = set.labels[i], p = predictions[i];
        ++a.images;
        a.correct += truth == p;
        if (truth >= 0 && truth < classes && p >= 0 && p < classes)
            ++a.confusion[static_cast<std::size_t>(truth)][static_cast<std::size_t>(p)];
    }
    return a;
}

namespace {

// Runs f(i) for every image on `threads` threads (static interleaving).
template <typename F>
void forEachImage(int count, int threads, F f) {
    threads = std::max(1, std::min(threads, count));
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            for (int i = t; i < count; i += threads) f(i);
        });
    for (auto& th : pool) th.join();
}

std::string generateInto(const quant::QuantizedModel& m, const std::string& dir, const std::string& boardId) {
    const memory::Plan plan = memory::plan(m.graph, memory::Planner::Ours);
    codegen::Options options;
    options.modelName = "trained";
    options.boardId = boardId;
    codegen::generate(m, plan, dir, options);
    return dir;
}

}  // namespace

std::vector<int> predictFloat(const quant::FloatModel& m, const data::ImageSet& set, int threads) {
    std::vector<int> p(static_cast<std::size_t>(set.size()));
    forEachImage(set.size(), threads, [&](int i) {
        const auto t = quant::runFloat(m, floatInput(set, i));
        p[static_cast<std::size_t>(i)] = argmax(t[static_cast<std::size_t>(m.graph.output())]);
    });
    return p;
}

std::vector<std::vector<std::int8_t>> runInterpreter(const quant::QuantizedModel& m, const data::ImageSet& set, int threads) {
    std::vector<std::vector<std::int8_t>> out(static_cast<std::size_t>(set.size()));
    forEachImage(set.size(), threads, [&](int i) { out[static_cast<std::size_t>(i)] = quant::runReferenceOutput(m, int8Input(set, i)); });
    return out;
}

std::vector<std::vector<std::int8_t>> runHostC(const quant::QuantizedModel& m, const data::ImageSet& set,
                                               const std::string& workDir) {
    generateInto(m, workDir, "host");
    const std::string runner = codegen::buildHostRunner(workDir);
    const std::string inPath = (fs::path(workDir) / "eval_inputs.bin").string();
    const std::string outPath = (fs::path(workDir) / "eval_outputs.bin").string();
    {
        std::ofstream in(inPath, std::ios::binary);
        for (int i = 0; i < set.size(); ++i) {
            const auto v = int8Input(set, i);
            in.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size()));
        }
        if (!in) throw Error(inPath + ": cannot write");
    }
    const ProcessResult r = runProcess({runner, "--batch", inPath, outPath});
    if (r.exitCode != 0) throw Error("host runner failed (exit " + std::to_string(r.exitCode) + "): " + r.output);
    const std::size_t outBytes = static_cast<std::size_t>(m.graph.tensor(m.graph.output()).bytes());
    std::ifstream in(outPath, std::ios::binary);
    std::vector<std::vector<std::int8_t>> out;
    for (int i = 0; i < set.size(); ++i) {
        std::vector<std::int8_t> v(outBytes);
        if (!in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(outBytes)))
            throw Error(outPath + ": the host runner wrote fewer outputs than images");
        out.push_back(std::move(v));
    }
    return out;
}

std::vector<std::vector<std::int8_t>> runOnBoard(const quant::QuantizedModel& m, const board::Board& b,
                                                 const data::ImageSet& set, const std::string& workDir,
                                                 const Progress& progress, const device::DeviceSelector& device) {
    fs::create_directories(workDir);
    deploy::TargetRequest r;
    r.model = &m;
    r.modelName = "trained";
    r.target = b.id;
    r.board = &b;  // its limits as given: a model over them fails to link
    r.workDir = workDir;
    r.catalog = &board::Catalog::builtIn();
    r.device = device;
    const std::unique_ptr<deploy::Target> target = deploy::openTarget(r);
    std::vector<std::vector<std::int8_t>> out;
    for (int i = 0; i < set.size(); ++i) {
        out.push_back(target->infer(int8Input(set, i)).output);
        if (progress && !progress(i + 1, set.size())) throw Error("cancelled");
    }
    return out;
}

std::vector<int> predictions(const std::vector<std::vector<std::int8_t>>& outputs) {
    std::vector<int> p;
    for (const auto& o : outputs) p.push_back(argmax(o));
    return p;
}

int firstDifference(const std::vector<std::vector<std::int8_t>>& a, const std::vector<std::vector<std::int8_t>>& b) {
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i)
        if (a[i] != b[i]) return static_cast<int>(i);
    return a.size() == b.size() ? -1 : static_cast<int>(std::min(a.size(), b.size()));
}

}  // namespace mcunet::eval
