// core/memory: the three planners against the published arenas, and their
// soundness on thousands of random architectures and random DAGs.
#include <QtTest>

#include <map>
#include <set>

#include <random>

#include "arch/presets.h"
#include "graph/build.h"
#include "graph/ds_cnn.h"
#include "memory/plan.h"
#include "memory/planner.h"
#include "memory/scratch.h"
#include "space/search_space.h"

using namespace mcunet;
using memory::Planner;

namespace {

std::string joinProblems(const std::vector<std::string>& problems) {
    std::string s;
    for (std::size_t i = 0; i < problems.size() && i < 5; ++i) s += problems[i] + "\n";
    return s;
}

// Random DAG of every op kind, with branches that skip ahead and merge by add,
// so tensors with several readers and long lifetimes are covered.
graph::Graph randomDag(std::mt19937_64& rng) {
    using graph::OpKind;
    graph::Graph g;
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    int size = 8 + 8 * pick(6);
    int x = g.addInput("in", {size, size, 1 + pick(4)});
    std::vector<int> pool = {x};
    const int ops = 4 + pick(20);
    for (int i = 0; i < ops; ++i) {
        const std::string name = "op" + std::to_string(i);
        const int src = pool[static_cast<std::size_t>(pick(static_cast<int>(pool.size())))];
        const graph::Shape s = g.tensor(src).shape;
        int out = -1;
        switch (pick(5)) {
            case 0: out = g.addConv(OpKind::Conv2D, name, src, 8 * (1 + pick(4)), 1 + 2 * pick(3), 1 + pick(2), graph::Activation::ReLU6); break;
            case 1:  // depth multiplier 1 (in place) or 2 (out of place)
                out = g.addConv(OpKind::DepthwiseConv2D, name, src, s.c * (1 + pick(3) / 2), 3 + 2 * pick(3), 1 + pick(2),
                                graph::Activation::ReLU6);
                break;
            case 2: {  // 1x1: pointwise at stride 1, a 1x1 conv2d at stride 2
                const int channels = 8 * (1 + pick(8)), stride = 1 + pick(2);
                out = g.addConv(stride == 1 ? OpKind::PointwiseConv2D : OpKind::Conv2D, name, src, channels, 1, stride,
                                graph::Activation::None);
                break;
            }
            default: {
                // Same-shape branch, then merge: src -> pw -> add(src, pw).
                const int branch = g.addConv(OpKind::PointwiseConv2D, name + ".b", src, s.c, 1, 1, graph::Activation::ReLU6);
                out = g.addAdd(name, src, branch);
            }
        }
        pool.push_back(out);
    }
    int last = g.addAveragePool("pool", pool.back());
    last = g.addFullyConnected("fc", last, 1 + pick(10));
    g.setOutput(last);
    return g;
}

void checkSound(const graph::Graph& g, const std::string& what, int& tinyengineAboveTflm) {
    std::map<Planner, std::int64_t> arena;
    for (Planner p : memory::allPlanners()) {
        const memory::Plan plan = memory::plan(g, p);
        const auto problems = memory::checkPlan(g, plan);
        if (!problems.empty())
            QFAIL(qPrintable(QString::fromStdString(what + " " + memory::plannerName(p) + ":\n" + joinProblems(problems))));
        QVERIFY2(plan.arenaBytes >= memory::unavoidablePeak(g), what.c_str());
        QVERIFY2(plan.arenaBytes >= plan.lowerBound, what.c_str());
        QCOMPARE(memory::arenaBytes(g, p), plan.arenaBytes);  // the fast path agrees
        for (const auto& layer : plan.timeline) QVERIFY(layer.highWater <= plan.arenaBytes);
        QCOMPARE(plan.planner, p);
        arena[p] = plan.arenaBytes;
    }
    QVERIFY2(arena.at(Planner::Ours) <= arena.at(Planner::TinyEngine),
             qPrintable(QString::fromStdString(what) + ": ours above tinyengine"));
    if (arena.at(Planner::TinyEngine) > arena.at(Planner::TFLiteMicro)) ++tinyengineAboveTflm;
}

}  // namespace

class TestPlanners : public QObject {
    Q_OBJECT
private slots:
    void publishedArenas_data() {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<qint64>("oursAtMost");
        // Targets: TinyEngine's own arena for mcunet-vww1 (93,992 B, the size
        // its code generator declares), its README figures for the others.
        QTest::newRow("mcunet-vww1") << "mcunet-vww1" << qint64(93992);
        QTest::newRow("mcunet-in3") << "mcunet-in3" << qint64(260000);
        QTest::newRow("mbv2-w0.35-r144") << "mbv2-w0.35-r144" << qint64(308000);
        QTest::newRow("proxyless-w0.3-r176") << "proxyless-w0.3-r176" << qint64(292000);
    }
    void publishedArenas() {
        QFETCH(QString, preset);
        QFETCH(qint64, oursAtMost);
        const graph::Graph g = graph::buildGraph(arch::preset(preset.toStdString()));
        const auto ours = memory::plan(g, Planner::Ours);
        const auto te = memory::plan(g, Planner::TinyEngine);
        const auto tflm = memory::plan(g, Planner::TFLiteMicro);
        qInfo("%s: tflm %lld, tinyengine %lld, ours %lld (bound %lld, %s)", qPrintable(preset),
              (long long)tflm.arenaBytes, (long long)te.arenaBytes, (long long)ours.arenaBytes,
              (long long)ours.lowerBound, ours.strategy.c_str());
        QVERIFY(ours.arenaBytes <= oursAtMost);
        QVERIFY(ours.arenaBytes <= te.arenaBytes);
        QVERIFY(te.arenaBytes <= tflm.arenaBytes);  // (b) <= (a) on the presets
        QVERIFY(memory::checkPlan(g, ours).empty());
    }

    void tinyEngineModelMatchesItsCodeGenerator() {
        // TinyEngine declares 93,992 B for mcunet-vww1: 89,600 B of tensors
        // (in-place depthwise), 3,528 B of im2col (2 x 42 x 42 for the 40x40
        // depthwise) and 864 B of kernel buffer (the stem's q15 weights).
        const graph::Graph g = graph::buildGraph(arch::preset("mcunet-vww1"));
        const memory::Plan te = memory::plan(g, Planner::TinyEngine);
        QCOMPARE(te.arenaBytes, std::int64_t(93992));
        QCOMPARE(te.scratchOnTop, std::int64_t(3528 + 864));
    }

    void oursReachesTheBoundOnPresets() {
        for (const char* name : {"mcunet-vww1", "mcunet-in3", "mbv2-w0.35-r144", "proxyless-w0.3-r176"}) {
            const graph::Graph g = graph::buildGraph(arch::preset(name));
            const memory::Plan p = memory::plan(g, Planner::Ours);
            QVERIFY2(p.arenaBytes == p.lowerBound, name);
        }
    }

    void scratchIsInTheArenaForItsOp() {
        const graph::Graph g = graph::buildGraph(arch::preset("mcunet-in3"));
        for (Planner planner : memory::allPlanners()) {
            const memory::Plan p = memory::plan(g, planner);
            const memory::Engine engine = planner == Planner::TFLiteMicro ? memory::Engine::TFLiteMicro
                                          : planner == Planner::TinyEngine ? memory::Engine::TinyEngine
                                                                           : memory::Engine::Ours;
            for (int i = 0; i < g.opCount(); ++i) {
                std::int64_t placed = 0;
                for (const auto& pl : p.placements)
                    if (pl.kind == memory::BufferKind::Scratch && pl.op == i) {
                        placed += pl.bytes;
                        QVERIFY(pl.offset >= 0 && pl.offset + pl.bytes <= p.arenaBytes);
                    }
                QVERIFY2(placed >= memory::scratchFor(g, g.op(i), engine).total(), g.op(i).name.c_str());
            }
        }
    }

    void timelineRoles() {
        const graph::Graph g = graph::buildGraph(arch::preset("mcunet-vww1"));
        const memory::Plan p = memory::plan(g, Planner::TFLiteMicro);
        QCOMPARE(p.timeline.size(), g.ops().size());
        std::int64_t peakUse = 0;
        for (const auto& layer : p.timeline) {
            bool sawOutput = false;
            std::int64_t sum = 0;
            for (const auto& live : layer.live) {
                const auto& pl = p.placements[static_cast<std::size_t>(live.placement)];
                sawOutput = sawOutput || live.role == memory::LiveRole::Output;
                sum += pl.bytes;
            }
            QVERIFY(sawOutput);
            QCOMPARE(layer.usedBytes, sum);  // nothing is in place in TF Lite Micro
            peakUse = std::max(peakUse, layer.usedBytes);
        }
        QVERIFY(peakUse <= p.arenaBytes);
    }

    void checkerCatchesOverlaps() {
        const graph::Graph g = graph::buildGraph(arch::preset("mcunet-vww1"));
        memory::Plan p = memory::plan(g, Planner::TFLiteMicro);
        QVERIFY(memory::checkPlan(g, p).empty());
        // Put the stem's output on top of the input image: both live at op 0.
        auto& stemOut = p.placements[static_cast<std::size_t>(p.tensorPlacement[static_cast<std::size_t>(g.op(0).output)])];
        stemOut.offset = p.placements[static_cast<std::size_t>(p.tensorPlacement[static_cast<std::size_t>(g.input())])].offset;
        QVERIFY(!memory::checkPlan(g, p).empty());
        // A claimed in-place alias for a general conv is refused too.
        memory::Plan q = memory::plan(g, Planner::Ours);
        auto& out = q.placements[static_cast<std::size_t>(q.tensorPlacement[static_cast<std::size_t>(g.op(0).output)])];
        out.aliasOf = g.input();
        out.offset = q.placements[static_cast<std::size_t>(q.tensorPlacement[static_cast<std::size_t>(g.input())])].offset;
        QVERIFY(!memory::checkPlan(g, q).empty());
        // A buffer past the arena's end.
        memory::Plan r = memory::plan(g, Planner::TinyEngine);
        r.placements.back().offset = r.arenaBytes;
        QVERIFY(!memory::checkPlan(g, r).empty());
    }

    void thousandsOfRandomArchitectures() {
        std::mt19937_64 rng(2024);
        const space::SearchSpace spaces[] = {space::mcunetSpace(1000), space::mobileNetV2Space(10),
                                             space::mcunetSpace(2)};
        const int count = 2100;
        int tinyengineAboveTflm = 0;
        for (int i = 0; i < count; ++i) {
            const space::SearchSpace& s = spaces[i % 3];
            const int r = 32 + 16 * static_cast<int>(rng() % 10);
            const double w = 0.2 + 0.1 * static_cast<int>(rng() % 9);
            arch::Architecture a = space::sample(s, r, w, rng);
            checkSound(graph::buildGraph(a), a.name + " #" + std::to_string(i), tinyengineAboveTflm);
            if (QTest::currentTestFailed()) return;
        }
        qInfo("tinyengine above tflm on %d of %d random architectures", tinyengineAboveTflm, count);
    }

    void randomDags() {
        std::mt19937_64 rng(7);
        int tinyengineAboveTflm = 0;
        for (int i = 0; i < 500; ++i) {
            checkSound(randomDag(rng), "dag #" + std::to_string(i), tinyengineAboveTflm);
            if (QTest::currentTestFailed()) return;
        }
        qInfo("tinyengine above tflm on %d of 500 random DAGs", tinyengineAboveTflm);
        // Keyword spotting's network: a 10x4 kernel on a 49x10 input.
        checkSound(graph::buildDsCnn(), "ds-cnn", tinyengineAboveTflm);
        checkSound(graph::buildDsCnn({25, 8, 5, 3, 16, 2, 4}), "ds-cnn 5x3", tinyengineAboveTflm);
    }

    // widenScratch gives a 1x1 conv's scratch 1.5x its bytes only in a gap
    // free while the op runs: the plan stays sound, the arena the same; where
    // no gap exists it refuses and leaves the plan alone; a scratch large
    // enough already stays where it is.
    void widenedScratchStaysSound() {
        std::mt19937_64 rng(11);
        int widened = 0, refused = 0;
        for (int i = 0; i < 300; ++i) {
            const graph::Graph g = randomDag(rng);
            for (Planner planner : {Planner::Ours, Planner::TinyEngine}) {
                memory::Plan p = memory::plan(g, planner);
                const std::int64_t arena = p.arenaBytes;
                for (int op = 0; op < g.opCount(); ++op) {
                    if (g.op(op).kind != graph::OpKind::PointwiseConv2D) continue;
                    const std::int64_t want = 6 * g.tensor(g.op(op).inputs[0]).shape.c;
                    const memory::Plan before = p;
                    if (memory::widenScratch(p, op, want)) {
                        ++widened;
                        bool found = false;
                        for (const auto& pl : p.placements)
                            found |= pl.kind == memory::BufferKind::Scratch && pl.op == op && pl.bytes >= want &&
                                     pl.offset % 4 == 0;
                        QVERIFY(found);
                    } else {
                        ++refused;
                        QCOMPARE(p.placements.size(), before.placements.size());
                        for (std::size_t k = 0; k < p.placements.size(); ++k) {
                            QCOMPARE(p.placements[k].offset, before.placements[k].offset);
                            QCOMPARE(p.placements[k].bytes, before.placements[k].bytes);
                        }
                    }
                    const auto problems = memory::checkPlan(g, p);
                    QVERIFY2(problems.empty(), problems.empty() ? "" : problems.front().c_str());
                    QCOMPARE(p.arenaBytes, arena);
                }
            }
        }
        qInfo("widened %d 1x1 scratch buffers, refused %d", widened, refused);
        QVERIFY(widened > 0);
        QVERIFY(refused > 0);
        // Large enough already: unchanged.
        const graph::Graph g = graph::buildGraph(arch::preset("mcunet-vww1"));
        memory::Plan p = memory::plan(g, Planner::Ours);
        for (int op = 0; op < g.opCount(); ++op)
            for (const auto& pl : p.placements)
                if (pl.kind == memory::BufferKind::Scratch && pl.op == op) {
                    const std::int64_t offset = pl.offset;
                    QVERIFY(memory::widenScratch(p, op, pl.bytes));
                    QCOMPARE(pl.offset, offset);
                }
        QVERIFY(!memory::widenScratch(p, 0, p.arenaBytes + 1));
    }

    // The registry is the one list: ids and names unique, every name and
    // alias parses back to its planner, the error names every planner, and
    // allPlanners() is the registry's order.
    void registryIsTheOneList() {
        const auto& planners = memory::registeredPlanners();
        QVERIFY(planners.size() >= 3);
        std::set<Planner> ids;
        std::set<std::string> names;
        std::string error;
        try {
            memory::parsePlanner("no-such-planner");
        } catch (const std::exception& e) {
            error = e.what();
        }
        for (std::size_t i = 0; i < planners.size(); ++i) {
            const memory::MemoryPlanner* p = planners[i];
            QVERIFY(ids.insert(p->id()).second);
            QVERIFY(names.insert(p->name()).second);
            QCOMPARE(memory::allPlanners().at(i), p->id());
            QCOMPARE(&memory::plannerFor(p->id()), p);
            QCOMPARE(memory::parsePlanner(p->name()), p->id());
            QCOMPARE(std::string(memory::plannerName(p->id())), std::string(p->name()));
            for (const std::string& alias : p->aliases()) QCOMPARE(memory::parsePlanner(alias), p->id());
            QVERIFY2(error.find(p->name()) != std::string::npos, error.c_str());
        }
    }

    void plannerNames() {
        QCOMPARE(memory::parsePlanner("greedy"), Planner::TFLiteMicro);
        QCOMPARE(memory::parsePlanner("tinyengine"), Planner::TinyEngine);
        QCOMPARE(memory::parsePlanner("ours"), Planner::Ours);
        QVERIFY_THROWS_EXCEPTION(std::exception, memory::parsePlanner("best"));
    }
};

QTEST_GUILESS_MAIN(TestPlanners)
#include "test_planners.moc"
