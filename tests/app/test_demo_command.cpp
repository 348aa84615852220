// `mcunet demo` from the command line: a saved model on a video file, on
// the host and on the virtual board, one JSON line per frame with the same
// labels on both; the interpreter agrees; bad input exits 2 naming it.
#include <QJsonDocument>
#include <QFileInfo>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "cli_run.h"
#include "demo/classify.h"
#include "data/dataset.h"
#include "graph/build.h"
#include "quant/interpreter.h"
#include "quant/model_dir.h"
#include "space/search_space.h"

using namespace mcunet;

namespace {

testing::CliResult runMcunet(const QStringList& args) { return testing::runProgram(MCUNET_CLI_PATH, args, 240000); }

QList<QJsonObject> events(const QByteArray& out, const QString& kind) {
    QList<QJsonObject> list;
    for (const QByteArray& line : out.split('\n')) {
        const QJsonObject e = QJsonDocument::fromJson(line).object();
        if (e["event"].toString() == kind) list << e;
    }
    return list;
}

}  // namespace

class TestDemoCommand : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        std::mt19937_64 rng(3);
        space::SearchSpace s = space::mcunetSpace(10);
        s.inputChannels = 1;
        quant::TrainedModel m;
        arch::Architecture a = space::smallest(s, 32, 0.3);
        a.name = "demo-test";
        m.network = a;
        const graph::Graph g = m.network.build();
        m.classes = data::fashionMnistClasses();
        m.floatModel = quant::initializeWeights(g, 1);
        m.int8 = quant::quantize(m.floatModel, quant::randomInputs(g, 4, 2), quant::kImageInputQuant);
        model_ = tmp_.filePath("model");
        quant::saveTrainedModel(m, model_.toStdString());
        int8_ = m.int8;
        // 8 gray frames of fashion-MNIST test images, 4x enlarged, lossless.
        video_ = tmp_.filePath("clothes.mkv");
        const data::ImageSet test = data::loadFashionMnist(data::Part::Test);
        cv::VideoWriter w(video_.toStdString(), cv::VideoWriter::fourcc('F', 'F', 'V', '1'), 10, cv::Size(112, 112), true);
        QVERIFY(w.isOpened());
        for (int i = 0; i < kFrames; ++i) {
            cv::Mat big, bgr;
            cv::resize(cv::Mat(28, 28, CV_8UC1, const_cast<std::uint8_t*>(test.image(i))), big, cv::Size(112, 112), 0, 0, cv::INTER_NEAREST);
            cv::cvtColor(big, bgr, cv::COLOR_GRAY2BGR);
            w.write(bgr);
            const auto input = demo::quantizeInput(int8_, data::frameToImage(bgr.data, 112, 112, 32, 1));  // gray: BGR = RGB
            expected_ << demo::predict(int8_, quant::runReferenceOutput(int8_, input)).label;
        }
    }

    void hostAndVirtualBoardGiveTheInterpretersLabels() {
        QList<int> host, board;
        for (const QString target : {"host", "virtual-m4"}) {
            const testing::CliResult r =
                runMcunet({"demo", "--model", model_, "--source", video_, "--target", target, "--json"});
            QVERIFY2(r.code == 0, r.err.constData());
            const QList<QJsonObject> start = events(r.out, "start");
            QCOMPARE(start.size(), 1);
            QCOMPARE(start[0]["target"].toString(), target);
            QList<int>& labels = target == "host" ? host : board;
            for (const QJsonObject& f : events(r.out, "frame")) {
                labels << f["class"].toInt();
                QCOMPARE(f["label"].toString(), QString::fromStdString(data::fashionMnistClasses()[std::size_t(f["class"].toInt())]));
                QVERIFY(f["confidence"].toDouble() > 0 && f["confidence"].toDouble() <= 1);
                if (target == "virtual-m4") QVERIFY(f["instructions"].toInteger() > 0 && f["latency_ms"].toDouble() > 0);
                else QVERIFY(!f.contains("instructions"));
            }
            const QList<QJsonObject> done = events(r.out, "done");
            QCOMPARE(done.size(), 1);
            QCOMPARE(done[0]["frames"].toInt(), kFrames);
        }
        QCOMPARE(host, expected_);
        QCOMPARE(board, expected_);
        // --frames stops early; text mode prints a line per frame.
        const testing::CliResult few = runMcunet({"demo", "--model", model_, "--source", video_, "--frames", "3"});
        QVERIFY2(few.code == 0, few.err.constData());
        QCOMPARE(few.out.count("\nframe "), 3);
    }

    // "sample" for both: the bundled model on the clip of the first test
    // images (written into this test's cache folder); most frames name the
    // image's true class (the model scores 88.4% on the test set).
    void samplesRunFromTheCommandLine() {
        qputenv("XDG_CACHE_HOME", tmp_.filePath("cache").toUtf8());
        const testing::CliResult r = runMcunet({"demo", "--model", "sample", "--source", "sample", "--frames", "200", "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(QFileInfo::exists(tmp_.filePath("cache/mcunet/demo/fashion-mnist-clip-v1.mkv")));
        const data::ImageSet test = data::loadFashionMnist(data::Part::Test);
        const QList<QJsonObject> frames = events(r.out, "frame");
        QCOMPARE(frames.size(), 200);
        int right = 0;
        for (const QJsonObject& f : frames) right += f["class"].toInt() == test.labels[std::size_t(f["frame"].toInt() / 10)];
        QVERIFY2(right >= 160, qPrintable(QString::number(right)));
    }

    // `mcunet capture` adds pictures to an image folder that training reads;
    // a second capture continues the numbering and replaces no file; a class
    // name that is not a plain folder name exits 2.
    void captureAddsToAnImageFolder() {
        qputenv("XDG_CACHE_HOME", tmp_.filePath("cache").toUtf8());
        const QString data = tmp_.filePath("taught");
        testing::CliResult r = runMcunet({"capture", "--source", "sample", "--class", "shoe", "--frames", "3", "--every", "10", "--out", data});
        QVERIFY2(r.code == 0, r.err.constData());
        const QByteArray first = [&] {
            QFile f(data + "/shoe/capture-00001.png");
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        }();
        QVERIFY(first.startsWith("\x89PNG"));
        r = runMcunet({"capture", "--source", video_, "--class", "shoe", "--frames", "2", "--out", data, "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(events(r.out, "picture").size(), 2);
        QVERIFY(events(r.out, "picture")[1]["path"].toString().endsWith("shoe/capture-00005.png"));
        QFile again(data + "/shoe/capture-00001.png");
        QVERIFY(again.open(QIODevice::ReadOnly));
        QCOMPARE(again.readAll(), first);
        r = runMcunet({"capture", "--source", "sample", "--class", "bag", "--frames", "1", "--out", data});
        QVERIFY2(r.code == 0, r.err.constData());
        const data::ImageSet set = data::loadImageFolder(data.toStdString(), 32, 1);
        QCOMPARE(set.size(), 6);
        QCOMPARE(set.classes, (std::vector<std::string>{"bag", "shoe"}));
        for (const QString bad : {"../x", ".hidden", ""}) {
            r = runMcunet({"capture", "--source", "sample", "--class", bad, "--frames", "1", "--out", data});
            QCOMPARE(r.code, 2);
            QVERIFY2(r.err.contains("class"), r.err.constData());
        }
        QVERIFY(!QFileInfo::exists(tmp_.filePath("x")));
    }

    void badInputExitsTwoNamingIt_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("named");
        QTest::newRow("no source") << QStringList{"--model", "MODEL"} << "--source";
        QTest::newRow("missing video") << QStringList{"--model", "MODEL", "--source", "TMP/none.mp4"} << "none.mp4";
        QTest::newRow("fifo") << QStringList{"--model", "MODEL", "--source", "TMP/fifo.mp4"} << "fifo.mp4";
        QTest::newRow("device") << QStringList{"--model", "MODEL", "--source", "/dev/zero"} << "/dev/zero";
        QTest::newRow("directory") << QStringList{"--model", "MODEL", "--source", "/proc"} << "/proc";
        QTest::newRow("model is a device") << QStringList{"--model", "/dev/zero", "--source", "VIDEO"} << "/dev/zero";
        QTest::newRow("camera form") << QStringList{"--model", "MODEL", "--source", "camera:x"} << "camera:N";
        QTest::newRow("no camera") << QStringList{"--model", "MODEL", "--source", "camera:62"} << "/dev/video62";
        QTest::newRow("unknown target") << QStringList{"--model", "MODEL", "--source", "VIDEO", "--target", "toaster"} << "toaster";
        QTest::newRow("not a model") << QStringList{"--model", "TMP", "--source", "VIDEO"} << "model.json";
    }
    void badInputExitsTwoNamingIt() {
        QFETCH(QStringList, args);
        QFETCH(QString, named);
        const QString fifo = tmp_.filePath("fifo.mp4");
        if (!QFile::exists(fifo)) QCOMPARE(mkfifo(fifo.toLocal8Bit().constData(), 0600), 0);
        for (QString& a : args) a.replace("MODEL", model_).replace("VIDEO", video_).replace("TMP", tmp_.path());
        const testing::CliResult r = runMcunet(QStringList{"demo"} + args);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(named.toUtf8()), r.err.constData());
        QVERIFY(r.ms < 30000);
    }

private:
    static constexpr int kFrames = 8;
    QTemporaryDir tmp_;
    QString model_, video_;
    quant::QuantizedModel int8_;
    QList<int> expected_;
};

QTEST_GUILESS_MAIN(TestDemoCommand)
#include "test_demo_command.moc"
