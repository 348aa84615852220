// quant::quantize on trained-like weights: input channels that never change
// over the calibration (a ReLU channel BatchNorm switched off) must not ruin
// the int8 model. Training leaves huge weights on such channels (BatchNorm
// folded over a variance near 0); before the fold, the depthwise channel's
// weight scale grew with them and its bias, stored at s_in * s_w, rounded to
// one or two steps: networks fine-tuned from the supernet lost 1-3 points to
// int8 (bench/RESULTS.md).
#include <QtTest>

#include <cmath>
#include <random>
#include <vector>

#include "graph/graph.h"
#include "quant/calibration.h"
#include "quant/interpreter.h"
#include "quant/model.h"
#include "quant/model_dir.h"

#include <QTemporaryDir>
#include <fstream>

#include <nlohmann/json.hpp>

#include "arch/architecture_json.h"
#include "arch/presets.h"
#include "common/error.h"
#include "graph/network.h"

using namespace mcunet;
using graph::Activation;
using graph::OpKind;

namespace {

// input 6x6x1 -> conv 3x3 to 3 channels, ReLU6 (channel 2 dead: weights 0,
// bias -1) -> depthwise 3x3, ReLU6 (channel 2: weights 500, bias 0.4: the
// constant 0.4) -> pointwise to 4 channels (no activation).
struct DeadChannelNet {
    graph::Graph g;
    quant::FloatModel m;
    DeadChannelNet() {
        const int x = g.addInput("input", {6, 6, 1});
        const int stem = g.addConv(OpKind::Conv2D, "stem", x, 3, 3, 1, Activation::ReLU6);
        const int dw = g.addConv(OpKind::DepthwiseConv2D, "dw", stem, 3, 3, 1, Activation::ReLU6);
        const int pw = g.addConv(OpKind::PointwiseConv2D, "pw", dw, 4, 1, 1, Activation::None);
        g.setOutput(pw);
        m = quant::initializeWeights(g, 7);
        m.graph = g;
        auto& s = m.ops[0];  // OHWI [3][3][3][1]
        for (std::size_t k = 18; k < 27; ++k) s.weights[k] = 0.0f;
        s.bias = {0.1f, 0.2f, -1.0f};
        auto& d = m.ops[1];  // KKC [3][3][3]
        for (std::size_t k = 0; k < d.weights.size(); ++k)
            d.weights[k] = k % 3 == 2 ? 500.0f : 0.3f * float(int(k % 5) - 2);
        d.bias = {0.05f, -0.1f, 0.4f};
        auto& p = m.ops[2];  // OI [4][3]
        p.weights = {0.5f, -0.4f, 2.0f, 0.3f, 0.6f, -1.5f, -0.2f, 0.1f, 1.0f, 0.7f, 0.7f, 0.5f};
        p.bias = {0.0f, 0.1f, -0.2f, 0.3f};
    }
};

std::vector<std::vector<float>> images(int count, unsigned seed) {
    std::mt19937 gen(seed);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    std::vector<std::vector<float>> out(static_cast<std::size_t>(count), std::vector<float>(36));
    for (auto& img : out)
        for (float& v : img) v = u(gen);
    return out;
}

}  // namespace

class TestQuantize : public QObject {
    Q_OBJECT

private slots:
    void calibrationRecordsEveryChannel();
    void deadInputChannelLeavesTheInt8ModelAccurate();
    void constantInputFoldsIntoThePointwiseBias();
    void modelDirectoryVersions();
};

void TestQuantize::calibrationRecordsEveryChannel() {
    DeadChannelNet n;
    const auto cal = quant::calibrate(n.m, images(8, 1));
    QCOMPARE(cal.channels.size(), n.g.tensors().size());
    QCOMPARE(cal.channels[1].size(), std::size_t(3));
    QCOMPARE(cal.channels[1][2].lo, 0.0f);  // the dead stem channel
    QCOMPARE(cal.channels[1][2].hi, 0.0f);
    QVERIFY(cal.channels[1][0].hi > cal.channels[1][0].lo);
    QCOMPARE(cal.channels[2][2].lo, 0.4f);  // the depthwise channel reading it: its bias, always
    QCOMPARE(cal.channels[2][2].hi, 0.4f);
    QVERIFY(cal.tensors[3].lo < 0.0f && cal.tensors[3].hi > 0.0f);
    QVERIFY_THROWS_EXCEPTION(std::exception, quant::calibrate(n.m, {}));
}

void TestQuantize::deadInputChannelLeavesTheInt8ModelAccurate() {
    DeadChannelNet n;
    const auto q = quant::quantize(n.m, images(16, 2), quant::kImageInputQuant);
    // The dead channel's 500s are gone: the depthwise channel has no weights,
    // scale 1/127, and its bias keeps its precision.
    const auto& dw = q.ops[1];
    for (std::size_t k = 2; k < dw.weights.size(); k += 3) QCOMPARE(int(dw.weights[k]), 0);
    QCOMPARE(dw.weightScales[2], 1.0f / 127.0f);
    const float biasValue = float(dw.bias[2]) * q.tensors[1].scale * dw.weightScales[2];
    QVERIFY2(std::fabs(biasValue - 0.4f) < 1e-3f, qPrintable(QString::number(double(biasValue))));
    // The depthwise output's constant channel dequantizes to 0.4 within half a step.
    for (const auto& img : images(5, 3)) {
        const auto f = quant::runFloat(n.m, img);
        const auto r = quant::runReference(q, quant::quantizeTensor(img, quant::kImageInputQuant));
        const auto d = quant::dequantizeTensor(r[2], q.tensors[2]);
        for (std::size_t k = 2; k < d.size(); k += 3) QVERIFY(std::fabs(d[k] - 0.4f) <= 0.5f * q.tensors[2].scale + 1e-6f);
    }
}

void TestQuantize::constantInputFoldsIntoThePointwiseBias() {
    DeadChannelNet n;
    const auto calibration = images(16, 4);
    const auto q = quant::quantize(n.m, calibration, quant::kImageInputQuant);
    // Input channel 2 of the pointwise conv is the constant 0.4: its weights
    // (2.0, -1.5, 1.0, 0.5) moved into the bias.
    const auto& pw = q.ops[2];
    for (int oc = 0; oc < 4; ++oc) QCOMPARE(int(pw.weights[std::size_t(oc * 3 + 2)]), 0);
    const float expectedBias[4] = {0.0f + 0.8f, 0.1f - 0.6f, -0.2f + 0.4f, 0.3f + 0.2f};
    for (int oc = 0; oc < 4; ++oc) {
        const float b = float(pw.bias[std::size_t(oc)]) * q.tensors[2].scale * pw.weightScales[std::size_t(oc)];
        QVERIFY2(std::fabs(b - expectedBias[oc]) < 1e-3f, qPrintable(QString("channel %1: %2").arg(oc).arg(double(b))));
    }
    // On the calibration images (no clipping), the whole int8 model stays
    // within two output steps of the float model.
    double worst = 0;
    for (const auto& img : calibration) {
        const auto f = quant::runFloat(n.m, img)[3];
        const auto r = quant::runReference(q, quant::quantizeTensor(img, quant::kImageInputQuant))[3];
        const auto d = quant::dequantizeTensor(r, q.tensors[3]);
        for (std::size_t k = 0; k < f.size(); ++k) worst = std::max(worst, double(std::fabs(d[k] - f[k])));
    }
    QVERIFY2(worst <= 2.0 * q.tensors[3].scale, qPrintable(QString("worst %1, step %2").arg(worst).arg(double(q.tensors[3].scale))));
}

// model.json version 2 holds a network of any family (a DS-CNN here) with
// its input's height, width and kind; version 1 files (MBConv, `resolution`)
// still load; a keyword model whose input block says "image" is refused.
void TestQuantize::modelDirectoryVersions() {
    QTemporaryDir dir;
    auto save = [&](const graph::Network& n, const std::string& name) {
        quant::TrainedModel m;
        m.network = n;
        const graph::Graph g = n.build();
        for (int c = 0; c < n.numClasses(); ++c) m.classes.push_back("c" + std::to_string(c));
        m.floatModel = quant::initializeWeights(g, 3);
        m.int8 = quant::quantize(m.floatModel, quant::randomInputs(g, 2, 4), quant::kImageInputQuant);
        const std::string path = dir.filePath(QString::fromStdString(name)).toStdString();
        quant::saveTrainedModel(m, path);
        return path;
    };
    auto readJson = [](const std::string& path) {
        std::ifstream in(path + "/model.json");
        return nlohmann::json::parse(in);
    };
    auto writeJson = [](const std::string& path, const nlohmann::json& j) {
        std::ofstream(path + "/model.json") << j.dump(2);
    };
    const graph::Network kws = *graph::keywordPreset("ds-cnn-s", 4);
    const std::string k = save(kws, "kws");
    nlohmann::json j = readJson(k);
    QCOMPARE(j["version"].get<int>(), 2);
    QCOMPARE(j["network"]["family"].get<std::string>(), std::string("ds-cnn"));
    QCOMPARE(j["input"]["height"].get<int>(), 49);
    QCOMPARE(j["input"]["width"].get<int>(), 10);
    QCOMPARE(j["input"]["kind"].get<std::string>(), std::string("mfcc-v1"));
    const quant::TrainedModel back = quant::loadTrainedModel(k);
    QVERIFY(back.network == kws);
    QCOMPARE(back.int8.graph.opCount(), kws.build().opCount());
    QVERIFY_THROWS_EXCEPTION(Error, (void)back.network.architecture());  // not an MBConv network

    j["input"]["kind"] = "image";
    writeJson(k, j);
    try {
        (void)quant::loadTrainedModel(k);
        QFAIL("no error");
    } catch (const Error& e) {
        QVERIFY2(std::string(e.what()).find("input.kind") != std::string::npos, e.what());
    }

    // Version 1, as the previous release wrote it.
    arch::Architecture a = arch::preset("mcunet-vww1");
    a.resolution = 32;
    a.inputChannels = 1;
    a.numClasses = 3;
    const std::string v = save(a, "v1");
    nlohmann::json old = readJson(v);
    old["version"] = 1;
    old.erase("network");
    old["architecture"] = arch::toJson(a);
    old["input"].erase("height");
    old["input"].erase("width");
    old["input"].erase("kind");
    old["input"]["resolution"] = 32;
    writeJson(v, old);
    QVERIFY(quant::loadTrainedModel(v).network == graph::Network(a));
    old["version"] = 3;
    writeJson(v, old);
    QVERIFY_THROWS_EXCEPTION(Error, quant::loadTrainedModel(v));
}

QTEST_APPLESS_MAIN(TestQuantize)
#include "test_quantize.moc"
