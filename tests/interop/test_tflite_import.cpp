// core/interop: .tflite import. Our own exports come back bit-exact (graph,
// weights, quantization, re-export byte for byte, reference outputs) for the
// presets and 20 random architectures; every op mapping is checked on small
// handcrafted files, the convolutions also numerically against TF Lite's
// integer arithmetic written out plainly here; person_detect's coverage
// report names exactly what blocks it.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>

#include "arch/presets.h"
#include "common/error.h"
#include "graph/build.h"
#include "interop/tflite_export.h"
#include "interop/tflite_file.h"
#include "interop/tflite_import.h"
#include "interop/tflite_names.h"
#include "quant/interpreter.h"
#include "quant/model.h"
#include "space/search_space.h"
#include "tflite_builder.h"

using namespace mcunet;
using namespace tflite_test;

namespace {

// --- our exports ------------------------------------------------------------

// The ops of issue 12 (point 2) in one network, varied by `seed`: windowed
// pools (SAME and VALID, fused ReLU6), pad, concatenation, mul, a VALID convolution with ReLU and mean.
graph::Graph newOpsGraph(int seed) {
    std::mt19937_64 rng(9100 + static_cast<std::uint64_t>(seed));
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    using graph::OpKind;
    graph::Graph g;
    int x = g.addInput("input", {9 + pick(8), 9 + pick(8), 1 + pick(3)});
    x = g.addConv(OpKind::Conv2D, "stem", x, 8, 3, 1, graph::Activation::ReLU6);
    const auto act = pick(2) ? graph::Activation::ReLU6 : graph::Activation::None;
    const graph::PoolWindow w{2 + pick(2), 1 + pick(3), 1 + pick(2), 1 + pick(2), pick(2) ? graph::Padding::Same : graph::Padding::Valid};
    x = g.addMaxPool("max", x, w, act);
    x = g.addPad("pad", x, pick(3), pick(3), pick(3), pick(3));
    const int branch = g.addConv(OpKind::PointwiseConv2D, "branch", x, 4, 1, 1, graph::Activation::None);
    x = g.addConcatenation("concat", {x, branch});
    const int dw = g.addConv(OpKind::DepthwiseConv2D, "dw", x, g.tensor(x).shape.c, 3, 1, graph::Activation::None);
    x = g.addMul("mul", x, dw, act);
    x = g.addConv(OpKind::Conv2D, "valid", x, 6, 3, 1 + pick(2), graph::Activation::ReLU, -1, -1, graph::Padding::Valid);
    x = g.addAveragePool2D("avg", x, graph::PoolWindow{2, 2, 2, 1, pick(2) ? graph::Padding::Same : graph::Padding::Valid});
    x = g.addMean("mean", x, pick(2) == 0);
    g.setOutput(g.addFullyConnected("fc", x, 3));
    return g;
}

graph::Graph roundTripGraph(const QString& preset, int random) {
    if (!preset.isEmpty()) return graph::buildGraph(arch::preset(preset.toStdString()));
    if (random >= 100) return newOpsGraph(random);
    std::mt19937_64 rng(7000 + static_cast<std::uint64_t>(random));
    const space::SearchSpace s = random % 2 ? space::mcunetSpace(10) : space::mobileNetV2Space(1 + random % 7);
    return graph::buildGraph(space::sample(s, 32 + 16 * (random % 4), 0.2 + 0.1 * (random % 4), rng));
}

// The first difference between two graphs, or "" (stage and block group
// ops for the views; a file does not carry them).
std::string graphDifference(const graph::Graph& a, const graph::Graph& b) {
    if (a.opCount() != b.opCount() || a.tensorCount() != b.tensorCount()) return "op or tensor count";
    if (a.input() != b.input() || a.output() != b.output()) return "input or output tensor";
    for (int t = 0; t < a.tensorCount(); ++t) {
        const graph::Tensor &x = a.tensor(t), &y = b.tensor(t);
        if (x.name != y.name || !(x.shape == y.shape) || x.producer != y.producer ||
            x.quant.scales != y.quant.scales || x.quant.zeroPoints != y.quant.zeroPoints)
            return "tensor " + std::to_string(t) + " " + x.name;
    }
    for (int i = 0; i < a.opCount(); ++i) {
        const graph::Op &x = a.op(i), &y = b.op(i);
        if (x.kind != y.kind || x.name != y.name || x.inputs != y.inputs || x.output != y.output ||
            x.kernel != y.kernel || x.stride != y.stride || x.padTop != y.padTop || x.padLeft != y.padLeft ||
            x.kernelW != y.kernelW || x.strideW != y.strideW || x.keepDims != y.keepDims || x.activation != y.activation)
            return "op " + std::to_string(i) + " " + x.name;
    }
    return "";
}

bool sameMultiplier(quant::Multiplier a, quant::Multiplier b) { return a.value == b.value && a.shift == b.shift; }

std::string quantDifference(const quant::QuantizedModel& a, const quant::QuantizedModel& b) {
    for (std::size_t t = 0; t < a.tensors.size(); ++t)
        if (a.tensors[t].scale != b.tensors[t].scale || a.tensors[t].zeroPoint != b.tensors[t].zeroPoint)
            return "tensor " + std::to_string(t) + " quantization";
    for (std::size_t i = 0; i < a.ops.size(); ++i) {
        const quant::OpQuant &x = a.ops[i], &y = b.ops[i];
        const std::string op = "op " + std::to_string(i) + " " + a.graph.op(static_cast<int>(i)).name + ": ";
        if (x.weights != y.weights) return op + "weights";
        if (x.bias != y.bias) return op + "bias";
        if (x.weightScales != y.weightScales) return op + "weight scales";
        if (x.multipliers.size() != y.multipliers.size() ||
            !std::equal(x.multipliers.begin(), x.multipliers.end(), y.multipliers.begin(), sameMultiplier))
            return op + "multipliers";
        if (x.activationMin != y.activationMin || x.activationMax != y.activationMax) return op + "clamp";
        if (x.leftShift != y.leftShift || !sameMultiplier(x.input1, y.input1) || !sameMultiplier(x.input2, y.input2) ||
            !sameMultiplier(x.output, y.output))
            return op + "add multipliers";
    }
    return "";
}

std::vector<std::int8_t> randomInput(const quant::QuantizedModel& m, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<std::int8_t> x(static_cast<std::size_t>(m.graph.tensor(m.graph.input()).bytes()));
    for (auto& v : x) v = static_cast<std::int8_t>(static_cast<int>(rng() % 256) - 128);
    return x;
}

// --- handcrafted files --------------------------------------------------------

std::vector<std::int8_t> randomWeights(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<std::int8_t> w(n);
    for (auto& v : w) v = static_cast<std::int8_t>(static_cast<int>(rng() % 255) - 127);
    return w;
}

std::vector<std::int32_t> randomBias(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<std::int32_t> b(n);
    for (auto& v : b) v = static_cast<std::int32_t>(rng() % 4001) - 2000;
    return b;
}

// One CONV_2D or DEPTHWISE_CONV_2D on an [1,h,w,cin] int8 input.
struct ConvSpec {
    bool depthwise = false;
    int h = 9, w = 8, cin = 4, cout = 8, kh = 3, kw = 3, strideH = 1, strideW = 1, padding = kSame,
        activation = kRelu6, dilation = 1;
    bool perChannel = true, options = true;
    int weightType = kInt8, weightZeroPoint = 0, weightCin = -1;  // -1: cin
    float outScale = 0.04f;
    int outZeroPoint = -5;
    int outH = 0;  // > 0: the output height the file claims (inconsistent files)
    int optionMultiplier = -1;  // >= 0: the depth_multiplier option the file claims (-1: cout / cin)
};

int outSize(int in, int k, int s, int padding) { return padding == kSame ? (in + s - 1) / s : (in - k) / s + 1; }

struct ConvModel {
    std::vector<std::uint8_t> bytes;
    std::vector<std::int8_t> weights;  // TF Lite's layout
    std::vector<std::int32_t> bias;
    std::vector<float> scales;         // per output channel
};

ConvModel convModel(const ConvSpec& s) {
    ConvModel m;
    TfliteBuilder b;
    const int wcin = s.weightCin < 0 ? s.cin : s.weightCin;
    const std::vector<int> wshape = s.depthwise ? std::vector<int>{1, s.kh, s.kw, s.cout}
                                                : std::vector<int>{s.cout, s.kh, s.kw, wcin};
    std::size_t n = 1;
    for (int d : wshape) n *= std::size_t(d);
    m.weights = randomWeights(n, 11);
    m.bias = randomBias(std::size_t(s.cout), 12);
    for (int c = 0; c < s.cout; ++c) m.scales.push_back(s.perChannel ? 0.002f + 0.0005f * float(c % 5) : 0.003f);
    const int x = b.activation("input", {1, s.h, s.w, s.cin}, 0.05f, -3);
    const QuantSpec wq = s.perChannel ? QuantSpec{m.scales, std::vector<std::int64_t>(m.scales.size(), s.weightZeroPoint),
                                                  s.depthwise ? 3 : 0}
                                      : QuantSpec{{m.scales[0]}, {s.weightZeroPoint}, 0};
    const int wt = b.tensor("w", wshape, s.weightType, wq, int8Bytes(m.weights));
    std::vector<float> biasScales;
    for (float ws : m.scales) biasScales.push_back(0.05f * ws);
    const int bt = b.tensor("b", {s.cout}, kInt32, {biasScales, std::vector<std::int64_t>(biasScales.size(), 0), 0},
                            int32Bytes(m.bias));
    const int oh = s.outH > 0 ? s.outH : outSize(s.h, s.kh, s.strideH, s.padding);
    const int ow = outSize(s.w, s.kw, s.strideW, s.padding);
    const int y = b.activation("conv", {1, oh, ow, s.cout}, s.outScale, s.outZeroPoint);
    auto& fb = b.fb();
    if (!s.options) {
        b.op(s.depthwise ? 4 : 3, {x, wt, bt}, {y});
    } else if (s.depthwise) {
        const auto o = fbr::CreateDepthwiseConv2DOptions(fb, static_cast<std::int8_t>(s.padding), s.strideW, s.strideH,
                                                         s.optionMultiplier >= 0 ? s.optionMultiplier : s.cout / s.cin,
                                                         static_cast<std::int8_t>(s.activation),
                                                         s.dilation, s.dilation);
        b.op(4, {x, wt, bt}, {y}, fbr::BuiltinOptions_DepthwiseConv2DOptions, o.Union());
    } else {
        const auto o = fbr::CreateConv2DOptions(fb, static_cast<std::int8_t>(s.padding), s.strideW, s.strideH,
                                                static_cast<std::int8_t>(s.activation), s.dilation, s.dilation);
        b.op(3, {x, wt, bt}, {y}, fbr::BuiltinOptions_Conv2DOptions, o.Union());
    }
    m.bytes = b.finish({x}, {y});
    return m;
}

// TF Lite's int8 convolution and depthwise convolution (reference_integer_ops
// semantics), written out plainly: the check that the import maps layouts,
// padding and clamps right. Only the fixed-point helpers are shared.
std::vector<std::int8_t> tfliteConv(const ConvSpec& s, const ConvModel& m, const std::vector<std::int8_t>& x) {
    const int oh = outSize(s.h, s.kh, s.strideH, s.padding), ow = outSize(s.w, s.kw, s.strideW, s.padding);
    const int padTop = s.padding == kSame ? std::max((oh - 1) * s.strideH + s.kh - s.h, 0) / 2 : 0;
    const int padLeft = s.padding == kSame ? std::max((ow - 1) * s.strideW + s.kw - s.w, 0) / 2 : 0;
    auto q = [&](float f) { return s.outZeroPoint + static_cast<int>(std::round(f / s.outScale)); };
    int lo = -128, hi = 127;
    if (s.activation == kRelu || s.activation == kRelu6) lo = std::max(-128, q(0.0f));
    if (s.activation == kRelu6) hi = std::min(127, q(6.0f));
    const int mult = s.cout / s.cin;
    std::vector<std::int8_t> y(std::size_t(oh) * std::size_t(ow) * std::size_t(s.cout));
    for (int oy = 0; oy < oh; ++oy)
        for (int ox = 0; ox < ow; ++ox)
            for (int oc = 0; oc < s.cout; ++oc) {
                std::int32_t acc = 0;
                for (int ky = 0; ky < s.kh; ++ky)
                    for (int kx = 0; kx < s.kw; ++kx) {
                        const int iy = oy * s.strideH - padTop + ky, ix = ox * s.strideW - padLeft + kx;
                        if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;
                        const std::size_t at = (std::size_t(iy) * std::size_t(s.w) + std::size_t(ix)) * std::size_t(s.cin);
                        if (s.depthwise) {
                            const int ic = oc / mult;
                            acc += (x[at + std::size_t(ic)] + 3) *
                                   m.weights[(std::size_t(ky) * std::size_t(s.kw) + std::size_t(kx)) * std::size_t(s.cout) +
                                             std::size_t(oc)];
                        } else {
                            for (int ic = 0; ic < s.cin; ++ic)
                                acc += (x[at + std::size_t(ic)] + 3) *
                                       m.weights[((std::size_t(oc) * std::size_t(s.kh) + std::size_t(ky)) * std::size_t(s.kw) +
                                                  std::size_t(kx)) * std::size_t(s.cin) + std::size_t(ic)];
                        }
                    }
                acc += m.bias[std::size_t(oc)];
                const double real = double(0.05f) * double(m.scales[std::size_t(oc)]) / double(s.outScale);
                acc = quant::multiplyByQuantizedMultiplier(acc, quant::quantizeMultiplier(real)) + s.outZeroPoint;
                y[(std::size_t(oy) * std::size_t(ow) + std::size_t(ox)) * std::size_t(s.cout) + std::size_t(oc)] =
                    static_cast<std::int8_t>(std::clamp(acc, lo, hi));
            }
    return y;
}

// A model of one operator between an int8 input and output.
std::vector<std::uint8_t> oneOp(int builtin, const std::vector<int>& inShape, const std::vector<int>& outShape,
                                fbr::BuiltinOptions type = fbr::BuiltinOptions_NONE,
                                std::function<flatbuffers::Offset<void>(flatbuffers::FlatBufferBuilder&)> options = {},
                                float outScale = 0.05f, int outZeroPoint = -3, const std::string& custom = "") {
    TfliteBuilder b;
    const int x = b.activation("input", inShape, 0.05f, -3);
    const int y = b.activation("out", outShape, outScale, outZeroPoint);
    const auto o = options ? options(b.fb()) : flatbuffers::Offset<void>(0);
    if (!custom.empty()) b.op(builtin, {x}, {y}, type, o, b.opcode(builtin, custom));
    else b.op(builtin, {x}, {y}, type, o);
    return b.finish({x}, {y});
}

std::vector<std::uint8_t> fcModel(bool perChannel, int weightsFormat, bool flattenFirst, int act = kNone) {
    TfliteBuilder b;
    const int x = b.activation("input", {1, 2, 2, 3}, 0.05f, -3);
    int in = x;
    if (flattenFirst) {
        in = b.activation("flat", {1, 12}, 0.05f, -3);
        b.op(22, {x}, {in});
    }
    const std::vector<float> scales = perChannel ? std::vector<float>{0.01f, 0.02f, 0.03f, 0.04f} : std::vector<float>{0.01f};
    const int w = b.tensor("w", {4, 12}, kInt8, {scales, std::vector<std::int64_t>(scales.size(), 0), 0},
                           int8Bytes(randomWeights(48, 3)));
    const int bias = b.tensor("b", {4}, kInt32, {{0.0005f}, {0}, 0}, int32Bytes(randomBias(4, 4)));
    const int y = b.activation("fc", {1, 4}, 0.1f, 2);
    const auto o = fbr::CreateFullyConnectedOptions(b.fb(), static_cast<std::int8_t>(act),
                                                    static_cast<std::int8_t>(weightsFormat));
    b.op(9, {in, w, bias}, {y}, fbr::BuiltinOptions_FullyConnectedOptions, o.Union());
    return b.finish({x}, {y});
}

std::vector<std::uint8_t> addModel(const std::vector<int>& bShape, int act, int outZeroPoint) {
    TfliteBuilder b;
    const int x = b.activation("input", {1, 4, 4, 2}, 0.05f, -3);
    const auto conv = fbr::CreateDepthwiseConv2DOptions(b.fb(), kSame, 1, 1, 1, kNone);
    const int w = b.tensor("w", {1, 1, 1, 2}, kInt8, {{0.01f}, {0}, 3}, {5, 7});
    const int branch = b.activation("branch", bShape, 0.07f, 1);
    b.op(4, {x, w, -1}, {branch}, fbr::BuiltinOptions_DepthwiseConv2DOptions, conv.Union());
    const int y = b.activation("sum", {1, 4, 4, 2}, 0.1f, outZeroPoint);
    const auto o = fbr::CreateAddOptions(b.fb(), static_cast<std::int8_t>(act));
    b.op(0, {x, branch}, {y}, fbr::BuiltinOptions_AddOptions, o.Union());
    return b.finish({x}, {y});
}

// A 1x1 depthwise conv, then a RESHAPE of its output.
std::vector<std::uint8_t> reshapeModel(const std::vector<int>& inShape, const std::vector<int>& outShape) {
    TfliteBuilder b;
    const int x = b.activation("input", inShape, 0.05f, -3);
    const int c = inShape.back();
    const int w = b.tensor("w", {1, 1, 1, c}, kInt8, {{0.01f}, {0}, 3}, std::vector<std::uint8_t>(std::size_t(c), 9));
    const int conv = b.activation("conv", inShape, 0.05f, 1);
    const auto o = fbr::CreateDepthwiseConv2DOptions(b.fb(), kSame, 1, 1, 1, kNone);
    b.op(4, {x, w, -1}, {conv}, fbr::BuiltinOptions_DepthwiseConv2DOptions, o.Union());
    const int y = b.activation("reshaped", outShape, 0.05f, 1);
    b.op(22, {conv}, {y});
    return b.finish({x}, {y});
}

std::vector<std::uint8_t> poolModel(int filter, int stride, int padding, float outScale) {
    return oneOp(1, {1, 4, 4, 3}, {1, outSize(4, filter, stride, padding), outSize(4, filter, stride, padding), 3},
                 fbr::BuiltinOptions_Pool2DOptions,
                 [=](flatbuffers::FlatBufferBuilder& fb) {
                     return fbr::CreatePool2DOptions(fb, static_cast<std::int8_t>(padding), stride, stride, filter, filter)
                         .Union();
                 },
                 outScale);
}

// A 1x1 depthwise conv between an int8 input and output; `floatEdges`
// wraps it as a converter with inference types float (or uint8 in) leaves it:
// QUANTIZE of the model input, DEQUANTIZE into the model output.
std::vector<std::uint8_t> edgeModel(int inputType, bool dequantizeOutput) {
    TfliteBuilder b;
    int modelIn = -1;
    const int x = b.activation("x_int8", {1, 3, 5, 2}, 0.05f, -3);
    if (inputType == kInt8) modelIn = x;
    else {
        modelIn = inputType == kUint8 ? b.tensor("x", {1, 3, 5, 2}, kUint8, {{0.05f}, {125}, 0})
                                      : b.tensor("x", {1, 3, 5, 2}, kFloat32, {});
        b.op(114, {modelIn}, {x});
    }
    const int w = b.tensor("w", {1, 1, 1, 2}, kInt8, {{0.01f}, {0}, 3}, {5, 249});
    const int y = b.activation("y_int8", {1, 3, 5, 2}, 0.02f, 4);
    const auto o = fbr::CreateDepthwiseConv2DOptions(b.fb(), kSame, 1, 1, 1, kNone);
    b.op(4, {x, w, -1}, {y}, fbr::BuiltinOptions_DepthwiseConv2DOptions, o.Union());
    int modelOut = y;
    if (dequantizeOutput) {
        modelOut = b.tensor("y", {1, 3, 5, 2}, kFloat32, {});
        b.op(6, {y}, {modelOut});
    }
    return b.finish({modelIn}, {modelOut});
}

QByteArray bytesOf(const std::vector<std::uint8_t>& v) {
    return QByteArray(reinterpret_cast<const char*>(v.data()), static_cast<int>(v.size()));
}

std::vector<std::uint8_t> vectorOf(const QByteArray& a) { return std::vector<std::uint8_t>(a.begin(), a.end()); }

}  // namespace

class TestTfliteImport : public QObject {
    Q_OBJECT
private slots:
    void roundTripIsExact_data() {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<int>("random");
        for (const char* p : {"mcunet-vww1", "mbv2-w0.35-r144", "proxyless-w0.3-r96"}) QTest::newRow(p) << QString(p) << -1;
        for (int i = 0; i < 20; ++i) QTest::newRow(("random" + std::to_string(i)).c_str()) << QString() << i;
        for (int i = 100; i < 112; ++i) QTest::newRow(("new ops " + std::to_string(i)).c_str()) << QString() << i;
    }

    // import(export(m)) is m: the same graph, weights and quantization, the
    // same file when exported again, the same reference outputs.
    void roundTripIsExact() {
        QFETCH(QString, preset);
        QFETCH(int, random);
        const quant::QuantizedModel m = quant::quantizeSeeded(roundTripGraph(preset, random), 40 + std::uint64_t(random + 1));
        const std::vector<std::uint8_t> file = interop::exportTflite(m);
        const interop::TfliteImport imported = interop::importTflite(file, "roundtrip.tflite");
        QVERIFY2(imported.coverage.supported(), interop::tflite::coverageText(imported.coverage).c_str());
        const quant::QuantizedModel& back = *imported.model;
        const std::string g = graphDifference(m.graph, back.graph);
        QVERIFY2(g.empty(), g.c_str());
        const std::string q = quantDifference(m, back);
        QVERIFY2(q.empty(), q.c_str());
        QVERIFY(interop::exportTflite(back) == file);
        for (std::uint64_t k = 0; k < 3; ++k) {
            const auto x = randomInput(m, 100 + k);
            QVERIFY(quant::runReferenceOutput(back, x) == quant::runReferenceOutput(m, x));
        }
    }

    void opNamesFollowTheSchema() {
        using interop::tflite::opName;
        QCOMPARE(opName(0), std::string("ADD"));
        QCOMPARE(opName(25), std::string("SOFTMAX"));
        QCOMPARE(opName(114), std::string("QUANTIZE"));
        QCOMPARE(opName(127), std::string("PLACEHOLDER_FOR_GREATER_OP_CODES"));
        QCOMPARE(opName(161), std::string("RIGHT_SHIFT"));
        QCOMPARE(opName(300), std::string("BUILTIN_300"));
        QCOMPARE(interop::tflite::typeName(9), std::string("INT8"));
    }

    // Every op kind: supported or not, and the report says how or why.
    void coverageNamesTheReason_data() {
        QTest::addColumn<QByteArray>("file");
        QTest::addColumn<bool>("supported");
        QTest::addColumn<QString>("detail");  // expected in an operator's detail or a model issue
        auto conv = [](auto edit) {
            ConvSpec s;
            edit(s);
            return bytesOf(convModel(s).bytes);
        };
        QTest::newRow("conv 3x3") << conv([](ConvSpec&) {}) << true << "conv2d 3x3 stride 1, SAME, RELU6, int8 weights per channel";
        QTest::newRow("conv 1x1 -> pointwise") << conv([](ConvSpec& s) { s.kh = s.kw = 1; }) << true << "pointwise_conv2d 1x1 stride 1";
        QTest::newRow("conv 1x1 stride 2 VALID") << conv([](ConvSpec& s) { s.kh = s.kw = 1, s.strideH = s.strideW = 2, s.padding = kValid; })
                                                 << true << "conv2d 1x1 stride 2, VALID";
        QTest::newRow("conv 2x2 stride 2 VALID") << conv([](ConvSpec& s) { s.h = 8, s.kh = s.kw = 2, s.strideH = s.strideW = 2, s.padding = kValid; })
                                                 << true << "conv2d 2x2 stride 2, VALID";
        QTest::newRow("conv 3x3 VALID") << conv([](ConvSpec& s) { s.padding = kValid; }) << true << "conv2d 3x3 stride 1, VALID";
        QTest::newRow("conv VALID larger than the input") << conv([](ConvSpec& s) { s.h = 2, s.outH = 1, s.padding = kValid; }) << false
                                                          << "VALID padding of a 3x3 window on 2x8x4 leaves no output";
        QTest::newRow("conv per tensor") << conv([](ConvSpec& s) { s.perChannel = false; }) << true << "int8 weights per tensor";
        QTest::newRow("conv dilation") << conv([](ConvSpec& s) { s.dilation = 2; }) << false << "dilation 2x2";
        QTest::newRow("conv strides differ") << conv([](ConvSpec& s) { s.strideH = 2; }) << true << "conv2d 3x3 stride 2x1, SAME";
        QTest::newRow("conv absurd stride") << conv([](ConvSpec& s) { s.strideH = s.strideW = 1 << 25; }) << false
                                            << "stride 33554432x33554432 (must be positive";
        QTest::newRow("conv not square") << conv([](ConvSpec& s) { s.kw = 1; }) << true << "conv2d 3x1 stride 1, SAME";
        QTest::newRow("conv RELU within RELU6's clamp") << conv([](ConvSpec& s) { s.activation = kRelu; }) << true
                                                        << "conv2d 3x3 stride 1, SAME, RELU, int8 weights per channel";
        QTest::newRow("conv RELU") << conv([](ConvSpec& s) { s.activation = kRelu, s.outScale = 0.2f; }) << true
                                   << "conv2d 3x3 stride 1, SAME, RELU, int8 weights per channel";
        QTest::newRow("conv TANH") << conv([](ConvSpec& s) { s.activation = kTanh; }) << false << "fused TANH";
        QTest::newRow("conv uint8 weights") << conv([](ConvSpec& s) { s.weightType = kUint8; }) << false << "UINT8 (TF Lite's older";
        QTest::newRow("conv asymmetric weights") << conv([](ConvSpec& s) { s.weightZeroPoint = 3; }) << false << "zero point 3";
        QTest::newRow("conv no options") << conv([](ConvSpec& s) { s.options = false; }) << false << "no Conv2DOptions";
        QTest::newRow("conv grouped") << conv([](ConvSpec& s) { s.weightCin = 2; }) << false << "grouped convolution";
        QTest::newRow("depthwise") << conv([](ConvSpec& s) { s.depthwise = true, s.cout = 4; }) << true << "depthwise_conv2d 3x3 stride 1";
        QTest::newRow("depthwise multiplier 2") << conv([](ConvSpec& s) { s.depthwise = true; }) << true
                                                << "depthwise_conv2d 3x3 stride 1, SAME, RELU6, int8 weights per channel, depth multiplier 2 (out of place)";
        QTest::newRow("depthwise multiplier option disagrees") << conv([](ConvSpec& s) { s.depthwise = true, s.optionMultiplier = 1; })
                                                               << false << "depth_multiplier 1 in the options, the shapes give 2";
        QTest::newRow("depthwise channels not a multiple") << conv([](ConvSpec& s) { s.depthwise = true, s.cout = 6; })
                                                           << false << "6 output channels from 4 input channels";
        QTest::newRow("depthwise on one channel") << conv([](ConvSpec& s) { s.depthwise = true, s.cin = 1, s.strideH = s.strideW = 2; })
                                                  << true << "conv2d 3x3 stride 2, SAME, RELU6, int8 weights per channel (one input channel, depth multiplier 8";
        QTest::newRow("fully connected") << bytesOf(fcModel(false, 0, false)) << true << "fully_connected 12 -> 4, NONE, int8 weights per tensor";
        QTest::newRow("fully connected per channel") << bytesOf(fcModel(true, 0, false)) << true << "fully_connected 12 -> 4, NONE, int8 weights per channel";
        QTest::newRow("fully connected shuffled") << bytesOf(fcModel(false, 1, false)) << false << "SHUFFLED4x16INT8";
        QTest::newRow("flatten before fully connected") << bytesOf(fcModel(false, 0, true)) << true
                                                        << "no-op: [1,2,2,3] -> [1,12] flattens for FULLY_CONNECTED";
        QTest::newRow("add") << bytesOf(addModel({1, 4, 4, 2}, kNone, 0)) << true << "add 4x4x2, NONE";
        QTest::newRow("add RELU") << bytesOf(addModel({1, 4, 4, 2}, kRelu, -128)) << true << "add 4x4x2, RELU";
        QTest::newRow("add RELU6") << bytesOf(addModel({1, 4, 4, 2}, kRelu6, 0)) << true << "add 4x4x2, RELU6";
        QTest::newRow("add TANH") << bytesOf(addModel({1, 4, 4, 2}, kTanh, 0)) << false << "fused TANH";
        QTest::newRow("add broadcast") << bytesOf(addModel({1, 1, 1, 2}, kNone, 0)) << false << "broadcasting add";
        QTest::newRow("average pool global") << bytesOf(poolModel(4, 1, kValid, 0.05f)) << true << "average_pool global";
        QTest::newRow("average pool SAME covering") << bytesOf(poolModel(5, 4, kSame, 0.05f)) << true << "average_pool global";
        QTest::newRow("average pool 2x2") << bytesOf(poolModel(2, 2, kValid, 0.05f)) << true
                                          << "average_pool2d 2x2 window, stride 2x2, VALID on 4x4x3";
        QTest::newRow("average pool requantizing") << bytesOf(poolModel(4, 1, kValid, 0.07f)) << false << "quantized unlike the input";
        QTest::newRow("reshape keeping layout") << bytesOf(reshapeModel({1, 1, 1, 5}, {1, 5})) << true
                                                << "no-op: [1,1,1,5] -> [1,5] keeps the layout 1x1x5";
        QTest::newRow("flatten at the output") << bytesOf(reshapeModel({1, 2, 2, 3}, {1, 12})) << false << "changes the layout";
        QTest::newRow("only a reshape") << bytesOf(oneOp(22, {1, 1, 1, 5}, {1, 5})) << false << "no operator computes anything";
        QTest::newRow("softmax") << bytesOf(oneOp(25, {1, 5}, {1, 5}, fbr::BuiltinOptions_SoftmaxOptions,
                                                  [](auto& fb) { return fbr::CreateSoftmaxOptions(fb, 1.0f).Union(); }, 1.0f / 256, -128))
                                 << true << "softmax over 5 values per pixel of 1x1x5";
        QTest::newRow("softmax beta 2") << bytesOf(oneOp(25, {1, 5}, {1, 5}, fbr::BuiltinOptions_SoftmaxOptions,
                                                         [](auto& fb) { return fbr::CreateSoftmaxOptions(fb, 2.0f).Union(); }, 1.0f / 256, -128))
                                        << false << "beta 2 (the layer graph's softmax has beta 1)";
        QTest::newRow("softmax output not 1/256") << bytesOf(oneOp(25, {1, 5}, {1, 5}, fbr::BuiltinOptions_SoftmaxOptions,
                                                                   [](auto& fb) { return fbr::CreateSoftmaxOptions(fb, 1.0f).Union(); }, 1.0f / 128, -128))
                                                  << false << "TF Lite's int8 softmax writes scale 1/256, zero point -128";
        QTest::newRow("softmax over 4096") << bytesOf(oneOp(25, {1, 4096}, {1, 4096}, fbr::BuiltinOptions_SoftmaxOptions,
                                                            [](auto& fb) { return fbr::CreateSoftmaxOptions(fb, 1.0f).Union(); }, 1.0f / 256, -128))
                                           << false << "a row of 4096 values";
        QTest::newRow("max pool") << bytesOf(oneOp(17, {1, 4, 4, 3}, {1, 2, 2, 3}, fbr::BuiltinOptions_Pool2DOptions,
                                                   [](auto& fb) { return fbr::CreatePool2DOptions(fb, kValid, 2, 2, 2, 2).Union(); },
                                                   0.05f, -3))
                                  << true << "max_pool 2x2 window, stride 2x2, VALID on 4x4x3, NONE";
        QTest::newRow("max pool requantizing") << bytesOf(oneOp(17, {1, 4, 4, 3}, {1, 2, 2, 3}, fbr::BuiltinOptions_Pool2DOptions,
                                                                [](auto& fb) { return fbr::CreatePool2DOptions(fb, kValid, 2, 2, 2, 2).Union(); },
                                                                0.07f, -3))
                                               << false << "quantized unlike the input (int8 MAX_POOL_2D";
        QTest::newRow("max pool zero filter") << bytesOf(oneOp(17, {1, 4, 4, 3}, {1, 2, 2, 3}, fbr::BuiltinOptions_Pool2DOptions,
                                                               [](auto& fb) { return fbr::CreatePool2DOptions(fb, kValid, 2, 2, 0, 2).Union(); },
                                                               0.05f, -3))
                                              << false << "filter_height, filter_width, stride_h and stride_w must be positive";
        QTest::newRow("max pool no options") << bytesOf(oneOp(17, {1, 4, 4, 3}, {1, 2, 2, 3}, fbr::BuiltinOptions_NONE, {}, 0.05f, -3))
                                             << false << "no Pool2DOptions in the file";
        QTest::newRow("mean without axis") << bytesOf(oneOp(40, {1, 4, 4, 3}, {1, 1, 1, 3})) << false << "no axis input";
        QTest::newRow("pad without paddings") << bytesOf(oneOp(34, {1, 4, 4, 3}, {1, 6, 6, 3})) << false << "no paddings input";
        QTest::newRow("concatenation of one") << bytesOf(oneOp(2, {1, 4, 4, 3}, {1, 4, 4, 3})) << false
                                              << "1 inputs (the layer graph concatenates two or more)";
        QTest::newRow("mul of one") << bytesOf(oneOp(18, {1, 4, 4, 3}, {1, 4, 4, 3})) << false << "1 inputs (MUL takes two)";
        QTest::newRow("dequantize") << bytesOf(oneOp(6, {1, 4}, {1, 4})) << false << "DEQUANTIZE INT8 [1,4] -> INT8 [1,4] at the model input";
        QTest::newRow("standalone relu") << bytesOf(oneOp(19, {1, 4}, {1, 4})) << false << "a standalone activation op";
        QTest::newRow("custom op") << bytesOf(oneOp(32, {1, 4}, {1, 4}, fbr::BuiltinOptions_NONE, {}, 0.05f, -3, "MyOp"))
                                   << false << "custom op \"MyOp\"";
        QTest::newRow("op code past 127") << bytesOf(oneOp(150, {1, 4}, {1, 4})) << false << "the layer graph has no GELU";
        QTest::newRow("unknown op code") << bytesOf(oneOp(400, {1, 4}, {1, 4})) << false << "BUILTIN_400";
        QTest::newRow("batch 2") << bytesOf(oneOp(22, {2, 4}, {2, 4})) << false << "batch 2 (the layer graph runs batch 1)";
        QTest::newRow("uint8 activations") << [] {
            TfliteBuilder b;
            const int x = b.tensor("input", {1, 4}, kUint8, {{0.05f}, {128}, 0});
            const int y = b.tensor("out", {1, 4}, kUint8, {{0.05f}, {128}, 0});
            b.op(22, {x}, {y});
            return bytesOf(b.finish({x}, {y}));
        }() << false << "is UINT8 (TF Lite's older asymmetric uint8 scheme";
    }

    void coverageNamesTheReason() {
        QFETCH(QByteArray, file);
        QFETCH(bool, supported);
        QFETCH(QString, detail);
        const interop::TfliteImport imported = interop::importTflite(vectorOf(file), "case.tflite");
        const auto& r = imported.coverage;
        const std::string text = interop::tflite::coverageText(r);
        QCOMPARE(r.supported(), supported);
        QCOMPARE(imported.model.has_value(), supported);
        std::string found;
        for (const auto& op : r.operators) found += " | " + op.detail;
        for (const auto& issue : r.modelIssues) found += " | " + issue;
        QVERIFY2(found.find(detail.toStdString()) != std::string::npos, ("detail: " + found).c_str());
        QVERIFY2(text.find(r.file) == 0, text.c_str());
        if (!supported) QVERIFY_THROWS_EXCEPTION(Error, interop::requireModel(imported));
    }

    void convolutionsMatchTfliteArithmetic_data() {
        QTest::addColumn<int>("variant");
        const char* names[] = {"conv 3x3 SAME RELU6",       "conv 3x3 stride 2 odd input", "conv 1x1 stride 2 VALID",
                               "conv 2x2 stride 2 VALID",   "pointwise",                   "conv per tensor, NONE",
                               "conv RELU as RELU6",        "depthwise 3x3",               "depthwise 5x5 stride 2",
                               "depthwise multiplier 8 on one channel (person_detect's first layer)",
                               "conv 3x3 VALID",            "conv 5x5 stride 2 VALID odd input", "depthwise 3x3 stride 2 VALID",
                               "depthwise 7x7 VALID",       "conv RELU (not RELU6's clamp)", "depthwise multiplier 2",
                               "depthwise multiplier 3 5x5 stride 2 VALID", "depthwise multiplier 4 7x7 stride 2 RELU",
                               "conv 10x4 stride 2 on 49x10x1 (DS-CNN's first layer)", "conv 3x1 stride 2x1",
                               "conv 1x5 stride 1x2 VALID", "depthwise 3x1", "depthwise 1x5 stride 2x3 VALID",
                               "depthwise multiplier 4 10x4 stride 2 on one channel"};
        for (int i = 0; i < 24; ++i) QTest::newRow(names[i]) << i;
    }

    // The imported model computes what TF Lite computes for the file.
    void convolutionsMatchTfliteArithmetic() {
        QFETCH(int, variant);
        ConvSpec s;
        switch (variant) {
            case 0: break;
            case 1: s.h = 11, s.w = 7, s.strideH = s.strideW = 2; break;
            case 2: s.kh = s.kw = 1, s.strideH = s.strideW = 2, s.padding = kValid; break;
            case 3: s.h = 8, s.kh = s.kw = 2, s.strideH = s.strideW = 2, s.padding = kValid; break;
            case 4: s.kh = s.kw = 1; break;
            case 5: s.perChannel = false, s.activation = kNone; break;
            case 6: s.activation = kRelu; break;
            case 7: s.depthwise = true, s.cout = 4; break;
            case 8: s.depthwise = true, s.cout = 4, s.kh = s.kw = 5, s.strideH = s.strideW = 2; break;
            case 9: s.depthwise = true, s.cin = 1, s.cout = 8, s.h = 12, s.w = 10, s.strideH = s.strideW = 2; break;
            case 10: s.padding = kValid; break;
            case 11: s.h = 13, s.w = 10, s.kh = s.kw = 5, s.strideH = s.strideW = 2, s.padding = kValid; break;
            case 12: s.depthwise = true, s.cout = 4, s.strideH = s.strideW = 2, s.padding = kValid; break;
            case 13: s.depthwise = true, s.cout = 4, s.kh = s.kw = 7, s.padding = kValid; break;
            case 14: s.activation = kRelu, s.outScale = 0.2f; break;
            case 15: s.depthwise = true; break;
            case 16: s.depthwise = true, s.cin = 3, s.cout = 9, s.h = 11, s.kh = s.kw = 5, s.strideH = s.strideW = 2,
                     s.padding = kValid; break;
            case 17: s.depthwise = true, s.cin = 2, s.cout = 8, s.kh = s.kw = 7, s.strideH = s.strideW = 2,
                     s.activation = kRelu, s.outScale = 0.2f; break;
            // Windows that are not square (keyword spotting).
            case 18: s.h = 49, s.w = 10, s.cin = 1, s.cout = 16, s.kh = 10, s.kw = 4, s.strideH = s.strideW = 2,
                     s.activation = kRelu; break;
            case 19: s.kw = 1, s.strideH = 2; break;
            case 20: s.kh = 1, s.kw = 5, s.strideW = 2, s.padding = kValid; break;
            case 21: s.depthwise = true, s.cout = 4, s.kw = 1; break;
            case 22: s.depthwise = true, s.cout = 4, s.h = 11, s.kh = 1, s.kw = 5, s.strideH = 2, s.strideW = 3,
                     s.padding = kValid; break;
            default: s.depthwise = true, s.cin = 1, s.cout = 4, s.h = 20, s.w = 9, s.kh = 10, s.kw = 4,
                     s.strideH = s.strideW = 2; break;
        }
        const ConvModel m = convModel(s);
        const interop::TfliteImport imported = interop::importTflite(m.bytes, "conv.tflite");
        QVERIFY2(imported.model, interop::tflite::coverageText(imported.coverage).c_str());
        for (std::uint64_t k = 0; k < 4; ++k) {
            const auto x = randomInput(*imported.model, 500 + k);
            QVERIFY(quant::runReferenceOutput(*imported.model, x) == tfliteConv(s, m, x));
        }
    }

    // ADD with a fused activation is TF Lite's add then the clamp of the
    // activation (CalculateActivationRangeQuantized): with output scale 0.1
    // and zero point 0, RELU clamps to [0, 127] and RELU6 to [0, 60] what the
    // same add without activation gives.
    void addWithFusedActivationClampsTheSum() {
        const interop::TfliteImport none = interop::importTflite(addModel({1, 4, 4, 2}, kNone, 0), "add.tflite");
        const interop::TfliteImport relu = interop::importTflite(addModel({1, 4, 4, 2}, kRelu, 0), "add_relu.tflite");
        const interop::TfliteImport relu6 = interop::importTflite(addModel({1, 4, 4, 2}, kRelu6, 0), "add_relu6.tflite");
        QVERIFY(none.model && relu.model && relu6.model);
        QCOMPARE(relu6.model->graph.ops().back().activation, graph::Activation::ReLU6);
        QCOMPARE(relu6.model->ops.back().activationMax, 60);
        bool clamped = false;
        for (std::uint64_t k = 0; k < 8; ++k) {
            const auto x = randomInput(*none.model, 900 + k);
            const auto sum = quant::runReferenceOutput(*none.model, x);
            std::vector<std::int8_t> expectRelu = sum, expectRelu6 = sum;
            for (std::size_t i = 0; i < sum.size(); ++i) {
                expectRelu[i] = std::max<std::int8_t>(sum[i], 0);
                expectRelu6[i] = std::clamp<std::int8_t>(sum[i], 0, 60);
                clamped = clamped || sum[i] < 0 || sum[i] > 60;
            }
            QCOMPARE(quant::runReferenceOutput(*relu.model, x), expectRelu);
            QCOMPARE(quant::runReferenceOutput(*relu6.model, x), expectRelu6);
        }
        QVERIFY(clamped);  // the inputs reach both ends of the clamp
        // Export and import again: the activation survives.
        const auto again = interop::importTflite(interop::exportTflite(*relu6.model), "again.tflite");
        QVERIFY(again.model);
        QCOMPARE(again.model->graph.ops().back().activation, graph::Activation::ReLU6);
    }

    // A fully connected layer with weights per output channel: each output
    // requantized with its own s_in * s_w[o] / s_out (in double, as TF Lite's
    // PopulateConvolutionQuantizationParams), written out plainly here.
    void perChannelFullyConnectedMatchesTfliteArithmetic() {
        const interop::TfliteImport imported = interop::importTflite(fcModel(true, 0, false), "fc.tflite");
        QVERIFY(imported.model);
        const std::vector<float> scales{0.01f, 0.02f, 0.03f, 0.04f};
        QCOMPARE(imported.model->ops[0].weightScales, scales);
        const auto w = randomWeights(48, 3);
        const auto bias = randomBias(4, 4);
        for (std::uint64_t k = 0; k < 6; ++k) {
            const auto x = randomInput(*imported.model, 70 + k);
            std::vector<std::int8_t> expected(4);
            for (std::size_t o = 0; o < 4; ++o) {
                std::int32_t acc = bias[o];
                for (std::size_t j = 0; j < 12; ++j) acc += (x[j] + 3) * w[o * 12 + j];
                const double real = double(0.05f) * double(scales[o]) / double(0.1f);
                acc = quant::multiplyByQuantizedMultiplier(acc, quant::quantizeMultiplier(real)) + 2;
                expected[o] = static_cast<std::int8_t>(std::clamp(acc, -128, 127));
            }
            QCOMPARE(quant::runReferenceOutput(*imported.model, x), expected);
        }
        // Export keeps the scales per channel; the file imports as the same model.
        const auto again = interop::importTflite(interop::exportTflite(*imported.model), "again.tflite");
        QVERIFY(again.model);
        QCOMPARE(again.model->ops[0].weightScales, scales);
    }

    // The no-op flatten leaves the fully connected layer reading the input.
    void flattenIsNotAnOp() {
        const interop::TfliteImport imported = interop::importTflite(fcModel(false, 0, true), "fc.tflite");
        QVERIFY(imported.model);
        const graph::Graph& g = imported.model->graph;
        QCOMPARE(g.opCount(), 1);
        QCOMPARE(g.op(0).kind, graph::OpKind::FullyConnected);
        QCOMPARE(g.op(0).inputs, std::vector<int>{g.input()});
        QCOMPARE(imported.model->ops[0].weightScales, std::vector<float>{0.01f});
    }

    // A QUANTIZE of a float or uint8 model input and a DEQUANTIZE into a
    // float output are the model's edges: the graph takes and gives their
    // int8 sides and computes exactly what the int8-only model does.
    void quantizeEdgesAreTheInterface() {
        const auto plain = interop::importTflite(edgeModel(kInt8, false), "plain.tflite");
        QVERIFY(plain.model);
        for (int type : {kFloat32, kUint8}) {
            const auto edged = interop::importTflite(edgeModel(type, true), "edged.tflite");
            QVERIFY2(edged.model, interop::tflite::coverageText(edged.coverage).c_str());
            QCOMPARE(edged.coverage.supportedOperators(), 3);
            const std::string text = interop::tflite::coverageText(edged.coverage);
            QVERIFY2(text.find(type == kUint8 ? "a uint8 u becomes u - 128" : "a float x becomes round(x / scale)") !=
                         std::string::npos, text.c_str());
            QVERIFY2(text.find("a float is scale * (q - zero point)") != std::string::npos, text.c_str());
            QVERIFY2(text.find("the generated code takes the int8 input") != std::string::npos, text.c_str());
            const quant::QuantizedModel& m = *edged.model;
            QCOMPARE(m.graph.opCount(), 1);
            QCOMPARE(m.graph.tensor(m.graph.input()).name, std::string("x_int8"));
            QCOMPARE(m.tensors[std::size_t(m.graph.input())].scale, 0.05f);
            QCOMPARE(m.tensors[std::size_t(m.graph.output())].zeroPoint, 4);
            QVERIFY(graphDifference(m.graph, plain.model->graph).empty());
            for (std::uint64_t k = 0; k < 3; ++k) {
                const auto x = randomInput(m, 40 + k);
                QVERIFY(quant::runReferenceOutput(m, x) == quant::runReferenceOutput(*plain.model, x));
            }
            // Export writes the int8 interface; it imports as the same graph.
            const auto again = interop::importTflite(interop::exportTflite(m), "again.tflite");
            QVERIFY(again.model);
            QVERIFY(graphDifference(again.model->graph, m.graph).empty());
        }
    }

    // A QUANTIZE that is not the model input's (a requantization inside)
    // and a DEQUANTIZE that does not write the model output are named.
    void quantizeInsideIsReported() {
        TfliteBuilder b;
        const int x = b.activation("x", {1, 4}, 0.05f, -3);
        const int r = b.activation("requantized", {1, 4}, 0.1f, 0);
        b.op(114, {x}, {r});
        const int y = b.activation("y", {1, 4}, 0.1f, 0);
        b.op(114, {r}, {y});
        const auto imported = interop::importTflite(b.finish({x}, {y}), "inside.tflite");
        QVERIFY(!imported.model);
        const std::string text = interop::tflite::coverageText(imported.coverage);
        QVERIFY2(text.find("the input is INT8; an edge QUANTIZE reads FLOAT32 or UINT8") != std::string::npos, text.c_str());
        QVERIFY2(text.find("a requantization inside the model") != std::string::npos, text.c_str());
        QVERIFY_THROWS_EXCEPTION(Error, interop::requireModel(imported));
    }

    // person_detect imports whole: 31 operators, 30 graph ops (its RESHAPE
    // before SOFTMAX moves no data). For an all-zero input the reference
    // interpreter gives exactly TF Lite Micro's measured scores [72, -72].
    void personDetectImportsWhole() {
        const QString path = QStringLiteral(MCUNET_SHARED_MODELS "/person_detect.tflite");
        if (!QFile::exists(path))
            QSKIP("../shared/models/person_detect.tflite is absent (peer model outside the project): nothing to import");
        const interop::TfliteImport imported = interop::importTfliteFile(path.toStdString());
        const auto& r = imported.coverage;
        QCOMPARE(r.operators.size(), std::size_t(31));
        QCOMPARE(r.supportedOperators(), 31);
        QVERIFY(r.blockingOps().empty());
        QVERIFY(r.modelIssues.empty());
        QVERIFY2(imported.model, interop::tflite::coverageText(r).c_str());
        QVERIFY(r.operators[0].detail.find("depth multiplier 8: the same as a convolution") != std::string::npos);
        QVERIFY(r.operators[27].detail.find("average_pool global") != std::string::npos);
        QVERIFY(r.operators[29].detail.find("no-op") != std::string::npos);
        QVERIFY(r.operators[30].detail.find("softmax over 2 values") != std::string::npos);
        const quant::QuantizedModel& m = *imported.model;
        QCOMPARE(m.graph.opCount(), 30);
        QCOMPARE(m.graph.tensor(m.graph.input()).shape, (graph::Shape{96, 96, 1}));
        QCOMPARE(m.graph.op(29).kind, graph::OpKind::Softmax);
        const quant::TensorQuant out = m.tensors[static_cast<std::size_t>(m.graph.output())];
        QCOMPARE(out.scale, 1.0f / 256);
        QCOMPARE(out.zeroPoint, -128);
        const auto scores = quant::runReferenceOutput(m, std::vector<std::int8_t>(96 * 96, 0));
        QCOMPARE(scores, (std::vector<std::int8_t>{72, -72}));
    }

    // The logits before the softmax, through a float softmax quantized as
    // TF Lite's int8 softmax output is, agree with the fixed-point softmax
    // within 1 (an independent check of the softmax's arithmetic).
    void personDetectFloatSoftmaxAgrees() {
        const QString path = QStringLiteral(MCUNET_SHARED_MODELS "/person_detect.tflite");
        if (!QFile::exists(path))
            QSKIP("../shared/models/person_detect.tflite is absent (peer model outside the project): nothing to import");
        interop::tflite::File f = interop::tflite::readTflite(path.toStdString());
        QCOMPARE(interop::tflite::opName(f.operators[28].builtin), std::string("CONV_2D"));
        f.operators.resize(29);
        f.outputs = {f.operators[28].outputs[0]};
        const interop::TfliteImport imported = interop::importTflite(f);
        QVERIFY2(imported.model, interop::tflite::coverageText(imported.coverage).c_str());
        const quant::QuantizedModel& m = *imported.model;
        QCOMPARE(m.graph.opCount(), 29);
        const auto logits = quant::runReferenceOutput(m, std::vector<std::int8_t>(96 * 96, 0));
        QCOMPARE(logits.size(), std::size_t(2));
        const quant::TensorQuant q = m.tensors[static_cast<std::size_t>(m.graph.output())];
        const double person = 1.0 / (1.0 + std::exp(-double(logits[1] - logits[0]) * q.scale));
        const int scores[2] = {int(std::lround((1.0 - person) * 256)) - 128, int(std::lround(person * 256)) - 128};
        qInfo("logits [%d, %d] -> scores [%d, %d]", logits[0], logits[1], scores[0], scores[1]);
        QVERIFY(std::abs(scores[0] - 72) <= 1 && std::abs(scores[1] + 72) <= 1);
    }
};

QTEST_GUILESS_MAIN(TestTfliteImport)
#include "test_tflite_import.moc"
