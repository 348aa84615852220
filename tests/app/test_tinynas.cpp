// `mcunet tinynas --budget quick` end to end on fashion-MNIST: stage 1, the
// supernet, the search, fine-tuning, int8, code generation, build, flash and
// profile on the virtual board, the board's int8 outputs equal to the host's;
// the same command again continues (here: finds it done); a folder of the
// user's is refused. The accuracy figures of the default budget are a
// benchmark (bench/RESULTS.md), not a test.
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "cli_run.h"

namespace {

using Result = mcunet::testing::CliResult;

Result runMcunet(const QStringList& args, int timeoutMs = 900000) {
    return mcunet::testing::runProgram(MCUNET_CLI_PATH, args, timeoutMs);
}

QJsonObject readJson(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object() : QJsonObject();
}

}  // namespace

class TestTinynas : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

private slots:
    void quickFlowEndToEnd() {
        QVERIFY(tmp_.isValid());
        const QString out = tmp_.filePath("run");
        const QStringList args = {"tinynas", "--data", "fashion-mnist", "--board", "virtual-m4", "--sram", "128", "--flash",
                                  "512", "--budget", "quick", "--threads", "2", "--out", out, "--json"};
        const Result r = runMcunet(args);
        QVERIFY2(r.code == 0, r.err.right(2000).constData());
        QStringList steps;
        for (const QByteArray& line : r.out.split('\n')) {
            const QJsonObject e = QJsonDocument::fromJson(line).object();
            if (e["event"] == "step" && (steps.isEmpty() || steps.back() != e["step"].toString())) steps << e["step"].toString();
        }
        QCOMPARE(steps, QStringList({"space", "supernet", "search", "model", "deploy", "board", "random", "mbv2"}));
        const QJsonObject report = readJson(out + "/report.json");
        QCOMPARE(report["format"].toString(), QString("mcunet-tinynas-report"));
        // The default space has MobileNetV2's feature mix, and the supernet
        // trained the subnets within the limits.
        QCOMPARE(report["identity"].toObject()["space"].toString(), QString("mcunet-mix"));
        QVERIFY(readJson(out + "/search/best.json")["feature_mix"].isObject());
        QVERIFY2(r.out.contains("random subnets drawn among those within 128 kB SRAM and 512 kB Flash on virtual-m4"),
                 r.out.right(2000).constData());
        const QJsonObject deployed = report["deploy"].toObject();
        QVERIFY(deployed["outputs_match_reference"].toBool());
        QVERIFY(deployed["instructions"].toInteger() > 0);
        QVERIFY(deployed["peak_sram_bytes"].toObject()["ours"].toInteger() <= 128 * 1024);
        QVERIFY(deployed["elf_flash_bytes"].toInteger() <= 512 * 1024);
        const QJsonObject board = report["accuracy"].toObject()["int8-board"].toObject();
        QVERIFY(board["outputs_identical_to_host"].toBool());
        QCOMPARE(board["images"].toInt(), 20);
        QVERIFY(report["network"].toObject()["networks_evaluated"].toInt() >= 8);
        // The search and the random baseline both chose by the same re-ranking.
        for (const char* dir : {"search", "random"}) {
            const QJsonObject s = readJson(out + "/" + dir + "/search.json");
            QCOMPARE(s["rerank"].toObject()["pool"].toArray().size(), 2);
            QCOMPARE(s["rerank"].toObject()["chosen"].toInt(), s["best"].toInt());
        }
        QCOMPARE(report["network"].toObject()["rerank"].toObject()["chosen"].toInt(),
                 readJson(out + "/search/search.json")["best"].toInt());
        // The baselines at the same limits: trained, scored on the same test images, within the limits.
        for (const char* name : {"random", "mbv2"}) {
            const QJsonObject b = report["baselines"].toObject()[name].toObject();
            QVERIFY2(b.contains("int8-reference"), name);
            QCOMPARE(b["int8-reference"].toObject()["images"].toInt(),
                     report["searched"].toObject()["int8-reference"].toObject()["images"].toInt());
            QVERIFY(b["peak_sram_bytes"].toInteger() <= 128 * 1024);
            QVERIFY(report["margins_points"].toObject().contains(name));
        }
        for (const char* f : {"space.json", "supernet/model.json", "search/search.json", "search/best.json", "model/model.json",
                              "deploy/plan.json"})
            QVERIFY2(QFile::exists(out + "/" + f), f);
        // The same command again: the run is done, nothing is redone.
        const Result again = runMcunet(args);
        QCOMPARE(again.code, 0);
        QVERIFY2(again.ms < r.ms / 3, qPrintable(QString("%1 ms vs %2 ms").arg(again.ms).arg(r.ms)));
        // Another budget in the same folder: refused, the run kept.
        QStringList other = args;
        other[other.indexOf("quick")] = "default";
        const Result refused = runMcunet(other);
        QCOMPARE(refused.code, 2);
        QVERIFY2(refused.err.contains("--force"), refused.err.constData());
        QVERIFY(QFile::exists(out + "/report.json"));
    }

    void aUsersFolderIsRefused() {
        const QString mine = tmp_.filePath("mine");
        QVERIFY(QDir().mkpath(mine));
        QFile f(mine + "/notes.txt");
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("mine");
        f.close();
        const Result r = runMcunet({"tinynas", "--data", "fashion-mnist", "--board", "virtual-m4", "--budget", "quick", "--out",
                                 mine, "--force"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("not made by MCUNet Studio"), r.err.constData());
        QCOMPARE(QDir(mine).entryList(QDir::NoDotAndDotDot | QDir::AllEntries | QDir::Hidden), QStringList{"notes.txt"});
    }
};

QTEST_GUILESS_MAIN(TestTinynas)
#include "test_tinynas.moc"
