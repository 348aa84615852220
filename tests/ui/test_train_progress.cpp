// ui/train, logic only (no widgets, no child process): the parser of `mcunet
// train --json` progress lines fed a recorded run (train_progress_recorded.jsonl)
// in every way a pipe can cut it (whole, byte by byte, partial last line,
// junk in between); the
// child's command line; how a trained architecture differs from the design.
#include <QFile>
#include <QtTest>

#include <string>
#include <variant>
#include <vector>

#include "arch/presets.h"
#include "train/train_job.h"
#include "train/train_progress.h"
#include "train/trained_model_info.h"

using namespace mcunet;
using namespace mcunet::ui;

namespace {

// Recorded from `mcunet train --data fashion-mnist --arch vww1.json --board virtual-m7 --resolution 32
// --channels 1 --epochs 2 --batch 20 --threads 1 --train-per-class 20 --test-per-class 5 --json` (the
// "model" path shortened). Kept in a file: moc cannot read raw string literals.
std::string recorded() {
    QFile f(QStringLiteral(TRAIN_RECORDING));
    if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read %s", TRAIN_RECORDING);
    return f.readAll().toStdString();
}

template <class T>
int countOf(const std::vector<TrainEvent>& events) {
    int n = 0;
    for (const TrainEvent& e : events) n += std::holds_alternative<T>(e) ? 1 : 0;
    return n;
}

template <class T>
const T& nth(const std::vector<TrainEvent>& events, int k) {
    for (const TrainEvent& e : events)
        if (const T* t = std::get_if<T>(&e); t && k-- == 0) return *t;
    throw std::runtime_error("no such event");
}

void append(std::vector<TrainEvent>& to, std::vector<TrainEvent> from) {
    for (TrainEvent& e : from) to.push_back(std::move(e));
}

void checkRecorded(const std::vector<TrainEvent>& events) {
    QCOMPARE(int(events.size()), 9);
    QCOMPARE(countOf<TrainMessage>(events), 2);
    QCOMPARE(countOf<TrainStart>(events), 1);
    QCOMPARE(countOf<TrainStep>(events), 3);
    QCOMPARE(countOf<TrainEpoch>(events), 2);
    QCOMPARE(countOf<TrainDone>(events), 1);
    QCOMPARE(countOf<RawLine>(events), 0);
    QCOMPARE(nth<TrainMessage>(events, 0).text, std::string("loading fashion-mnist at 32x32x1"));
    const TrainStart& s = nth<TrainStart>(events, 0);
    QCOMPARE(s.architecture, std::string("mcunet-vww1"));
    QCOMPARE(s.dataSource, std::string("fashion-mnist"));
    QCOMPARE(s.trainImages, 200LL);
    QCOMPARE(s.validationImages, 20LL);
    QCOMPARE(s.testImages, 50LL);
    QCOMPARE(s.resolution, 32);
    QCOMPARE(s.channels, 1);
    QCOMPARE(s.epochs, 2);
    QCOMPARE(s.batch, 20);
    QCOMPARE(s.threads, 1);
    QVERIFY(!s.supernet);
    const TrainStep& first = nth<TrainStep>(events, 0);
    QCOMPARE(first.globalStep, 1LL);
    QCOMPARE(first.epochPosition(), 0.1);
    const TrainStep& step = nth<TrainStep>(events, 1);
    QCOMPARE(step.epoch, 1);
    QCOMPARE(step.epochs, 2);
    QCOMPARE(step.step, 10LL);
    QCOMPARE(step.steps, 10LL);
    QCOMPARE(step.globalStep, 10LL);
    QCOMPARE(step.totalSteps, 20LL);
    QCOMPARE(step.loss, 2.301093101501465);
    QCOMPARE(step.accuracy, 0.15);
    QCOMPARE(step.imagesPerSecond, 621.661860365701);
    QCOMPARE(step.etaSeconds, 0.321718305);
    QCOMPARE(step.epochPosition(), 1.0);  // the end of the first epoch
    QCOMPARE(nth<TrainStep>(events, 2).epochPosition(), 2.0);
    const TrainEpoch& e1 = nth<TrainEpoch>(events, 0);
    QCOMPARE(e1.epoch, 1);
    QCOMPARE(e1.trainLoss, 2.4686341762542723);
    QCOMPARE(e1.trainAccuracy, 0.15);
    QCOMPARE(e1.validationAccuracy, 0.1);
    QCOMPARE(e1.seconds, 0.328016839);
    QCOMPARE(e1.validationAccuracySmallest, -1.0);  // absent: not a supernet
    QCOMPARE(nth<TrainEpoch>(events, 1).epoch, 2);
    const TrainDone& d = nth<TrainDone>(events, 0);
    QCOMPARE(d.model, std::string("/tmp/models/vww1"));
    QCOMPARE(d.architecture, std::string("mcunet-vww1"));
    QCOMPARE(d.floatAccuracy, 0.1);
    QCOMPARE(d.int8Accuracy, 0.1);
    QCOMPARE(d.testImages, 50LL);
    QCOMPARE(int(d.accuracy.size()), 2);
    const EngineAccuracy* int8 = d.engine("int8-reference");
    QVERIFY(int8);
    QCOMPARE(int8->images, 50LL);
    QCOMPARE(int8->correct, 5LL);
    QCOMPARE(int(int8->confusion.size()), 10);
    QCOMPARE(int8->confusion[1][1], 5LL);
    QVERIFY(!d.engine("int8-stm32"));
}

}  // namespace

class TestTrainProgress : public QObject {
    Q_OBJECT
private slots:
    void wholeOutputAtOnce() {
        TrainProgressParser p;
        std::vector<TrainEvent> events = p.feed(recorded());
        append(events, p.finish());
        checkRecorded(events);
        QCOMPARE(p.pendingBytes(), std::size_t(0));
    }

    // The pipe may cut anywhere: every chunk size gives the same events.
    void anyChunking_data() {
        QTest::addColumn<int>("chunk");
        for (int c : {1, 2, 3, 7, 64, 333, 4096}) QTest::newRow(qPrintable(QString::number(c))) << c;
    }
    void anyChunking() {
        QFETCH(int, chunk);
        const std::string all = recorded();
        TrainProgressParser p;
        std::vector<TrainEvent> events;
        for (std::size_t i = 0; i < all.size(); i += std::size_t(chunk)) {
            append(events, p.feed(std::string_view(all).substr(i, std::size_t(chunk))));
            // Nothing is reported before its newline arrives.
            QVERIFY(p.pendingBytes() < std::size_t(chunk) + 1000);
        }
        append(events, p.finish());
        checkRecorded(events);
    }

    void partialLastLineWaitsForFinish() {
        TrainProgressParser p;
        const std::string line = "{\"event\":\"stopped\",\"text\":\"stopped after a checkpoint at /m.training/checkpoint.pt\"}";
        QCOMPARE(int(p.feed(line.substr(0, 20)).size()), 0);
        QCOMPARE(int(p.feed(line.substr(20)).size()), 0);  // no newline yet
        QCOMPARE(p.pendingBytes(), line.size());
        const auto events = p.finish();
        QCOMPARE(int(events.size()), 1);
        QVERIFY(std::get<TrainStopped>(events[0]).text.find("checkpoint") != std::string::npos);
        QCOMPARE(int(p.finish().size()), 0);
    }

    void junkLinesAreKeptNotFatal() {
        TrainProgressParser p;
        const std::string input =
            "Warning: something printed by a library\n"
            "\n"
            "   \r\n"
            "[1, 2, 3]\n"
            "{\"no_event\": true}"
            "\n"
            "{\"event\":\"rocket\",\"speed\":3}"
            "\n"
            "{\"event\":\"step\",\"epoch\":1}"
            "\n"
            "{\"event\":\"epoch\",\"epoch\":1,\"epochs\":2,\"train_loss\":\"high\",\"train_accuracy\":0.1,\"validation_accuracy\":0.1}"
            "\n"
            "{\"event\":\"message\",\"text\":\"still alive\"}"
            "\r\n"
            "{\"event\":\"epoch\",\"epoch\":1,\"epo";
        std::vector<TrainEvent> events = p.feed(input);
        QCOMPARE(int(events.size()), 7);  // blank lines are skipped
        QCOMPARE(countOf<RawLine>(events), 6);
        QCOMPARE(std::get<RawLine>(events[0]).why, std::string("not JSON"));
        QCOMPARE(std::get<RawLine>(events[0]).text, std::string("Warning: something printed by a library"));
        QCOMPARE(std::get<RawLine>(events[1]).why, std::string("not a JSON object"));
        QCOMPARE(std::get<RawLine>(events[2]).why, std::string("no \"event\" field"));
        QCOMPARE(std::get<RawLine>(events[3]).why, std::string("unknown event \"rocket\""));
        QCOMPARE(std::get<RawLine>(events[4]).why, std::string("step: missing \"epochs\""));
        QCOMPARE(std::get<RawLine>(events[5]).why, std::string("epoch: \"train_loss\" is not a number"));
        QCOMPARE(std::get<TrainMessage>(events[6]).text, std::string("still alive"));  // \r\n is fine
        // The truncated last line (the child was killed mid-write) is junk too, not a crash.
        events = p.finish();
        QCOMPARE(int(events.size()), 1);
        QCOMPARE(std::get<RawLine>(events[0]).why, std::string("not JSON"));
        // And the stream goes on after junk.
        events = p.feed("{\"event\":\"message\",\"text\":\"after\"}" "\n");
        QCOMPARE(std::get<TrainMessage>(events.at(0)).text, std::string("after"));
    }

    void overlongLineIsDroppedNotBuffered() {
        TrainProgressParser p;
        const std::string big(TrainProgressParser::kMaxLineBytes / 4, 'x');
        std::vector<TrainEvent> events;
        for (int i = 0; i < 6; ++i) append(events, p.feed(big));
        QVERIFY(p.pendingBytes() <= TrainProgressParser::kMaxLineBytes);
        append(events, p.feed("tail\n" "{\"event\":\"message\",\"text\":\"next\"}" "\n"));
        QCOMPARE(int(events.size()), 2);
        QVERIFY(std::get<RawLine>(events[0]).why.find("longer than") != std::string::npos);
        QCOMPARE(std::get<TrainMessage>(events[1]).text, std::string("next"));
    }

    void commandLine() {
        TrainRequest r;
        r.program = "/opt/mcunet";
        r.architecture = "/tmp/a.json";
        r.out = "/tmp/models/vww1";
        r.board = "virtual-m7";
        r.sramKiB = 200;
        r.resolution = 32;
        r.channels = 1;
        r.epochs = 2;
        r.batch = 20;
        r.threads = 1;
        r.trainPerClass = 20;
        r.testPerClass = 5;
        const QStringList fresh = r.arguments(false);
        QCOMPARE(fresh.first(), QStringLiteral("train"));
        QCOMPARE(fresh.last(), QStringLiteral("--json"));
        const QString joined = fresh.join(' ');
        for (const char* part : {"--data fashion-mnist", "--arch /tmp/a.json", "--out /tmp/models/vww1",
                                 "--board virtual-m7", "--sram 200", "--resolution 32", "--channels 1", "--epochs 2",
                                 "--batch 20", "--threads 1", "--optimizer sgd", "--train-per-class 20",
                                 "--test-per-class 5"})
            QVERIFY2(joined.contains(QLatin1String(part)), part);
        QVERIFY(!joined.contains("--flash"));
        QVERIFY(!joined.contains("--resume"));
        QVERIFY(!joined.contains("--max-steps"));
        // Resume: the very same flags, plus --resume.
        QStringList resumed = r.arguments(true);
        QVERIFY(resumed.removeOne(QStringLiteral("--resume")));
        QCOMPARE(resumed, fresh);
        QCOMPARE(r.checkpointPath(), QStringLiteral("/tmp/models/vww1.training/checkpoint.pt"));
        // A folder with spaces stays one argument (no shell in between).
        r.data = "/data/my images";
        QVERIFY(r.arguments(false).contains(QStringLiteral("/data/my images")));
        // Without a board there is no fit check, and no limits.
        r.board.clear();
        QVERIFY(!r.arguments(false).join(' ').contains("--sram"));
        // A preset (teaching your own classes) when there is no architecture file.
        r.architecture.clear();
        r.preset = "mbv2-w0.1-r32";
        QVERIFY(r.arguments(false).join(' ').contains("--preset mbv2-w0.1-r32"));
        QVERIFY(!r.arguments(false).contains(QStringLiteral("--arch")));
    }

    void trainedArchitectureAgainstTheDesign() {
        const arch::Architecture design = arch::preset("mcunet-vww1");
        QVERIFY(architectureDifferences(design, design).empty());
        arch::Architecture trained = design;
        trained.name = "renamed";
        QVERIFY(architectureDifferences(trained, design).empty());  // names do not matter
        trained.numClasses = 10;
        trained.resolution = 32;
        trained.inputChannels = 1;
        auto d = architectureDifferences(trained, design);
        QCOMPARE(int(d.size()), 2);
        QCOMPARE(d[0], std::string("10 classes (the design has 2)"));
        QCOMPARE(d[1], std::string("input 32x32x1 (the design's is 80x80x3)"));
        trained = design;
        int& kernel = trained.stages[1].blocks[0].kernel;
        kernel = kernel == 7 ? 3 : 7;
        d = architectureDifferences(trained, design);
        QCOMPARE(int(d.size()), 1);
        QVERIFY(d[0].find("other layers") != std::string::npos);
        // Adopting the trained network keeps the design's name and takes everything else.
        trained.numClasses = 10;
        const arch::Architecture adopted = adoptTrained(trained, design);
        QCOMPARE(adopted.name, design.name);
        QVERIFY(architectureDifferences(trained, adopted).empty());
    }
};

QTEST_GUILESS_MAIN(TestTrainProgress)
#include "test_train_progress.moc"
