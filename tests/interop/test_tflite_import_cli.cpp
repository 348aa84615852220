// app: `mcunet import` as users run it. An export of ours imports with the
// same figures `mcunet cost` gives for its architecture; person_detect (when
// ../shared is present) stops at its coverage report with exit code 2;
// broken files are exit code 2 with a message naming the file.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "arch/presets.h"
#include "graph/build.h"
#include "interop/tflite_export.h"
#include "quant/model.h"

using namespace mcunet;

namespace {

struct Result {
    int code = -1;
    QByteArray out, err;
};

Result runCli(const QStringList& args) {
    QProcess p;
    p.start(MCUNET_CLI_PATH, args);
    if (!p.waitForFinished(300000)) {
        p.kill();
        return {};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

QJsonObject json(const Result& r) { return QJsonDocument::fromJson(r.out).object(); }

QString writeExport(const QTemporaryDir& dir, const std::string& preset) {
    const auto bytes = interop::exportTflite(quant::quantizeSeeded(graph::buildGraph(arch::preset(preset)), 1));
    const QString path = dir.filePath(QString::fromStdString(preset) + ".tflite");
    std::ofstream(path.toStdString(), std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                               std::streamsize(bytes.size()));
    return path;
}

}  // namespace

class TestTfliteImportCli : public QObject {
    Q_OBJECT
private slots:
    // The imported graph costs exactly what its architecture costs.
    void importedExportCostsWhatCostSays() {
        QTemporaryDir dir;
        const QString file = writeExport(dir, "mcunet-vww1");
        const Result r = runCli({"import", file, "--board", "virtual-m7", "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject j = json(r);
        QVERIFY(j["supported"].toBool());
        QVERIFY(j["coverage"].toObject()["blocking_ops"].toArray().isEmpty());
        const QJsonObject model = j["model"].toObject();
        const Result c = runCli({"cost", "--preset", "mcunet-vww1", "--board", "virtual-m7", "--json"});
        QCOMPARE(c.code, 0);
        const QJsonObject cost = json(c);
        for (const char* key : {"macs", "params", "flash_bytes"}) QCOMPARE(model[key].toInteger(), cost[key].toInteger());
        QCOMPARE(model["peak_sram_by_planner"].toObject(), cost["peak_sram_by_planner"].toObject());
        QCOMPARE(model["latency_ms"].toDouble(), cost["latency_ms"].toDouble());

        const Result text = runCli({"import", file});
        QCOMPARE(text.code, 0);
        QVERIFY2(text.out.contains("every operator is supported") && text.out.contains("peak SRAM   tflm"),
                 text.out.constData());
    }

    void personDetectImports() {
        const QString path = QStringLiteral(MCUNET_SHARED_MODELS "/person_detect.tflite");
        if (!QFile::exists(path))
            QSKIP("../shared/models/person_detect.tflite is absent (peer model outside the project): nothing to import");
        const Result r = runCli({"import", path});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("SOFTMAX") && r.out.contains("every operator is supported"), r.out.constData());
        const Result j = runCli({"import", path, "--json"});
        QCOMPARE(j.code, 0);
        QCOMPARE(json(j)["coverage"].toObject()["operators_supported"].toInt(), 31);
        QVERIFY(json(j)["supported"].toBool());
    }

    // --tflite wherever an architecture is taken: cost gives the same figures
    // as the architecture, codegen writes the same C as the seeded
    // architecture exported (same weights), run gives the interpreter's
    // output; mixing --tflite with another model source is exit code 2.
    void tfliteOptionStandsForTheModel() {
        QTemporaryDir dir;
        const QString file = writeExport(dir, "mcunet-vww1");
        const Result c = runCli({"cost", "--tflite", file, "--board", "virtual-m7", "--json"});
        QVERIFY2(c.code == 0, c.err.constData());
        const Result a = runCli({"cost", "--preset", "mcunet-vww1", "--board", "virtual-m7", "--json"});
        for (const char* key : {"macs", "params", "flash_bytes", "peak_sram_bytes"})
            QCOMPARE(json(c)[key].toInteger(), json(a)[key].toInteger());
        QCOMPARE(json(c)["architecture"].toString(), QStringLiteral("mcunet-vww1"));  // the file's name

        const QString imported = dir.filePath("imported"), seeded = dir.filePath("seeded");
        const Result g = runCli({"codegen", "--tflite", file, "--board", "virtual-m7", "--out", imported});
        QVERIFY2(g.code == 0, g.err.constData());
        QCOMPARE(runCli({"codegen", "--preset", "mcunet-vww1", "--seed", "1", "--board", "virtual-m7", "--out", seeded}).code, 0);
        auto read = [](const QString& path) {
            QFile f(path);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        };
        const QByteArray weights = read(imported + "/model_weights.c");
        QVERIFY(!weights.isEmpty());
        // Same int8 weights and multipliers; only the comment naming the source may differ.
        auto body = [](QByteArray s) { return s.mid(s.indexOf("*/")); };
        QCOMPARE(body(weights), body(read(seeded + "/model_weights.c")));

        const QString input = dir.filePath("input.bin");
        {
            QFile f(input);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray(80 * 80 * 3, '\x05'));
        }
        const Result fromFile = runCli({"run", "--tflite", file, "--input", input});
        QVERIFY2(fromFile.code == 0, fromFile.err.constData());
        const Result fromDir = runCli({"run", imported, "--input", input});
        QCOMPARE(fromFile.out, fromDir.out);

        for (const QStringList& bad : {QStringList{"cost", "--tflite", file, "--preset", "mcunet-vww1", "--board", "virtual-m7"},
                                       QStringList{"codegen", "--tflite", file, "--seed", "1", "--board", "virtual-m7", "--out", seeded},
                                       QStringList{"run", "--tflite", file, imported, "--input", input},
                                       QStringList{"cost", "--tflite", dir.filePath("missing.tflite"), "--board", "virtual-m7"}}) {
            const Result r = runCli(bad);
            QVERIFY2(r.code == 2, qPrintable(bad.join(' ') + ": " + r.err));
        }
    }

    void brokenFilesAreExitCodeTwo() {
        QTemporaryDir dir;
        const QString empty = dir.filePath("empty.tflite");
        std::ofstream(empty.toStdString()).close();
        for (const QString& path : {empty, dir.path(), dir.filePath("missing.tflite")}) {
            const Result r = runCli({"import", path});
            QCOMPARE(r.code, 2);
            QVERIFY2(r.err.startsWith("mcunet import: error: " + path.toUtf8() + ": "), r.err.constData());
        }
        QCOMPARE(runCli({"import"}).code, 2);
        QCOMPARE(runCli({"import", writeExport(dir, "mcunet-vww1"), "--board", "no-such-board"}).code, 2);
    }
};

QTEST_GUILESS_MAIN(TestTfliteImportCli)
#include "test_tflite_import_cli.moc"
