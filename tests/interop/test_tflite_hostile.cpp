// core/interop: hostile .tflite files. Truncated at every length, a wrong
// identifier, thousands of random mutations, offsets and indices out of
// range, absurd shapes, short buffers, float models, ops the graph lacks,
// empty files, directories, a 100 MB file: every one is an mcunet::Error
// whose message starts with the file's name (and names the field), or a
// coverage report; never another exception, a crash or a read out of bounds
// (the debug preset runs this under AddressSanitizer).
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "cost/cost.h"
#include "interop/tflite_export.h"
#include "interop/tflite_file.h"
#include "interop/tflite_import.h"
#include "quant/interpreter.h"
#include "tflite_builder.h"

using namespace mcunet;
using namespace tflite_test;
namespace fs = std::filesystem;

namespace {

const std::string kName = "hostile.tflite";

// A small export of ours (a few kB, so every length and every word can be
// tried): every op kind the exporter writes.
std::vector<std::uint8_t> smallExport() {
    using graph::Activation;
    using graph::OpKind;
    graph::Graph g;
    int x = g.addInput("input", {8, 6, 3});
    x = g.addConv(OpKind::Conv2D, "stem", x, 8, 3, 2, Activation::ReLU6);
    const int dw = g.addConv(OpKind::DepthwiseConv2D, "dw", x, 8, 3, 1, Activation::ReLU6);
    const int pw = g.addConv(OpKind::PointwiseConv2D, "project", dw, 8, 1, 1, Activation::None);
    x = g.addAdd("add", x, pw);
    x = g.addAveragePool("pool", x);
    g.setOutput(g.addFullyConnected("classifier", x, 3));
    return interop::exportTflite(quant::quantizeSeeded(g, 9));
}

struct Outcome {
    bool error = false;
    std::string message;
    bool model = false;
};

// Imports `bytes`; an mcunet::Error is an outcome, any other exception
// escapes and fails the test. A model that comes out is also run once
// (when small) so its internal consistency is exercised too.
Outcome importOnce(const std::vector<std::uint8_t>& bytes, const std::string& name = kName) {
    Outcome o;
    try {
        const interop::TfliteImport imported = interop::importTflite(bytes, name);
        (void)interop::tflite::coverageText(imported.coverage);
        (void)interop::tflite::coverageJson(imported.coverage);
        if (imported.model) {
            o.model = true;
            const graph::Graph& g = imported.model->graph;
            if (g.tensor(g.input()).bytes() < (1 << 20) && cost::totalMacs(g) < 50'000'000)
                (void)quant::runReferenceOutput(*imported.model,
                                                std::vector<std::int8_t>(std::size_t(g.tensor(g.input()).bytes()), 0));
        }
    } catch (const Error& e) {
        o.error = true;
        o.message = e.what();
    }
    return o;
}

// The message names the file first.
bool namesFile(const Outcome& o, const std::string& name = kName) { return o.message.rfind(name + ": ", 0) == 0; }

// A valid one-conv model whose pieces a test breaks.
struct Parts {
    std::vector<int> inShape{1, 4, 4, 2}, outShape{1, 4, 4, 3}, wShape{3, 1, 1, 2};
    int wBytes = 6, wBuffer = -1, opInput = 0, opcodeIndex = -1, graphInput = 0, type = kInt8;
    std::uint32_t version = 3;
};

std::vector<std::uint8_t> conv(const Parts& p) {
    TfliteBuilder b;
    const int x = b.tensor("input", p.inShape, p.type, {{0.05f}, {0}, 0});
    const int w = b.tensor("w", p.wShape, p.type, {{0.01f}, {0}, 0},
                           std::vector<std::uint8_t>(std::size_t(p.wBytes), 1), p.wBuffer);
    const int y = b.tensor("y", p.outShape, p.type, {{0.05f}, {0}, 0});
    const auto o = fbr::CreateConv2DOptions(b.fb(), kSame, 1, 1, kNone);
    b.op(3, {p.opInput == 0 ? x : p.opInput, w, -1}, {y}, fbr::BuiltinOptions_Conv2DOptions, o.Union(), p.opcodeIndex);
    return b.finish({p.graphInput == 0 ? x : p.graphInput}, {y}, p.version);
}

}  // namespace

class TestTfliteHostile : public QObject {
    Q_OBJECT
private slots:
    void theBaseFilesImport() {
        QVERIFY(importOnce(smallExport()).model);
        QVERIFY(importOnce(conv(Parts{})).model);
    }

    void truncatedFilesAreRefused_data() {
        QTest::addColumn<QString>("file");  // empty: our small export, cut at every length
        QTest::addColumn<int>("step");
        QTest::newRow("small export") << QString() << 1;
        QTest::newRow("person_detect") << QStringLiteral(MCUNET_SHARED_MODELS "/person_detect.tflite") << 97;
    }

    void truncatedFilesAreRefused() {
        QFETCH(QString, file);
        QFETCH(int, step);
        if (!file.isEmpty() && !QFile::exists(file))
            QSKIP("../shared/models/person_detect.tflite is absent (peer model outside the project)");
        const std::vector<std::uint8_t> original =
            file.isEmpty() ? smallExport() : interop::tflite::readTfliteBytes(file.toStdString());
        int refused = 0;
        for (std::size_t n = 0; n < original.size(); n += std::size_t(step)) {
            const Outcome o = importOnce(std::vector<std::uint8_t>(original.begin(), original.begin() + std::ptrdiff_t(n)));
            QVERIFY2(o.error && namesFile(o), ("length " + std::to_string(n) + ": " + o.message).c_str());
            ++refused;
        }
        QVERIFY(refused > 2000);
        qInfo("%d truncated files of %zu bytes refused", refused, original.size());
    }

    void wrongIdentifierIsRefused() {
        std::vector<std::uint8_t> file = smallExport();
        file[4] = 'X';
        const Outcome o = importOnce(file);
        QVERIFY(o.error && namesFile(o));
        QVERIFY2(o.message.find("no TFL3 identifier") != std::string::npos, o.message.c_str());
        QVERIFY(importOnce({'T', 'F', 'L', '3'}).error);
    }

    void mutationsNeverCrash_data() {
        QTest::addColumn<QString>("file");  // empty: our small export
        QTest::addColumn<int>("count");
        QTest::newRow("small export") << QString() << 20000;
        QTest::newRow("person_detect") << QStringLiteral(MCUNET_SHARED_MODELS "/person_detect.tflite") << 2000;
    }

    // Random mutations: 1 to 8 bit flips, 1 to 4 random bytes, a 32-bit word
    // set to a small, huge or random value (offsets, lengths, indices), or a
    // run of bytes copied from elsewhere in the file (misaligned structures).
    void mutationsNeverCrash() {
        QFETCH(QString, file);
        QFETCH(int, count);
        if (!file.isEmpty() && !QFile::exists(file))
            QSKIP("../shared/models/person_detect.tflite is absent (peer model outside the project)");
        const std::vector<std::uint8_t> original =
            file.isEmpty() ? smallExport() : interop::tflite::readTfliteBytes(file.toStdString());
        std::mt19937_64 rng(2024);
        auto any = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
        int errors = 0, reports = 0, models = 0;
        for (int i = 0; i < count; ++i) {
            std::vector<std::uint8_t> bad = original;
            switch (i % 4) {
                case 0:
                    for (std::size_t k = 0, n = 1 + any(8); k < n; ++k)
                        bad[any(bad.size())] ^= static_cast<std::uint8_t>(1u << any(8));
                    break;
                case 1:
                    for (std::size_t k = 0, n = 1 + any(4); k < n; ++k) bad[any(bad.size())] = static_cast<std::uint8_t>(rng());
                    break;
                case 2: {
                    const std::size_t at = any(bad.size() / 4) * 4;
                    const std::uint32_t v = i % 3 == 0 ? std::uint32_t(rng()) : i % 3 == 1 ? std::uint32_t(any(64))
                                                                                           : 0xffffffffu - std::uint32_t(any(64));
                    for (std::size_t b = 0; b < 4; ++b) bad[at + b] = static_cast<std::uint8_t>(v >> (8 * b));
                    break;
                }
                default: {
                    const std::size_t to = any(bad.size()), from = any(bad.size()), n = 1 + any(64);
                    for (std::size_t k = 0; k < n && to + k < bad.size() && from + k < bad.size(); ++k) bad[to + k] = bad[from + k];
                }
            }
            const Outcome o = importOnce(bad);
            if (o.error) {
                QVERIFY2(namesFile(o), o.message.c_str());
                ++errors;
            } else {
                (o.model ? models : reports) += 1;
            }
        }
        qInfo("mutations: %d refused, %d reports of unsupported ops, %d models", errors, reports, models);
        QVERIFY(errors > 0);
    }

    void offsetsOutOfRangeAreRefused() {
        const std::vector<std::uint8_t> file = smallExport();
        for (std::uint32_t root : {0xffffffffu, std::uint32_t(file.size()), std::uint32_t(file.size() - 2), 3u}) {
            std::vector<std::uint8_t> bad = file;
            for (int b = 0; b < 4; ++b) bad[std::size_t(b)] = static_cast<std::uint8_t>(root >> (8 * b));
            const Outcome o = importOnce(bad);
            QVERIFY2(o.error && namesFile(o), o.message.c_str());
        }
        // Every aligned 32-bit word in turn set to a huge value (offsets and
        // vector lengths among them).
        for (std::size_t at = 0; at + 4 <= file.size(); at += 4) {
            std::vector<std::uint8_t> bad = file;
            bad[at] = bad[at + 1] = bad[at + 2] = 0xff;
            bad[at + 3] = 0x7f;
            const Outcome o = importOnce(bad);
            QVERIFY2(!o.error || namesFile(o), o.message.c_str());
        }
    }

    void absurdShapesAreRefused_data() {
        QTest::addColumn<QByteArray>("file");
        QTest::addColumn<QString>("message");
        auto row = [](const char* name, auto edit, const char* message) {
            Parts p;
            edit(p);
            const auto bytes = conv(p);
            QTest::newRow(name) << QByteArray(reinterpret_cast<const char*>(bytes.data()), int(bytes.size())) << message;
        };
        row("negative dimension", [](Parts& p) { p.inShape = {1, -4, 4, 2}; }, "tensor 0 \"input\": shape[1] = -4 is negative");
        row("huge dimension", [](Parts& p) { p.inShape = {1, 1 << 25, 4, 2}; }, "shape[1] = 33554432 is absurd");
        row("element count overflow", [](Parts& p) { p.outShape = {1 << 24, 1 << 24, 1 << 24, 3}; }, "elements (absurd)");
        row("too many dimensions", [](Parts& p) { p.inShape = {1, 1, 1, 1, 1, 1, 1, 1, 4, 2}; }, "10 dimensions");
        row("buffer too small", [](Parts& p) { p.wBytes = 5; }, "tensor 1 \"w\": buffer 1 holds 5 bytes, its shape and INT8 type need 6");
        row("buffer too large", [](Parts& p) { p.wBytes = 600; }, "holds 600 bytes");
        row("buffer index", [](Parts& p) { p.wBuffer = 9; }, "tensor 1 \"w\": buffer 9 is out of range");
        row("operator input index", [](Parts& p) { p.opInput = 77; }, "operator 0 (CONV_2D) input[0]: tensor index 77 is out of range");
        row("operator input -5", [](Parts& p) { p.opInput = -5; }, "tensor index -5 is out of range");
        row("operator code index", [](Parts& p) { p.opcodeIndex = 4; }, "operator 0: operator code 4 is out of range");
        row("graph input index", [](Parts& p) { p.graphInput = 50; }, "subgraph inputs[0]: tensor index 50 is out of range");
        row("schema version", [](Parts& p) { p.version = 2; }, "schema version 2");
        row("float model", [](Parts& p) { p.type = kFloat32, p.wBytes = 24; }, "a float model: operator 0 (CONV_2D) computes in float");
    }

    void absurdShapesAreRefused() {
        QFETCH(QByteArray, file);
        QFETCH(QString, message);
        const Outcome o = importOnce(std::vector<std::uint8_t>(file.begin(), file.end()));
        QVERIFY2(o.error && namesFile(o), o.message.c_str());
        QVERIFY2(o.message.find(message.toStdString()) != std::string::npos, o.message.c_str());
    }

    void floatModelsSayHowToQuantize() {
        Parts p;
        p.type = kFloat32;
        p.wBytes = 24;
        const Outcome f = importOnce(conv(p));
        QVERIFY2(f.message.find("It must be quantized to int8 first") != std::string::npos, f.message.c_str());
        QVERIFY(f.message.find("full-integer quantization") != std::string::npos);
        // Dynamic-range quantization: int8 weights, float activations.
        TfliteBuilder b;
        const int x = b.tensor("input", {1, 4}, kFloat32, {});
        const int w = b.tensor("w", {2, 4}, kInt8, {{0.1f}, {0}, 0}, std::vector<std::uint8_t>(8, 1));
        const int y = b.tensor("y", {1, 2}, kFloat32, {});
        b.op(9, {x, w, -1}, {y});
        const Outcome d = importOnce(b.finish({x}, {y}));
        QVERIFY2(d.message.find("dynamic-range quantized model (int8 weights, float activations)") != std::string::npos,
                 d.message.c_str());
    }

    void refusedFeaturesAreNamed() {
        {  // data outside the flatbuffer (the > 2 GB layout)
            flatbuffers::FlatBufferBuilder fb;
            const auto buffers = fb.CreateVector(std::vector<flatbuffers::Offset<fbr::Buffer>>{
                fbr::CreateBuffer(fb), fbr::CreateBuffer(fb, 0, 4096, 16)});
            const auto sg = fbr::CreateSubGraph(fb);
            fbr::FinishModelBuffer(fb, fbr::CreateModel(fb, 3, 0, fb.CreateVector(std::vector{sg}), 0, buffers));
            const Outcome o = importOnce({fb.GetBufferPointer(), fb.GetBufferPointer() + fb.GetSize()});
            QVERIFY2(o.message.find("buffer 1: data stored outside the flatbuffer") != std::string::npos, o.message.c_str());
        }
        {  // a sparse tensor
            flatbuffers::FlatBufferBuilder fb;
            const auto t = fbr::CreateTensor(fb, fb.CreateVector(std::vector<int>{4}), kInt8, 0, fb.CreateString("s"), 0,
                                             false, fbr::CreateSparsityParameters(fb));
            const auto sg = fbr::CreateSubGraph(fb, fb.CreateVector(std::vector{t}));
            fbr::FinishModelBuffer(fb, fbr::CreateModel(fb, 3, 0, fb.CreateVector(std::vector{sg})));
            const Outcome o = importOnce({fb.GetBufferPointer(), fb.GetBufferPointer() + fb.GetSize()});
            QVERIFY2(o.message.find("tensor 0 \"s\": sparse tensors are not supported") != std::string::npos,
                     o.message.c_str());
        }
        {  // no subgraph
            flatbuffers::FlatBufferBuilder fb;
            fbr::FinishModelBuffer(fb, fbr::CreateModel(fb, 3));
            const Outcome o = importOnce({fb.GetBufferPointer(), fb.GetBufferPointer() + fb.GetSize()});
            QVERIFY2(o.message.find("no subgraph") != std::string::npos, o.message.c_str());
        }
    }

    // Unsupported ops are a report, and an Error only where a model is required.
    void unsupportedOpsStopAtTheReport() {
        TfliteBuilder b;
        const int x = b.activation("input", {1, 8}, 0.05f, 0);
        const int y = b.activation("probabilities", {1, 8}, 1.0f / 256, -128);
        b.op(14, {x}, {y});  // LOGISTIC: not in the layer graph
        const auto file = b.finish({x}, {y});
        const interop::TfliteImport imported = interop::importTflite(file, kName);
        QVERIFY(!imported.coverage.supported());
        QVERIFY_THROWS_EXCEPTION(Error, interop::requireModel(imported));
        try {
            interop::requireModel(imported);
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).rfind(kName + ": not supported by the layer graph (LOGISTIC)", 0) == 0, e.what());
        }
    }

    void filesThatAreNotModels() {
        QTemporaryDir dir;
        const fs::path root(dir.path().toStdString());
        auto message = [](const std::string& path) {
            try {
                interop::importTfliteFile(path);
            } catch (const Error& e) {
                return std::string(e.what());
            }
            return std::string();
        };
        const std::string empty = (root / "empty.tflite").string();
        std::ofstream(empty).close();
        QCOMPARE(message(empty), empty + ": empty file, not a .tflite model");
        QCOMPARE(message(root.string()), root.string() + ": is a directory, expected a .tflite file");
        const std::string missing = (root / "missing.tflite").string();
        QCOMPARE(message(missing), missing + ": cannot open (no such file)");
        const std::string big = (root / "big.tflite").string();
        std::ofstream(big).close();
        fs::resize_file(big, std::uintmax_t(100) << 20);  // sparse: 100 MB without writing them
        QVERIFY2(message(big).rfind(big + ": larger than 64 MB", 0) == 0, message(big).c_str());
        if (fs::exists("/dev/zero")) QVERIFY(message("/dev/zero").rfind("/dev/zero: not a regular file", 0) == 0);
        const std::string text = (root / "text.tflite").string();
        std::ofstream(text) << "this is not a model at all";
        QVERIFY(message(text).rfind(text + ": not a .tflite file", 0) == 0);
    }
};

QTEST_GUILESS_MAIN(TestTfliteHostile)
#include "test_tflite_hostile.moc"
