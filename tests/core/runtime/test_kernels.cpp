// core/runtime: every optimized kernel against its plain reference on edge
// shapes: 1x1 spatial, odd sizes, channel counts not a multiple of 4, stride
// 2 on odd inputs, extreme zero points and saturating multipliers; out of
// place with and without scratch, and in place. Built twice: plain C and with
// the DSP SIMD path emulated.
#include <QtTest>

#include <random>
#include <vector>

#include "mcunet_fast.h"
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

// The layer-specialized kernels' per-channel constants; false when a channel
// does not qualify (the code generator then keeps the general kernel).
bool prepareChannels(const Requant& p, const std::vector<std::int8_t>& weights, int channels, int perChannel,
                     std::vector<mcu_channel_t>& out) {
    out.assign(static_cast<std::size_t>(channels), mcu_channel_t{});
    for (int c = 0; c < channels; ++c)
        if (!mcu_channel_prepare(p.bias[std::size_t(c)], p.q.input_offset, weights.data() + std::size_t(c) * perChannel,
                                 perChannel, p.mult[std::size_t(c)], p.shift[std::size_t(c)], p.q.output_offset,
                                 &out[std::size_t(c)]))
            return false;
    return true;
}

}  // namespace

class TestKernels : public QObject {
    Q_OBJECT
private slots:
    void requantizationShortcutEqualsTheDefinition() {
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

    void fastRequantizationEqualsTheDefinition() {
        Rng r(19);
        std::int64_t checked = 0;
        for (int shift = -30; shift <= 0; ++shift)
            for (int trial = 0; trial < 8000; ++trial) {
                const std::int32_t mult = trial % 3 == 0 ? (1 << 30) : trial % 3 == 1 ? 0x7fffffff : r.range(1 << 30, 0x7fffffff);
                const std::int32_t offset = trial % 5 == 0 ? -128 : trial % 5 == 1 ? 127 : r.range(-128, 127);
                const std::int64_t bound = trial % 2 ? (1 << 29) : r.range(1, 70000);
                std::int32_t round = 0;
                if (!mcu_add_term_prepare(bound, mult, shift, offset, &round)) {
                    // Only where 2^(r-1) + offset * 2^r no longer fits beside the accumulator.
                    QVERIFY(-shift >= 22);
                    continue;
                }
                const std::int32_t acc = trial < 4 ? std::int32_t(trial % 2 ? bound : -bound)
                                                   : r.range(-static_cast<int>(bound), static_cast<int>(bound));
                const std::int32_t expected = mcu_requantize_fast(acc, mult, shift) + offset;
                const std::int32_t got = shift < 0 ? mcu_fast_requant(acc, mult, round, -shift)
                                                   : mcu_smmlar(acc + acc, mult, round);
                if (got != expected)
                    QFAIL(qPrintable(QString("acc %1 mult %2 shift %3 offset %4: %5, not %6")
                                         .arg(acc).arg(mult).arg(shift).arg(offset).arg(got).arg(expected)));
                ++checked;
            }
        QVERIFY(checked >= 180000);
        // Out of the exact range: refused, never approximated.
        std::int32_t round = 0;
        QVERIFY(!mcu_add_term_prepare(std::int64_t(1) << 30, 1 << 30, -3, 0, &round));
        QVERIFY(!mcu_add_term_prepare(100, 1 << 30, 1, 0, &round));
        mcu_channel_t ch{};
        const std::int8_t w[2] = {1, -1};
        QVERIFY(!mcu_channel_prepare(0, 0, w, 2, 1 << 30, 0, 0, &ch));         // r = 0
        QVERIFY(!mcu_channel_prepare(0x3fffffff, 0, w, 2, 1 << 30, -5, 0, &ch));  // bias too large
        QVERIFY(mcu_channel_prepare(1000, 128, w, 2, 1 << 30, -5, 3, &ch));
        QCOMPARE(ch.bias, 1000);
        QCOMPARE(ch.round, 16 + 3 * 32);
    }

    void fastPointwiseAndConv2d() {
        Rng r(12);
        int fast = 0, total = 0;
        for (int pixels : {1, 2, 3, 5, 7, 64})  // three at a time: remainders 0, 1 and 2
            for (int cin : {1, 3, 4, 8, 13, 48})
                for (int cout : {1, 5, 8, 16, 60}) {
                    ++total;
                    const auto in = r.bytes(std::size_t(pixels) * cin);
                    const auto wts = r.bytes(std::size_t(cout) * cin);
                    Requant p = requant(r, cout, cin);
                    std::vector<mcu_channel_t> ch;
                    if (!prepareChannels(p, wts, cout, cin, ch)) continue;
                    ++fast;
                    const mcu_shape_t is{1, pixels, cin}, os{1, pixels, cout};
                    const mcu_window_t win{1, 1, 1, 1, 0, 0};
                    std::vector<std::int8_t> expected(std::size_t(pixels) * cout), got(expected.size());
                    mcu_ref_conv_s8(MCU_REF_POINTWISE, in.data(), &is, wts.data(), p.bias.data(), p.mult.data(), p.shift.data(),
                                    expected.data(), &os, &win, &p.q);
                    // Two pixels at a time in the scratch the planner reserves, three in mcu_fast_pointwise3's.
                    for (int three : {0, 1}) {
                        auto run = three ? mcu_fast_pointwise3 : mcu_fast_pointwise;
                        std::vector<std::int16_t> scratch(
                            std::size_t(three ? mcu_fast_pointwise3_scratch_bytes(cin) : mcu_pointwise_s8_scratch_bytes(cin)) / 2);
                        const QString what = QString("%1 px %2 -> %3 (%4 at a time)").arg(pixels).arg(cin).arg(cout).arg(three ? 3 : 2);
                        for (int dbl : {0, 1}) {
                            std::fill(got.begin(), got.end(), 0);
                            run(in.data(), got.data(), pixels, cin, cout, wts.data(), ch.data(), scratch.data(),
                                p.q.act_min, p.q.act_max, 0, dbl);
                            QVERIFY2(got == expected, qPrintable(QString("fast (doubled %1) ").arg(dbl) + what));
                        }
                        std::vector<std::int8_t> buffer(std::max(in.size(), expected.size()), 0x55);
                        std::copy(in.begin(), in.end(), buffer.begin());
                        run(buffer.data(), buffer.data(), pixels, cin, cout, wts.data(), ch.data(), scratch.data(),
                            p.q.act_min, p.q.act_max, cout > cin, (pixels + cin) % 2);
                        QVERIFY2(std::equal(expected.begin(), expected.end(), buffer.begin()),
                                 qPrintable("fast in place " + what));
                    }
                }
        QVERIFY2(fast * 2 > total, qPrintable(QString("only %1 of %2 qualified").arg(fast).arg(total)));
        fast = total = 0;
        for (int k : {1, 3, 5})
            for (int s : {1, 2})
                for (int h : {1, 5, 8, 11})
                    for (int cin : {1, 3, 4, 6})
                        for (int cout : {1, 8, 16}) {
                            ++total;
                            const int w = h + (k == 3 ? 1 : 0);
                            const int oh = (h + s - 1) / s, ow = (w + s - 1) / s;
                            const auto in = r.bytes(std::size_t(h) * w * cin);
                            const auto wts = r.bytes(std::size_t(cout) * k * k * cin);
                            Requant p = requant(r, cout, k * k * cin);
                            std::vector<mcu_channel_t> ch;
                            if (!prepareChannels(p, wts, cout, k * k * cin, ch)) continue;
                            ++fast;
                            const mcu_shape_t is{h, w, cin}, os{oh, ow, cout};
                            const int pt = samePadBefore(h, k, s), pl = samePadBefore(w, k, s);
                            const mcu_window_t win{k, k, s, s, pt, pl};
                            std::vector<std::int8_t> expected(std::size_t(oh) * ow * cout), got(expected.size());
                            mcu_ref_conv_s8(MCU_REF_CONV2D, in.data(), &is, wts.data(), p.bias.data(), p.mult.data(),
                                            p.shift.data(), expected.data(), &os, &win, &p.q);
                            const int n = k * k * cin, np = mcu_fast_conv2d_row(k, cin);
                            std::vector<std::int8_t> padded(std::size_t(cout) * np, 0);
                            for (int oc = 0; oc < cout; ++oc)
                                std::copy_n(wts.begin() + oc * n, n, padded.begin() + oc * np);
                            std::vector<std::int16_t> scratch(std::size_t(mcu_fast_conv2d_scratch_bytes(k, cin)) / 2);
                            mcu_fast_conv2d(in.data(), got.data(), h, w, cin, oh, ow, cout, k, s, pt, pl,
                                            padded.data(), ch.data(), scratch.data(), -p.q.input_offset, p.q.act_min,
                                            p.q.act_max);
                            QVERIFY2(got == expected, qPrintable("fast conv2d " + shapeText(h, w, cin, k, s)));
                        }
        QVERIFY2(fast * 2 > total, qPrintable(QString("only %1 of %2 qualified").arg(fast).arg(total)));
    }

    // A single-channel input (grayscale stem) through mcu_fast_conv2d_c1:
    // SAME and VALID padding, windows larger than the input, non-square
    // inputs, odd and even output widths (pairs and the checked border),
    // against the reference on exactly sized buffers (no read past them).
    void fastConv2dSingleChannel() {
        Rng r(16);
        int fast = 0, total = 0;
        for (int k : {3, 5, 7})
            for (int s : {1, 2})
                for (int h : {1, 4, 9, 16, 96})
                    for (int w : {2, 7, 12, 96})
                        for (int same : {0, 1})
                            for (int cout : {1, 3, 8}) {
                                const int pt = same ? samePadBefore(h, k, s) : 0, pl = same ? samePadBefore(w, k, s) : 0;
                                const int oh = same ? (h + s - 1) / s : (h - k) / s + 1;
                                const int ow = same ? (w + s - 1) / s : (w - k) / s + 1;
                                if (oh < 1 || ow < 1) continue;
                                ++total;
                                const auto in = r.bytes(std::size_t(h) * w);
                                const auto wts = r.bytes(std::size_t(cout) * k * k);
                                Requant p = requant(r, cout, k * k);
                                std::vector<mcu_channel_t> ch;
                                if (!prepareChannels(p, wts, cout, k * k, ch)) continue;
                                ++fast;
                                const mcu_shape_t is{h, w, 1}, os{oh, ow, cout};
                                const mcu_window_t win{k, k, s, s, pt, pl};
                                std::vector<std::int8_t> expected(std::size_t(oh) * ow * cout), got(expected.size());
                                mcu_ref_conv_s8(MCU_REF_CONV2D, in.data(), &is, wts.data(), p.bias.data(), p.mult.data(),
                                                p.shift.data(), expected.data(), &os, &win, &p.q);
                                mcu_fast_conv2d_c1(in.data(), got.data(), h, w, oh, ow, cout, k, s, pt, pl, wts.data(),
                                                   ch.data(), -p.q.input_offset, p.q.act_min, p.q.act_max);
                                QVERIFY2(got == expected, qPrintable(QString("fast conv2d c1 %1x%2 k%3 s%4 %5 -> %6")
                                                                         .arg(h).arg(w).arg(k).arg(s)
                                                                         .arg(same ? "SAME" : "VALID").arg(cout)));
                            }
        QVERIFY2(fast * 2 > total, qPrintable(QString("only %1 of %2 qualified").arg(fast).arg(total)));
    }

    void fastFullyConnected() {
        Rng r(15);
        int fast = 0;
        for (int trial = 0; trial < 200; ++trial) {
            const int n = r.range(1, 200), outs = r.range(1, 40);
            const auto x = r.bytes(std::size_t(n)), w = r.bytes(std::size_t(n) * outs);
            Requant p = requant(r, outs, n);
            // Per-tensor: every channel uses the first multiplier and shift.
            std::fill(p.mult.begin(), p.mult.end(), p.mult[0]);
            std::fill(p.shift.begin(), p.shift.end(), p.shift[0]);
            std::vector<mcu_channel_t> ch;
            if (!prepareChannels(p, w, outs, n, ch)) continue;
            ++fast;
            std::vector<std::int8_t> expected(static_cast<std::size_t>(outs)), got(expected.size());
            mcu_ref_fully_connected_s8(x.data(), n, w.data(), p.bias.data(), p.mult.data(), p.shift.data(), 0,
                                       expected.data(), outs, &p.q);
            mcu_fast_fully_connected(x.data(), got.data(), n, outs, w.data(), ch.data(), p.q.act_min, p.q.act_max);
            QCOMPARE(got, expected);
        }
        QVERIFY(fast > 100);
    }

    void fastDepthwiseEveryKernelAndStride() {
        Rng r(11);
        int fast = 0, total = 0;
        const int sizes[][2] = {{1, 1}, {2, 3}, {5, 5}, {7, 4}, {9, 9}, {16, 16}, {1, 8}, {6, 11}};
        for (int k : {3, 5, 7, 1})
            for (int s : {1, 2})
                for (const auto& hw : sizes)
                    for (int c : {1, 3, 8, 13}) {
                        if (k == 1) continue;
                        ++total;
                        const int h = hw[0], w = hw[1];
                        const int oh = (h + s - 1) / s, ow = (w + s - 1) / s;
                        const int pt = samePadBefore(h, k, s), pl = samePadBefore(w, k, s);
                        const auto in = r.bytes(std::size_t(h) * w * c);
                        const auto wts = r.bytes(std::size_t(c) * k * k);
                        Requant p = requant(r, c, k * k);
                        std::vector<mcu_channel_t> ch;
                        if (!prepareChannels(p, wts, c, k * k, ch)) continue;
                        ++fast;
                        const mcu_shape_t is{h, w, c}, os{oh, ow, c};
                        const mcu_window_t win{k, k, s, s, pt, pl};
                        std::vector<std::int8_t> expected(std::size_t(oh) * ow * c), got(expected.size());
                        mcu_ref_conv_s8(MCU_REF_DEPTHWISE, in.data(), &is, wts.data(), p.bias.data(), p.mult.data(), p.shift.data(),
                                        expected.data(), &os, &win, &p.q);
                        const int bh = (oh - 1) * s + k, bw = (ow - 1) * s + k;
                        std::vector<std::int8_t> plane(std::size_t(bh) * bw + 4);
                        const QString what = shapeText(h, w, c, k, s);
                        mcu_fast_depthwise(in.data(), got.data(), h, w, c, oh, ow, k, s, pt, pl, wts.data(), ch.data(),
                                           plane.data(), -p.q.input_offset, p.q.act_min, p.q.act_max);
                        QVERIFY2(got == expected, qPrintable("fast " + what));
                        std::vector<std::int8_t> buffer = in;
                        mcu_fast_depthwise(buffer.data(), buffer.data(), h, w, c, oh, ow, k, s, pt, pl, wts.data(),
                                           ch.data(), plane.data(), -p.q.input_offset, p.q.act_min, p.q.act_max);
                        QVERIFY2(std::equal(expected.begin(), expected.end(), buffer.begin()),
                                 qPrintable("fast in place " + what));
                    }
        QVERIFY2(fast * 2 > total, qPrintable(QString("only %1 of %2 qualified").arg(fast).arg(total)));
    }

    void fastAdd() {
        Rng r(14);
        int fast = 0;
        for (int trial = 0; trial < 300; ++trial) {
            const int n = r.range(1, 300);
            const auto a = r.bytes(std::size_t(n)), b = r.bytes(std::size_t(n));
            mcu_add_params_t p{};
            p.input1_offset = trial % 7 == 0 ? 128 : r.range(-127, 128);
            p.input2_offset = trial % 7 == 1 ? -127 : r.range(-127, 128);
            p.output_offset = r.range(-128, 127);
            p.left_shift = 20;
            p.input1_multiplier = trial % 3 == 0 ? (1 << 30) : r.range(1 << 30, 0x7fffffff);
            p.input2_multiplier = r.range(1 << 30, 0x7fffffff);
            p.input1_shift = trial % 3 == 0 ? 0 : -r.range(0, 3);
            p.input2_shift = -r.range(0, 3);
            p.output_multiplier = r.range(1 << 30, 0x7fffffff);
            p.output_shift = -r.range(trial % 5 == 0 ? 10 : 17, 21);
            p.act_min = trial % 4 == 0 ? p.output_offset : -128;
            p.act_max = 127;
            const std::int64_t in1 = std::int64_t(255) << p.left_shift, in2 = in1;
            const std::int64_t sum = (in1 >> -p.input1_shift) + (in2 >> -p.input2_shift) + 4;
            std::int32_t r1 = 0, r2 = 0, ro = 0;
            if (!mcu_add_term_prepare(in1, p.input1_multiplier, p.input1_shift, 0, &r1) ||
                !mcu_add_term_prepare(in2, p.input2_multiplier, p.input2_shift, 0, &r2) ||
                !mcu_add_term_prepare(sum, p.output_multiplier, p.output_shift, p.output_offset, &ro))
                continue;
            ++fast;
            std::vector<std::int8_t> expected(static_cast<std::size_t>(n)), got(static_cast<std::size_t>(n));
            mcu_ref_add_s8(a.data(), b.data(), expected.data(), n, &p);
            mcu_fast_add(a.data(), b.data(), got.data(), n, p.input1_offset, p.input2_offset, p.left_shift,
                         p.input1_multiplier, r1, -p.input1_shift, p.input2_multiplier, r2, -p.input2_shift,
                         p.output_multiplier, ro, -p.output_shift, p.act_min, p.act_max);
            QCOMPARE(got, expected);
        }
        QVERIFY(fast > 200);
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
                        const mcu_window_t win{k, k, s, s, pt, pl};
                        std::vector<std::int8_t> expected(std::size_t(oh) * ow * c), got(expected.size());
                        mcu_ref_conv_s8(MCU_REF_DEPTHWISE, in.data(), &is, wts.data(), p.bias.data(), p.mult.data(), p.shift.data(),
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

    // Depth multiplier M > 1 (output channel c * M + m filters input channel
    // c): the same as M = 1 on the input with every channel repeated M times,
    // for the reference kernel and every out-of-place path of the kernel.
    void depthwiseDepthMultiplier() {
        Rng r(7);
        for (int k : {3, 5, 7, 1, 4})
            for (int s : {1, 2})
                for (int c : {1, 3, 5})
                    for (int m : {2, 3}) {
                        const int h = 7 + r.range(0, 4), w = 5 + r.range(0, 6), cout = c * m;
                        const int oh = (h + s - 1) / s, ow = (w + s - 1) / s;
                        const int pt = samePadBefore(h, k, s), pl = samePadBefore(w, k, s);
                        const auto in = r.bytes(std::size_t(h) * w * c);
                        const auto wts = r.bytes(std::size_t(cout) * k * k);
                        Requant p = requant(r, cout, k * k);
                        std::vector<std::int8_t> repeated(std::size_t(h) * w * cout);
                        for (std::size_t px = 0; px < std::size_t(h) * w; ++px)
                            for (int o = 0; o < cout; ++o) repeated[px * cout + o] = in[px * c + o / m];
                        const mcu_shape_t is{h, w, c}, wide{h, w, cout}, os{oh, ow, cout};
                        const mcu_window_t win{k, k, s, s, pt, pl};
                        std::vector<std::int8_t> expected(std::size_t(oh) * ow * cout), got(expected.size());
                        mcu_ref_conv_s8(MCU_REF_DEPTHWISE, repeated.data(), &wide, wts.data(), p.bias.data(), p.mult.data(),
                                        p.shift.data(), expected.data(), &os, &win, &p.q);
                        const QString what = shapeText(h, w, c, k, s) + QStringLiteral(" M=%1").arg(m);
                        mcu_ref_conv_s8(MCU_REF_DEPTHWISE, in.data(), &is, wts.data(), p.bias.data(), p.mult.data(), p.shift.data(),
                                        got.data(), &os, &win, &p.q);
                        QVERIFY2(got == expected, qPrintable("reference " + what));
                        std::fill(got.begin(), got.end(), 0);
                        mcu_depthwise_s8(in.data(), &is, wts.data(), p.bias.data(), p.mult.data(), p.shift.data(),
                                         got.data(), &os, pt, pl, &p.q, nullptr, k, s);
                        QVERIFY2(got == expected, qPrintable("direct " + what));
                        std::vector<std::int8_t> scratch(std::size_t(mcu_depthwise_s8_scratch_bytes(h, w, k, k)));
                        std::fill(got.begin(), got.end(), 0);
                        mcu_depthwise_s8(in.data(), &is, wts.data(), p.bias.data(), p.mult.data(), p.shift.data(),
                                         got.data(), &os, pt, pl, &p.q, scratch.data(), k, s);
                        QVERIFY2(got == expected, qPrintable("plane " + what));
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
                    const mcu_window_t win{1, 1, 1, 1, 0, 0};
                    std::vector<std::int8_t> expected(std::size_t(pixels) * cout), got(expected.size());
                    mcu_ref_conv_s8(MCU_REF_POINTWISE, in.data(), &is, wts.data(), p.bias.data(), p.mult.data(), p.shift.data(),
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
                            const mcu_window_t win{k, k, s, s, samePadBefore(h, k, s), samePadBefore(w, k, s)};
                            std::vector<std::int8_t> expected(std::size_t(oh) * ow * cout), got(expected.size());
                            mcu_ref_conv_s8(MCU_REF_CONV2D, in.data(), &is, wts.data(), p.bias.data(), p.mult.data(),
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
            const int perChannel = r.range(0, 1);
            mcu_ref_fully_connected_s8(x.data(), n, w.data(), p.bias.data(), p.mult.data(), p.shift.data(), perChannel,
                                       e2.data(), outs, &p.q);
            mcu_fully_connected_s8(x.data(), n, w.data(), p.bias.data(), p.mult.data(), p.shift.data(), perChannel,
                                   g2.data(), outs, &p.q);
            QCOMPARE(g2, e2);
            // The reference itself: per channel each output has its own requantization.
            if (perChannel && outs > 1) {
                std::vector<std::int8_t> one(1);
                const int o = outs - 1;
                mcu_ref_fully_connected_s8(x.data(), n, w.data() + std::size_t(o) * n, p.bias.data() + o, p.mult.data() + o,
                                           p.shift.data() + o, 0, one.data(), 1, &p.q);
                QCOMPARE(one[0], e2[std::size_t(o)]);
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestKernels)
#include "test_kernels.moc"
