// Every file reader against mutated input (issue 14): bit flips, truncation,
// duplicated and deleted spans, numbers no type holds, type swaps and deep
// nesting. A reader either accepts the file or throws mcunet::Error (which
// the CLI turns into a message and exit code 2); any other exception, a
// crash or a hang fails. Runs in-process, so the debug preset's sanitizers
// see every read.
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <functional>
#include <random>

#include <nlohmann/json.hpp>

#include "arch/architecture_json.h"
#include "graph/network.h"
#include "arch/presets.h"
#include "board/board.h"
#include "board/profiler.h"
#include "common/error.h"
#include "common/json_read.h"
#include "graph/build.h"
#include "project/project.h"
#include "quant/model_dir.h"
#include "mutate.h"

using namespace mcunet;
using mcunet::testing::mutate;

namespace {

std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

void writeAll(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// Mutates `file` `rounds` times and calls `read` on each version.
void fuzz(const std::string& file, int rounds, std::uint64_t seed, const std::function<void()>& read) {
    const std::string original = readAll(file);
    std::mt19937_64 rng(seed);
    int accepted = 0, refused = 0;
    for (int i = 0; i < rounds; ++i) {
        writeAll(file, mutate(original, rng));
        try {
            read();
            ++accepted;
        } catch (const Error&) {
            ++refused;
        } catch (const std::exception& e) {
            QFAIL(qPrintable(QString("%1, mutation %2: %3 instead of mcunet::Error").arg(QString::fromStdString(file)).arg(i).arg(e.what())));
        }
    }
    writeAll(file, original);
    qInfo("%s: %d mutations, %d accepted, %d refused with a message", std::filesystem::path(file).filename().c_str(), rounds,
          accepted, refused);
    QVERIFY(refused > rounds / 4);
}

}  // namespace

class TestHostileInput : public QObject {
    Q_OBJECT
private slots:
    void architectureJson() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("a.json").toStdString();
        arch::saveArchitecture(arch::preset("mcunet-vww1"), path);
        fuzz(path, 600, 1, [&] {
            const arch::Architecture a = arch::loadArchitecture(path);
            (void)graph::buildGraph(a);
        });
    }

    void boardJson() {
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        const board::Board b = board::Catalog::builtIn().byId("stm32f746g-disco");
        json_read::writeFileAtomically(folder + "/b.json", board::toJson(b).dump(2));
        fuzz(folder + "/b.json", 600, 2, [&] { (void)board::Catalog::load(folder); });
    }

    void projectFile() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("p.mcuproj").toStdString();
        project::save(project::demoProject(), path);
        fuzz(path, 600, 3, [&] { (void)project::load(path); });
    }

    void planJson() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("plan.json").toStdString();
        const nlohmann::json plan = {{"arena_bytes", 1000}, {"layers", {{{"name", "a"}, {"op", "conv2d"}, {"macs", 10}}}},
                                     {"input", {{"shape", {8, 8, 3}}}}, {"output", {{"shape", {1, 1, 2}}}}};
        writeAll(path, plan.dump(2));
        fuzz(path, 600, 4, [&] {
            const nlohmann::json p = json_read::parseFile(path);
            (void)board::layersFromPlan(p);
            (void)board::tensorBytesFromPlan(p, "input");
            (void)board::tensorBytesFromPlan(p, "output");
        });
    }

    void modelDirectory_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<bool>("keyword");
        for (bool keyword : {false, true}) {
            const char* n = keyword ? " (ds-cnn)" : " (mbconv)";
            QTest::newRow(qPrintable(QString("model.json") + n)) << "model.json" << keyword;
            QTest::newRow(qPrintable(QString("int8.bin") + n)) << "int8.bin" << keyword;
            QTest::newRow(qPrintable(QString("weights_float.bin") + n)) << "weights_float.bin" << keyword;
        }
    }
    void modelDirectory() {
        QFETCH(QString, file);
        QFETCH(bool, keyword);
        QTemporaryDir dir;
        arch::Architecture a = arch::preset("mcunet-vww1");
        a.resolution = 32;
        a.inputChannels = 1;
        a.numClasses = 2;
        quant::TrainedModel m;
        m.network = keyword ? *graph::keywordPreset("ds-cnn-s", 2) : graph::Network(a);
        const graph::Graph g = m.network.build();
        m.classes = {"no", "yes"};
        m.floatModel = quant::initializeWeights(g, 1);
        m.int8 = quant::quantize(m.floatModel, quant::randomInputs(g, 2, 2), quant::kImageInputQuant);
        const std::string model = dir.filePath("model").toStdString();
        quant::saveTrainedModel(m, model);
        (void)quant::loadTrainedModel(model);
        fuzz(model + "/" + file.toStdString(), 300, 5, [&] { (void)quant::loadTrainedModel(model); });
    }
};

QTEST_GUILESS_MAIN(TestHostileInput)
#include "test_hostile_input.moc"
