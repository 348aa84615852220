// Imported .tflite models downstream (docs/tflite-import.md): planned,
// generated, built for the host and for the virtual board, and run, with the
// outputs byte-identical to the reference interpreter's; import -> export ->
// import gives the same graph and outputs. Our own export of a random
// architecture always runs; person_detect (TF Lite Micro's model) runs when
// ../shared/models is present and gives TF Lite Micro's scores [72, -72] for
// an all-zero input on the host and on the virtual board.
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <random>

#include "board/board.h"
#include "board/firmware_build.h"
#include "board/link.h"
#include "board/virtual_board.h"
#include "codegen/build.h"
#include "codegen/codegen.h"
#include "common/process.h"
#include "graph/build.h"
#include "graph/ds_cnn.h"
#include "interop/tflite_export.h"
#include "interop/tflite_import.h"
#include "memory/plan.h"
#include "quant/interpreter.h"
#include "quant/model.h"
#include "space/search_space.h"

using namespace mcunet;
namespace fs = std::filesystem;

namespace {

const char* kPersonDetect = MCUNET_SHARED_MODELS "/person_detect.tflite";

std::vector<std::int8_t> readBytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::vector<std::int8_t>((std::istreambuf_iterator<char>(in)), {});
}

void writeBytes(const fs::path& p, const std::vector<std::int8_t>& bytes) {
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

// Zeros, then seeded random int8 inputs.
std::vector<std::vector<std::int8_t>> inputsFor(const quant::QuantizedModel& m, int count) {
    const std::size_t n = static_cast<std::size_t>(m.graph.tensor(m.graph.input()).bytes());
    std::vector<std::vector<std::int8_t>> inputs{std::vector<std::int8_t>(n, 0)};
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> v(-128, 127);
    for (int i = 1; i < count; ++i) {
        std::vector<std::int8_t> x(n);
        for (auto& e : x) e = static_cast<std::int8_t>(v(rng));
        inputs.push_back(std::move(x));
    }
    return inputs;
}

quant::QuantizedModel ownExportImported(const std::string& dir) {
    std::mt19937_64 rng(21);
    const graph::Graph g = graph::buildGraph(space::sample(space::mcunetSpace(10), 64, 0.3, rng));
    const quant::QuantizedModel original = quant::quantizeSeeded(g, 3);
    const auto bytes = interop::exportTflite(original, "random");
    const quant::QuantizedModel imported = interop::requireModel(interop::importTflite(bytes, dir + "/random.tflite"));
    return imported;
}

// MLPerf Tiny's keyword-spotting network (DS-CNN: a 10x4 kernel on a 49x10
// MFCC input) through our .tflite export and import: the layer graph keeps
// every window.
quant::QuantizedModel dsCnnExportImported(const std::string& dir) {
    const quant::QuantizedModel original = quant::quantizeSeeded(graph::buildDsCnn(), 5);
    const quant::QuantizedModel imported =
        interop::requireModel(interop::importTflite(interop::exportTflite(original, "ds_cnn"), dir + "/ds_cnn.tflite"));
    if (imported.graph.opCount() != original.graph.opCount()) throw Error("ds-cnn: the import changed the op count");
    for (int i = 0; i < original.graph.opCount(); ++i) {
        const graph::Op &a = original.graph.op(i), &b = imported.graph.op(i);
        if (a.kind != b.kind || a.kernel != b.kernel || a.kernelW != b.kernelW || a.stride != b.stride ||
            a.strideW != b.strideW || a.padTop != b.padTop || a.padLeft != b.padLeft)
            throw Error("ds-cnn: op " + a.name + " changed through export and import");
    }
    return imported;
}

}  // namespace

class TestTfliteImportRun : public QObject {
    Q_OBJECT
private:
    // The generated C for `plan` (with `options`) built on the host equals
    // the interpreter on `inputs` inputs.
    void expectHostEqualsInterpreter(const quant::QuantizedModel& m, const memory::Plan& plan, const std::string& dir,
                                     const codegen::Options& options, int inputs) {
        codegen::generate(m, plan, dir, options);
        const std::string runner = codegen::buildHostRunner(dir);
        for (const auto& input : inputsFor(m, inputs)) {
            writeBytes(fs::path(dir) / "in.bin", input);
            const ProcessResult r = runProcess({runner, dir + "/in.bin", dir + "/out.bin"});
            QVERIFY2(r.exitCode == 0, r.output.c_str());
            QCOMPARE(readBytes(fs::path(dir) / "out.bin"), quant::runReferenceOutput(m, input));
        }
    }

    // Host: the generated C with each planner equals the interpreter.
    void checkHost(const quant::QuantizedModel& m, const std::string& root, int inputs) {
        for (const memory::Planner planner : {memory::Planner::Ours, memory::Planner::TFLiteMicro}) {
            expectHostEqualsInterpreter(m, memory::plan(m.graph, planner), root + "/" + memory::plannerName(planner), {},
                                        inputs);
            if (QTest::currentTestFailed()) return;
        }
    }

    // The general and the reference kernels on the host equal the interpreter.
    void checkKernels(const quant::QuantizedModel& m, const std::string& root) {
        for (const bool referenceKernels : {false, true}) {
            codegen::Options options;
            options.fastKernels = false;
            options.referenceKernels = referenceKernels;
            // The reference kernels run out of place only: TF Lite Micro's plan.
            const memory::Planner planner = referenceKernels ? memory::Planner::TFLiteMicro : memory::Planner::Ours;
            expectHostEqualsInterpreter(m, memory::plan(m.graph, planner),
                                        root + (referenceKernels ? "/reference" : "/general"), options, 2);
            if (QTest::currentTestFailed()) return;
        }
    }

private slots:
    void ownExportRunsOnTheHost() {
        QTemporaryDir tmp;
        const quant::QuantizedModel m = ownExportImported(tmp.path().toStdString());
        checkHost(m, tmp.path().toStdString(), 3);
    }

    // A fully connected layer with weights per output channel (as imported
    // from such a file): the generated C requantizes each output with its own
    // multiplier, like the interpreter.
    void perChannelFullyConnectedRunsOnTheHost() {
        QTemporaryDir tmp;
        quant::QuantizedModel m = ownExportImported(tmp.path().toStdString());
        bool found = false;
        for (int i = 0; i < m.graph.opCount(); ++i) {
            if (m.graph.op(i).kind != graph::OpKind::FullyConnected) continue;
            auto& q = m.ops[std::size_t(i)];
            const float s = q.weightScales.at(0);
            q.weightScales.clear();
            for (int o = 0; o < m.graph.tensor(m.graph.op(i).output).shape.c; ++o)
                q.weightScales.push_back(s * (0.5f + 0.125f * float(o % 9)));
            found = true;
        }
        QVERIFY(found);
        quant::deriveRequantization(m);
        checkHost(m, tmp.path().toStdString(), 3);  // layer-specialized kernels
        checkKernels(m, tmp.path().toStdString());
    }

    // Non-square kernels on the host: the generated C (general and reference
    // kernels, every planner) equals the interpreter.
    void dsCnnRunsOnTheHost() {
        QTemporaryDir tmp;
        const quant::QuantizedModel m = dsCnnExportImported(tmp.path().toStdString());
        QCOMPARE(m.graph.op(0).kernel, 10);
        QCOMPARE(m.graph.op(0).kernelW, 4);
        checkHost(m, tmp.path().toStdString(), 3);
        checkKernels(m, tmp.path().toStdString());
    }

    void personDetectRunsOnTheHost() {
        if (!QFile::exists(kPersonDetect)) QSKIP("../shared/models/person_detect.tflite is absent (peer model outside the project)");
        QTemporaryDir tmp;
        const quant::QuantizedModel m = interop::loadTfliteModel(kPersonDetect);
        checkHost(m, tmp.path().toStdString(), 3);
        QCOMPARE(quant::runReferenceOutput(m, std::vector<std::int8_t>(96 * 96, 0)), (std::vector<std::int8_t>{72, -72}));
    }

    // import -> export -> import: the same graph, quantization and outputs.
    void personDetectRoundTripsThroughExport() {
        if (!QFile::exists(kPersonDetect)) QSKIP("../shared/models/person_detect.tflite is absent (peer model outside the project)");
        const quant::QuantizedModel a = interop::loadTfliteModel(kPersonDetect);
        const quant::QuantizedModel b =
            interop::requireModel(interop::importTflite(interop::exportTflite(a, "person_detect"), "again.tflite"));
        QCOMPARE(b.graph.opCount(), a.graph.opCount());
        for (int i = 0; i < a.graph.opCount(); ++i) {
            QCOMPARE(b.graph.op(i).kind, a.graph.op(i).kind);
            QCOMPARE(b.graph.tensor(b.graph.op(i).output).shape, a.graph.tensor(a.graph.op(i).output).shape);
            QCOMPARE(b.ops[std::size_t(i)].weights, a.ops[std::size_t(i)].weights);
            QCOMPARE(b.ops[std::size_t(i)].bias, a.ops[std::size_t(i)].bias);
        }
        for (const auto& input : inputsFor(a, 4)) QCOMPARE(quant::runReferenceOutput(b, input), quant::runReferenceOutput(a, input));
    }

    // The virtual board (Cortex-M7 in QEMU): the firmware's outputs equal the
    // interpreter's; person_detect gives [72, -72] for zeros.
    void runsOnTheVirtualBoard() {
        QTemporaryDir tmp;
        const std::string root = tmp.path().toStdString();
        std::vector<std::pair<std::string, quant::QuantizedModel>> models;
        models.emplace_back("random", ownExportImported(root));
        models.emplace_back("ds_cnn", dsCnnExportImported(root));
        if (QFile::exists(kPersonDetect)) models.emplace_back("person_detect", interop::loadTfliteModel(kPersonDetect));
        const board::Board& b = board::Catalog::builtIn().byId("virtual-m7");
        for (const auto& [name, m] : models) {
            const std::string dir = root + "/" + name;
            const memory::Plan plan = memory::plan(m.graph, memory::Planner::Ours);
            codegen::Options o;
            o.modelName = name;
            codegen::generate(m, plan, dir, o);
            const board::FirmwareBuild build = board::buildFirmware(dir, b);
            QCOMPARE(build.arenaBytes, plan.arenaBytes);
            board::VirtualBoard vb(b, build.elf);
            board::LinkClient link(vb.transport());
            const board::Hello h = link.hello();
            QCOMPARE(h.layers, m.graph.opCount());
            for (const auto& input : inputsFor(m, 2)) {
                link.writeInput(input);
                link.run(1, 60000);
                QCOMPARE(link.readOutput(h.outputBytes), quant::runReferenceOutput(m, input));
            }
            if (name == "person_detect") {
                link.writeInput(std::vector<std::int8_t>(96 * 96, 0));
                link.run(1, 60000);
                QCOMPARE(link.readOutput(h.outputBytes), (std::vector<std::int8_t>{72, -72}));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestTfliteImportRun)
#include "test_tflite_import_run.moc"
