// app: the `mcunet` CLI as users run it: JSON output and exit codes.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QRegularExpression>
#include <QtTest>
#include <QDir>
#include <QFileInfo>
#include <QThread>

#include <signal.h>

namespace {

struct Result {
    int code = -1;
    QByteArray out, err;
};

Result mcunet(const QStringList& args, const QString& stateDir = QString()) {
    QProcess p;
    if (!stateDir.isEmpty()) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("XDG_STATE_HOME", stateDir);  // where `flash` records a virtual board's firmware
        p.setProcessEnvironment(env);
    }
    p.start(MCUNET_CLI_PATH, args);
    if (!p.waitForFinished(120000)) {
        p.kill();
        return {};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

QJsonObject json(const Result& r) {
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out, &error);
    if (error.error != QJsonParseError::NoError) qWarning("%s", r.out.constData());
    return doc.object();
}

}  // namespace

class TestCli : public QObject {
    Q_OBJECT
private slots:
    void devicesListsUsbBoards() {
        // No USB board is attached here: an empty list, exit 0 (the device
        // layer itself is tested beneath libusb with umockdev, tests/core/device).
        const Result r = mcunet({"devices", "--json"});
        QCOMPARE(r.code, 0);
        QVERIFY(json(r).value("devices").isArray());
        const Result text = mcunet({"devices"});
        QCOMPARE(text.code, 0);
        QVERIFY(text.out.contains("No board connected") || text.out.contains(":"));
    }

    void boardsAndPresets() {
        const Result boards = mcunet({"boards", "--json"});
        QCOMPARE(boards.code, 0);
        QCOMPARE(json(boards)["boards"].toArray().size(), 8);
        const Result presets = mcunet({"presets", "--json"});
        QCOMPARE(presets.code, 0);
        bool vww = false;
        for (const auto& p : json(presets)["presets"].toArray())
            vww = vww || p.toObject()["name"].toString() == "mcunet-vww1";
        QVERIFY(vww);
        QCOMPARE(mcunet({"presets"}).code, 0);
        QCOMPARE(mcunet({"boards"}).code, 0);
    }

    void costJson() {
        const Result r = mcunet({"cost", "--preset", "mcunet-vww1", "--board", "stm32f746g-disco", "--json"});
        QCOMPARE(r.code, 0);
        const QJsonObject o = json(r);
        QCOMPARE(o["planner"].toString(), QString("ours"));
        QCOMPARE(o["macs"].toInteger(), 11578816);
        QVERIFY(o["peak_sram_bytes"].toInteger() <= 93992);
        QCOMPARE(o["peak_sram_by_planner"].toObject()["tinyengine"].toInteger(), 93992);
        for (const char* key : {"params", "flash_bytes", "latency_ms"}) QVERIFY2(o[key].toDouble() > 0, key);
        const QJsonArray layers = o["layers"].toArray();
        QVERIFY(layers.size() > 40);
        qint64 macs = 0, maxSram = 0;
        for (const auto& l : layers) {
            const QJsonObject layer = l.toObject();
            for (const char* key : {"name", "op", "macs", "sram_bytes"}) QVERIFY2(layer.contains(key), key);
            macs += layer["macs"].toInteger();
            maxSram = std::max(maxSram, layer["sram_bytes"].toInteger());
        }
        QCOMPARE(macs, o["macs"].toInteger());
        QVERIFY(maxSram <= o["peak_sram_bytes"].toInteger());
        const Result tflm = mcunet({"cost", "--preset", "mcunet-vww1", "--board", "stm32f746g-disco", "--planner", "greedy", "--json"});
        QCOMPARE(json(tflm)["planner"].toString(), QString("tflm"));
        QCOMPARE(mcunet({"cost", "--preset", "mcunet-in3", "--board", "virtual-m4"}).code, 0);
    }

    void presetFileRoundTrip() {
        QTemporaryDir dir;
        const QString file = dir.filePath("in3.json");
        QCOMPARE(mcunet({"preset", "mcunet-in3", "--out", file}).code, 0);
        const Result fromFile = mcunet({"cost", file, "--board", "stm32f746g-disco", "--json"});
        const Result fromPreset = mcunet({"cost", "--preset", "mcunet-in3", "--board", "stm32f746g-disco", "--json"});
        QCOMPARE(fromFile.code, 0);
        QCOMPARE(json(fromFile)["macs"], json(fromPreset)["macs"]);
        QCOMPARE(json(fromFile)["peak_sram_bytes"], json(fromPreset)["peak_sram_bytes"]);
    }

    void spaceJsonChoosesASpace() {
        const Result r = mcunet({"space", "--board", "stm32f746g-disco", "--samples", "100", "--json"});
        QCOMPARE(r.code, 0);
        const QJsonObject o = json(r);
        QCOMPARE(o["spaces"].toArray().size(), 108);
        const QJsonObject chosen = o["chosen"].toObject();
        QVERIFY(chosen["resolution"].toInt() >= 48);
        QVERIFY(chosen["width"].toDouble() >= 0.2);
        QVERIFY(chosen["largest_satisfying"].toObject()["peak_sram_by_planner"].toObject()["ours"].toInteger() <= 320 * 1024);
        for (const auto& s : o["spaces"].toArray()) {
            const QJsonObject space = s.toObject();
            for (const char* key : {"resolution", "width", "satisfying_share", "mean_macs", "cdf"})
                QVERIFY2(space.contains(key), key);
        }
    }

    // Issue 23: an image folder to try --data with, and `run --image`: the
    // picture prepared as the model was trained, the class named.
    void sampleImagesAndRunAnImage() {
        QTemporaryDir dir;
        const QString photos = dir.filePath("photos");
        const Result made = mcunet({"sample-images", "--out", photos, "--per-class", "3"});
        QVERIFY2(made.code == 0, made.err.constData());
        const QStringList classes = QDir(photos).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        QCOMPARE(classes.size(), 10);
        QVERIFY(classes.contains("T-shirt-top") && classes.contains("Ankle boot"));
        QCOMPARE(QDir(photos + "/Trouser").entryList(QDir::Files).size(), 3);
        // Again: added beside, nothing replaced.
        QVERIFY(mcunet({"sample-images", "--out", photos, "--per-class", "3"}).code == 0);
        QCOMPARE(QDir(photos + "/Trouser").entryList(QDir::Files).size(), 6);
        const QString model = QString(MCUNET_RESOURCES_DIR) + "/models/fashion-mnist";
        int right = 0;
        for (const QString& c : {QString("Trouser"), QString("Bag"), QString("Ankle boot")}) {  // a host build each
            const QString picture = photos + "/" + c + "/capture-00001.png";
            const Result r = mcunet({"run", "--model", model, "--image", picture, "--json"});
            QVERIFY2(r.code == 0, r.err.constData());
            const QJsonObject o = json(r);
            QCOMPARE(o["output"].toArray().size(), 10);
            QVERIFY(o["score"].toDouble() > 0 && o["score"].toDouble() <= 1);
            QCOMPARE(o["top"].toArray().size(), 3);
            right += o["label"].toString().replace('/', '-') == c;
        }
        QVERIFY2(right >= 2, qPrintable(QString("%1 of 3 pictures classified right").arg(right)));
        const Result text = mcunet({"run", "--model", model, "--image", photos + "/Trouser/capture-00001.png"});
        QVERIFY2(text.out.startsWith((photos + "/Trouser/capture-00001.png: ").toUtf8()), text.out.constData());
        // Refused, naming what is wrong.
        const Result noModel = mcunet({"run", "--tflite", "x.tflite", "--image", photos + "/Bag/capture-00001.png"});
        QCOMPARE(noModel.code, 2);
        QFile notImage(dir.filePath("notes.png"));
        QVERIFY(notImage.open(QIODevice::WriteOnly));
        notImage.write("not a picture");
        notImage.close();
        const Result bad = mcunet({"run", "--model", model, "--image", dir.filePath("notes.png")});
        QCOMPARE(bad.code, 2);
        QVERIFY2(bad.err.contains("notes.png: not a decodable image"), bad.err.constData());
        const Result both = mcunet({"run", "--model", model, "--image", dir.filePath("notes.png"), "--input", "x"});
        QCOMPARE(both.code, 2);
        QVERIFY2(both.err.contains("give one"), both.err.constData());
    }

    void codegenAndRun() {
        QTemporaryDir dir;
        const QString out = dir.filePath("vww");
        const Result gen = mcunet({"codegen", "--preset", "mcunet-vww1", "--seed", "1", "--board", "virtual-m7", "--out", out, "--json"});
        QCOMPARE(gen.code, 0);
        const QJsonObject g = json(gen);
        const Result cost = mcunet({"cost", "--preset", "mcunet-vww1", "--board", "virtual-m7", "--json"});
        QCOMPARE(g["arena_bytes"].toInteger(), json(cost)["peak_sram_bytes"].toInteger());
        QVERIFY(QFile::exists(out + "/model.c") && QFile::exists(out + "/plan.json"));
        QFile input(dir.filePath("in.bin"));
        QVERIFY(input.open(QIODevice::WriteOnly));
        input.write(QByteArray(80 * 80 * 3, '\x10'));
        input.close();
        const Result run = mcunet({"run", out, "--input", input.fileName(), "--json"});
        QCOMPARE(run.code, 0);
        QCOMPARE(json(run)["output"].toArray().size(), 2);
        const Result again = mcunet({"run", out, "--input", input.fileName(), "--runs", "3", "--json"});
        QCOMPARE(json(again)["output"], json(run)["output"]);  // deterministic
        QFile small(dir.filePath("small.bin"));
        QVERIFY(small.open(QIODevice::WriteOnly));
        small.write("abc");
        small.close();
        const Result bad = mcunet({"run", out, "--input", small.fileName()});
        QCOMPARE(bad.code, 2);
        QVERIFY2(bad.err.contains("3 bytes, the model takes 19200"), bad.err.constData());
        // Issue 14.11: too large, missing or a directory: refused before any build.
        QFile large(dir.filePath("large.bin"));
        QVERIFY(large.open(QIODevice::WriteOnly));
        large.write(QByteArray(19201, '\x01'));
        large.close();
        const Result tooLarge = mcunet({"run", out, "--input", large.fileName()});
        QCOMPARE(tooLarge.code, 2);
        QVERIFY2(tooLarge.err.contains("19201 bytes, the model takes 19200"), tooLarge.err.constData());
        const Result missing = mcunet({"run", out, "--input", dir.filePath("missing.bin")});
        QCOMPARE(missing.code, 2);
        QVERIFY2(missing.err.contains("cannot open"), missing.err.constData());
        QCOMPARE(mcunet({"run", out, "--input", dir.path()}).code, 2);
        QCOMPARE(mcunet({"run", dir.filePath("nowhere"), "--input", small.fileName()}).code, 2);
        QCOMPARE(mcunet({"codegen", "--preset", "mcunet-vww1", "--seed", "1", "--board", "virtual-m7"}).code, 2);  // no --out
        // Without trained weights or an explicit --seed nothing is generated.
        const Result untrained = mcunet({"codegen", "--preset", "mcunet-vww1", "--board", "virtual-m7", "--out", dir.filePath("x")});
        QCOMPARE(untrained.code, 2);
        QVERIFY2(untrained.err.contains("--model DIR") && untrained.err.contains("--seed"), untrained.err.constData());
        QVERIFY(!QFile::exists(dir.filePath("x")));
    }

    void exportTflite() {
        QTemporaryDir dir;
        const QString file = dir.filePath("vww.tflite");
        const Result r = mcunet({"export-tflite", "--preset", "mcunet-vww1", "--seed", "1", "--out", file, "--json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(json(r)["operators"].toInt(), 56);  // 55 layers + the reshape before the classifier
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.read(8).mid(4), QByteArray("TFL3"));
        QCOMPARE(mcunet({"export-tflite", "--preset", "mcunet-vww1", "--seed", "1"}).code, 2);
    }

    void deployProfilesOnTheVirtualBoard() {
        QTemporaryDir state;
        const Result r = mcunet({"deploy", "--preset", "mcunet-vww1", "--seed", "1", "--board", "virtual-m7", "--profile", "--json", "--runs", "1",
                                 "--out", state.filePath("vww")},
                                state.path());
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = json(r);
        QCOMPARE(o["unit"].toString(), QString("instructions"));
        QVERIFY(o["outputs_match_reference"].toBool());
        QCOMPARE(o["build"].toObject()["arena_bytes"].toInteger(), o["estimate"].toObject()["peak_sram_bytes"].toInteger());
        const QJsonArray layers = o["layers"].toArray();
        QCOMPARE(layers.size(), 55);
        qint64 sum = 0;
        for (const auto& l : layers) {
            const QJsonObject layer = l.toObject();
            for (const char* key : {"name", "op", "macs", "instructions"}) QVERIFY2(layer.contains(key), key);
            QVERIFY(layer["instructions"].toInteger() > 0);
            QVERIFY(!layer.contains("cycles"));  // the virtual board counts instructions, never cycles
            sum += layer["instructions"].toInteger();
        }
        QCOMPARE(sum, o["instructions"].toInteger());
        // The same firmware is now "flashed": build, flash and profile on their own.
        const Result build = mcunet({"build", state.filePath("vww"), "--board", "virtual-m4", "--json"}, state.path());
        QCOMPARE(build.code, 0);
        QCOMPARE(json(build)["arena_bytes"].toInteger(), json(build)["planned_arena_bytes"].toInteger());
        QCOMPARE(mcunet({"flash", state.filePath("vww"), "--board", "virtual-m4"}, state.path()).code, 0);
        const Result profile = mcunet({"profile", "--board", "virtual-m4", "--runs", "1", "--json"}, state.path());
        QVERIFY2(profile.code == 0, profile.err.constData());
        QCOMPARE(json(profile)["layers"].toArray().size(), 55);
        QCOMPARE(json(profile)["model"].toString(), QString("mcunet-vww1"));
        // Nothing flashed on virtual-m7 in a fresh state directory; real boards are not there yet.
        QTemporaryDir empty;
        const Result none = mcunet({"profile", "--board", "virtual-m7"}, empty.path());
        QCOMPARE(none.code, 2);
        QVERIFY(none.err.contains("nothing flashed yet"));
        QCOMPARE(mcunet({"deploy", "--preset", "mcunet-vww1", "--seed", "1", "--board", "stm32f746g-disco"}, empty.path()).code, 2);
    }

    void badInputExitsWithTwo_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("unknown command") << QStringList{"frobnicate"} << "unknown command";
        // The MLPerf task id reaches the firmware's C: only [a-z0-9_-].
        QTest::newRow("bad mlperf task") << QStringList{"deploy", "--preset", "mcunet-vww1", "--seed", "1", "--board", "virtual-m7",
                                                        "--mlperf-task", "a\"b*/"}
                                         << "mlperf task id";
        QTest::newRow("unknown board") << QStringList{"space", "--board", "uno"} << "unknown board \"uno\"";
        QTest::newRow("unknown preset") << QStringList{"cost", "--preset", "resnet", "--board", "virtual-m7"} << "unknown preset";
        QTest::newRow("missing file") << QStringList{"cost", "/nonexistent/a.json", "--board", "virtual-m7"} << "no such file";
        QTest::newRow("no board") << QStringList{"cost", "--preset", "mcunet-in3"} << "needs --board";
        QTest::newRow("bad planner") << QStringList{"cost", "--preset", "mcunet-in3", "--board", "virtual-m7", "--planner", "x"} << "unknown planner";
        QTest::newRow("impossible limits") << QStringList{"space", "--board", "virtual-m7", "--sram", "4", "--samples", "5"} << "no architecture of the space fits";
        QTest::newRow("bad samples") << QStringList{"space", "--board", "virtual-m7", "--samples", "lots"} << "--samples";
        QTest::newRow("negative sram") << QStringList{"space", "--board", "virtual-m7", "--sram", "-5"} << "--sram";
        QTest::newRow("bad grid") << QStringList{"space", "--board", "virtual-m7", "--grid", "1:2"} << "--grid";
        QTest::newRow("unknown option") << QStringList{"boards", "--colour"} << "unknown option --colour";
        // Issue 14.13: extra words are refused, never ignored.
        // Issue 14.7/12: bounded reads, and the message says what the path is.
        QTest::newRow("device as a file") << QStringList{"cost", "/dev/zero", "--board", "virtual-m7"} << "is a device";
        QTest::newRow("directory as a file") << QStringList{"cost", "/tmp", "--board", "virtual-m7"} << "is a directory";
        // Issue 14.12: messages say what the user typed.
        QTest::newRow("preset resolution overflow") << QStringList{"preset", "mbv2-w0.5-r99999999999999999999"} << "resolution or width is out of range";
        QTest::newRow("range as typed") << QStringList{"space", "--board", "virtual-m7", "--sram", "0.5"} << "is out of range (1 to 65536)";
        QTest::newRow("boards extra") << QStringList{"boards", "extra"} << "unexpected argument \"extra\"";
        QTest::newRow("presets a b") << QStringList{"presets", "a", "b"} << "unexpected argument \"a\"";
        QTest::newRow("help extra") << QStringList{"--help", "extra"} << "unexpected argument \"extra\"";
        // Issue 14.14: CLI11 parses every command line; errors stay ours.
        QTest::newRow("samples 0") << QStringList{"space", "--board", "virtual-m7", "--samples", "0"}
                                   << "--samples: 0 is out of range (1 to 1000000)";
        QTest::newRow("real range printed as written") << QStringList{"space", "--board", "virtual-m7", "--min-share", "200"}
                                                       << "--min-share: 200 is out of range (0 to 100)";
        QTest::newRow("value missing") << QStringList{"space", "--board", "virtual-m7", "--samples"} << "--samples needs a value";
        QTest::newRow("flag with a value") << QStringList{"boards", "--json=yes"} << "--json takes no value";
        QTest::newRow("second command") << QStringList{"boards", "presets"} << "unexpected argument \"presets\"";
        QTest::newRow("unknown option before a file") << QStringList{"cost", "--colour", "a.json", "--board", "virtual-m7"}
                                                      << "unknown option --colour";
        QTest::newRow("profile runs 0") << QStringList{"profile", "--board", "virtual-m7", "--runs", "0"}
                                        << "--runs: 0 is out of range (1 to 1000)";
        QTest::newRow("seed out of range") << QStringList{"codegen", "--preset", "mcunet-vww1", "--seed", "-1"}
                                           << "--seed: -1 is out of range (0 to 9223372036854775807)";
        // mcunet checks train's flags itself (same definition as mcunet-train) before libtorch loads.
        QTest::newRow("train unknown option") << QStringList{"train", "--data", "fashion-mnist", "--epoch", "3"} << "unknown option --epoch";
        QTest::newRow("train batch 0") << QStringList{"train", "--data", "fashion-mnist", "--preset", "mcunet-vww1", "--out", "/nonexistent/m",
                                                      "--batch", "0"}
                                       << "--batch: 0 is out of range (1 to 65536)";
        QTest::newRow("train two networks") << QStringList{"train", "--data", "fashion-mnist", "--preset", "mcunet-vww1", "--supernet",
                                                           "--out", "/nonexistent/m"}
                                            << "exactly one";
        // Issue 14.12: the grid's numbers as typed (it said "width 4.100000").
        QTest::newRow("grid width as typed") << QStringList{"space", "--board", "virtual-m7", "--grid", "96:176:16/0.3:50:0.1"}
                                             << "--grid: width 50 is out of range (0.05 to 4)";
        QTest::newRow("grid resolution as typed") << QStringList{"space", "--board", "virtual-m7", "--grid", "96:4000:16/0.3"}
                                                  << "--grid: resolution 4000 is out of range (8 to 1024)";
    }
    void badInputExitsWithTwo() {
        QFETCH(QStringList, args);
        QFETCH(QString, mentions);
        const Result r = mcunet(args);
        QCOMPARE(r.code, 2);
        QVERIFY2(QString::fromUtf8(r.err).contains(mentions), r.err.constData());
        QVERIFY2(!r.err.contains("internal error") && !r.err.contains("4.100000"), r.err.constData());
        QVERIFY2(r.err.startsWith("mcunet") && r.err.left(r.err.indexOf('\n')).contains(": error: "), r.err.constData());
    }

    // Issue 14.14: every command has its own --help listing its options with
    // their defaults (from the definitions the studio shares: common/defaults.h).
    void helpListsOptionsAndDefaults_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QStringList>("mentions");
        QTest::newRow("mcunet --help") << QStringList{"--help"}
                                       << QStringList{"boards", "presets", "preset", "cost", "space", "train", "eval", "codegen", "run",
                                                      "export-tflite", "build", "flash", "profile", "deploy"};
        QTest::newRow("mcunet help") << QStringList{"help"} << QStringList{"deploy"};
        QTest::newRow("boards") << QStringList{"boards", "--help"} << QStringList{"Usage: mcunet boards", "--json"};
        QTest::newRow("cost") << QStringList{"cost", "--help"} << QStringList{"ARCH.json", "--preset", "--board", "--planner", "default ours"};
        QTest::newRow("space") << QStringList{"space", "-h"}
                               << QStringList{"--samples N", "(1 to 1000000; default 1000)", "--seed", "default 1)", "--sram X",
                                              "(1 to 65536; default the board's)", "default 48:224:16/0.2:1:0.1", "--min-share"};
        QTest::newRow("codegen") << QStringList{"codegen", "--help"} << QStringList{"--model DIR", "--seed N", "--out DIR", "--planner"};
        QTest::newRow("run") << QStringList{"run", "--help"} << QStringList{"DIR", "--input FILE", "--runs N", "default 1)"};
        QTest::newRow("profile") << QStringList{"profile", "--help"} << QStringList{"--runs N", "(1 to 1000; default 2)", "--input"};
        QTest::newRow("deploy") << QStringList{"deploy", "--help"} << QStringList{"--profile", "--runs N", "default 2)", "--out DIR"};
        QTest::newRow("train") << QStringList{"train", "--help"}
                               << QStringList{"--data DIR", "--epochs N", "(1 to 100000; default 10)", "--batch N", "default 64)",
                                              "--optimizer", "default sgd", "--lr X", "--resume", "--json"};
        QTest::newRow("eval") << QStringList{"eval", "--help"} << QStringList{"--model DIR", "--board-images N", "default 200)", "--no-host"};
        QTest::newRow("export-tflite") << QStringList{"export-tflite", "--help"} << QStringList{"--out FILE"};
        QTest::newRow("build") << QStringList{"build", "--help"} << QStringList{"DIR", "--board ID"};
        QTest::newRow("flash") << QStringList{"flash", "--help"} << QStringList{"DIR|ELF", "--board ID"};
        QTest::newRow("preset") << QStringList{"preset", "--help"} << QStringList{"NAME", "--out FILE"};
        QTest::newRow("presets") << QStringList{"presets", "--help"} << QStringList{"--json"};
    }
    void helpListsOptionsAndDefaults() {
        QFETCH(QStringList, args);
        QFETCH(QStringList, mentions);
        const Result r = mcunet(args);
        QCOMPARE(r.code, 0);
        const QString out = QString::fromUtf8(r.out);
        for (const QString& m : mentions) QVERIFY2(out.contains(m), qPrintable(m + " not in:\n" + out));
        QVERIFY2(r.err.isEmpty(), r.err.constData());
    }

    // Issue 23: the version with the git revision and the resource folder in
    // use; the manual pages and the bash completion are written from the
    // same option definitions as --help: every command has its page, and
    // every option --help lists for a command is in that page and in the
    // completion.
    void versionManualAndCompletion() {
        const Result v = mcunet({"--version"});
        QCOMPARE(v.code, 0);
        QVERIFY2(QRegularExpression("^mcunet \\d+\\.\\d+\\.\\d+ \\(git [0-9a-z.-]+\\)\nresources: /").match(QString::fromUtf8(v.out)).hasMatch(),
                 v.out.constData());
        QTemporaryDir dir;
        QVERIFY(mcunet({"--man-pages", dir.filePath("man")}).code == 0);
        QVERIFY(mcunet({"--bash-completion", dir.filePath("mcunet.bash")}).code == 0);
        QFile completionFile(dir.filePath("mcunet.bash"));
        QVERIFY(completionFile.open(QIODevice::ReadOnly));
        const QString completion = QString::fromUtf8(completionFile.readAll());
        QVERIFY(QFile::exists(dir.filePath("man/mcunet.1")));
        QVERIFY(QFile::exists(dir.filePath("man/mcunet-studio.1")));
        const QString help = QString::fromUtf8(mcunet({"--help"}).out);
        int commands = 0;
        for (const QString command : {"boards", "cost", "space", "train", "search", "tinynas", "codegen", "run", "deploy",
                                       "flash", "profile", "demo", "capture", "import", "export-tflite", "eval"}) {
            QVERIFY2(help.contains(command), qPrintable(command));
            QFile page(dir.filePath("man/mcunet-" + command + ".1"));
            QVERIFY2(page.open(QIODevice::ReadOnly), qPrintable(command));
            const QString roff = QString::fromUtf8(page.readAll());
            QVERIFY2(completion.contains("        " + command + ") options=\""), qPrintable(command));
            const QString commandHelp = QString::fromUtf8(mcunet({command, "--help"}).out);
            const QRegularExpression option("^\\s+(?:-h,)?--([a-z0-9-]+)", QRegularExpression::MultilineOption);
            for (auto m = option.globalMatch(commandHelp); m.hasNext();) {
                const QString name = m.next().captured(1);
                QVERIFY2(roff.contains("\\-\\-" + QString(name).replace("-", "\\-")),
                         qPrintable(command + " --" + name + " not in its page"));
                QVERIFY2(completion.contains("--" + name), qPrintable(command + " --" + name + " not in the completion"));
            }
            ++commands;
        }
        QCOMPARE(commands, 16);
        QCOMPARE(mcunet({"--man-pages"}).code, 2);  // a folder is needed
    }

    // Issue 14.10/12: a generated project with a part missing or a plan.json
    // of the wrong shape is refused, naming the file and the field, before
    // any host or cross build starts (no build folder appears).
    void damagedGeneratedProjects_data() {
        QTest::addColumn<QString>("damage");   // what is done to a fresh project
        QTest::addColumn<QString>("mentions");
        QTest::newRow("no kernels/") << "rm kernels" << "not a generated project (kernels/ missing)";
        QTest::newRow("no plan.json") << "rm plan.json" << "not a generated project (plan.json missing)";
        QTest::newRow("no model.c") << "rm model.c" << "not a generated project (model.c missing)";
        QTest::newRow("no firmware/") << "rm firmware" << "missing)";
        QTest::newRow("arena_bytes a string") << "plan arena_bytes \"x\"" << "plan.json: plan.arena_bytes: expected an integer";
        QTest::newRow("weight_flash_bytes negative") << "plan weight_flash_bytes -5" << "plan.json: plan.weight_flash_bytes: -5 is out of range";
        QTest::newRow("layers an object") << "plan layers {}" << "plan.json: plan.layers: expected an array";
        QTest::newRow("layer macs a string") << "plan layers [{\"name\": \"a\", \"op\": \"conv2d\", \"macs\": \"many\"}]"
                                             << "plan.json: plan.layers[0].macs: expected an integer";
        QTest::newRow("input shape of 2") << "plan input {\"shape\": [80, 80]}" << "plan.json: plan.input.shape: expected 3 dimensions";
        QTest::newRow("format") << "plan format \"other\"" << "plan.json: plan.format: \"other\" is not mcunet-plan";
        QTest::newRow("not an object") << "plan-text [1, 2]" << "plan.json: plan: expected an object";
    }
    void damagedGeneratedProjects() {
        QFETCH(QString, damage);
        QFETCH(QString, mentions);
        QTemporaryDir dir, state;
        const QString project = dir.filePath("gen");
        QCOMPARE(mcunet({"codegen", "--preset", "mcunet-vww1", "--seed", "1", "--board", "virtual-m7", "--out", project}).code, 0);
        const QStringList words = damage.split(' ');
        if (words[0] == "rm") {
            QVERIFY(QFileInfo(project + "/" + words[1]).isDir() ? QDir(project + "/" + words[1]).removeRecursively()
                                                                  : QFile::remove(project + "/" + words[1]));
        } else {
            QFile f(project + "/plan.json");
            QVERIFY(f.open(QIODevice::ReadOnly));
            QJsonObject plan = QJsonDocument::fromJson(f.readAll()).object();
            f.close();
            QByteArray text;
            if (words[0] == "plan-text") {
                text = damage.section(' ', 1).toUtf8();
            } else {
                const QByteArray value = damage.section(' ', 2).toUtf8();
                plan[words[1]] = QJsonDocument::fromJson("[" + value + "]").array().at(0);
                text = QJsonDocument(plan).toJson();
            }
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(text);
            f.close();
        }
        QFile input(dir.filePath("in.bin"));
        QVERIFY(input.open(QIODevice::WriteOnly));
        input.write(QByteArray(80 * 80 * 3, '\x10'));
        input.close();
        const QList<QStringList> commands = {{"run", project, "--input", input.fileName()},
                                             {"build", project, "--board", "virtual-m7"},
                                             {"flash", project, "--board", "virtual-m7"}};
        for (const QStringList& args : commands) {
            if (words[0] == "rm" && words[1] == "firmware" && args[0] == "run") continue;  // the host build needs no firmware
            const Result r = mcunet(args, state.path());
            QCOMPARE(r.code, 2);
            QVERIFY2(r.err.startsWith(("mcunet " + args[0] + ": error: ").toUtf8()), r.err.constData());
            QVERIFY2(r.err.contains(mentions.toUtf8()) && !r.err.contains("internal error"), r.err.constData());
        }
        QVERIFY2(!QFileInfo::exists(project + "/build-host") && !QFileInfo::exists(project + "/build-virtual-m7"),
                 "a build started before the project was checked");
    }

    // Issue 14.10: the record `flash` keeps (XDG_STATE_HOME/mcunet-studio/BOARD.json)
    // with a field missing or of the wrong type: exit 2 naming the file and the field.
    void damagedFlashedState_data() {
        QTest::addColumn<QByteArray>("record");  // @ELF: an existing file, @PLAN: a plan.json
        QTest::addColumn<QString>("mentions");
        QTest::newRow("elf a number") << QByteArray(R"({"board": "virtual-m7", "elf": 5, "plan": "@PLAN"})") << "elf: expected a string";
        QTest::newRow("elf missing") << QByteArray(R"({"board": "virtual-m7", "plan": "@PLAN"})") << "elf: missing";
        QTest::newRow("elf empty") << QByteArray(R"({"board": "virtual-m7", "elf": "", "plan": "@PLAN"})") << "elf: empty";
        QTest::newRow("elf gone") << QByteArray(R"({"board": "virtual-m7", "elf": "/nonexistent/f.elf", "plan": "@PLAN"})")
                                  << "elf: /nonexistent/f.elf: no such file";
        QTest::newRow("plan a number") << QByteArray(R"({"board": "virtual-m7", "elf": "@ELF", "plan": 7})") << "plan: expected a string or null";
        QTest::newRow("board a list") << QByteArray(R"({"board": [], "elf": "@ELF", "plan": "@PLAN"})") << "board: expected a string";
        QTest::newRow("another board") << QByteArray(R"({"board": "virtual-m4", "elf": "@ELF", "plan": "@PLAN"})") << "board: \"virtual-m4\" is not virtual-m7";
        QTest::newRow("arena_bytes a string") << QByteArray(R"({"board": "virtual-m7", "elf": "@ELF", "plan": "@PLAN", "arena_bytes": "x"})")
                                              << "arena_bytes: expected an integer";
        QTest::newRow("an array") << QByteArray("[1]") << "expected an object";
        QTest::newRow("not JSON") << QByteArray("{\"elf\": ") << "not valid JSON";
    }
    void damagedFlashedState() {
        QFETCH(QByteArray, record);
        QFETCH(QString, mentions);
        QTemporaryDir state;
        QVERIFY(QDir(state.path()).mkpath("mcunet-studio"));
        const QString elf = state.filePath("firmware.elf"), plan = state.filePath("plan.json");
        for (const QString& f : {elf, plan}) {
            QFile file(f);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("{}");
        }
        const QString path = state.filePath("mcunet-studio/virtual-m7.json");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(record).replace("@ELF", elf.toUtf8()).replace("@PLAN", plan.toUtf8()));
        f.close();
        const Result r = mcunet({"profile", "--board", "virtual-m7", "--runs", "1"}, state.path());
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.startsWith("mcunet profile: error: " + path.toUtf8()), r.err.constData());
        QVERIFY2(r.err.contains(mentions.toUtf8()) && !r.err.contains("internal error"), r.err.constData());
        // A flashed plan.json of the wrong shape is refused before QEMU starts.
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(QByteArray(R"({"board": "virtual-m7", "elf": "@ELF", "plan": "@PLAN"})").replace("@ELF", elf.toUtf8()).replace("@PLAN", plan.toUtf8()));
        f.close();
        const Result badPlan = mcunet({"profile", "--board", "virtual-m7", "--runs", "1"}, state.path());
        QCOMPARE(badPlan.code, 2);
        QVERIFY2(badPlan.err.contains(plan.toUtf8() + ": plan.format: missing"), badPlan.err.constData());
    }

    // Issue 14.1: a name is code we run (generated C comments and strings).
    // Names that could end a comment, hide text or splice lines are refused
    // where they are read; the injection from the report never compiles.
    void hostileNamesAreRefused_data() {
        QTest::addColumn<QByteArray>("name");  // as JSON string content
        QTest::newRow("comment end and constructor")
            << QByteArray("x */ __attribute__((constructor)) static void f(void) { fclose(fopen(\\\"/tmp/mcunet-pwned\\\", \\\"w\\\")); } /*");
        QTest::newRow("newline") << QByteArray("a\\nb");
        QTest::newRow("NUL") << QByteArray("a\\u0000b");
        QTest::newRow("right-to-left override") << QByteArray("a\\u202eb");
        QTest::newRow("comment start") << QByteArray("a /* b");
        QTest::newRow("backslash") << QByteArray("a\\\\");
        QTest::newRow("too long") << QByteArray(300, 'n');
    }
    void hostileNamesAreRefused() {
        QFETCH(QByteArray, name);
        QTemporaryDir dir;
        const QString file = dir.filePath("a.json");
        QCOMPARE(mcunet({"preset", "mcunet-vww1", "--out", file}).code, 0);
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray text = f.readAll().replace("\"name\": \"mcunet-vww1\"", "\"name\": \"" + name + "\"");
        f.close();
        QVERIFY(text.contains(name));
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(text);
        f.close();
        QFile::remove("/tmp/mcunet-pwned");
        const Result r = mcunet({"codegen", file, "--seed", "1", "--board", "virtual-m7", "--out", dir.filePath("gen")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("name:"), r.err.constData());
        QVERIFY(!QFile::exists(dir.filePath("gen")));
        QVERIFY(!QFile::exists("/tmp/mcunet-pwned"));
    }

    // Issue 14.5: output that cannot be written is an error, not exit code 0.
    void fullOutputIsAnError() {
        if (!QFile::exists("/dev/full")) QSKIP("no /dev/full");
        QProcess p;
        p.setStandardOutputFile("/dev/full");
        p.start(MCUNET_CLI_PATH, {"preset", "mcunet-vww1"});
        QVERIFY(p.waitForFinished(60000));
        QVERIFY(p.exitCode() != 0);
        QVERIFY(p.readAllStandardError().contains("cannot write the output"));
    }

    // Issue 14.9: Ctrl-C or SIGTERM during the cross build or while QEMU runs
    // leaves no compiler, no QEMU and no temporary folder behind.
    void signalsLeaveNothingBehind_data() {
        QTest::addColumn<int>("signal");
        QTest::addColumn<QString>("phase");  // what must be running when the signal comes
        QTest::newRow("SIGINT in the build") << int(SIGINT) << "build";
        QTest::newRow("SIGTERM in the build") << int(SIGTERM) << "build";
        QTest::newRow("SIGINT on the board") << int(SIGINT) << "qemu";
        QTest::newRow("SIGTERM on the board") << int(SIGTERM) << "qemu";
    }
    void signalsLeaveNothingBehind() {
        QFETCH(int, signal);
        QFETCH(QString, phase);
        QTemporaryDir tmp, state;
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("TMPDIR", tmp.path());
        env.insert("XDG_STATE_HOME", state.path());
        p.setProcessEnvironment(env);
        const QString out = state.filePath("proj");
        p.start(MCUNET_CLI_PATH, {"deploy", "--preset", "mcunet-vww1", "--seed", "1", "--board", "virtual-m7", "--profile",
                                  "--runs", "200", "--out", out});
        // Children of ours, seen in /proc by what their command line mentions.
        auto running = [&](const QString& needle) {
            for (const QString& pid : QDir("/proc").entryList(QDir::Dirs)) {
                QFile cmd("/proc/" + pid + "/cmdline");
                if (pid.toInt() > 0 && pid.toInt() != p.processId() && cmd.open(QIODevice::ReadOnly) &&
                    cmd.readAll().contains(needle.toUtf8()))
                    return true;
            }
            return false;
        };
        const QString needle = phase == "build" ? out + "/build-virtual-m7" : QString("qemu-system-arm");
        QElapsedTimer t;
        t.start();
        while (!running(phase == "build" ? out : needle) && t.elapsed() < 60000) QThread::msleep(20);
        if (phase == "qemu")
            while (QDir(tmp.path()).entryList({"mcunet-qemu-*"}, QDir::Dirs).isEmpty() && t.elapsed() < 60000) QThread::msleep(20);
        QVERIFY2(t.elapsed() < 60000, qPrintable(phase + " never started"));
        ::kill(static_cast<pid_t>(p.processId()), signal);
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 128 + signal);
        QThread::msleep(300);
        QVERIFY2(QDir(tmp.path()).entryList({"mcunet-qemu-*"}, QDir::Dirs).isEmpty(), "a QEMU folder is left");
        QVERIFY2(!running(out), "a child is still running");
    }

    // Issue 14.7: an architecture at every documented maximum is refused,
    // saying why, before anything is allocated for its weights.
    void largestArchitectureIsRefusedQuickly() {
        QTemporaryDir dir;
        QJsonObject block{{"kernel", 7}, {"expand", 8}};
        QJsonArray blocks, stages;
        for (int i = 0; i < 16; ++i) blocks.append(block);
        for (int i = 0; i < 12; ++i) stages.append(QJsonObject{{"channels", 8192}, {"stride", i < 9 ? 2 : 1}, {"blocks", blocks}});
        const QJsonObject a{{"format", "mcunet-architecture"}, {"schema_version", 1}, {"name", "huge"},
                            {"resolution", 1024}, {"width_multiplier", 4.0}, {"input_channels", 16}, {"num_classes", 100000},
                            {"stem", QJsonObject{{"channels", 4096}, {"kernel", 7}, {"stride", 2}}},
                            {"first_block", QJsonObject{{"channels", 4096}, {"kernel", 7}}}, {"stages", stages},
                            {"feature_mix", QJsonObject{{"channels", 8192}, {"scale_with_width", true}}}};
        QFile f(dir.filePath("huge.json"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(a).toJson());
        f.close();
        QElapsedTimer t;
        t.start();
        for (const QStringList& args : {QStringList{"codegen", f.fileName(), "--seed", "1", "--board", "virtual-m7", "--out", dir.filePath("g")},
                                        QStringList{"export-tflite", f.fileName(), "--seed", "1", "--out", dir.filePath("h.tflite")}}) {
            const Result r = mcunet(args);
            QCOMPARE(r.code, 2);
            QVERIFY2(r.err.contains("more than any microcontroller has"), r.err.constData());
        }
        QVERIFY2(t.elapsed() < 20000, qPrintable(QString::number(t.elapsed())));
        QVERIFY(!QFile::exists(dir.filePath("g")));
    }

    void invalidArchitectureFiles() {
        QTemporaryDir dir;
        const QString truncated = dir.filePath("t.json");
        QFile f(truncated);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"schema_version\": 1, \"resol");
        f.close();
        Result r = mcunet({"cost", truncated, "--board", "virtual-m7"});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("not valid JSON"));
        const QString file = dir.filePath("k.json");
        QCOMPARE(mcunet({"preset", "mcunet-vww1", "--out", file}).code, 0);
        QFile g(file);
        QVERIFY(g.open(QIODevice::ReadOnly));
        QByteArray text = g.readAll().replace("\"kernel\": 7", "\"kernel\": 9");
        g.close();
        QVERIFY(g.open(QIODevice::WriteOnly | QIODevice::Truncate));
        g.write(text);
        g.close();
        r = mcunet({"cost", file, "--board", "virtual-m7"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(".kernel: 9"), r.err.constData());
        // Issue 14.12: an integer above INT64_MAX is reported as written.
        QVERIFY(g.open(QIODevice::WriteOnly | QIODevice::Truncate));
        g.write(QByteArray(text).replace("\"resolution\": 80", "\"resolution\": 9223372036854775808"));
        g.close();
        r = mcunet({"cost", file, "--board", "virtual-m7"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("resolution: 9223372036854775808 is out of range"), r.err.constData());
        // Issue 14.10: numbers no double holds are a message, not an internal error.
        for (const QByteArray& huge : {QByteArray("1e309"), QByteArray(100000, '9')}) {
            QVERIFY(g.open(QIODevice::WriteOnly | QIODevice::Truncate));
            g.write(QByteArray(text).replace("\"resolution\": 80", "\"resolution\": " + huge));
            g.close();
            r = mcunet({"cost", file, "--board", "virtual-m7"});
            QCOMPARE(r.code, 2);
            QVERIFY2(!r.err.contains("internal error") && r.err.contains(file.toUtf8()), r.err.constData());
            QVERIFY(r.err.size() < 1000);
        }
    }

    // Issue 13: flash and profile on a real board go through the device layer
    // (core/device: openDevice); with no board attached here they end with
    // "no board connected", naming the board and the USB IDs looked for, exit 2,
    // before anything is built. A board the device layer cannot flash is refused by name.
    void realBoardWithoutAUsbDevice_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QString none = "no stm32f746g-disco connected: looked for its ST-LINK/V2-1 (0483:374b) or its STM32 "
                             "bootloader (DFU) (0483:df11) on USB";
        QTest::newRow("flash") << QStringList{"flash", "@PROJECT", "--board", "stm32f746g-disco"} << none;
        QTest::newRow("flash --serial") << QStringList{"flash", "@PROJECT", "--board", "stm32f746g-disco", "--serial", "066AFF555"}
                                        << "no stm32f746g-disco connected with serial number 066AFF555";
        QTest::newRow("profile") << QStringList{"profile", "--board", "stm32f746g-disco"} << none;
        QTest::newRow("deploy") << QStringList{"deploy", "--preset", "mcunet-vww1", "--seed", "1", "--board", "stm32f746g-disco"} << none;
        QTest::newRow("no firmware layer") << QStringList{"flash", "@PROJECT", "--board", "nucleo-h743zi"}
                                           << "flashing nucleo-h743zi: no firmware board layer";
        QTest::newRow("no flash method") << QStringList{"profile", "--board", "openmv-h7"} << "profiling openmv-h7:";
    }
    void realBoardWithoutAUsbDevice() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        QTemporaryDir state;
        const QString project = state.filePath("p");
        QCOMPARE(mcunet({"codegen", "--preset", "mcunet-vww1", "--seed", "1", "--board", "stm32f746g-disco", "--out", project}).code, 0);
        args.replaceInStrings("@PROJECT", project);
        const Result r = mcunet(args, state.path());
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(message.toUtf8()), r.err.constData());
        QVERIFY2(!QFileInfo::exists(project + "/build-stm32f746g-disco"), "built before looking for the board");
        QVERIFY(!QFileInfo::exists(state.filePath("mcunet-studio/stm32f746g-disco.json")));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
