// The int8 kernels of issue 12 (point 2) against the interpreter's
// independent C++ implementation (core/quant/interpreter.cpp), byte for byte:
// max and average pools with any window, stride and SAME/VALID padding,
// mean over H and W (with and without keep_dims), pad, concatenation and
// mul, on edge shapes (1x1, windows larger than the input, odd sizes, one
// channel) and random quantizations, in place where the kernel allows it.
// A few hand-computed values pin TF Lite's rounding.
#include <QtTest>

#include <cstdint>
#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "graph/graph.h"
#include "mcunet_kernels.h"
#include "quant/interpreter.h"
#include "quant/model.h"

using mcunet::graph::Activation;
using mcunet::graph::Graph;
using mcunet::graph::Padding;
using mcunet::graph::PoolWindow;
using mcunet::graph::Shape;
using mcunet::quant::QuantizedModel;
using mcunet::quant::TensorQuant;
using Bytes = std::vector<std::int8_t>;

namespace {

struct Rng {
    std::mt19937 gen;
    explicit Rng(unsigned seed) : gen(seed) {}
    int range(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(gen); }
    double uniform(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(gen); }
    TensorQuant quant() { return {static_cast<float>(std::exp(uniform(std::log(1e-3), std::log(0.5)))), range(-128, 127)}; }
    Bytes bytes(std::int64_t n) {
        Bytes b(static_cast<std::size_t>(n));
        for (auto& v : b) v = static_cast<std::int8_t>(range(-128, 127));
        return b;
    }
};

// A model of `g`: every tensor quantized at random (all as the input with
// keepQuant), the first op's clamp and every op's parameters derived as
// quantize() does.
QuantizedModel model(const Graph& g, Rng& r, bool keepQuant) {
    QuantizedModel m{g, {}, {}};
    m.tensors.resize(g.tensors().size());
    for (auto& t : m.tensors) t = r.quant();
    if (keepQuant)
        for (auto& t : m.tensors) t = m.tensors[0];
    m.ops.resize(g.ops().size());
    const auto& op = g.op(0);
    if (op.activation == Activation::ReLU6) {
        const TensorQuant out = m.tensors[static_cast<std::size_t>(op.output)];
        m.ops[0].activationMin = std::max(-128, out.zeroPoint);
        m.ops[0].activationMax = std::min(127, out.zeroPoint + static_cast<int>(std::lround(6.0 / out.scale)));
    }
    mcunet::quant::deriveRequantization(m);
    return m;
}

mcu_shape_t cShape(Shape s) { return {s.h, s.w, s.c}; }

QString what(const char* op, Shape in, const QString& extra) {
    return QString("%1 on %2x%3x%4 %5").arg(op).arg(in.h).arg(in.w).arg(in.c).arg(extra);
}

}  // namespace

class TestOps : public QObject {
    Q_OBJECT

private slots:
    void poolsMatchTheInterpreter();
    void poolRoundingByHand();
    void meanMatchesTheInterpreter();
    void meanByHand();
    void padMatchesTheInterpreter();
    void concatenationMatchesTheInterpreter();
    void mulMatchesTheInterpreter();
    void mulByHand();
};

void TestOps::poolsMatchTheInterpreter() {
    Rng r(12);
    for (int trial = 0; trial < 400; ++trial) {
        const Shape in{r.range(1, 9), r.range(1, 9), r.range(1, 5)};
        PoolWindow w{r.range(1, 5), r.range(1, 5), r.range(1, 4), r.range(1, 4),
                     r.range(0, 1) ? Padding::Same : Padding::Valid};
        if (w.padding == Padding::Valid && (w.kh > in.h || w.kw > in.w)) w.padding = Padding::Same;
        const bool isMax = trial % 2 == 0;
        const Activation act = r.range(0, 3) == 0 ? Activation::ReLU6 : Activation::None;
        Graph g;
        const int x = g.addInput("x", in);
        const int y = isMax ? g.addMaxPool("p", x, w, act) : g.addAveragePool2D("p", x, w, act);
        g.setOutput(y);
        const QuantizedModel m = model(g, r, true);
        const Bytes input = r.bytes(in.elements());
        const Bytes expected = mcunet::quant::runReferenceOutput(m, input);
        const auto& op = g.op(0);
        const mcu_pool_t p{op.kernel, op.kernelW, op.stride, op.strideW, op.padTop, op.padLeft,
                           m.ops[0].activationMin, m.ops[0].activationMax};
        const Shape os = g.tensor(y).shape;
        const mcu_shape_t is = cShape(in), osc = cShape(os);
        Bytes out(static_cast<std::size_t>(os.elements()), 99);
        if (isMax) mcu_maxpool_s8(input.data(), &is, out.data(), &osc, &p);
        else mcu_avgpool2d_s8(input.data(), &is, out.data(), &osc, &p);
        QVERIFY2(out == expected, qPrintable(what(isMax ? "max pool" : "average pool", in,
                                                  QString("window %1x%2 stride %3x%4 %5")
                                                      .arg(w.kh).arg(w.kw).arg(w.sh).arg(w.sw)
                                                      .arg(w.padding == Padding::Same ? "SAME" : "VALID"))));
    }
}

void TestOps::poolRoundingByHand() {
    // One 1x2 window: (-3 + -2) / 2 = -2.5 rounds to -3, (3 + 2) / 2 to 3 (half away from zero).
    const Bytes in{-3, 3, -2, 2};  // 1x2x2
    const mcu_shape_t is{1, 2, 2}, os{1, 1, 2};
    const mcu_pool_t p{1, 2, 1, 2, 0, 0, -128, 127};
    Bytes out(2);
    mcu_avgpool2d_s8(in.data(), &is, out.data(), &os, &p);
    QCOMPARE(out, (Bytes{-3, 3}));
    mcu_maxpool_s8(in.data(), &is, out.data(), &os, &p);
    QCOMPARE(out, (Bytes{-2, 3}));
    // SAME 3x3 window on a 1x1 input: the padding takes no part (a mean of one).
    const Bytes one{-77};
    const mcu_shape_t is1{1, 1, 1}, os1{1, 1, 1};
    const mcu_pool_t p3{3, 3, 1, 1, 1, 1, -128, 127};
    Bytes o1(1);
    mcu_avgpool2d_s8(one.data(), &is1, o1.data(), &os1, &p3);
    QCOMPARE(o1[0], std::int8_t(-77));
}

void TestOps::meanMatchesTheInterpreter() {
    Rng r(40);
    for (int trial = 0; trial < 300; ++trial) {
        const Shape in{r.range(1, 12), r.range(1, 12), r.range(1, 6)};
        const bool keep = trial % 3 != 0;
        Graph g;
        const int x = g.addInput("x", in);
        g.setOutput(g.addMean("m", x, keep));
        const QuantizedModel m = model(g, r, !keep);  // without keep_dims: quantized alike
        const Bytes input = r.bytes(in.elements());
        const Bytes expected = mcunet::quant::runReferenceOutput(m, input);
        const TensorQuant ti = m.tensors[0], to = m.tensors[1];
        const mcu_mean_params_t p{keep ? 1 : 0, ti.zeroPoint, to.zeroPoint, m.ops[0].ratio.value, m.ops[0].ratio.shift};
        Bytes out(static_cast<std::size_t>(in.c), 99);
        mcu_mean_s8(input.data(), in.h * in.w, in.c, &p, out.data());
        QVERIFY2(out == expected, qPrintable(what("mean", in, keep ? "keep_dims" : "no keep_dims")));
        Bytes inPlace = input;  // in place: the output at the input's start
        mcu_mean_s8(inPlace.data(), in.h * in.w, in.c, &p, inPlace.data());
        QVERIFY2(Bytes(inPlace.begin(), inPlace.begin() + in.c) == expected, qPrintable(what("mean in place", in, "")));
    }
}

void TestOps::meanByHand() {
    // keep_dims, the same scales (multiplier 2^30, shift 1 = 1.0): the sum of
    // x - zp = (-3 - 1) + (0 - 1) = -5, -5 / 2 = -2.5 -> -3, + zp 1 = -2.
    const Bytes in{-3, 0};
    const mcu_mean_params_t keep{1, 1, 1, 1 << 30, 1};
    Bytes out(1);
    mcu_mean_s8(in.data(), 2, 1, &keep, out.data());
    QCOMPARE(out[0], std::int8_t(-2));
    // Without keep_dims: (-3 + 0) / 2 truncates to -1.
    const mcu_mean_params_t flat{0, 1, 1, 1 << 30, 1};
    mcu_mean_s8(in.data(), 2, 1, &flat, out.data());
    QCOMPARE(out[0], std::int8_t(-1));
}

void TestOps::padMatchesTheInterpreter() {
    Rng r(34);
    for (int trial = 0; trial < 300; ++trial) {
        const Shape in{r.range(1, 7), r.range(1, 7), r.range(1, 4)};
        const int top = r.range(0, 3), bottom = r.range(0, 3), left = r.range(0, 3), right = r.range(0, 3);
        Graph g;
        const int x = g.addInput("x", in);
        const int y = g.addPad("p", x, top, bottom, left, right);
        g.setOutput(y);
        const QuantizedModel m = model(g, r, true);
        const Bytes input = r.bytes(in.elements());
        const Bytes expected = mcunet::quant::runReferenceOutput(m, input);
        const Shape os = g.tensor(y).shape;
        const mcu_shape_t is = cShape(in), osc = cShape(os);
        Bytes out(static_cast<std::size_t>(os.elements()), 99);
        mcu_pad_s8(input.data(), &is, out.data(), &osc, top, left, static_cast<std::int8_t>(m.ops[0].padValue));
        const QString how = QString("%1 %2 %3 %4").arg(top).arg(bottom).arg(left).arg(right);
        QVERIFY2(out == expected, qPrintable(what("pad", in, how)));
        QCOMPARE(m.ops[0].padValue, m.tensors[0].zeroPoint);  // TF Lite's PAD: the zero point
        Bytes arena(static_cast<std::size_t>(os.elements()), 99);  // in place
        std::copy(input.begin(), input.end(), arena.begin());
        mcu_pad_s8(arena.data(), &is, arena.data(), &osc, top, left, static_cast<std::int8_t>(m.ops[0].padValue));
        QVERIFY2(arena == expected, qPrintable(what("pad in place", in, how)));
    }
}

void TestOps::concatenationMatchesTheInterpreter() {
    Rng r(2);
    for (int trial = 0; trial < 200; ++trial) {
        const int h = r.range(1, 6), w = r.range(1, 6), n = r.range(2, 4);
        Graph g;
        const int x = g.addInput("x", {h, w, r.range(1, 5)});
        // The other inputs: 1x1 max pools of the input (its quantization, its channels).
        std::vector<int> inputs{x};
        for (int k = 1; k < n; ++k) inputs.push_back(g.addMaxPool("p" + std::to_string(k), x, PoolWindow{}));
        const int y = g.addConcatenation("c", inputs);
        g.setOutput(y);
        QuantizedModel m = model(g, r, true);
        const Bytes input = r.bytes(g.tensor(x).bytes());
        const auto all = mcunet::quant::runReference(m, input);
        std::vector<const std::int8_t*> ptrs;
        std::vector<std::int32_t> channels;
        for (int t : inputs) {
            ptrs.push_back(all[static_cast<std::size_t>(t)].data());
            channels.push_back(g.tensor(t).shape.c);
        }
        Bytes out(static_cast<std::size_t>(g.tensor(y).bytes()), 99);
        mcu_concat_s8(ptrs.data(), channels.data(), n, h * w, out.data());
        QVERIFY2(out == all[static_cast<std::size_t>(y)], qPrintable(what("concatenation", g.tensor(x).shape, "")));
    }
    // Different channel counts, by hand: 1x2 pixels of 1 and 2 channels.
    const Bytes a{1, 2}, b{10, 11, 20, 21};
    const std::int8_t* in[] = {a.data(), b.data()};
    const std::int32_t ch[] = {1, 2};
    Bytes out(6);
    mcu_concat_s8(in, ch, 2, 2, out.data());
    QCOMPARE(out, (Bytes{1, 10, 11, 2, 20, 21}));
}

void TestOps::mulMatchesTheInterpreter() {
    Rng r(18);
    for (int trial = 0; trial < 300; ++trial) {
        const Shape in{r.range(1, 5), r.range(1, 5), r.range(1, 6)};
        const Activation act = r.range(0, 2) == 0 ? Activation::ReLU6 : Activation::None;
        Graph g;
        const int x = g.addInput("x", in);
        const int sq = g.addMul("sq", x, x, act);  // a product of the input with itself
        g.setOutput(sq);
        const QuantizedModel m = model(g, r, false);
        const Bytes input = r.bytes(in.elements());
        const Bytes expected = mcunet::quant::runReferenceOutput(m, input);
        const TensorQuant ta = m.tensors[0], to = m.tensors[1];
        const mcu_mul_params_t p{-ta.zeroPoint, -ta.zeroPoint, to.zeroPoint, m.ops[0].ratio.value,
                                 m.ops[0].ratio.shift, m.ops[0].activationMin, m.ops[0].activationMax};
        Bytes out(input.size(), 99);
        mcu_mul_s8(input.data(), input.data(), out.data(), static_cast<std::int32_t>(input.size()), &p);
        QVERIFY2(out == expected, qPrintable(what("mul", in, act == Activation::ReLU6 ? "ReLU6" : "")));
        Bytes inPlace = input;
        mcu_mul_s8(inPlace.data(), inPlace.data(), inPlace.data(), static_cast<std::int32_t>(input.size()), &p);
        QVERIFY2(inPlace == expected, qPrintable(what("mul in place", in, "")));
    }
}

void TestOps::mulByHand() {
    // (a - 0) * (b - 0) * 0.5 (multiplier 2^30, shift 0) + 3: 15 * 0.5 = 7.5 -> 8, + 3 = 11;
    // -15 * 0.5 = -7.5 -> -7 (the doubling high multiply's nudge rounds ties up), + 3 = -4.
    const Bytes a{5, -5}, b{3, 3};
    const mcu_mul_params_t p{0, 0, 3, 1 << 30, 0, -128, 127};
    Bytes out(2);
    mcu_mul_s8(a.data(), b.data(), out.data(), 2, &p);
    QCOMPARE(out, (Bytes{11, -4}));
}

QTEST_APPLESS_MAIN(TestOps)
#include "test_ops.moc"
