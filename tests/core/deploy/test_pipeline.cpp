// core/deploy: the one deploy pipeline, driven directly on the virtual board
// (real firmware in QEMU). End to end with a progress callback (every stage
// reported in order, fractions rising to 1, the board's output equal to the
// reference interpreter's, the flash record written); cancelled mid-way from
// the progress callback at each stage (table-driven): board::Cancelled, no
// QEMU left, no flash record, no firmware.elf from an unfinished build, and
// the temporary project folder gone.
#include <QtTest>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "board/cancel.h"
#include "board/virtual_board.h"
#include "deploy/pipeline.h"
#include "graph/build.h"
#include "quant/model.h"
#include "space/search_space.h"

using namespace mcunet;
namespace fs = std::filesystem;

namespace {

graph::Graph smallNetwork(unsigned seed) {
    std::mt19937_64 rng(seed);
    return graph::buildGraph(space::sample(space::mcunetSpace(10), 48, 0.3, rng));
}

// Children of this process named qemu-system-arm (zombies do not count: reaped or not, they are gone).
int qemuChildren() {
    int n = 0;
    for (const auto& e : fs::directory_iterator("/proc")) {
        std::ifstream stat(e.path() / "stat");
        std::string line;
        if (!std::getline(stat, line)) continue;
        const auto open = line.find('('), close = line.rfind(')');
        if (open == std::string::npos || close == std::string::npos || close + 4 >= line.size()) continue;
        const std::string name = line.substr(open + 1, close - open - 1);
        std::istringstream rest(line.substr(close + 2));
        char state = 0;
        long ppid = 0;
        rest >> state >> ppid;
        if (ppid == getpid() && state != 'Z' && name.rfind("qemu-system-arm", 0) == 0) ++n;
    }
    return n;
}

// The folders makeTempDirectory("deploy") creates.
std::set<std::string> deployTempDirs() {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(fs::temp_directory_path()))
        if (e.path().filename().string().find("deploy") != std::string::npos) out.insert(e.path().string());
    return out;
}

}  // namespace

class TestPipeline : public QObject {
    Q_OBJECT
    QTemporaryDir state_;
    quant::QuantizedModel model_;

    deploy::Request request(bool profile) const {
        deploy::Request r;
        r.model = &model_;
        r.modelName = "pipeline-test";
        r.board = board::Catalog::builtIn().byId("virtual-m7");
        r.profile = profile;
        r.runs = 2;
        r.seed = 3;
        return r;
    }

private slots:
    void initTestCase() {
        QVERIFY(state_.isValid());
        qputenv("XDG_STATE_HOME", state_.path().toUtf8());  // the flash record goes here
        // Temporary projects go into a folder of this test's own: other tests
        // running beside it (ctest -j) make and remove theirs in /tmp.
        QVERIFY(QDir().mkpath(state_.filePath("tmp")));
        qputenv("TMPDIR", state_.filePath("tmp").toUtf8());
        model_ = quant::quantizeSeeded(smallNetwork(7), 3);
    }
    void init() { fs::remove_all(board::flashedFirmwarePath("virtual-m7")); }

    void deploysAndProfilesWithProgress() {
        QTemporaryDir dir;
        deploy::Request r = request(true);
        r.directory = dir.filePath("project").toStdString();
        std::vector<deploy::Progress> seen;
        deploy::Control control;
        control.progress = [&seen](const deploy::Progress& p) { seen.push_back(p); };
        const deploy::Result result = deploy::run(r, control);

        // Every stage, in order, each ending at 1; fractions never go back within a stage.
        std::vector<deploy::Stage> order;
        for (std::size_t i = 0; i < seen.size(); ++i) {
            QVERIFY2(seen[i].fraction >= 0 && seen[i].fraction <= 1, seen[i].message.c_str());
            if (order.empty() || order.back() != seen[i].stage) order.push_back(seen[i].stage);
            else QVERIFY2(seen[i].fraction >= seen[i - 1].fraction, seen[i].message.c_str());
        }
        const std::vector<deploy::Stage> expected = {deploy::Stage::Generate, deploy::Stage::Build, deploy::Stage::Flash,
                                                     deploy::Stage::Profile};
        QVERIFY(order == expected);
        for (deploy::Stage s : expected) {
            const auto last = std::find_if(seen.rbegin(), seen.rend(), [s](const auto& p) { return p.stage == s; });
            QCOMPARE(last->fraction, 1.0);
        }
        QVERIFY(std::any_of(seen.begin(), seen.end(), [](const auto& p) { return p.message.rfind("compiling", 0) == 0; }));

        // The results: the board answered with this model and computed what the reference computes.
        QCOMPARE(result.flashed.hello.model, std::string("pipeline-test"));
        QCOMPARE(result.flashed.device.flashKind, device::FlashKind::Virtual);
        QVERIFY(result.profiled.has_value());
        QVERIFY(result.profiled->profile.instructions);
        QCOMPARE(result.profiled->profile.runs, 2);
        QVERIFY(result.profiled->profile.total > 0);
        QVERIFY(result.matchesReference);
        QCOMPARE(result.profiled->input, deploy::profilingInput(model_, 3));
        const board::FlashedState state = board::readFlashedState("virtual-m7");
        QCOMPARE(state.elf, fs::absolute(result.firmware.elf).string());
        QCOMPARE(state.model, std::string("pipeline-test"));
        QCOMPARE(qemuChildren(), 0);

        // Profile alone, on a device opened afresh: it boots what the record says.
        const auto dev = device::openDevice(r.board, {}, nullptr);
        QCOMPARE(dev->counterKind(), device::CounterKind::Instructions);
        const auto again = deploy::profile(*dev, r.board, board::layersFromPlan(result.generated.plan),
                                           result.profiled->input, 1, {});
        QCOMPARE(again.profile.output, result.reference);
        QCOMPARE(qemuChildren(), 0);
    }

    void cancelMidway_data() {
        QTest::addColumn<int>("stage");
        QTest::addColumn<double>("after");  // cancel once this stage reports at least this fraction
        QTest::newRow("while generating") << int(deploy::Stage::Generate) << 0.3;
        QTest::newRow("while compiling") << int(deploy::Stage::Build) << 0.2;
        QTest::newRow("flashing, before HELLO") << int(deploy::Stage::Flash) << 0.8;
        QTest::newRow("while profiling in QEMU") << int(deploy::Stage::Profile) << 0.1;
    }
    void cancelMidway() {
        QFETCH(int, stage);
        QFETCH(double, after);
        const std::set<std::string> before = deployTempDirs();
        deploy::Request r = request(true);
        r.runs = 200;  // a long profile to cancel in
        std::atomic<bool> cancel{false};
        deploy::Control control;
        control.cancel = &cancel;
        bool sawQemu = false;
        control.progress = [&](const deploy::Progress& p) {
            if (int(p.stage) == stage && p.fraction >= after) {
                sawQemu = qemuChildren() > 0;
                cancel = true;
            }
        };
        QElapsedTimer clock;
        clock.start();
        try {
            deploy::run(r, control);
            QFAIL("not cancelled");
        } catch (const std::exception& e) {
            QVERIFY2(deploy::isCancellation(e), e.what());
            QVERIFY2(QString(e.what()).contains("cancelled"), e.what());
        }
        qInfo("cancel at %s %.1f: QEMU %s when cancelled, run ended after %lld ms", deploy::stageName(deploy::Stage(stage)),
              after, sawQemu ? "running" : "not running", clock.elapsed());
        QCOMPARE(qemuChildren(), 0);
        const fs::path record = board::flashedFirmwarePath("virtual-m7");
        if (deploy::Stage(stage) == deploy::Stage::Profile) {
            // The flash had finished: its record stays, and so does the project its ELF is in.
            const board::FlashedState state = board::readFlashedState("virtual-m7");
            QVERIFY(fs::exists(state.elf));
            fs::remove_all(fs::path(state.elf).parent_path().parent_path());
        } else {
            QVERIFY(!fs::exists(record));  // no record of a flash that did not finish
        }
        QVERIFY(deployTempDirs() == before);  // the temporary project (and any firmware.elf in it) is gone
        for (const auto& e : fs::directory_iterator(record.parent_path()))  // no half-written record either
            QVERIFY2(e.path() == record, e.path().c_str());
    }

    void cancelledBuildLeavesNoElf() {
        QTemporaryDir dir;
        const std::string project = dir.filePath("p").toStdString();
        const board::Board& b = board::Catalog::builtIn().byId("virtual-m4");
        codegen::Options o;
        o.modelName = "pipeline-test";
        deploy::generate(model_, memory::Planner::Ours, project, o, {});
        deploy::build(project, b, {}, {});  // a complete build first: its ELF must not survive a cancelled one
        const fs::path elf = fs::path(project) / "build-virtual-m4" / "firmware.elf";
        QVERIFY(fs::exists(elf));
        std::atomic<bool> cancel{false};
        deploy::Control control;
        control.cancel = &cancel;
        control.progress = [&cancel](const deploy::Progress& p) {
            if (p.fraction > 0.5) cancel = true;
        };
        QVERIFY_THROWS_EXCEPTION(board::Cancelled, deploy::build(project, b, {}, control));
        QVERIFY(!fs::exists(elf));
    }
};

QTEST_GUILESS_MAIN(TestPipeline)
#include "test_pipeline.moc"
