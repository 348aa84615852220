// core/runtime: every optimized kernel against its plain reference on edge
// shapes: 1x1 spatial, odd sizes, channel counts not a multiple of 4, stride
// 2 on odd inputs, extreme zero points and saturating multipliers; out of
// place with and without scratch, and in place. Built twice: plain C and with
// the DSP SIMD path emulated.
#include <QtTest>

#include <random>
#include <vector>

#include "mcunet_fixed_point.h"
#include "mcunet_kernels.h"

#include <limits>

namespace {

struct Rng {
    std::mt19937 gen;
    explicit Rng(unsigned seed) : gen(seed) {}
    int range(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(gen); }
    std::vector<std::int8_t> bytes(std::size_t n) {
        std::vector<std::int8_t> v(n);
        for (auto& b : v) b = static_cast<std::int8_t>(range(-128, 127));
        return v;
    }
};

struct Requant {
    std::vector<std::int32_t> bias, mult, shift;
    mcu_quant_t q{};
};

// Extreme cases every few draws: zero points at the ends of the range,
// multipliers large enough to saturate, narrow activation ranges (ReLU6).
Requant requant(Rng& r, int channels, int accumulation) {
    Requant p;
    const int mode = r.range(0, 3);
    p.q.input_offset = mode == 0 ? 128 : mode == 1 ? -127 : r.range(-127, 128);
    p.q.output_offset = mode == 0 ? -128 : mode == 1 ? 127 : r.range(-128, 127);
    p.q.act_min = r.range(0, 2) == 0 ? p.q.output_offset : -128;
    p.q.act_max = r.range(0, 2) == 0 ? std::min(127, p.q.act_min + r.range(1, 200)) : 127;
    if (p.q.act_max < p.q.act_min) p.q.act_max = p.q.act_min;
    for (int c = 0; c < channels; ++c) {
        p.bias.push_back(r.range(-20000, 20000));
        p.mult.push_back(r.range(1 << 30, 0x7fffffff));
        // Scale so the accumulator lands near the int8 range, sometimes far past it.
        int s = -8 - (accumulation > 64 ? 3 : 0) - (accumulation > 1000 ? 3 : 0);
        if (mode == 2) s += 6;  // saturating
        p.shift.push_back(s + r.range(-2, 2));
    }
    return p;
}

QString shapeText(int h, int w, int c, int k = 0, int s = 0) {
    return QString("%1x%2x%3 k%4 s%5").arg(h).arg(w).arg(c).arg(k).arg(s);
}

int samePadBefore(int in, int k, int s) {
    const int out = (in + s - 1) / s;
    return std::max((out - 1) * s + k - in, 0) / 2;
}

}  // namespace

class TestKernels : public QObject {
    Q_OBJECT
private slots:
    void fastRequantizationEqualsTheDefinition() {
        Rng r(9);
        const std::int32_t edges[] = {0, 1, -1, 2, -2, 127, -128, 1 << 20, -(1 << 20), 0x3fffffff, -0x40000000,
                                      0x7fffffff, std::numeric_limits<std::int32_t>::min(), 12345678, -12345678};
        std::int64_t checked = 0;
        for (int shift = -31; shift <= 8; ++shift)
            for (int trial = 0; trial < 20000; ++trial) {
                const std::int32_t acc = trial < 15 ? edges[trial] : static_cast<std::int32_t>(r.gen());
                const std::int32_t mult = trial % 3 == 0 ? (1 << 30) : trial % 3 == 1 ? 0x7fffffff : r.range(1 << 30, 0x7fffffff);
                const std::int32_t expected = mcu_requantize(acc, mult, shift);
                const std::int32_t got = mcu_requantize_fast(acc, mult, shift);
                if (got != expected)
                    QFAIL(qPrintable(QString("acc %1 mult %2 shift %3: %4, not %5").arg(acc).arg(mult).arg(shift).arg(got).arg(expected)));
                ++checked;
            }
        QVERIFY(checked > 700000);
    }

    void depthwiseEveryKernelAndStride() {
        Rng r(1);
        const int sizes[][2] = {{1, 1}, {2, 3}, {5, 5}, {7, 4}, {9, 9}, {16, 16}, {1, 8}};
        for (int k : {3, 5, 7, 1, 9})
            for (int s : {1, 2})
                for (const auto& hw : sizes)
                    for (int c : {1, 3, 8, 13}) {
                        const int h = hw[0], w = hw[1];
                        const int oh = (h + s - 1) / s, ow = (w + s - 1) / s;
                        const int pt = samePadBefore(h, k, s), pl = samePadBefore(w, k, s);
                        const auto in = r.bytes(std::size_t(h) * w * c);
                        const auto wts = r.bytes(std::size_t(c) * k * k);
                        Requant p = requant(r, c, k * k);
                        const mcu_shape_t is{h, w, c}, os{oh, ow, c};
                        const mcu_window_t win{k, s, pt, pl};
                        std::vector<std::int8_t> expected(std::size_t(oh) * ow * c), got(expected.size());
                        mcu_ref_conv_s8(1, in.data(), &is, wts.data(), p.bias.data(), p.mult.data(), p.shift.data(),
                                        expected.data(), &os, &win, &p.q);
                        std::vector<std::int8_t> scratch(std::size_t(h + k - 1) * (w + k - 1) + 4);
                        const QString what = shapeText(h, w, c, k, s);
                        // Out of place, no scratch (direct path).
                        mcu_depthwise_s8(in.data(), &is, wts.data(), p.bias.data(), p.mult.data(), p.shift.data(),
                                         got.data(), &os, pt, pl, &p.q, nullptr, k, s);
                        QVERIFY2(got == expected, qPrintable("direct " + what));
                        // Out of place with scratch.
                        std::fill(got.begin(), got.end(), 0);
                        mcu_depthwise_s8(in.data(), &is, wts.data(), p.bias.data(), p.mult.data(), p.shift.data(),
                                         got.data(), &os, pt, pl, &p.q, scratch.data(), k, s);
                        QVERIFY2(got == expected, qPrintable("plane " + what));
                        // In place: output over the input.
                        std::vector<std::int8_t> buffer = in;
                        auto specialized = mcu_depthwise_s8_k3s1;
                        bool haveSpecial = true;
                        if (k == 3 && s == 2) specialized = mcu_depthwise_s8_k3s2;
                        else if (k == 5 && s == 1) specialized = mcu_depthwise_s8_k5s1;
                        else if (k == 5 && s == 2) specialized = mcu_depthwise_s8_k5s2;
                        else if (k == 7 && s == 1) specialized = mcu_depthwise_s8_k7s1;
                        else if (k == 7 && s == 2) specialized = mcu_depthwise_s8_k7s2;
                        else if (!(k == 3 && s == 1)) haveSpecial = false;
                        if (haveSpecial)
                            specialized(buffer.data(), &is, wts.data(), p.bias.data(), p.mult.data(), p.shift.data(),
                                        buffer.data(), &os, pt, pl, &p.q, scratch.data());
                        else
                            mcu_depthwise_s8(buffer.data(), &is, wts.data(), p.bias.data(), p.mult.data(),
                                             p.shift.data(), buffer.data(), &os, pt, pl, &p.q, scratch.data(), k, s);
                        QVERIFY2(std::equal(expected.begin(), expected.end(), buffer.begin()),
                                 qPrintable("in place " + what));
                    }
    }

    void pointwiseInPlaceBothDirections() {
        Rng r(2);
        for (int pixels : {1, 2, 3, 7, 64, 101})
            for (int cin : {1, 3, 4, 8, 13, 48})
                for (int cout : {1, 5, 8, 16, 60}) {
                    const auto in = r.bytes(std::size_t(pixels) * cin);
                    const auto wts = r.bytes(std::size_t(cout) * cin);
                    Requant p = requant(r, cout, cin);
                    const mcu_shape_t is{1, pixels, cin}, os{1, pixels, cout};
                    const mcu_window_t win{1, 1, 0, 0};
                    std::vector<std::int8_t> expected(std::size_t(pixels) * cout), got(expected.size());
                    mcu_ref_conv_s8(2, in.data(), &is, wts.data(), p.bias.data(), p.mult.data(), p.shift.data(),
                                    expected.data(), &os, &win, &p.q);
                    std::vector<std::int16_t> scratch(std::size_t(2) * cin + 2);
                    const QString what = QString("%1 px %2 -> %3").arg(pixels).arg(cin).arg(cout);
                    mcu_pointwise_s8(in.data(), pixels, cin, wts.data(), p.bias.data(), p.mult.data(), p.shift.data(),
                                     got.data(), cout, &p.q, nullptr);
                    QVERIFY2(got == expected, qPrintable("direct " + what));
                    std::fill(got.begin(), got.end(), 0);
                    mcu_pointwise_s8(in.data(), pixels, cin, wts.data(), p.bias.data(), p.mult.data(), p.shift.data(),
                                     got.data(), cout, &p.q, scratch.data());
                    QVERIFY2(got == expected, qPrintable("copy " + what));
                    std::vector<std::int8_t> buffer(std::max(in.size(), expected.size()), 0x55);
                    std::copy(in.begin(), in.end(), buffer.begin());
                    mcu_pointwise_s8(buffer.data(), pixels, cin, wts.data(), p.bias.data(), p.mult.data(),
                                     p.shift.data(), buffer.data(), cout, &p.q, scratch.data());
                    QVERIFY2(std::equal(expected.begin(), expected.end(), buffer.begin()),
                             qPrintable("in place " + what));
                }
    }

    void conv2dGeneral() {
        Rng r(3);
        for (int k : {1, 3, 5})
            for (int s : {1, 2})
                for (int h : {1, 5, 8, 11})
                    for (int cin : {1, 3, 4, 6})
                        for (int cout : {1, 8, 16}) {
                            const int w = h + (k == 3 ? 1 : 0);
                            const int oh = (h + s - 1) / s, ow = (w + s - 1) / s;
                            const auto in = r.bytes(std::size_t(h) * w * cin);
                            const auto wts = r.bytes(std::size_t(cout) * k * k * cin);
                            Requant p = requant(r, cout, k * k * cin);
                            const mcu_shape_t is{h, w, cin}, os{oh, ow, cout};
                            const mcu_window_t win{k, s, samePadBefore(h, k, s), samePadBefore(w, k, s)};
                            std::vector<std::int8_t> expected(std::size_t(oh) * ow * cout), got(expected.size());
                            mcu_ref_conv_s8(0, in.data(), &is, wts.data(), p.bias.data(), p.mult.data(),
                                            p.shift.data(), expected.data(), &os, &win, &p.q);
                            std::vector<std::int16_t> scratch(std::size_t(2) * k * k * cin + 2);
                            mcu_conv2d_s8(in.data(), &is, wts.data(), p.bias.data(), p.mult.data(), p.shift.data(),
                                          got.data(), &os, &win, &p.q, scratch.data());
                            QVERIFY2(got == expected, qPrintable(shapeText(h, w, cin, k, s)));
                        }
    }

    void addInPlaceAndSaturation() {
        Rng r(4);
        for (int trial = 0; trial < 200; ++trial) {
            const int n = r.range(1, 300);
            const auto a = r.bytes(std::size_t(n)), b = r.bytes(std::size_t(n));
            mcu_add_params_t p{};
            p.input1_offset = trial % 7 == 0 ? 128 : r.range(-127, 128);
            p.input2_offset = trial % 7 == 1 ? -127 : r.range(-127, 128);
            p.output_offset = r.range(-128, 127);
            p.left_shift = 20;
            p.input1_multiplier = r.range(1 << 30, 0x7fffffff);
            p.input2_multiplier = r.range(1 << 30, 0x7fffffff);
            p.input1_shift = -r.range(0, 3);
            p.input2_shift = -r.range(0, 3);
            p.output_multiplier = r.range(1 << 30, 0x7fffffff);
            p.output_shift = -r.range(trial % 5 == 0 ? 10 : 17, 21);  // some saturate
            p.act_min = -128;
            p.act_max = 127;
            std::vector<std::int8_t> expected(static_cast<std::size_t>(n)), got(static_cast<std::size_t>(n));
            mcu_ref_add_s8(a.data(), b.data(), expected.data(), n, &p);
            mcu_add_s8(a.data(), b.data(), got.data(), n, &p);
            QCOMPARE(got, expected);
            std::vector<std::int8_t> inPlace = b;
            mcu_add_s8(a.data(), inPlace.data(), inPlace.data(), n, &p);
            QCOMPARE(inPlace, expected);
        }
    }

    void averagePoolAndFullyConnected() {
        Rng r(5);
        for (int trial = 0; trial < 150; ++trial) {
            const int pixels = r.range(1, 64), channels = r.range(1, 40);
            const auto in = r.bytes(std::size_t(pixels) * channels);
            std::vector<std::int8_t> expected(static_cast<std::size_t>(channels)), got(expected.size());
            mcu_ref_avgpool_s8(in.data(), pixels, channels, expected.data());
            mcu_avgpool_s8(in.data(), pixels, channels, got.data());
            QCOMPARE(got, expected);
            std::vector<std::int8_t> buffer = in;
            mcu_avgpool_s8(buffer.data(), pixels, channels, buffer.data());
            QVERIFY(std::equal(expected.begin(), expected.end(), buffer.begin()));

            const int n = r.range(1, 90), outs = r.range(1, 20);
            const auto x = r.bytes(std::size_t(n)), w = r.bytes(std::size_t(n) * outs);
            Requant p = requant(r, outs, n);
            std::vector<std::int8_t> e2(static_cast<std::size_t>(outs)), g2(static_cast<std::size_t>(outs));
            mcu_ref_fully_connected_s8(x.data(), n, w.data(), p.bias.data(), p.mult[0], p.shift[0], e2.data(), outs, &p.q);
            mcu_fully_connected_s8(x.data(), n, w.data(), p.bias.data(), p.mult[0], p.shift[0], g2.data(), outs, &p.q);
            QCOMPARE(g2, e2);
        }
    }
};

QTEST_GUILESS_MAIN(TestKernels)
#include "test_kernels.moc"
