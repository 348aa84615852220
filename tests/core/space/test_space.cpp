// core/space: sampling and the stage-1 search-space optimizer.
#include <QtTest>

#include <atomic>

#include "arch/architecture.h"
#include "board/board.h"
#include "common/error.h"
#include "cost/cost.h"
#include "graph/build.h"
#include "memory/plan.h"
#include "space/optimizer.h"

using namespace mcunet;

namespace {
const board::Board& f746() {
    static const board::Catalog catalog = board::Catalog::builtIn();
    return catalog.byId("stm32f746g-disco");
}
space::Constraints limitsOf(const board::Board& b) { return {b.sramBytes, b.flashBytes}; }
}  // namespace

class TestSpace : public QObject {
    Q_OBJECT
private slots:
    void samplesStayInTheSpace() {
        const space::SearchSpace s = space::mcunetSpace();
        std::mt19937_64 rng(3);
        for (int i = 0; i < 300; ++i) {
            const arch::Architecture a = space::sample(s, 128, 0.5, rng);
            arch::validate(a);
            QCOMPARE(a.stages.size(), std::size_t(6));
            QCOMPARE(a.stages[5].blocks.size(), std::size_t(1));
            for (std::size_t st = 0; st < 5; ++st) {
                QVERIFY(a.stages[st].blocks.size() >= 2 && a.stages[st].blocks.size() <= 4);
                for (const auto& b : a.stages[st].blocks) {
                    QVERIFY(b.kernel == 3 || b.kernel == 5 || b.kernel == 7);
                    QVERIFY(b.expand >= 3 && b.expand <= 6);
                }
            }
        }
        QVERIFY(cost::totalMacs(graph::buildGraph(space::largest(s, 128, 0.5))) >
                cost::totalMacs(graph::buildGraph(space::smallest(s, 128, 0.5))));
    }

    // The spaces by name: mcunet-mix is mcunet's choices plus MobileNetV2's
    // feature mix, which every sample carries; an unknown name is an error.
    void spacesByName() {
        QCOMPARE(space::spaceNames().size(), std::size_t(3));
        for (const std::string& name : space::spaceNames()) QCOMPARE(space::spaceNamed(name, 10).name, name);
        const space::SearchSpace mix = space::spaceNamed("mcunet-mix", 10);
        const space::SearchSpace plain = space::spaceNamed("mcunet", 10);
        QVERIFY(!plain.featureMix);
        QVERIFY(mix.featureMix && mix.featureMix->baseChannels == 1280 && mix.featureMix->scaleWithWidth);
        QCOMPARE(mix.stageBaseChannels, plain.stageBaseChannels);
        QCOMPARE(mix.depthChoices, plain.depthChoices);
        std::mt19937_64 rng(5);
        const arch::Architecture a = space::sample(mix, 32, 0.3, rng);
        QCOMPARE(arch::featureMixChannels(a), arch::scaledChannels(1280, 0.3));
        QCOMPARE(a.numClasses, 10);
        QVERIFY_THROWS_EXCEPTION(Error, space::spaceNamed("proxyless", 10));
    }

    void gridParsing() {
        const space::Grid g = space::parseGrid("48:224:16/0.2:1.0:0.1");
        QCOMPARE(g.resolutions.size(), std::size_t(12));
        QCOMPARE(g.widths.size(), std::size_t(9));
        QCOMPARE(g.widths.back(), 1.0);
        const space::Grid d = space::defaultGrid();
        QCOMPARE(d.resolutions, g.resolutions);
        QCOMPARE(space::parseGrid("96,128/0.5").resolutions, (std::vector<int>{96, 128}));
        for (const char* bad : {"", "96", "96/x", "224:48:16/0.5", "96.5/0.5", "96/9", "1:2:3:4/0.5"})
            QVERIFY_THROWS_EXCEPTION(Error, space::parseGrid(bad));
    }

    void reproducibleWhateverTheThreads() {
        space::OptimizerOptions o;
        o.grid = space::parseGrid("96:160:32/0.3:0.7:0.2");
        o.samplesPerSpace = 60;
        o.seed = 11;
        o.threads = 1;
        const auto one = space::optimize(space::mcunetSpace(), f746(), limitsOf(f746()), o);
        o.threads = 2;
        const auto two = space::optimize(space::mcunetSpace(), f746(), limitsOf(f746()), o);
        QCOMPARE(one.spaces.size(), std::size_t(9));
        QCOMPARE(one.chosen, two.chosen);
        for (std::size_t i = 0; i < one.spaces.size(); ++i) QCOMPARE(one.spaces[i].macs, two.spaces[i].macs);
        o.seed = 12;
        const auto other = space::optimize(space::mcunetSpace(), f746(), limitsOf(f746()), o);
        bool differs = false;
        for (std::size_t i = 0; i < one.spaces.size(); ++i) differs = differs || one.spaces[i].macs != other.spaces[i].macs;
        QVERIFY(differs);
    }

    void chosenSpaceHasTheHighestMeanAndEverySampleIsChecked() {
        space::OptimizerOptions o;
        o.grid = space::parseGrid("112:208:32/0.3:0.9:0.2");
        o.samplesPerSpace = 50;
        const space::Constraints limits = limitsOf(f746());
        const auto r = space::optimize(space::mcunetSpace(), f746(), limits, o);
        QVERIFY(r.chosen >= 0);
        QCOMPARE(r.evaluated, std::int64_t(16 * 50));
        QVERIFY(r.spaces[static_cast<std::size_t>(r.chosen)].satisfyingShare >= o.minSatisfyingShare);
        for (const auto& s : r.spaces) {
            if (s.satisfyingShare >= o.minSatisfyingShare)
                QVERIFY(s.meanMacs <= r.spaces[static_cast<std::size_t>(r.chosen)].meanMacs);
            QCOMPARE(s.samples, 50);
            QVERIFY(std::is_sorted(s.macs.begin(), s.macs.end()));
            QCOMPARE(s.satisfyingShare, double(s.satisfying) / 50);
            if (s.largestSatisfying) {
                // The kept network really fits, and its MACs are the CDF's top.
                const graph::Graph g = graph::buildGraph(*s.largestSatisfying);
                QVERIFY(memory::plan(g, memory::Planner::Ours).arenaBytes <= limits.sramBytes);
                QVERIFY(cost::totalFlashBytes(g, f746()) <= limits.flashBytes);
                QCOMPARE(cost::totalMacs(g), s.macs.back());
            }
        }
        // Fit decisions agree with a full plan on a few fresh samples.
        std::mt19937_64 rng(5);
        for (int i = 0; i < 100; ++i) {
            const arch::Architecture a = space::sample(space::mcunetSpace(), 176, 0.6, rng);
            const graph::Graph g = graph::buildGraph(a);
            const bool full = memory::plan(g, memory::Planner::Ours).arenaBytes <= limits.sramBytes &&
                              cost::totalFlashBytes(g, f746()) <= limits.flashBytes;
            QCOMPARE(space::fits(a, f746(), limits), full);
        }
    }

    void rarelyFittingSpacesDoNotWin() {
        // With every space allowed, a space where a few samples fit can win on
        // a noisy mean; the default minimum share keeps the choice robust.
        space::OptimizerOptions o;
        o.grid = space::parseGrid("144:176:16/0.5:0.9:0.1");
        o.samplesPerSpace = 100;
        o.minSatisfyingShare = 0.0;
        const auto any = space::optimize(space::mcunetSpace(), f746(), limitsOf(f746()), o);
        o.minSatisfyingShare = 0.05;
        const auto robust = space::optimize(space::mcunetSpace(), f746(), limitsOf(f746()), o);
        QVERIFY(robust.spaces[static_cast<std::size_t>(robust.chosen)].satisfyingShare >= 0.05);
        QVERIFY(any.spaces[static_cast<std::size_t>(any.chosen)].meanMacs >=
                robust.spaces[static_cast<std::size_t>(robust.chosen)].meanMacs);
        o.minSatisfyingShare = 1.5;
        QVERIFY_THROWS_EXCEPTION(Error, space::optimize(space::mcunetSpace(), f746(), limitsOf(f746()), o));
    }

    void tighterLimitsShrinkTheSpace() {
        space::OptimizerOptions o;
        o.grid = space::parseGrid("96:192:32/0.3:0.9:0.3");
        o.samplesPerSpace = 40;
        const auto wide = space::optimize(space::mcunetSpace(), f746(), {320 * 1024, 1024 * 1024}, o);
        const auto tight = space::optimize(space::mcunetSpace(), f746(), {128 * 1024, 512 * 1024}, o);
        QVERIFY(tight.chosen >= 0);
        QVERIFY(tight.spaces[static_cast<std::size_t>(tight.chosen)].meanMacs <
                wide.spaces[static_cast<std::size_t>(wide.chosen)].meanMacs);
        const auto none = space::optimize(space::mcunetSpace(), f746(), {4 * 1024, 1024 * 1024}, o);
        QCOMPARE(none.chosen, -1);
        QVERIFY_THROWS_EXCEPTION(Error, space::optimize(space::mcunetSpace(), f746(), {0, 1}, o));
    }

    void progressAndCancel() {
        space::OptimizerOptions o;
        o.samplesPerSpace = 2000;  // long enough to be cancelled midway
        std::int64_t lastDone = -1, lastTotal = 0;
        int calls = 0;
        bool monotonic = true;
        o.progress = [&](std::int64_t done, std::int64_t total) -> bool {
            monotonic = monotonic && done >= lastDone;
            lastDone = done;
            lastTotal = total;
            return ++calls < 3;
        };
        const auto r = space::optimize(space::mcunetSpace(), f746(), limitsOf(f746()), o);
        QVERIFY(r.cancelled);
        QVERIFY(monotonic);
        QCOMPARE(r.chosen, -1);
        QCOMPARE(lastTotal, std::int64_t(108 * 2000));
        QVERIFY(r.evaluated < lastTotal);
        std::atomic<bool> cancel{true};
        o.progress = nullptr;
        o.cancel = &cancel;
        QVERIFY(space::optimize(space::mcunetSpace(), f746(), limitsOf(f746()), o).cancelled);
    }
};

QTEST_GUILESS_MAIN(TestSpace)
#include "test_space.moc"
