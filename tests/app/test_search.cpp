// `mcunet search` end to end on a tiny supernet trained here (fashion-MNIST
// subset): the files it writes, the limits, determinism, resume after
// SIGKILL, and bad input. The search's accuracy is real (subnets of the
// supernet with BatchNorm recalibrated); its size is tiny so the test stays
// short. The accuracy comparison against baselines is a benchmark
// (bench/RESULTS.md), not a test.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "cli_run.h"

#include <signal.h>

#include <filesystem>

namespace fs = std::filesystem;

namespace {

using Result = mcunet::testing::CliResult;

Result runMcunet(const QStringList& args, int timeoutMs = 600000) {
    return mcunet::testing::runProgram(MCUNET_CLI_PATH, args, timeoutMs);
}

QJsonObject readJson(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

// The evaluated networks of a search.json: key and accuracy, in order.
QStringList evaluated(const QJsonObject& search) {
    QStringList out;
    for (const QJsonValue& v : search["evaluated"].toArray())
        out << v["key"].toString() + QString(" %1").arg(v["accuracy"].toDouble(), 0, 'f', 6);
    return out;
}

}  // namespace

class TestSearch : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString supernet_;
    QString path(const QString& name) const { return tmp_.filePath(name); }

    QStringList search(const QString& out, const QStringList& extra = {}) const {
        return QStringList{"search", "--supernet", supernet_, "--board", "virtual-m4", "--sram", "128", "--flash", "512",
                           "--population", "6", "--generations", "2", "--seed", "3", "--threads", "1",
                           "--calibration-images", "32", "--validation-images", "60", "--out", out} +
               extra;
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        supernet_ = path("supernet");
        const Result r = runMcunet({"train", "--data", "fashion-mnist", "--supernet", "--resolution", "32", "--width", "0.35",
                                 "--channels", "1", "--threads", "2", "--batch", "16", "--epochs", "1", "--max-steps", "6",
                                 "--train-per-class", "20", "--test-per-class", "2", "--calibration-images", "16",
                                 "--out", supernet_, "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
    }

    void searchWritesItsFiles() {
        const QString out = path("s1");
        const Result r = runMcunet(search(out, {"--json"}));
        QVERIFY2(r.code == 0, r.err.constData());
        int generations = 0;
        for (const QByteArray& line : r.out.split('\n')) {
            const QJsonObject e = QJsonDocument::fromJson(line).object();
            if (e["event"] == "generation") {
                QCOMPARE(e["generation"].toInt(), generations++);
                QVERIFY(e["best_accuracy"].toDouble() >= 0 && e["best_accuracy"].toDouble() <= 1);
            }
        }
        QCOMPARE(generations, 3);  // the initial population and two generations
        const QJsonObject s = readJson(out + "/search.json");
        QCOMPARE(s["format"].toString(), QString("mcunet-search"));
        QCOMPARE(s["version"].toInt(), 2);
        QVERIFY(s["rerank"].isNull());  // not asked for
        const QJsonArray all = s["evaluated"].toArray();
        QVERIFY(all.size() >= 6);
        for (const QJsonValue& v : all) {
            QVERIFY(v["peak_sram_bytes"].toInteger() <= 128 * 1024);
            QVERIFY(v["flash_bytes"].toInteger() <= 512 * 1024);
            QVERIFY(v["accuracy"].toDouble() >= 0 && v["accuracy"].toDouble() <= 1);
        }
        const int best = s["best"].toInt();
        QVERIFY(best >= 0 && best < all.size());
        for (const QJsonValue& v : all) QVERIFY(v["accuracy"].toDouble() <= all[best]["accuracy"].toDouble());
        for (const char* axis : {"latency_ms", "peak_sram_bytes", "flash_bytes", "macs"})
            QVERIFY(!s["fronts"][axis].toArray().isEmpty());
        // best.json is an architecture `mcunet cost` reads, within the limits.
        const Result cost = runMcunet({"cost", out + "/best.json", "--board", "virtual-m4", "--json"});
        QVERIFY2(cost.code == 0, cost.err.constData());
        QVERIFY(fs::exists((out + "/search-state.json").toStdString()));
        QVERIFY(fs::exists((out + "/.mcunet-output").toStdString()));
    }

    // The same seed gives the same networks and accuracies; the folder is
    // replaced only with --force.
    void sameSeedSameSearch() {
        const QString a = path("s1"), b = path("s2");
        QVERIFY(runMcunet(search(b)).code == 0);
        QCOMPARE(evaluated(readJson(b + "/search.json")), evaluated(readJson(a + "/search.json")));
        const Result again = runMcunet(search(b));
        QCOMPARE(again.code, 2);
        QVERIFY2(again.err.contains("--force"), again.err.constData());
        QVERIFY(runMcunet(search(b, {"--force"})).code == 0);
        QCOMPARE(evaluated(readJson(b + "/search.json")), evaluated(readJson(a + "/search.json")));
    }

    // kill -9 mid-search, then --resume: the same result as uninterrupted.
    void resumeAfterKill() {
        const QString out = path("s3");
        QProcess p;
        p.start(MCUNET_CLI_PATH, search(out, {"--json"}));
        QVERIFY(p.waitForStarted());
        QByteArray seen;
        QElapsedTimer t;
        t.start();
        while (!seen.contains("\"generation\":1") && t.elapsed() < 300000 && p.state() == QProcess::Running) {
            p.waitForReadyRead(500);
            seen += p.readAllStandardOutput();
        }
        QVERIFY2(seen.contains("\"generation\":1"), seen.constData());
        ::kill(static_cast<pid_t>(p.processId()), SIGKILL);
        p.waitForFinished();
        const Result r = runMcunet(search(out, {"--resume"}));
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(evaluated(readJson(out + "/search.json")), evaluated(readJson(path("s1") + "/search.json")));
    }

    // --rerank: the best few fine-tuned briefly, the choice the best of them.
    void rerankChoosesAmongTheBest() {
        const QString out = path("s-rr");
        const Result r = runMcunet(search(out, {"--rerank", "2", "--rerank-steps", "3", "--json"}));
        QVERIFY2(r.code == 0, r.err.constData());
        int reranked = 0;
        for (const QByteArray& line : r.out.split('\n')) {
            const QJsonObject e = QJsonDocument::fromJson(line).object();
            if (e["event"] != "rerank") continue;
            ++reranked;
            QCOMPARE(e["networks"].toInt(), 2);
            QVERIFY(e["accuracy"].toDouble() >= 0 && e["accuracy"].toDouble() <= 1);
        }
        QCOMPARE(reranked, 2);
        const QJsonObject s = readJson(out + "/search.json");
        QCOMPARE(evaluated(s), evaluated(readJson(path("s1") + "/search.json")));  // the evolution itself is unchanged
        const QJsonObject rr = s["rerank"].toObject();
        QCOMPARE(rr["steps"].toInt(), 3);
        const QJsonArray pool = rr["pool"].toArray();
        QCOMPARE(pool.size(), 2);
        QCOMPARE(rr["chosen"].toInt(), s["best"].toInt());
        double bestFineTuned = -1;
        int chosen = -1;
        for (const QJsonValue& v : pool)
            if (v["accuracy"].toDouble() > bestFineTuned) {
                bestFineTuned = v["accuracy"].toDouble();
                chosen = v["index"].toInt();
            }
        QCOMPARE(chosen, s["best"].toInt());
        QVERIFY(!fs::exists((out + "/rerank.work").toStdString()));  // the fine-tunings' checkpoints are gone
        QVERIFY(fs::exists((out + "/best.json").toStdString()));
    }

    // Under mpirun -np 2 the ranks share each generation's measurements and
    // the re-ranking's fine-tunings: the same networks, accuracies and
    // choice as one process.
    void twoRanksSearchAsOne() {
        const QString mpirun = QStandardPaths::findExecutable("mpirun");
        if (mpirun.isEmpty()) QSKIP("mpirun (openmpi-bin) is not installed");
        const QString out = path("s-mpi");
        QProcess p;
        p.start(mpirun, QStringList{"--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "-np", "2", MCUNET_CLI_PATH} +
                            search(out, {"--rerank", "2", "--rerank-steps", "3"}));
        QVERIFY(p.waitForFinished(600000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const QJsonObject one = readJson(path("s-rr") + "/search.json"), two = readJson(out + "/search.json");
        QCOMPARE(evaluated(two), evaluated(one));
        QCOMPARE(two["rerank"].toObject(), one["rerank"].toObject());
        QCOMPARE(two["best"].toInt(), one["best"].toInt());
    }

    void badInput_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("impossible SRAM") << QStringList{"--sram", "2"} << "--sram";
        QTest::newRow("impossible Flash") << QStringList{"--flash", "4"} << "--flash";
        QTest::newRow("impossible latency") << QStringList{"--latency-ms", "0.001"} << "--latency-ms";
        QTest::newRow("no supernet") << QStringList{"--supernet", "/nonexistent"} << "/nonexistent";
        QTest::newRow("resume nothing") << QStringList{"--resume"} << "--resume";
        QTest::newRow("population 1") << QStringList{"--population", "1"} << "--population";
    }
    void badInput() {
        QFETCH(QStringList, args);
        QFETCH(QString, mentions);
        const QString out = path("bad-" + QString(QTest::currentDataTag()).replace(' ', '-'));
        const Result r = runMcunet(search(out) + args);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("mcunet search: error: ") && r.err.contains(mentions.toUtf8()), r.err.constData());
        QVERIFY(!r.err.contains("internal error"));
    }

    void aNetworkCheckpointIsNotASupernet() {
        const QString model = path("plain");
        QVERIFY(runMcunet({"train", "--data", "fashion-mnist", "--preset", "mcunet-vww1", "--resolution", "32", "--channels",
                        "1", "--threads", "1", "--batch", "16", "--epochs", "1", "--max-steps", "2", "--train-per-class",
                        "10", "--test-per-class", "2", "--calibration-images", "8", "--out", model})
                    .code == 0);
        QStringList args = search(path("s4"));
        args[args.indexOf("--supernet") + 1] = model;
        const Result r = runMcunet(args);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("not a supernet"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestSearch)
#include "test_search.moc"
