// core/codegen: the property test. Random architectures from several search
// spaces, seeded random weights, random inputs: the generated C, compiled on
// the host warning-free, gives outputs identical byte for byte to the
// reference interpreter; the arena it declares equals the planner's peak;
// every kernel variant is hit.
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <random>
#include <regex>
#include <set>

#include "arch/presets.h"
#include "codegen/build.h"
#include "codegen/codegen.h"
#include "common/process.h"
#include "graph/build.h"
#include "graph/ds_cnn.h"
#include "memory/plan.h"
#include "quant/interpreter.h"
#include "quant/model.h"
#include "space/search_space.h"

using namespace mcunet;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kCFlags = {"-std=c99", "-O1", "-Wall", "-Wextra", "-Werror", "-pedantic",
                                          "-fno-strict-aliasing"};

std::vector<std::int8_t> readBytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::vector<std::int8_t>(std::istreambuf_iterator<char>(in), {});
}

void writeBytes(const fs::path& p, const std::vector<std::int8_t>& bytes) {
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

// Random DAG with multi-reader tensors (so depthwise and 1x1 convs also run
// out of place with scratch) and every op kind the generator emits.
graph::Graph randomDag(std::mt19937_64& rng) {
    using graph::OpKind;
    static int depthwiseCount = 0;  // across the models (the test builds them in order, on one thread)
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    graph::Graph g;
    int x = g.addInput("in", {4 + pick(12), 4 + pick(12), 1 + pick(5)});
    x = g.addConv(OpKind::Conv2D, "stem", x, 8 + 4 * pick(3), 3, 1 + pick(2), graph::Activation::ReLU6);
    std::vector<int> pool = {x};
    for (int i = 0; i < 6 + pick(8); ++i) {
        const std::string name = "op" + std::to_string(i);
        const int src = pool[static_cast<std::size_t>(pick(static_cast<int>(pool.size())))];
        const int c = g.tensor(src).shape.c;
        int out;
        const graph::Activation acts[] = {graph::Activation::None, graph::Activation::ReLU6, graph::Activation::ReLU};
        const auto act = acts[pick(3)];
        // Convolutions padded SAME, or VALID one time in three where the window fits.
        auto padding = [&](int k) {
            const graph::Shape s = g.tensor(src).shape;
            return pick(3) == 0 && s.h >= k && s.w >= k ? graph::Padding::Valid : graph::Padding::Same;
        };
        switch (pick(9)) {
            case 0: {
                const int k = 3 + 2 * pick(3);
                // Every fourth depthwise conv with depth multiplier 2 or 3 (out of
                // place), counted rather than drawn so the draws stay as they were.
                const int multiplier = ++depthwiseCount % 4 == 0 ? 2 + (depthwiseCount / 4) % 2 : 1;
                out = g.addConv(OpKind::DepthwiseConv2D, name, src, c * multiplier, k, 1 + pick(2), graph::Activation::ReLU6,
                                -1, -1, padding(k));
                break;
            }
            case 1: out = g.addConv(OpKind::PointwiseConv2D, name, src, 4 + 4 * pick(6), 1, 1, graph::Activation::None); break;
            case 2: {
                const int k = 1 + 2 * pick(2);
                out = g.addConv(OpKind::Conv2D, name, src, 8, k, 1 + pick(2), act == graph::Activation::None ? graph::Activation::ReLU6 : act,
                                -1, -1, padding(k));
                break;
            }
            case 3:
            case 4: {  // pools with a window: VALID only where the window fits
                const graph::Shape s = g.tensor(src).shape;
                graph::PoolWindow w{1 + pick(3), 1 + pick(3), 1 + pick(2), 1 + pick(2),
                                    pick(2) ? graph::Padding::Same : graph::Padding::Valid};
                if (w.kh > s.h || w.kw > s.w) w.padding = graph::Padding::Same;
                out = pick(2) ? g.addMaxPool(name, src, w, act) : g.addAveragePool2D(name, src, w, act);
                break;
            }
            case 5: out = g.addPad(name, src, pick(3), pick(3), pick(3), pick(3)); break;
            case 6: {  // fresh extra inputs: only `src` may have its quantization fixed already
                std::vector<int> in{src};
                for (int k = 0; k < 1 + pick(2); ++k)
                    in.push_back(g.addConv(OpKind::PointwiseConv2D, name + ".c" + std::to_string(k), src, 4 * (1 + pick(2)), 1, 1,
                                           graph::Activation::None));
                out = g.addConcatenation(name, in);
                break;
            }
            case 7: {
                const int b = g.addConv(OpKind::DepthwiseConv2D, name + ".b", src, c, 3, 1, graph::Activation::None);
                out = pick(2) ? g.addMul(name, src, b, act) : g.addMul(name, b, src, act);
                break;
            }
            default: {
                const int b = g.addConv(OpKind::DepthwiseConv2D, name + ".b", src, c, 3, 1, graph::Activation::None);
                out = g.addAdd(name, src, b, -1, -1, act);
            }
        }
        pool.push_back(out);
    }
    // The head: the global pool, or TF Lite's MEAN (with or without keep_dims).
    int y = pick(3) ? g.addAveragePool("pool", pool.back()) : g.addMean("mean", pool.back(), pick(2) == 0);
    y = g.addFullyConnected("fc", y, 1 + pick(8));
    if (pick(2)) y = g.addSoftmax("softmax", y);  // TF Lite's int8 softmax, in place where the plan says
    g.setOutput(y);
    return g;
}

// Every specialized depthwise kernel out of place (its input read again
// later), next to one with depth multiplier 2: random graphs draw these only
// now and then.
graph::Graph depthwiseCoverageDag() {
    using graph::OpKind;
    graph::Graph g;
    int x = g.addInput("in", {17, 15, 3});
    x = g.addConv(OpKind::Conv2D, "stem", x, 8, 3, 1, graph::Activation::ReLU6);
    std::vector<int> full, half;
    for (int k : {3, 5, 7})
        for (int s : {1, 2})
            (s == 1 ? full : half)
                .push_back(g.addConv(OpKind::DepthwiseConv2D, "dw_k" + std::to_string(k) + "s" + std::to_string(s), x, 8, k, s,
                                     graph::Activation::ReLU6));
    full.push_back(g.addConv(OpKind::DepthwiseConv2D, "dw_m2", x, 16, 3, 1, graph::Activation::ReLU));
    int y = g.addConcatenation("full", full);
    y = g.addMaxPool("down", y, graph::PoolWindow{2, 2, 2, 2, graph::Padding::Same});
    half.insert(half.begin(), y);
    y = g.addConcatenation("all", half);
    y = g.addAveragePool("pool", y);
    g.setOutput(g.addFullyConnected("fc", y, 4));
    return g;
}

// Windows that are not square (keyword spotting's 10x4 on MFCC inputs, 3x1
// and 1x5 kernels, strides that differ per axis): the general kernels,
// depthwise in place and out of place, with a depth multiplier.
graph::Graph windowsDag() {
    using graph::OpKind;
    using graph::PoolWindow;
    const auto same = graph::Padding::Same, valid = graph::Padding::Valid;
    const auto relu = graph::Activation::ReLU, relu6 = graph::Activation::ReLU6;
    graph::Graph g;
    int x = g.addInput("in", {23, 11, 2});
    x = g.addConv(OpKind::Conv2D, "conv10x4", x, 8, PoolWindow{10, 4, 2, 2, same}, relu);           // 12 x 6
    const int a = g.addConv(OpKind::Conv2D, "conv3x1", x, 8, PoolWindow{3, 1, 2, 1, same}, relu6);  // 6 x 6
    int y = g.addConv(OpKind::DepthwiseConv2D, "dw3x1", a, 8, PoolWindow{3, 1, 1, 1, same}, relu6);  // in place
    const int b = g.addConv(OpKind::DepthwiseConv2D, "dw1x5", x, 8, PoolWindow{1, 5, 2, 1, valid}, relu);  // 6 x 2
    const int c = g.addConv(OpKind::DepthwiseConv2D, "dw5x3m2", x, 16, PoolWindow{5, 3, 2, 3, same}, relu6);  // 6 x 2
    const int d = g.addConv(OpKind::Conv2D, "conv2x3", x, 4, PoolWindow{2, 3, 2, 3, valid}, relu);          // 6 x 2
    int z = g.addConcatenation("cat", {b, c, d});
    z = g.addAveragePool("pool2", z);
    y = g.addAveragePool("pool1", y);
    y = g.addConcatenation("both", {y, z});
    g.setOutput(g.addFullyConnected("fc", y, 5));
    return g;
}

struct Case {
    std::string name;
    graph::Graph graph;
    memory::Planner planner;
    std::uint64_t seed;
};

struct Outcome {
    std::string error;  // empty: passed
    std::set<std::string> variants;
    int inputs = 0;
};

// Case i: layer-specialized kernels in two of three (the general kernels
// in the rest, so both stay covered), half of those without the wider
// scratch of the faster variants (so the narrow ones stay covered too); DSP
// emulated in every other case.
Outcome runCase(const Case& c, const fs::path& dir, const std::vector<std::string>& kernelObjects,
                const std::string& cc, bool fast, bool wide, bool dsp) {
    Outcome o;
    const quant::FloatModel fm = quant::initializeWeights(c.graph, c.seed);
    const quant::QuantizedModel qm = quant::quantize(fm, quant::randomInputs(c.graph, 3, c.seed + 1));
    const memory::Plan plan = memory::plan(qm.graph, c.planner);
    codegen::Options options;
    options.modelName = c.name;
    options.fastKernels = fast;
    options.wideScratch = wide;
    const codegen::Generated gen = codegen::generate(qm, plan, dir.string(), options);
    o.variants = gen.kernelVariants;
    // The arena the code declares is the planner's peak.
    std::ifstream header(dir / "model.h");
    const std::string text((std::istreambuf_iterator<char>(header)), {});
    std::smatch m;
    if (!std::regex_search(text, m, std::regex("#define MODEL_ARENA_BYTES (\\d+)")) ||
        std::stoll(m[1]) != plan.arenaBytes) {
        o.error = c.name + ": declared arena differs from the plan's " + std::to_string(plan.arenaBytes);
        return o;
    }
    std::vector<std::string> argv = {cc};
    argv.insert(argv.end(), kCFlags.begin(), kCFlags.end());
    // One case in four at -O3 (plain and DSP-emulated), as `mcunet run` and
    // the firmware build it: GCC 12 once dropped a kernel's stores there and
    // nowhere else.
    if (c.seed % 8 == 2 || c.seed % 8 == 5) argv.push_back("-O3");
    if (dsp) argv.push_back("-DMCU_EMULATE_DSP");
    for (const char* f : {"model.c", "model_weights.c", "model_host.c"}) argv.push_back((dir / f).string());
    argv.insert(argv.end(), kernelObjects.begin(), kernelObjects.end());
    argv.insert(argv.end(), {"-I", dir.string(), "-I", (dir / "include").string(), "-o", (dir / "run").string()});
    const ProcessResult build = runProcess(argv, "", 300);
    if (build.exitCode != 0) {
        o.error = c.name + ": host build failed:\n" + build.output.substr(0, 2000);
        return o;
    }
    const auto inputs = quant::randomInputs(c.graph, 2, c.seed + 7);
    for (std::size_t k = 0; k < inputs.size(); ++k) {
        const auto input = quant::quantizeTensor(inputs[k], qm.tensors[static_cast<std::size_t>(qm.graph.input())]);
        writeBytes(dir / "in.bin", input);
        const ProcessResult run = runProcess({(dir / "run").string(), (dir / "in.bin").string(), (dir / "out.bin").string()});
        if (run.exitCode != 0) {
            o.error = c.name + ": generated code failed: " + run.output;
            return o;
        }
        // Every intermediate tensor is compared too where the code keeps it
        // (the output here); the reference is the C++ interpreter.
        const auto expected = quant::runReferenceOutput(qm, input);
        if (readBytes(dir / "out.bin") != expected) {
            o.error = c.name + " (" + memory::plannerName(c.planner) + "): output differs from the reference interpreter";
            return o;
        }
        ++o.inputs;
    }
    return o;
}

}  // namespace

class TestCodegen : public QObject {
    Q_OBJECT
private slots:
    void generatedCodeIsBitExact() {
        const std::string cc = findProgram("cc");
        QVERIFY2(!cc.empty(), "no host C compiler");
        QTemporaryDir tmp;
        const fs::path root(tmp.path().toStdString());
        std::vector<Case> cases;
        std::mt19937_64 rng(99);
        const space::SearchSpace spaces[] = {space::mcunetSpace(10), space::mobileNetV2Space(5), space::mcunetSpace(2)};
        const memory::Planner planners[] = {memory::Planner::Ours, memory::Planner::Ours, memory::Planner::TinyEngine,
                                            memory::Planner::TFLiteMicro};
        for (int i = 0; i < 170; ++i) {
            const int r = 32 + 8 * static_cast<int>(rng() % 9);
            const double w = 0.2 + 0.1 * static_cast<int>(rng() % 3);
            arch::Architecture a = space::sample(spaces[i % 3], r, w, rng);
            cases.push_back({"arch" + std::to_string(i) + "-" + a.name, graph::buildGraph(a), planners[i % 4], 1000u + i});
        }
        for (int i = 0; i < 29; ++i)
            cases.push_back({"dag" + std::to_string(i), randomDag(rng), planners[i % 4], 5000u + i});
        cases.push_back({"dag-depthwise", depthwiseCoverageDag(), memory::Planner::Ours, 5029u});  // case 199: fast kernels
        cases.push_back({"ds-cnn", graph::buildDsCnn(), memory::Planner::Ours, 5030u});
        cases.push_back({"dag-windows", windowsDag(), memory::Planner::Ours, 5031u});
        cases.push_back({"dag-windows-fast", windowsDag(), memory::Planner::TinyEngine, 5032u});
        cases.push_back({"ds-cnn-tflm", graph::buildDsCnn({25, 8, 5, 3, 16, 2, 4}), memory::Planner::TFLiteMicro, 5033u});

        // The kernels are the same text in every generated project: compile
        // them once, from the first project, and link each model against them.
        {
            const Case& first = cases.front();
            const quant::FloatModel fm = quant::initializeWeights(first.graph, 1);
            const quant::QuantizedModel qm = quant::quantize(fm, quant::randomInputs(first.graph, 1, 2));
            codegen::generate(qm, memory::plan(qm.graph, memory::Planner::Ours), (root / "kernels").string());
        }
        std::vector<std::string> objects[2];  // plain C, DSP emulated
        for (int dsp = 0; dsp < 2; ++dsp)
            for (const auto& entry : fs::directory_iterator(root / "kernels" / "kernels")) {
                if (entry.path().extension() != ".c") continue;
                const std::string object =
                    (root / (entry.path().stem().string() + (dsp ? "_dsp.o" : ".o"))).string();
                std::vector<std::string> argv = {cc};
                argv.insert(argv.end(), kCFlags.begin(), kCFlags.end());
                if (dsp) argv.push_back("-DMCU_EMULATE_DSP");
                argv.insert(argv.end(),
                            {"-c", entry.path().string(), "-I", (root / "kernels" / "include").string(), "-o", object});
                const ProcessResult r = runProcess(argv);
                QVERIFY2(r.exitCode == 0, r.output.c_str());
                objects[dsp].push_back(object);
            }

        std::set<std::string> hit;
        int passed = 0, compared = 0;
        std::vector<std::future<Outcome>> running;
        auto collect = [&](std::future<Outcome>& f) {
            Outcome o = f.get();
            if (!o.error.empty()) QFAIL(o.error.c_str());
            hit.insert(o.variants.begin(), o.variants.end());
            compared += o.inputs;
            ++passed;
        };
        for (std::size_t i = 0; i < cases.size(); ++i) {
            const bool dsp = i % 2 == 1;
            running.push_back(std::async(std::launch::async, runCase, std::cref(cases[i]), root / ("m" + std::to_string(i)),
                                         std::cref(objects[dsp ? 1 : 0]), cc, i % 3 != 0, i % 3 == 1, dsp));
            if (running.size() == 2) {
                collect(running.front());
                running.erase(running.begin());
                if (QTest::currentTestFailed()) return;
            }
        }
        for (auto& f : running) collect(f);
        qInfo("%d models, %d inputs: generated code identical to the reference interpreter", passed, compared);
        QCOMPARE(passed, 204);
        for (const std::string& v : codegen::allKernelVariants()) QVERIFY2(hit.count(v), ("kernel variant never hit: " + v).c_str());
    }

    void crossCompilesForCortexM7AndM4() {
        QTemporaryDir tmp;
        std::mt19937_64 rng(4);
        const graph::Graph graphs[] = {graph::buildGraph(arch::preset("mcunet-vww1")),
                                       graph::buildGraph(space::sample(space::mcunetSpace(10), 64, 0.3, rng))};
        int index = 0;
        for (const graph::Graph& g : graphs) {
            const quant::QuantizedModel qm = quant::quantizeSeeded(g, 3);
            const std::string dir = (fs::path(tmp.path().toStdString()) / std::to_string(index++)).string();
            codegen::generate(qm, memory::plan(qm.graph, memory::Planner::Ours), dir);
            for (const char* cpu : {"cortex-m7", "cortex-m4"}) {
                const auto objects = codegen::compileForCortexM(dir, cpu);  // -Wall -Wextra -Werror
                QCOMPARE(objects.size(), std::size_t(14));  // every kernel file and the model
                // The 1x1 kernel uses the DSP dual MAC on both cores.
                for (const auto& o : objects) {
                    if (o.find("pointwise_s8") == std::string::npos) continue;
                    const ProcessResult dump = runProcess({"arm-none-eabi-objdump", "-d", o});
                    QVERIFY2(dump.output.find("smlad") != std::string::npos, cpu);
                    QVERIFY2(dump.output.find("__aeabi_ldiv") == std::string::npos, cpu);
                }
            }
        }
    }

    void badPlansAreRefused() {
        const graph::Graph g = graph::buildGraph(arch::preset("mcunet-vww1"));
        const quant::QuantizedModel qm = quant::quantize(quant::initializeWeights(g, 1), quant::randomInputs(g, 1, 2));
        QTemporaryDir tmp;
        memory::Plan plan = memory::plan(qm.graph, memory::Planner::Ours);
        codegen::Options bad;
        bad.prefix = "9lives";
        QVERIFY_THROWS_EXCEPTION(std::exception, codegen::generate(qm, plan, tmp.path().toStdString(), bad));
        plan.placements[1].offset = plan.placements[0].offset;  // overlap two live tensors
        QVERIFY_THROWS_EXCEPTION(std::exception, codegen::generate(qm, plan, tmp.path().toStdString()));
        const graph::Graph other = graph::buildGraph(arch::preset("mcunet-in3"));
        QVERIFY_THROWS_EXCEPTION(std::exception,
                                 codegen::generate(qm, memory::plan(other, memory::Planner::Ours), tmp.path().toStdString()));
    }
};

QTEST_GUILESS_MAIN(TestCodegen)
#include "test_codegen.moc"
