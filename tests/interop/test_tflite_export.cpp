// core/interop: .tflite export, checked by Arm NN (an engine nobody here
// wrote). Whole models and layer by layer: Arm NN must reproduce the
// reference interpreter's int8 outputs exactly, except values that sit at a
// rounding tie (Arm NN rounds the exact value once, TF Lite twice), which may
// differ by exactly 1. Every mismatch is shown to sit at a tie.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "arch/presets.h"
#include "common/error.h"
#include "common/process.h"
#include "graph/build.h"
#include "graph/ds_cnn.h"
#include "graph/ops.h"
#include "interop/tflite_export.h"
#include "quant/interpreter.h"
#include "quant/model.h"
#include "space/search_space.h"

using namespace mcunet;
namespace fs = std::filesystem;

namespace {

void writeBytes(const fs::path& p, const void* data, std::size_t n) {
    std::ofstream(p, std::ios::binary).write(static_cast<const char*>(data), static_cast<std::streamsize>(n));
}
std::vector<std::int8_t> readBytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::vector<std::int8_t>(std::istreambuf_iterator<char>(in), {});
}

// How far from .5 an exact value may be and still round differently in TF
// Lite's two steps than in one: half a unit of the intermediate result, i.e.
// 2^-(r+1) output LSBs for a right shift r (plus float slack for Arm NN's
// float arithmetic; for add, the inputs' own rescaling rounding too).
double tieTolerance(const quant::QuantizedModel& m, int i, std::size_t e) {
    const graph::Op& op = m.graph.op(i);
    const quant::OpQuant& q = m.ops[static_cast<std::size_t>(i)];
    auto half = [](int shift) { return std::ldexp(1.0, -(std::max(0, -shift) + 1)); };
    switch (op.kind) {
        case graph::OpKind::Add: return half(q.output.shift) + std::ldexp(1.0, -10);
        case graph::OpKind::AveragePool: return 1e-6;
        case graph::OpKind::FullyConnected: return half(q.multipliers[0].shift) + 1e-4;
        default: {
            const std::size_t c = e % std::size_t(m.graph.tensor(op.output).shape.c);
            return half(q.multipliers[c].shift) + 1e-4;
        }
    }
}

// The exact (unrounded) real value, in output LSBs plus zero point, that op i
// should produce at output element e, from the reference's input activations.
double exactOutput(const quant::QuantizedModel& m, int i, std::size_t e, const std::vector<std::vector<std::int8_t>>& act) {
    using graph::OpKind;
    const graph::Graph& g = m.graph;
    const graph::Op& op = g.op(i);
    const quant::OpQuant& q = m.ops[static_cast<std::size_t>(i)];
    const quant::TensorQuant in = m.tensors[static_cast<std::size_t>(op.inputs[0])];
    const quant::TensorQuant out = m.tensors[static_cast<std::size_t>(op.output)];
    const auto& x = act[static_cast<std::size_t>(op.inputs[0])];
    const graph::Shape is = g.tensor(op.inputs[0]).shape, os = g.tensor(op.output).shape;
    std::int64_t acc = 0;
    int channel = 0;
    switch (op.kind) {
        case OpKind::Add: {
            const quant::TensorQuant in2 = m.tensors[static_cast<std::size_t>(op.inputs[1])];
            const auto& y = act[static_cast<std::size_t>(op.inputs[1])];
            return ((x[e] - in.zeroPoint) * double(in.scale) + (y[e] - in2.zeroPoint) * double(in2.scale)) / double(out.scale) +
                   out.zeroPoint;
        }
        case OpKind::AveragePool: {
            for (int p = 0; p < is.h * is.w; ++p) acc += x[std::size_t(p) * is.c + e];
            return double(acc) / (is.h * is.w);
        }
        case OpKind::FullyConnected:
            for (std::size_t k = 0; k < x.size(); ++k) acc += (x[k] - in.zeroPoint) * q.weights[e * x.size() + k];
            acc += q.bias[e];
            return double(acc) * double(in.scale) * double(q.weightScales[0]) / double(out.scale) + out.zeroPoint;
        default: {
            const int oc = static_cast<int>(e % std::size_t(os.c));
            const int pix = static_cast<int>(e / std::size_t(os.c));
            const int oy = pix / os.w, ox = pix % os.w, kh = op.kernel, kw = op.kernelW;
            channel = oc;
            for (int ky = 0; ky < kh; ++ky)
                for (int kx = 0; kx < kw; ++kx) {
                    const int iy = oy * op.stride - op.padTop + ky, ix = ox * op.strideW - op.padLeft + kx;
                    if (iy < 0 || iy >= is.h || ix < 0 || ix >= is.w) continue;
                    const std::size_t base = (std::size_t(iy) * is.w + ix) * is.c;
                    if (op.kind == OpKind::DepthwiseConv2D)
                        acc += (x[base + oc] - in.zeroPoint) * q.weights[(std::size_t(ky) * kw + kx) * os.c + oc];
                    else
                        for (int ic = 0; ic < is.c; ++ic)
                            acc += (x[base + ic] - in.zeroPoint) *
                                   q.weights[((std::size_t(oc) * kh + ky) * kw + kx) * is.c + ic];
                }
            acc += q.bias[static_cast<std::size_t>(oc)];
            return double(acc) * double(in.scale) * double(q.weightScales[static_cast<std::size_t>(channel)]) /
                       double(out.scale) + out.zeroPoint;
        }
    }
}

struct CrossCheck {
    std::int64_t values = 0, mismatches = 0, notAtTie = 0, wholeValues = 0, wholeMismatches = 0;
    int maxWholeDiff = 0;
    double worstTieDistance = 0;
    std::string firstProblem;
};

// One Arm NN job per layer: the layer alone, fed with the reference's activations.
void writeLayerJobs(const quant::QuantizedModel& m, const std::vector<std::vector<std::int8_t>>& act,
                    const fs::path& dir, std::ostream& jobs) {
    const graph::Graph& g = m.graph;
    for (int i = 0; i < g.opCount(); ++i) {
        const auto layer = interop::exportTfliteLayer(m, i);
        const fs::path base = dir / ("layer" + std::to_string(i));
        writeBytes(base.string() + ".tflite", layer.data(), layer.size());
        jobs << base.string() << ".tflite " << base.string() << ".out";
        for (std::size_t k = 0; k < g.op(i).inputs.size(); ++k) {
            const auto& x = act[static_cast<std::size_t>(g.op(i).inputs[k])];
            const std::string path = base.string() + ".in" + std::to_string(k);
            writeBytes(path, x.data(), x.size());
            jobs << " " << path;
        }
        jobs << "\n";
    }
}

// Runs a job file through Arm NN in a child process.
void armnn(const fs::path& jobs) {
    const ProcessResult r = runProcess({ARMNN_RUN_PATH, jobs.string()}, "", 900);
    if (r.exitCode != 0) throw Error("Arm NN failed: " + r.output);
}

CrossCheck crossCheck(const quant::QuantizedModel& m, const fs::path& dir, std::uint64_t seed) {
    CrossCheck c;
    const graph::Graph& g = m.graph;
    const auto input = quant::quantizeTensor(quant::randomInputs(g, 1, seed)[0], m.tensors[static_cast<std::size_t>(g.input())]);
    const auto act = quant::runReference(m, input);
    std::ofstream jobs(dir / "jobs.txt");
    // Whole model.
    const auto whole = interop::exportTflite(m);
    writeBytes(dir / "model.tflite", whole.data(), whole.size());
    writeBytes(dir / "input.bin", input.data(), input.size());
    jobs << (dir / "model.tflite").string() << " " << (dir / "model.out").string() << " " << (dir / "input.bin").string() << "\n";
    // Every layer alone, fed with the reference's activations.
    writeLayerJobs(m, act, dir, jobs);
    jobs.close();
    armnn(dir / "jobs.txt");
    const auto wholeOut = readBytes(dir / "model.out");
    const auto& expected = act[static_cast<std::size_t>(g.output())];
    if (wholeOut.size() != expected.size()) throw Error("Arm NN output has the wrong size");
    for (std::size_t e = 0; e < expected.size(); ++e) {
        ++c.wholeValues;
        const int d = std::abs(wholeOut[e] - expected[e]);
        c.wholeMismatches += d != 0;
        c.maxWholeDiff = std::max(c.maxWholeDiff, d);
    }
    for (int i = 0; i < g.opCount(); ++i) {
        const auto out = readBytes(dir / ("layer" + std::to_string(i) + ".out"));
        const auto& ref = act[static_cast<std::size_t>(g.op(i).output)];
        if (out.size() != ref.size()) throw Error(g.op(i).name + ": Arm NN output has the wrong size");
        for (std::size_t e = 0; e < ref.size(); ++e) {
            ++c.values;
            if (out[e] == ref[e]) continue;
            ++c.mismatches;
            const double exact = exactOutput(m, i, e, act);
            const double distance = std::fabs(exact - std::floor(exact) - 0.5);
            c.worstTieDistance = std::max(c.worstTieDistance, distance);
            if (std::abs(out[e] - ref[e]) != 1 || distance > tieTolerance(m, i, e)) {
                ++c.notAtTie;
                if (c.firstProblem.empty())
                    c.firstProblem = g.op(i).name + "[" + std::to_string(e) + "]: reference " + std::to_string(ref[e]) +
                                     ", Arm NN " + std::to_string(out[e]) + ", exact " + std::to_string(exact);
            }
        }
    }
    return c;
}

// The ops of issue 12 (point 2) in one network: windowed pools, pad,
// concatenation, mul, add with a fused activation, a depthwise conv with
// depth multiplier 2, a VALID convolution with ReLU, mean.
graph::Graph newOpsGraph(int seed) {
    std::mt19937_64 rng(9300 + static_cast<std::uint64_t>(seed));
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    using graph::OpKind;
    graph::Graph g;
    int x = g.addInput("input", {9 + pick(8), 9 + pick(8), 1 + pick(3)});
    x = g.addConv(OpKind::Conv2D, "stem", x, 8, 3, 1, graph::Activation::ReLU6);
    const graph::PoolWindow w{2 + pick(2), 1 + pick(3), 1 + pick(2), 1 + pick(2), pick(2) ? graph::Padding::Same : graph::Padding::Valid};
    x = g.addMaxPool("max", x, w, pick(2) ? graph::Activation::ReLU6 : graph::Activation::None);
    x = g.addPad("pad", x, pick(3), pick(3), pick(3), pick(3));
    const int branch = g.addConv(OpKind::PointwiseConv2D, "branch", x, 4, 1, 1, graph::Activation::None);
    x = g.addConcatenation("concat", {x, branch});
    const int dw = g.addConv(OpKind::DepthwiseConv2D, "dw", x, g.tensor(x).shape.c, 3, 1, graph::Activation::None);
    x = g.addMul("mul", x, dw);
    const int dw3 = g.addConv(OpKind::DepthwiseConv2D, "dw3", x, g.tensor(x).shape.c, 3, 1, graph::Activation::None);
    x = g.addAdd("add", x, dw3, -1, -1, pick(2) ? graph::Activation::ReLU6 : graph::Activation::ReLU);
    x = g.addConv(OpKind::DepthwiseConv2D, "dw_m2", x, 2 * g.tensor(x).shape.c, 3, 1, graph::Activation::ReLU);  // depth multiplier 2
    x = g.addConv(OpKind::Conv2D, "valid", x, 6, 3, 1 + pick(2), graph::Activation::ReLU, -1, -1, graph::Padding::Valid);
    x = g.addAveragePool2D("avg", x, graph::PoolWindow{3, 2, 2, 1, pick(2) ? graph::Padding::Same : graph::Padding::Valid});
    x = g.addMean("mean", x, true);
    g.setOutput(g.addFullyConnected("fc", x, 3));
    return g;
}

}  // namespace

class TestTfliteExport : public QObject {
    Q_OBJECT
private slots:
    void structure() {
        const graph::Graph g = graph::buildGraph(arch::preset("mcunet-vww1"));
        const quant::QuantizedModel m = quant::quantizeSeeded(g, 1);
        const auto bytes = interop::exportTflite(m);
        const interop::TfliteSummary s = interop::inspectTflite(bytes);
        QCOMPARE(s.operators, g.opCount() + 1);  // + the reshape before the classifier
        QCOMPARE(s.inputShapes, (std::vector<std::vector<int>>{{1, 80, 80, 3}}));
        QCOMPARE(s.outputShapes, (std::vector<std::vector<int>>{{1, 2}}));
        QCOMPARE(QString::fromStdString(s.opNames.front()), QString("CONV_2D"));
        QCOMPARE(QString::fromStdString(s.opNames.back()), QString("FULLY_CONNECTED"));
        QVERIFY(std::count(s.opNames.begin(), s.opNames.end(), "DEPTHWISE_CONV_2D") == 15);
        QVERIFY(std::count(s.opNames.begin(), s.opNames.end(), "ADD") == 8);
        // Weights are all there: the file is at least the int8 parameters.
        QVERIFY(bytes.size() > 420000);
    }

    void corruptFilesAreRefused() {
        const graph::Graph g = graph::buildGraph(arch::preset("mcunet-vww1"));
        auto bytes = interop::exportTflite(quant::quantizeSeeded(g, 1));
        auto truncated = std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + 5000);
        QVERIFY_THROWS_EXCEPTION(Error, interop::inspectTflite(truncated));
        auto renamed = bytes;
        renamed[4] = 'X';
        QVERIFY_THROWS_EXCEPTION(Error, interop::inspectTflite(renamed));
        QVERIFY_THROWS_EXCEPTION(Error, interop::inspectTflite({}));
    }

    // The ops of issue 12 layer by layer through Arm NN (its reference backend
    // computes pools, mean and mul in float, rounding once): max pool, pad and
    // concatenation exactly; average pool, mean and mul within 1, rarely.
    void armnnRunsTheNewOps() {
        for (int seed = 0; seed < 4; ++seed) {
            const quant::QuantizedModel m = quant::quantizeSeeded(newOpsGraph(seed), 60u + unsigned(seed));
            const graph::Graph& g = m.graph;
            QTemporaryDir tmp;
            const fs::path dir(tmp.path().toStdString());
            const auto input = quant::quantizeTensor(quant::randomInputs(g, 1, 5u + unsigned(seed))[0],
                                                     m.tensors[static_cast<std::size_t>(g.input())]);
            const auto act = quant::runReference(m, input);
            std::ofstream jobs(dir / "jobs.txt");
            writeLayerJobs(m, act, dir, jobs);
            jobs.close();
            armnn(dir / "jobs.txt");
            for (int i = 0; i < g.opCount(); ++i) {
                const graph::Op& op = g.op(i);
                const auto out = readBytes(dir / ("layer" + std::to_string(i) + ".out"));
                const auto& ref = act[static_cast<std::size_t>(op.output)];
                QVERIFY2(out.size() == ref.size(), op.name.c_str());
                const bool exact = op.kind == graph::OpKind::MaxPool || op.kind == graph::OpKind::Pad ||
                                   op.kind == graph::OpKind::Concatenation;
                std::int64_t off = 0, padRaw0 = 0;
                const graph::Shape is = g.tensor(op.inputs[0]).shape, os = g.tensor(op.output).shape;
                for (std::size_t e = 0; e < ref.size(); ++e) {
                    const int pix = static_cast<int>(e / std::size_t(os.c)), y = pix / os.w - op.padTop,
                              x = pix % os.w - op.padLeft;
                    // Arm NN (Debian's 20.08) pads int8 with the raw value 0, TF Lite
                    // with the zero point (PadPrepare: output zero point): padding
                    // positions may show either.
                    if (op.kind == graph::OpKind::Pad && (y < 0 || y >= is.h || x < 0 || x >= is.w) && out[e] == 0) {
                        ++padRaw0;
                        continue;
                    }
                    const int d = std::abs(out[e] - ref[e]);
                    if (d && op.kind == graph::OpKind::AveragePool2D) {  // only at a tie: the window's mean is k + 1/2
                        const int c = static_cast<int>(e % std::size_t(os.c)), oy = pix / os.w, ox = pix % os.w;
                        std::int64_t sum = 0, count = 0;
                        for (int iy = std::max(0, oy * op.stride - op.padTop); iy < std::min(is.h, oy * op.stride - op.padTop + op.kernel); ++iy)
                            for (int ix = std::max(0, ox * op.strideW - op.padLeft); ix < std::min(is.w, ox * op.strideW - op.padLeft + op.kernelW); ++ix, ++count)
                                sum += act[static_cast<std::size_t>(op.inputs[0])][(std::size_t(iy) * is.w + ix) * is.c + c];
                        QVERIFY2(2 * std::abs(sum % count) == count, qPrintable(QString("%1[%2]: not at a tie").arg(QString::fromStdString(op.name)).arg(e)));
                    }
                    QVERIFY2(d <= (exact ? 0 : 1), qPrintable(QString("%1[%2]: reference %3, Arm NN %4")
                                                                  .arg(QString::fromStdString(op.name)).arg(e).arg(ref[e]).arg(out[e])));
                    off += d;
                }
                if (padRaw0) qInfo("seed %d %s: Arm NN padded %lld values with 0, not the zero point", seed, op.name.c_str(),
                                   (long long)padRaw0);
                if (!exact && graph::opInfo(op.kind).weights == graph::WeightLayout::None && op.kind != graph::OpKind::Add)
                    qInfo("seed %d %s: %lld of %zu values differ by 1", seed, op.name.c_str(), (long long)off, ref.size());
            }
        }
    }

    void armnnAgreesWithTheReference_data() {
        QTest::addColumn<int>("index");
        QTest::newRow("mcunet-vww1") << 0;
        QTest::newRow("mbv2-w0.35-r144") << 1;
        QTest::newRow("proxyless-w0.3-r96") << 2;
        for (int i = 3; i < 7; ++i) QTest::newRow(qPrintable(QString("random %1").arg(i - 2))) << i;
        QTest::newRow("ds-cnn (10x4 kernel on 49x10 MFCC)") << 7;
        QTest::newRow("ds-cnn 5x3 on 25x8") << 8;
    }
    void armnnAgreesWithTheReference() {
        QFETCH(int, index);
        graph::Graph g;
        if (index == 0) g = graph::buildGraph(arch::preset("mcunet-vww1"));
        else if (index == 1) g = graph::buildGraph(arch::preset("mbv2-w0.35-r144"));
        else if (index == 2) g = graph::buildGraph(arch::preset("proxyless-w0.3-r96"));
        else if (index == 7) g = graph::buildDsCnn();
        else if (index == 8) g = graph::buildDsCnn({25, 8, 5, 3, 16, 2, 4});
        else {
            std::mt19937_64 rng(static_cast<std::uint64_t>(index));
            const space::SearchSpace s = index % 2 ? space::mcunetSpace(10) : space::mobileNetV2Space(7);
            g = graph::buildGraph(space::sample(s, 48 + 16 * (index % 3), 0.3 + 0.1 * (index % 3), rng));
        }
        const quant::QuantizedModel m = quant::quantizeSeeded(g, 40u + static_cast<unsigned>(index));
        QTemporaryDir tmp;
        const CrossCheck c = crossCheck(m, tmp.path().toStdString(), 7u + static_cast<unsigned>(index));
        qInfo("layers: %lld of %lld values differ (%.3f%%), all by 1 at a tie: %s (worst distance from .5: %.4f LSB); "
              "whole model: %lld of %lld output values differ, by at most %d",
              (long long)c.mismatches, (long long)c.values, 100.0 * double(c.mismatches) / double(c.values),
              c.notAtTie ? "NO" : "yes", c.worstTieDistance, (long long)c.wholeMismatches, (long long)c.wholeValues,
              c.maxWholeDiff);
        QVERIFY2(c.notAtTie == 0, c.firstProblem.c_str());
        QVERIFY(double(c.mismatches) <= 0.01 * double(c.values));
    }
};

QTEST_GUILESS_MAIN(TestTfliteExport)
#include "test_tflite_export.moc"
