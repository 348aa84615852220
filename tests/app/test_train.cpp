// `mcunet train` and `mcunet eval` as users run them: bad flags and data,
// kill -9 and --resume, a trained model from fashion-MNIST through int8 to the
// virtual board, and data-parallel training under mpirun.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "cli_run.h"

#include <signal.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace {

using Result = mcunet::testing::CliResult;

Result run(const QString& program, const QStringList& args, int timeoutMs = 300000) {
    return mcunet::testing::runProgram(program, args, timeoutMs);
}

Result runMcunet(const QStringList& args) { return run(MCUNET_CLI_PATH, args); }

// The JSON lines of a --json run with the given "event".
QList<QJsonObject> events(const QByteArray& out, const QString& kind) {
    QList<QJsonObject> list;
    for (const QByteArray& line : out.split('\n')) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o["event"].toString() == kind) list.push_back(o);
    }
    return list;
}

// A small, fast fashion-MNIST run: 32x32 grayscale mcunet-vww1, one thread.
QStringList smallRun(const QString& out, int epochs, int perClass) {
    return {"train", "--data", "fashion-mnist", "--preset", "mcunet-vww1", "--resolution", "32", "--channels", "1",
            "--threads", "1", "--batch", "32", "--epochs", QString::number(epochs), "--train-per-class",
            QString::number(perClass), "--test-per-class", "10", "--calibration-images", "50", "--out", out, "--json"};
}

// A running process's stdout until it contains `marker` (or two minutes pass).
QByteArray readUntil(QProcess& p, const char* marker) {
    QByteArray seen;
    QElapsedTimer t;
    t.start();
    while (!seen.contains(marker) && t.elapsed() < 120000) {
        p.waitForReadyRead(1000);
        seen += p.readAllStandardOutput();
    }
    return seen;
}

// A 16-bit PCM mono WAV file of `samples` at `rate`.
void writeWav(const QString& path, const std::vector<float>& samples, int rate) {
    QByteArray data;
    for (float v : samples) {
        const qint16 x = qint16(std::lround(std::clamp(v, -1.0f, 1.0f) * 32767));
        data.append(char(x & 0xff)).append(char((x >> 8) & 0xff));
    }
    auto u32 = [](quint32 v) { return QByteArray(reinterpret_cast<const char*>(&v), 4); };
    auto u16 = [](quint16 v) { return QByteArray(reinterpret_cast<const char*>(&v), 2); };
    QByteArray b = "RIFF" + u32(quint32(36 + data.size())) + "WAVEfmt " + u32(16) + u16(1) + u16(1) + u32(quint32(rate)) +
                   u32(quint32(rate * 2)) + u16(2) + u16(16) + "data" + u32(quint32(data.size())) + data;
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(b);
}

// An audio folder of three classes a keyword network tells apart at once:
// a low tone, a high tone, and noise alone, `perClass` one-second clips each
// (at 8 kHz: resampled on reading), the tones at random times and levels.
void writeToneFolder(const QString& dir, int perClass, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    const int rate = 8000;
    for (const char* cls : {"high", "low", "_silence_"}) {
        QDir().mkpath(dir + "/" + cls);
        for (int i = 0; i < perClass; ++i) {
            std::vector<float> s(static_cast<std::size_t>(rate));
            const double f = QByteArray(cls) == "high" ? 2000 + 400 * u(rng) : 300 + 100 * u(rng);
            const int start = int(u(rng) * rate * 0.5), length = rate / 3;
            const float level = 0.2f + 0.5f * u(rng);
            for (int k = 0; k < rate; ++k) {
                s[std::size_t(k)] = 0.01f * (2 * u(rng) - 1);
                if (QByteArray(cls) != "_silence_" && k >= start && k < start + length)
                    s[std::size_t(k)] += level * float(std::sin(2 * M_PI * f * k / rate));
            }
            writeWav(QString("%1/%2/%3.wav").arg(dir, cls).arg(i), s, rate);
        }
    }
}

QByteArray fileBytes(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

}  // namespace

class TestTrain : public QObject {
    Q_OBJECT
private slots:
    void badFlagsAndData_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mentions");
        const QStringList base{"train", "--preset", "mcunet-vww1", "--resolution", "32", "--channels", "1", "--threads", "1"};
        QTest::newRow("no data") << (base + QStringList{"--out", "@OUT"}) << "needs --data";
        QTest::newRow("no out") << QStringList{"train", "--data", "fashion-mnist", "--preset", "mcunet-vww1"} << "needs --out";
        QTest::newRow("missing folder") << (base + QStringList{"--data", "/nonexistent/photos", "--out", "@OUT"}) << "/nonexistent/photos";
        QTest::newRow("one class") << (base + QStringList{"--data", "@ONECLASS", "--out", "@OUT"}) << "class";
        QTest::newRow("zero epochs") << (base + QStringList{"--data", "fashion-mnist", "--epochs", "0", "--out", "@OUT"}) << "--epochs";
        QTest::newRow("two architectures") << QStringList{"train", "--data", "fashion-mnist", "--preset", "mcunet-vww1", "--supernet", "--out", "@OUT"} << "exactly one";
        QTest::newRow("out is a file") << (base + QStringList{"--data", "fashion-mnist", "--out", "@FILE"}) << "is not a folder";
        QTest::newRow("resume without checkpoint") << (base + QStringList{"--data", "fashion-mnist", "--resume", "--out", "@OUT"}) << "no checkpoint";
        QTest::newRow("does not fit the board") << QStringList{"train", "--data", "fashion-mnist", "--preset", "mcunet-in3", "--board", "virtual-m4", "--sram", "64", "--out", "@OUT"} << "does not fit virtual-m4";
        QTest::newRow("batch larger than the data") << (base + QStringList{"--data", "fashion-mnist", "--train-per-class", "2", "--batch", "64", "--out", "@OUT"}) << "batch";
        QTest::newRow("unknown optimizer") << (base + QStringList{"--data", "fashion-mnist", "--optimizer", "lbfgs", "--out", "@OUT"}) << "--optimizer";
        QTest::newRow("unknown option") << (base + QStringList{"--data", "fashion-mnist", "--epoch", "3", "--out", "@OUT"}) << "unknown option --epoch";
    }
    void badFlagsAndData() {
        QFETCH(QStringList, args);
        QFETCH(QString, mentions);
        QTemporaryDir dir;
        QDir(dir.path()).mkpath("one/only");
        QFile img(dir.filePath("one/only/a.pgm"));
        QVERIFY(img.open(QIODevice::WriteOnly));
        img.write(QByteArray("P5\n2 2\n255\n") + QByteArray(4, '\x40'));
        img.close();
        QFile file(dir.filePath("file.txt"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("keep me");
        file.close();
        for (QString& a : args) {
            a.replace("@OUT", dir.filePath("model"));
            a.replace("@ONECLASS", dir.filePath("one"));
            a.replace("@FILE", file.fileName());
        }
        const Result r = runMcunet(args);
        QCOMPARE(r.code, 2);
        QVERIFY2(QString::fromUtf8(r.err).contains(mentions), r.err.constData());
        QVERIFY2(!r.err.contains("internal error"), r.err.constData());
        QVERIFY(!QFile::exists(dir.filePath("model")));
        QVERIFY(!QFile::exists(dir.filePath("model.training")));
        QCOMPARE(fileBytes(file.fileName()), QByteArray("keep me"));
    }

    // kill -9 in the middle of epoch 2, then --resume: the same weights, bit for
    // bit, as a run that was never interrupted (one thread).
    void killAndResumeEqualsUninterrupted() {
        QTemporaryDir dir;
        const QString whole = dir.filePath("whole"), cut = dir.filePath("cut");
        const Result a = runMcunet(smallRun(whole, 3, 40));
        QVERIFY2(a.code == 0, a.err.constData());

        QProcess p;
        p.start(MCUNET_CLI_PATH, smallRun(cut, 3, 40));
        const QByteArray seen = readUntil(p, "\"event\":\"epoch\"");
        QVERIFY2(seen.contains("\"event\":\"epoch\""), seen.constData());
        p.kill();  // SIGKILL: no chance to write anything more
        p.waitForFinished();
        QVERIFY(!QFile::exists(cut + "/model.json"));  // no partial model directory
        QVERIFY(QFile::exists(cut + ".training/checkpoint.pt"));
        const Result again = runMcunet(smallRun(cut, 3, 40));
        QCOMPARE(again.code, 2);  // an unfinished run is never silently restarted
        QVERIFY(again.err.contains("--resume"));
        const Result b = runMcunet(smallRun(cut, 3, 40) << "--resume");
        QVERIFY2(b.code == 0, b.err.constData());
        QVERIFY(events(b.out, "message").size() > 0);
        QCOMPARE(events(b.out, "epoch").size(), 2);  // epochs 2 and 3 only
        QVERIFY(fileBytes(whole + "/weights_float.bin").size() > 1000);
        QVERIFY(fileBytes(whole + "/weights_float.bin") == fileBytes(cut + "/weights_float.bin"));
        QVERIFY(fileBytes(whole + "/int8.bin") == fileBytes(cut + "/int8.bin"));
        QVERIFY(!QFile::exists(cut + ".training"));
    }

    // Ctrl-C (SIGINT) stops after a checkpoint with exit code 130; --resume finishes.
    void interruptStopsAfterACheckpoint() {
        QTemporaryDir dir;
        const QString out = dir.filePath("int");
        QProcess p;
        p.start(MCUNET_CLI_PATH, smallRun(out, 3, 40));
        QByteArray seen = readUntil(p, "\"event\":\"step\"");
        ::kill(static_cast<pid_t>(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(60000));
        seen += p.readAllStandardOutput();
        QCOMPARE(p.exitCode(), 130);
        QCOMPARE(events(seen, "stopped").size(), 1);
        QVERIFY(QFile::exists(out + ".training/checkpoint.pt"));
        QVERIFY(!QFile::exists(out));
        const Result r = runMcunet(smallRun(out, 3, 40) << "--resume");
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(QFile::exists(out + "/model.json"));
    }

    // A folder of images (one subfolder per class) and the supernet, from the CLI.
    void supernetOnAnImageFolder() {
        QTemporaryDir dir;
        const char* classes[] = {"dark", "light"};
        for (int c = 0; c < 2; ++c) {
            QDir(dir.path()).mkpath(QString("photos/") + classes[c]);
            for (int i = 0; i < 30; ++i) {
                QFile img(dir.filePath(QString("photos/%1/%2.pgm").arg(classes[c]).arg(i)));
                QVERIFY(img.open(QIODevice::WriteOnly));
                QByteArray pixels(40 * 30, char(c ? 200 - i : 40 + i));
                img.write("P5\n40 30\n255\n" + pixels);
            }
        }
        const QString out = dir.filePath("super");
        const Result r = runMcunet({"train", "--data", dir.filePath("photos"), "--supernet", "--resolution", "32", "--width", "0.35",
                                 "--channels", "1", "--epochs", "2", "--batch", "8", "--threads", "1", "--calibration-images", "20",
                                 "--out", out, "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QList<QJsonObject> epochs = events(r.out, "epoch");
        QCOMPARE(epochs.size(), 2);
        QVERIFY(epochs[1].contains("validation_accuracy_smallest"));
        QVERIFY(events(r.out, "start")[0]["supernet"].toBool());
        const QJsonObject model = QJsonDocument::fromJson(fileBytes(out + "/model.json")).object();
        QCOMPARE(model["classes"].toArray().size(), 2);
        QCOMPARE(model["classes"].toArray()[0].toString(), QString("dark"));
        QVERIFY(QFile::exists(dir.filePath("photos/.mcunet-cache")));  // decoded once, kept beside the data
    }

    // Trained on a fashion-MNIST subset, quantized from the trained weights:
    // int8 within 2 points of float; interpreter, host C and the virtual board
    // give identical outputs on every image; deploy and export take --model.
    void trainedModelRunsEverywhere() {
        QTemporaryDir dir;
        const QString model = dir.filePath("fashion");
        QStringList args = smallRun(model, 4, 300);
        args[args.indexOf("--test-per-class") + 1] = "40";
        args[args.indexOf("--calibration-images") + 1] = "200";
        const Result r = runMcunet(args);
        QVERIFY2(r.code == 0, r.err.constData());
        const QList<QJsonObject> done = events(r.out, "done");
        QCOMPARE(done.size(), 1);
        const double f = done[0]["float_accuracy"].toDouble(), q = done[0]["int8_accuracy"].toDouble();
        qInfo("float %.4f int8 %.4f on %d images", f, q, done[0]["test_images"].toInt());
        QCOMPARE(done[0]["test_images"].toInt(), 400);
        QVERIFY2(f > 0.6, qPrintable(QString::number(f)));
        QVERIFY2(std::abs(f - q) <= 0.02, qPrintable(QString("float %1 int8 %2").arg(f).arg(q)));
        QVERIFY(events(r.out, "epoch").size() == 4 && events(r.out, "step").size() >= 4);

        const Result e = runMcunet({"eval", "--model", model, "--data", "fashion-mnist", "--images", "200", "--board", "virtual-m7",
                                 "--board-images", "40", "--json"});
        QVERIFY2(e.code == 0, e.err.constData());
        const QJsonObject ej = QJsonDocument::fromJson(e.out).object();
        QVERIFY(ej["int8_outputs_identical"].toBool());
        QStringList engines;
        for (const auto& x : ej["engines"].toArray()) engines << x.toObject()["engine"].toString();
        QCOMPARE(engines, (QStringList{"float", "int8-reference", "int8-host-c", "int8-virtual-m7"}));
        QCOMPARE(ej["engines"].toArray()[3].toObject()["images"].toInt(), 40);
        // A real board goes through the device layer as the demo's targets do:
        // looked for first, so no board here is a message before any build.
        const Result real = runMcunet({"eval", "--model", model, "--data", "fashion-mnist", "--images", "20", "--no-host",
                                       "--board", "stm32f746g-disco", "--board-images", "4", "--link", "usb"});
        QCOMPARE(real.code, 2);
        QVERIFY2(real.err.contains("no stm32f746g-disco connected"), real.err.constData());

        const Result d = runMcunet({"deploy", "--model", model, "--board", "virtual-m7", "--profile", "--runs", "1", "--json",
                                 "--out", dir.filePath("deployed")});
        QVERIFY2(d.code == 0, d.err.constData());
        const QJsonObject dj = QJsonDocument::fromJson(d.out).object();
        QVERIFY(dj["outputs_match_reference"].toBool());
        QVERIFY(dj["weights"].toString().startsWith("trained"));
        QCOMPARE(runMcunet({"export-tflite", "--model", model, "--out", dir.filePath("m.tflite")}).code, 0);
        QCOMPARE(runMcunet({"codegen", "--model", model, "--preset", "mcunet-vww1", "--board", "virtual-m7", "--out", dir.filePath("x")}).code, 2);
        const Result bad = runMcunet({"eval", "--model", dir.path(), "--data", "fashion-mnist"});
        QCOMPARE(bad.code, 2);
        QVERIFY(bad.err.contains("model.json"));
    }

    // A keyword-spotting network (DS-CNN) on an audio folder: WAV clips become
    // MFCC features, the model directory says so (version 2: network family
    // ds-cnn, input 49 x 10 MFCC), its int8 outputs are the same on the
    // interpreter, the host C and the virtual board, and the wake-word demo
    // hears a high tone in a WAV file. Pictures for a keyword network and
    // sound for an image network are refused, naming the data.
    void keywordNetworkOnAnAudioFolder() {
        QTemporaryDir dir;
        const QString data = dir.filePath("tones"), model = dir.filePath("kws");
        writeToneFolder(data, 40, 3);
        const Result r = runMcunet({"train", "--data", data, "--preset", "ds-cnn-s", "--threads", "1", "--batch", "16", "--epochs", "15",
                                    "--calibration-images", "50", "--out", model, "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QList<QJsonObject> done = events(r.out, "done");
        QCOMPARE(done.size(), 1);
        const double f = done[0]["float_accuracy"].toDouble(), q = done[0]["int8_accuracy"].toDouble();
        qInfo("tones: float %.3f int8 %.3f on %d clips", f, q, done[0]["test_images"].toInt());
        QVERIFY2(q >= 0.9, qPrintable(QString::number(q)));
        const QJsonObject start = events(r.out, "start").value(0);
        QCOMPARE(start["data"].toObject()["features"].toString(), QString("mfcc-v1"));
        const QJsonObject mj = QJsonDocument::fromJson(fileBytes(model + "/model.json")).object();
        QCOMPARE(mj["version"].toInt(), 2);
        QCOMPARE(mj["network"].toObject()["family"].toString(), QString("ds-cnn"));
        QCOMPARE(mj["network"].toObject()["classes"].toInt(), 3);
        QCOMPARE(mj["input"].toObject()["kind"].toString(), QString("mfcc-v1"));
        QCOMPARE(mj["input"].toObject()["height"].toInt(), 49);

        const Result e = runMcunet({"eval", "--model", model, "--data", data, "--board", "virtual-m4", "--board-images", "12", "--json"});
        QVERIFY2(e.code == 0, e.err.constData());
        QVERIFY(QJsonDocument::fromJson(e.out).object()["int8_outputs_identical"].toBool());

        // Two seconds: noise as in the training clips, then a high tone from 1.2 to 1.5 s.
        std::vector<float> s(32000);
        std::mt19937 rng(9);
        std::uniform_real_distribution<float> u(-0.01f, 0.01f);
        for (std::size_t k = 0; k < s.size(); ++k) {
            s[k] = u(rng);
            if (k >= 19200 && k < 24000) s[k] += 0.5f * float(std::sin(2 * M_PI * 2200 * double(k) / 16000));
        }
        writeWav(dir.filePath("beep.wav"), s, 16000);
        const Result d = runMcunet({"demo", "--model", model, "--source", dir.filePath("beep.wav"), "--json"});
        QVERIFY2(d.code == 0, d.err.constData());
        const QList<QJsonObject> words = events(d.out, "word");
        QCOMPARE(words.size(), 1);
        QCOMPARE(words[0]["word"].toString(), QString("high"));
        QVERIFY2(words[0]["time"].toDouble() >= 1.2 && words[0]["time"].toDouble() <= 1.7, qPrintable(QString::number(words[0]["time"].toDouble())));
        QCOMPARE(events(d.out, "window").size(), 40);  // 2 s, a window every 50 ms

        const Result pictures = runMcunet({"train", "--data", "fashion-mnist", "--preset", "ds-cnn", "--out", dir.filePath("x")});
        QCOMPARE(pictures.code, 2);
        QVERIFY2(pictures.err.contains("holds pictures"), pictures.err.constData());
        const Result sound = runMcunet({"train", "--data", data, "--preset", "mcunet-vww1", "--out", dir.filePath("y")});
        QCOMPARE(sound.code, 2);
        QVERIFY2(sound.err.contains("audio folder") && sound.err.contains("ds-cnn"), sound.err.constData());
        const Result wrongDemo = runMcunet({"demo", "--model", model, "--source", "sample"});
        QCOMPARE(wrongDemo.code, 2);
    }

    // mpirun -np 2 with the same global batch follows -np 1 (synchronized
    // BatchNorm, all-reduced gradients). The first step is the same computation
    // up to summation order; after that, float rounding alone moves training
    // curves apart (one process with 1 and with 2 threads differs by 1e-4 after
    // two steps and 1-2% after an epoch), so later steps get that tolerance.
    void mpiTwoRanksMatchOne() {
        const QString mpirun = QStandardPaths::findExecutable("mpirun");
        if (mpirun.isEmpty()) QSKIP("mpirun (openmpi-bin) is not installed");
        QTemporaryDir dir;
        auto curve = [&](int ranks, int epochs, int maxSteps) {
            QStringList args{"--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "-np", QString::number(ranks),
                             MCUNET_CLI_PATH};
            const QString out = dir.filePath(QString("mpi-%1-%2-%3").arg(ranks).arg(epochs).arg(maxSteps));
            args += smallRun(out, epochs, 40);
            if (maxSteps > 0) args << "--max-steps" << QString::number(maxSteps);
            const Result r = run(mpirun, args);
            if (r.code != 0) qWarning("%s", (r.err + r.out).constData());
            QList<double> losses;
            if (events(r.out, "done").size() != 1 || events(r.out, "start").value(0)["ranks"].toInt() != ranks) return losses;
            for (const QJsonObject& e : events(r.out, "epoch")) losses << e["train_loss"].toDouble();
            return losses;
        };
        const QList<double> one1 = curve(1, 1, 1), two1 = curve(2, 1, 1);
        QCOMPARE(one1.size(), 1);
        QCOMPARE(two1.size(), 1);
        QVERIFY2(std::abs(one1[0] - two1[0]) <= 1e-5 * one1[0], qPrintable(QString("%1 vs %2").arg(one1[0], 0, 'g', 9).arg(two1[0], 0, 'g', 9)));
        const QList<double> one2 = curve(1, 1, 2), two2 = curve(2, 1, 2);
        QVERIFY(one2.size() == 1 && two2.size() == 1);
        QVERIFY2(std::abs(one2[0] - two2[0]) <= 2e-3 * one2[0], qPrintable(QString("%1 vs %2").arg(one2[0]).arg(two2[0])));
        const QList<double> one = curve(1, 3, 0), two = curve(2, 3, 0);
        QCOMPARE(one.size(), 3);
        QCOMPARE(two.size(), 3);
        for (int e = 0; e < 3; ++e) {
            qInfo("epoch %d loss: 1 rank %.6f, 2 ranks %.6f", e + 1, one[e], two[e]);
            QVERIFY2(std::abs(one[e] - two[e]) <= 0.1 * one[e], qPrintable(QString("epoch %1: %2 vs %3").arg(e + 1).arg(one[e]).arg(two[e])));
        }
        QVERIFY(one[2] < one[0] && two[2] < two[0]);
    }
};

QTEST_GUILESS_MAIN(TestTrain)
#include "test_train.moc"
