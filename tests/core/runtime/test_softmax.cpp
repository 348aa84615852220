// int8 softmax: the C kernel (core/runtime/kernels/softmax_s8.c) against the
// interpreter's independent C++ implementation (core/quant/softmax.cpp) byte
// for byte on random rows, both against a double-precision softmax, TF Lite
// Micro's own test vectors, and prepareSoftmax's parameters and errors.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "common/error.h"
#include "mcunet_kernels.h"
#include "quant/softmax.h"

using mcunet::quant::prepareSoftmax;
using mcunet::quant::SoftmaxParams;
using mcunet::quant::softmaxS8;
using Bytes = std::vector<std::int8_t>;

namespace {

mcu_softmax_params_t toC(const SoftmaxParams& p) { return {p.inputMultiplier, p.inputLeftShift, p.diffMin}; }

Bytes runC(const Bytes& in, int rows, int rowSize, const SoftmaxParams& p) {
    Bytes out(in.size(), 0);
    const mcu_softmax_params_t c = toC(p);
    mcu_softmax_s8(in.data(), rows, rowSize, &c, out.data());
    return out;
}

Bytes runCpp(const Bytes& in, int rows, int rowSize, const SoftmaxParams& p) {
    Bytes out(in.size(), 0);
    softmaxS8(in.data(), rows, rowSize, p, out.data());
    return out;
}

// round(probability / (1/256)) - 128 from a double-precision softmax of the
// dequantized row (beta * scale * (x - max)).
std::vector<int> floatSoftmax(const std::int8_t* row, int n, double betaScale) {
    const int max = *std::max_element(row, row + n);
    std::vector<double> e(static_cast<std::size_t>(n));
    double sum = 0;
    for (int c = 0; c < n; ++c) sum += e[std::size_t(c)] = std::exp(betaScale * (row[c] - max));
    std::vector<int> q(static_cast<std::size_t>(n));
    for (int c = 0; c < n; ++c)
        q[std::size_t(c)] = std::clamp(int(std::lround(e[std::size_t(c)] / sum * 256.0)) - 128, -128, 127);
    return q;
}

QString bytesText(const std::int8_t* v, int n) {
    QStringList parts;
    for (int i = 0; i < std::min(n, 16); ++i) parts << QString::number(v[i]);
    if (n > 16) parts << "...";
    return parts.join(',');
}

struct Rng {
    std::mt19937 gen;
    explicit Rng(unsigned seed) : gen(seed) {}
    int range(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(gen); }
    double uniform(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(gen); }
    // log-uniform in [lo, hi]
    double logUniform(double lo, double hi) { return std::exp(uniform(std::log(lo), std::log(hi))); }
};

// Fill modes of the random rows.
enum class Fill { Uniform, AllEqual, Extremes, Narrow, Peak, Mixed };

void fillRow(Rng& r, Fill fill, std::int8_t* row, int n) {
    const Fill f = fill == Fill::Mixed ? static_cast<Fill>(r.range(0, 4)) : fill;
    const int base = r.range(-128, 127), width = r.range(0, 12);
    for (int c = 0; c < n; ++c) {
        int v = 0;
        switch (f) {
            case Fill::Uniform: v = r.range(-128, 127); break;
            case Fill::AllEqual: v = base; break;
            case Fill::Extremes: v = r.range(0, 1) ? 127 : -128; break;
            case Fill::Narrow: v = std::clamp(base + r.range(-width, width), -128, 127); break;
            case Fill::Peak: v = r.range(0, 9) == 0 ? 127 : r.range(-128, -100); break;
            case Fill::Mixed: break;
        }
        row[c] = static_cast<std::int8_t>(v);
    }
}

int randomRowSize(Rng& r) {
    static const int forced[] = {1, 2, 3, 1001};
    if (r.range(0, 9) == 0) return forced[r.range(0, 3)];
    return std::min(1000, int(r.logUniform(1.0, 1000.999)));
}

}  // namespace

class TestSoftmax : public QObject {
    Q_OBJECT

private slots:
    void randomRows_data();
    void randomRows();
    void tfliteMicroGoldens_data();
    void tfliteMicroGoldens();
    void tfliteMicroFloatGoldens();
    void personDetection();
    void specialRows();
    void prepareValues_data();
    void prepareValues();
    void prepareErrors_data();
    void prepareErrors();
    void runErrors();
};

void TestSoftmax::randomRows_data() {
    QTest::addColumn<int>("fill");
    QTest::addColumn<unsigned>("seed");
    QTest::addColumn<int>("rows");
    QTest::newRow("uniform") << int(Fill::Uniform) << 11u << 50000;
    QTest::newRow("all equal") << int(Fill::AllEqual) << 12u << 25000;
    QTest::newRow("extremes -128/127") << int(Fill::Extremes) << 13u << 25000;
    QTest::newRow("narrow range") << int(Fill::Narrow) << 14u << 40000;
    QTest::newRow("one peak") << int(Fill::Peak) << 15u << 25000;
    QTest::newRow("mixed") << int(Fill::Mixed) << 16u << 40000;
}

// (a) C kernel == C++ implementation, byte for byte, out of place and in
// place; (b) both within 1 of the rounded double-precision softmax. Input
// scales log-uniform in [1e-4, 10] (as float, as TF Lite stores them), beta 1.
// Measured on these rows: the largest difference to the double softmax is 1,
// never 2. It is 1 only where probability * 256 lies within 0.01 of a .5
// rounding boundary (fixed-point error), and in rows whose sum of exps
// reaches 512 with probabilities of exactly 1/512 (0.5 rounds up in double,
// and to 0 in the fixed-point extension past TF Lite's check).
void TestSoftmax::randomRows() {
    QFETCH(int, fill);
    QFETCH(unsigned, seed);
    QFETCH(int, rows);
    Rng r(seed);
    long compared = 0, offByOne = 0;
    int worst = 0;
    for (int done = 0; done < rows;) {
        const int rowSize = randomRowSize(r);
        const int count = std::min(rows - done, r.range(1, 4));
        const double scale = double(float(r.logUniform(1e-4, 10.0)));
        const SoftmaxParams p = prepareSoftmax(1.0, scale);
        Bytes in(std::size_t(count) * std::size_t(rowSize));
        for (int i = 0; i < count; ++i) fillRow(r, static_cast<Fill>(fill), in.data() + i * rowSize, rowSize);

        const Bytes c = runC(in, count, rowSize, p);
        const Bytes cpp = runCpp(in, count, rowSize, p);
        Bytes inPlaceC = in, inPlaceCpp = in;
        const mcu_softmax_params_t cp = toC(p);
        mcu_softmax_s8(inPlaceC.data(), count, rowSize, &cp, inPlaceC.data());
        softmaxS8(inPlaceCpp.data(), count, rowSize, p, inPlaceCpp.data());
        for (int i = 0; i < count; ++i) {
            const std::int8_t* row = in.data() + i * rowSize;
            const auto at = std::size_t(i) * std::size_t(rowSize);
            const QString what = QString("scale %1 size %2 input %3").arg(scale, 0, 'g', 9).arg(rowSize).arg(bytesText(row, rowSize));
            if (!std::equal(c.begin() + long(at), c.begin() + long(at) + rowSize, cpp.begin() + long(at)))
                QFAIL(qPrintable("C " + bytesText(&c[at], rowSize) + " != C++ " + bytesText(&cpp[at], rowSize) + ": " + what));
            if (!std::equal(c.begin() + long(at), c.begin() + long(at) + rowSize, inPlaceC.begin() + long(at)) ||
                !std::equal(c.begin() + long(at), c.begin() + long(at) + rowSize, inPlaceCpp.begin() + long(at)))
                QFAIL(qPrintable("in place differs: " + what));
            const std::vector<int> ref = floatSoftmax(row, rowSize, scale);
            for (int k = 0; k < rowSize; ++k) {
                const int d = std::abs(int(c[at + std::size_t(k)]) - ref[std::size_t(k)]);
                worst = std::max(worst, d);
                offByOne += d == 1;
                if (d > 1)
                    QFAIL(qPrintable(QString("element %1: %2, double softmax %3: ").arg(k).arg(int(c[at + std::size_t(k)])).arg(ref[std::size_t(k)]) + what));
            }
            compared += rowSize;
        }
        done += count;
    }
    qInfo("%d rows, %ld values; %ld off by one from the double softmax, largest difference %d", rows, compared, offByOne,
          worst);
}

// (c) TF Lite Micro's int8 softmax test with exact expected outputs
// (EXPECT_EQ): tensorflow/tensorflow, tensorflow/lite/experimental/micro/
// kernels/softmax_test.cc, SimpleTestQuantizedSigned. Input range
// [-63.5, 64] (scale 0.5, zero point -1), output range [0, 255/256] (scale
// 1/256, zero point -128), beta 1. Inputs are F2QS(-3, 5, -7, 9, -11) and
// F2QS(1 .. 5); expected outputs are F2QS of the float softmax.
void TestSoftmax::tfliteMicroGoldens_data() {
    QTest::addColumn<QVector<int>>("input");
    QTest::addColumn<QVector<int>>("expected");
    QTest::newRow("b = 0") << QVector<int>{-7, 9, -15, 17, -23} << QVector<int>{-128, -123, -128, 123, -128};
    QTest::newRow("b = 1") << QVector<int>{1, 3, 5, 7, 9} << QVector<int>{-125, -120, -106, -68, 35};
}

void TestSoftmax::tfliteMicroGoldens() {
    QFETCH(QVector<int>, input);
    QFETCH(QVector<int>, expected);
    const SoftmaxParams p = prepareSoftmax(double(1.0f), double(0.5f));
    Bytes in;
    for (int v : input) in.push_back(static_cast<std::int8_t>(v));
    const Bytes c = runC(in, 1, int(in.size()), p), cpp = runCpp(in, 1, int(in.size()), p);
    for (int i = 0; i < expected.size(); ++i) {
        QCOMPARE(int(c[std::size_t(i)]), expected[i]);
        QCOMPARE(int(cpp[std::size_t(i)]), expected[i]);
    }
}

// The current TF Lite Micro test (tensorflow/tflite-micro, tensorflow/lite/
// micro/kernels/softmax_test.cc, Softmax2DQuantizedInt8ShouldMatchGolden)
// checks int8 within 1 of the quantized float golden: input scale 0.1, zero
// point 0, inputs 1..5 and -1..-5.
void TestSoftmax::tfliteMicroFloatGoldens() {
    const double golden[] = {0.011656231, 0.031684921, 0.086128544, 0.234121657, 0.636408647,
                             0.636408647, 0.234121657, 0.086128544, 0.031684921, 0.011656231};
    const Bytes in = {10, 20, 30, 40, 50, -10, -20, -30, -40, -50};
    const SoftmaxParams p = prepareSoftmax(1.0, double(0.1f));
    const Bytes c = runC(in, 2, 5, p), cpp = runCpp(in, 2, 5, p);
    QVERIFY(c == cpp);
    for (std::size_t i = 0; i < in.size(); ++i) {
        const int want = std::clamp(int(std::lround(golden[i] * 256.0)) - 128, -128, 127);
        QVERIFY2(std::abs(c[i] - want) <= 1, qPrintable(QString("%1: %2 vs %3").arg(i).arg(int(c[i])).arg(want)));
    }
}

// (d) A person-detection-like head: two logits whose int8 difference (14)
// times the input scale (0.091) is 1.274, so the softmax is
// (0.7815, 0.2185): * 256 = (200.06, 55.94), TF Lite int8 output (72, -72).
void TestSoftmax::personDetection() {
    const double scale = double(0.091f);
    const Bytes in = {-3, -17};
    const std::vector<int> ref = floatSoftmax(in.data(), 2, scale);
    QCOMPARE(ref, (std::vector<int>{72, -72}));
    const SoftmaxParams p = prepareSoftmax(1.0, scale);
    QCOMPARE(runC(in, 1, 2, p), (Bytes{72, -72}));
    QCOMPARE(runCpp(in, 1, 2, p), (Bytes{72, -72}));
    // The order of the classes does not matter.
    QCOMPARE(runC(Bytes{-17, -3}, 1, 2, p), (Bytes{-72, 72}));
}

// Rows with known outputs: one element (probability 1 saturates to 127), two
// equal maxima (0.5 -> 0), the capped multiplier (only the maxima count), a
// sum of exps of 512 or more (TF Lite stops on TFLITE_CHECK there; both
// implementations give -128), several rows, and rows = 0.
void TestSoftmax::specialRows() {
    const SoftmaxParams p = prepareSoftmax(1.0, 0.05);
    QCOMPARE(runC(Bytes{-5}, 1, 1, p), Bytes{127});
    QCOMPARE(runCpp(Bytes{-128}, 1, 1, p), Bytes{127});
    QCOMPARE(runC(Bytes{9, 9}, 1, 2, p), (Bytes{0, 0}));
    QCOMPARE(runCpp(Bytes{9, 9}, 1, 2, p), (Bytes{0, 0}));

    const SoftmaxParams capped = prepareSoftmax(1.0, 1000.0);
    QCOMPARE(runC(Bytes{5, 5, 4, -128}, 1, 4, capped), (Bytes{0, 0, -128, -128}));
    QCOMPARE(runCpp(Bytes{5, 5, 4, -128}, 1, 4, capped), (Bytes{0, 0, -128, -128}));

    for (int n : {511, 512, 600, 4095}) {
        const Bytes flat(std::size_t(n), 3);
        const Bytes c = runC(flat, 1, n, p);
        QVERIFY(c == runCpp(flat, 1, n, p));
        const int want = n == 511 ? -127 : -128;  // 256/511 = 0.501 rounds to 1; 256/512 = 0.5 -> 0 here
        QVERIFY2(std::all_of(c.begin(), c.end(), [&](std::int8_t v) { return v == want; }),
                 qPrintable(QString("n = %1: %2").arg(n).arg(int(c[0]))));
    }

    const Bytes two = {1, 2, 3, 4, 5, -1, -2, -3, -4, -5};
    const Bytes c = runC(two, 2, 5, p);
    QVERIFY(c == runCpp(two, 2, 5, p));
    QVERIFY((Bytes(c.begin(), c.begin() + 5) == runC(Bytes(two.begin(), two.begin() + 5), 1, 5, p)));

    Bytes untouched = {7, 7};
    const mcu_softmax_params_t cp = toC(p);
    mcu_softmax_s8(untouched.data(), 0, 2, &cp, untouched.data());
    softmaxS8(untouched.data(), 0, 2, p, untouched.data());
    QCOMPARE(untouched, (Bytes{7, 7}));
}

// (e) prepareSoftmax = TF Lite's Prepare: multiplier of beta * scale * 2^26
// (capped at 2^31 - 1), diffMin = -floor(31 * 2^26 / 2^shift).
void TestSoftmax::prepareValues_data() {
    QTest::addColumn<double>("beta");
    QTest::addColumn<double>("scale");
    QTest::addColumn<int>("multiplier");
    QTest::addColumn<int>("shift");
    QTest::addColumn<int>("diffMin");
    QTest::newRow("scale 0.5 (2^25)") << 1.0 << 0.5 << (1 << 30) << 26 << -31;
    QTest::newRow("beta 2 scale 0.25") << 2.0 << 0.25 << (1 << 30) << 26 << -31;
    QTest::newRow("scale 1/256") << 1.0 << 1.0 / 256 << (1 << 30) << 19 << -3968;
    // 0.1f * 2^26 = 6710886.5 = 0.800000012 * 2^23
    QTest::newRow("scale 0.1f") << 1.0 << double(0.1f) << 1717986944 << 23 << -248;
    QTest::newRow("scale 10") << 1.0 << 10.0 << 1342177280 << 30 << -1;
    QTest::newRow("scale 32: capped") << 1.0 << 32.0 << std::numeric_limits<std::int32_t>::max() << 31 << 0;
    QTest::newRow("scale 1e6: capped") << 1.0 << 1e6 << std::numeric_limits<std::int32_t>::max() << 31 << 0;
    QTest::newRow("2^-25") << 1.0 << std::ldexp(1.0, -25) << (1 << 30) << 2 << -520093696;
    // (1 + 1e-9) * 2^30 = 1073741825.07
    QTest::newRow("just above 2^-26: smallest shift") << 1.0 << std::ldexp(1.0, -26) * (1 + 1e-9) << 1073741825 << 1 << -1040187392;
}

void TestSoftmax::prepareValues() {
    QFETCH(double, beta);
    QFETCH(double, scale);
    QFETCH(int, multiplier);
    QFETCH(int, shift);
    QFETCH(int, diffMin);
    const SoftmaxParams p = prepareSoftmax(beta, scale);
    QCOMPARE(p.inputMultiplier, multiplier);
    QCOMPARE(p.inputLeftShift, shift);
    QCOMPARE(p.diffMin, diffMin);
}

void TestSoftmax::prepareErrors_data() {
    QTest::addColumn<double>("beta");
    QTest::addColumn<double>("scale");
    QTest::addColumn<QString>("message");
    const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
    QTest::newRow("scale 0") << 1.0 << 0.0 << "input scale";
    QTest::newRow("scale negative") << 1.0 << -0.5 << "input scale";
    QTest::newRow("scale NaN") << 1.0 << nan << "input scale";
    QTest::newRow("scale infinite") << 1.0 << inf << "input scale";
    QTest::newRow("beta 0") << 0.0 << 0.5 << "beta";
    QTest::newRow("beta negative") << -1.0 << 0.5 << "beta";
    QTest::newRow("beta NaN") << nan << 0.5 << "beta";
    QTest::newRow("beta infinite") << inf << 0.5 << "beta";
    QTest::newRow("beta * scale = 2^-26") << 1.0 << std::ldexp(1.0, -26) << "2^-26";
    QTest::newRow("beta * scale tiny") << 1e-3 << 1e-6 << "2^-26";
}

void TestSoftmax::prepareErrors() {
    QFETCH(double, beta);
    QFETCH(double, scale);
    QFETCH(QString, message);
    try {
        prepareSoftmax(beta, scale);
        QFAIL("no error");
    } catch (const mcunet::Error& e) {
        QVERIFY2(QString(e.what()).contains(message), e.what());
    }
}

void TestSoftmax::runErrors() {
    const SoftmaxParams p = prepareSoftmax(1.0, 0.5);
    Bytes buf(5000, 0);
    QVERIFY_THROWS_EXCEPTION(mcunet::Error, softmaxS8(buf.data(), 1, 0, p, buf.data()));
    QVERIFY_THROWS_EXCEPTION(mcunet::Error, softmaxS8(buf.data(), 1, 4096, p, buf.data()));
    QVERIFY_THROWS_EXCEPTION(mcunet::Error, softmaxS8(buf.data(), -1, 5, p, buf.data()));
    QVERIFY_THROWS_EXCEPTION(mcunet::Error, softmaxS8(nullptr, 1, 5, p, buf.data()));
    SoftmaxParams bad = p;
    bad.inputLeftShift = 32;
    QVERIFY_THROWS_EXCEPTION(mcunet::Error, softmaxS8(buf.data(), 1, 5, bad, buf.data()));
    bad = p;
    bad.diffMin = p.diffMin - 1;  // would let the shifted difference overflow
    QVERIFY_THROWS_EXCEPTION(mcunet::Error, softmaxS8(buf.data(), 1, 5, bad, buf.data()));
    bad = p;
    bad.inputMultiplier = 5;
    QVERIFY_THROWS_EXCEPTION(mcunet::Error, softmaxS8(buf.data(), 1, 5, bad, buf.data()));
    softmaxS8(buf.data(), 1, 4095, p, buf.data());  // the largest row size is accepted
}

QTEST_GUILESS_MAIN(TestSoftmax)
#include "test_softmax.moc"
