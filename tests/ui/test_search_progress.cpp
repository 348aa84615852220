// ui/search, logic only (no widgets, no child process): the parser of
// `mcunet tinynas --json` progress lines fed a recorded quick run
// (search_progress_recorded.jsonl) whole and in small pieces; the flow's
// steps, the training children's lines, the generations' new networks (the
// live front: together they are every network the search evaluated) and the
// report; malformed lines come back as RawLine, never half-applied; the
// child's command line.
#include <QFile>
#include <QtTest>

#include <set>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "arch/architecture_json.h"
#include "common/error.h"
#include "search/search_job.h"
#include "search/search_progress.h"

using namespace mcunet;
using namespace mcunet::ui;

namespace {

// Recorded from `mcunet tinynas --data fashion-mnist --board virtual-m4 --sram 128 --flash 512
// --budget quick --threads 2 --out RUN --json` (kept in a file: moc cannot read raw string literals).
std::string recorded() {
    QFile f(QStringLiteral(SEARCH_RECORDING));
    if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read %s", SEARCH_RECORDING);
    return f.readAll().toStdString();
}

template <class T>
std::vector<const T*> all(const std::vector<FlowEvent>& events) {
    std::vector<const T*> out;
    for (const FlowEvent& e : events)
        if (const T* t = std::get_if<T>(&e)) out.push_back(t);
    return out;
}

std::vector<FlowEvent> parseInPieces(const std::string& text, std::size_t piece) {
    FlowProgressParser p;
    std::vector<FlowEvent> events;
    for (std::size_t i = 0; i < text.size(); i += piece)
        for (FlowEvent& e : p.feed(std::string_view(text).substr(i, piece))) events.push_back(std::move(e));
    for (FlowEvent& e : p.finish()) events.push_back(std::move(e));
    return events;
}

}  // namespace

class TestSearchProgress : public QObject {
    Q_OBJECT

private slots:
    void recordedRun_data() {
        QTest::addColumn<int>("piece");
        QTest::newRow("whole") << 1;
        QTest::newRow("7 bytes") << 7;
        QTest::newRow("4096 bytes") << 4096;
    }

    void recordedRun() {
        QFETCH(int, piece);
        const std::string text = recorded();
        const std::vector<FlowEvent> events = parseInPieces(text, piece == 1 ? text.size() : std::size_t(piece));
        QVERIFY(all<RawLine>(events).empty());
        std::vector<std::string> steps;
        for (const FlowStepStarted* s : all<FlowStepStarted>(events)) steps.push_back(s->step);
        QCOMPARE(steps, (std::vector<std::string>{"space", "supernet", "search", "model", "deploy", "board", "random", "mbv2"}));
        // The training children's lines arrive typed, tagged with their step.
        std::set<std::string> trained;
        int epochs = 0, trainSteps = 0;
        for (const FlowTrainLine* t : all<FlowTrainLine>(events)) {
            trained.insert(t->step);
            epochs += std::holds_alternative<TrainEpoch>(t->event) ? 1 : 0;
            trainSteps += std::holds_alternative<TrainStep>(t->event) ? 1 : 0;
            QVERIFY(!std::holds_alternative<RawLine>(t->event));
        }
        QCOMPARE(trained, (std::set<std::string>{"supernet", "model", "random", "mbv2"}));
        QVERIFY(epochs >= 4);
        QVERIFY(trainSteps >= 4);
        // The generations' new networks are every network the search evaluated, once each.
        std::set<std::string> keys;
        int searchGenerations = 0;
        for (const FlowGeneration* g : all<FlowGeneration>(events)) {
            if (g->step != "search") continue;
            ++searchGenerations;
            QCOMPARE(g->generation, searchGenerations - 1);
            for (const SearchCandidate& c : g->fresh) {
                QVERIFY(keys.insert(c.key).second);
                QVERIFY(c.accuracy >= 0 && c.accuracy <= 1);
                QVERIFY(c.peakSramBytes > 0 && c.peakSramBytes <= 128 * 1024);
                QVERIFY(c.flashBytes > 0 && c.flashBytes <= 512 * 1024);
                arch::fromJson(nlohmann::json::parse(c.architectureJson));  // a valid architecture
            }
            QCOMPARE(int(keys.size()), g->evaluated);
        }
        QCOMPARE(searchGenerations, 3);  // the quick budget: generations 0, 1, 2
        const auto done = all<FlowDone>(events);
        QCOMPARE(int(done.size()), 1);
        const TinynasReport& r = done[0]->report;
        QCOMPARE(r.networksEvaluated, (long long)keys.size());
        QVERIFY(keys.count(r.networkKey) == 1);
        QCOMPARE(r.resolution, 32);
        QCOMPARE(int(r.models.size()), 3);
        QCOMPARE(r.models[0].name, std::string("searched"));
        QVERIFY(r.model("random") && r.model("mbv2"));
        for (const ReportModel& m : r.models) QVERIFY(m.int8Accuracy > 0.1 && m.int8Accuracy <= 1);
        QCOMPARE(int(r.margins.size()), 2);
        QVERIFY(r.int8BoardAccuracy >= 0);
        QCOMPARE(r.boardImages, 20LL);
        QCOMPARE(int(r.stepSeconds.size()), 8);
        QVERIFY(r.peakSramByPlanner.count("ours") == 1);
    }

    void malformedLinesAreRawLines_data() {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("why");
        QTest::newRow("not json") << "loading…" << "not JSON";
        QTest::newRow("array") << "[1,2]" << "not a JSON object";
        QTest::newRow("no event") << "{\"step\":\"x\"}" << "no \"event\" field";
        QTest::newRow("unknown") << "{\"event\":\"teleport\"}" << "unknown event";
        QTest::newRow("progress without line") << "{\"event\":\"progress\",\"step\":\"search\"}" << "no \"line\" object";
        QTest::newRow("report of another format") << "{\"event\":\"done\",\"report\":{\"format\":\"x\",\"version\":1}}"
                                                  << "format";
        QTest::newRow("report of another version")
            << "{\"event\":\"done\",\"report\":{\"format\":\"mcunet-tinynas-report\",\"version\":2}}" << "version";
    }

    void malformedLinesAreRawLines() {
        QFETCH(QString, line);
        QFETCH(QString, why);
        const FlowEvent e = parseFlowLine(line.toStdString());
        const RawLine* raw = std::get_if<RawLine>(&e);
        QVERIFY(raw);
        QVERIFY2(QString::fromStdString(raw->why).contains(why), raw->why.c_str());
    }

    // A generation whose "new" holds a malformed network keeps the others.
    void malformedCandidateIsSkipped() {
        const std::string line =
            R"({"event":"progress","step":"search","line":{"event":"generation","generation":1,"generations":2,)"
            R"("evaluated":2,"best_accuracy":0.5,"new":[{"key":"a","architecture":{}},{"key":7},{"architecture":{}}]}})";
        const FlowEvent e = parseFlowLine(line);
        const FlowGeneration* g = std::get_if<FlowGeneration>(&e);
        QVERIFY(g);
        QCOMPARE(int(g->fresh.size()), 1);
        QCOMPARE(g->fresh[0].key, std::string("a"));
        QCOMPARE(g->bestAccuracy, 0.5);
    }

    void requestArguments() {
        SearchRequest r;
        r.program = QStringLiteral("/x/mcunet");
        r.board = QStringLiteral("virtual-m4");
        r.sramKiB = 128;
        r.flashKiB = 512.5;
        r.budget = QStringLiteral("quick");
        r.out = QStringLiteral("/runs/a b");
        QCOMPARE(r.arguments(), QStringList({"tinynas", "--data", "fashion-mnist", "--board", "virtual-m4", "--sram", "128",
                                             "--flash", "512.5", "--budget", "quick", "--seed", "1", "--out", "/runs/a b",
                                             "--json"}));
        r.latencyMs = 40;
        r.threads = 2;
        r.force = true;
        QVERIFY(r.arguments().contains("--latency-ms"));
        QVERIFY(r.arguments().contains("--force"));
        QCOMPARE(r.arguments().at(r.arguments().indexOf("--threads") + 1), QStringLiteral("2"));
    }
};

QTEST_GUILESS_MAIN(TestSearchProgress)
#include "test_search_progress.moc"
