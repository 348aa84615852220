// The evolutionary search (core/search) with a deterministic stand-in for the
// supernet's accuracy: a smooth function of the architecture's MACs and
// choices plus a per-architecture hash, so that better networks exist to be
// found and ties are rare. What is checked:
//   - the same seed gives the same evaluated networks, accuracies and fronts;
//   - no network over a limit is ever evaluated, kept or chosen;
//   - impossible limits are an Error naming the limit;
//   - a run stopped by a crash (the evaluator throws mid-generation) and
//     resumed from its state file equals an uninterrupted run;
//   - every front is non-dominated and contains the best network;
//   - the evolution finds a better network than the initial population had;
//   - damaged state files are refused with the file named;
//   - re-ranking: the pool is the best network of each depth configuration
//     (then the most accurate others), the choice is the pool's best after the
//     fine-tuning (ties: the supernet's order), recorded in the result JSON.
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>

#include "board/board.h"
#include "common/error.h"
#include "mutate.h"
#include "search/evolution.h"

using namespace mcunet;

namespace {

search::Problem problem(std::int64_t sramKb = 128, std::int64_t flashKb = 512, double latencyMs = 0) {
    search::Problem p;
    p.space = space::mcunetSpace(10);
    p.space.inputChannels = 1;
    p.resolution = 48;
    p.width = 0.35;
    p.board = board::Catalog::builtIn().byId("virtual-m4");
    p.limits = {sramKb * 1024, flashKb * 1024, latencyMs};
    return p;
}

search::Settings settings(std::uint64_t seed = 7) {
    search::Settings s;
    s.population = 12;
    s.generations = 4;
    s.seed = seed;
    s.triesPerChild = 50;
    return s;
}

// Stand-in accuracy: more computation helps with diminishing returns, larger
// kernels a little; a hash of the key breaks ties.
double standIn(const arch::Architecture& a) {
    const search::Costs c = search::costsOf(a, board::Catalog::builtIn().byId("virtual-m4"));
    double kernels = 0;
    int blocks = 0;
    for (const auto& st : a.stages)
        for (const auto& b : st.blocks) {
            kernels += b.kernel;
            ++blocks;
        }
    const std::size_t h = std::hash<std::string>{}(search::keyOf(a));
    return std::clamp(0.5 + 0.05 * std::log(double(c.macs) / 1e5) + 0.002 * kernels / std::max(1, blocks) +
                          double(h % 1000) * 1e-6,
                      0.0, 1.0);
}

search::Evaluator evaluator(int* calls = nullptr, const search::Limits* mustFit = nullptr, int throwAfter = -1) {
    auto count = std::make_shared<int>(0);
    return [=](const std::vector<arch::Architecture>& batch) {
        std::vector<double> out;
        for (const arch::Architecture& a : batch) {
            if (throwAfter >= 0 && (*count)++ >= throwAfter) throw std::runtime_error("killed");
            if (mustFit && !search::feasibleCosts(a, board::Catalog::builtIn().byId("virtual-m4"), *mustFit))
                throw std::runtime_error("an infeasible network was evaluated: " + search::keyOf(a));
            out.push_back(standIn(a));
        }
        if (calls) *calls += int(batch.size());
        return out;
    };
}

std::vector<std::pair<std::string, double>> summary(const search::Result& r) {
    std::vector<std::pair<std::string, double>> s;
    for (const auto& c : r.evaluated) s.emplace_back(c.key, c.accuracy);
    return s;
}

}  // namespace

class TestEvolution : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    std::string path(const char* name) const { return (std::filesystem::path(tmp_.path().toStdString()) / name).string(); }

private slots:
    void sameSeedSameFront() {
        const auto p = problem();
        const search::Result a = search::run(p, settings(), evaluator(), {});
        const search::Result b = search::run(p, settings(), evaluator(), {});
        QVERIFY(a.evaluated.size() >= 12);
        QVERIFY(summary(a) == summary(b));
        QCOMPARE(a.best.key, b.best.key);
        for (const char* axis : search::kAxes) QVERIFY(a.front(axis) == b.front(axis));
        const search::Result c = search::run(p, settings(8), evaluator(), {});
        QVERIFY(summary(a) != summary(c));  // the seed matters
    }

    void limitsCheckedBeforeEvaluation_data() {
        QTest::addColumn<qint64>("sramKb");
        QTest::addColumn<qint64>("flashKb");
        QTest::addColumn<double>("latencyMs");
        QTest::newRow("128 kB / 512 kB") << qint64(128) << qint64(512) << 0.0;
        QTest::newRow("64 kB / 320 kB") << qint64(64) << qint64(320) << 0.0;
        QTest::newRow("latency bound") << qint64(256) << qint64(1024) << 40.0;
    }
    void limitsCheckedBeforeEvaluation() {
        QFETCH(qint64, sramKb);
        QFETCH(qint64, flashKb);
        QFETCH(double, latencyMs);
        const auto p = problem(sramKb, flashKb, latencyMs);
        int calls = 0;
        const search::Result r = search::run(p, settings(), evaluator(&calls, &p.limits), {});
        QCOMPARE(calls, int(r.evaluated.size()));  // each network evaluated once (cached)
        for (const auto& c : r.evaluated) {
            QVERIFY(c.costs.peakSramBytes <= p.limits.sramBytes);
            QVERIFY(c.costs.flashBytes <= p.limits.flashBytes);
            if (latencyMs > 0) QVERIFY(c.costs.latencyMs <= latencyMs);
            // The recorded figures are the cost model's.
            const search::Costs fresh = search::costsOf(c.architecture, p.board);
            QCOMPARE(c.costs.peakSramBytes, fresh.peakSramBytes);
            QCOMPARE(c.costs.macs, fresh.macs);
        }
        QVERIFY(r.best.costs.peakSramBytes <= p.limits.sramBytes);
    }

    void impossibleLimitsNameTheLimit_data() {
        QTest::addColumn<qint64>("sramKb");
        QTest::addColumn<qint64>("flashKb");
        QTest::addColumn<double>("latencyMs");
        QTest::addColumn<QString>("named");
        QTest::newRow("SRAM") << qint64(2) << qint64(1024) << 0.0 << "--sram";
        QTest::newRow("Flash") << qint64(512) << qint64(8) << 0.0 << "--flash";
        QTest::newRow("latency") << qint64(512) << qint64(1024) << 0.01 << "--latency-ms";
        QTest::newRow("zero SRAM") << qint64(0) << qint64(1024) << 0.0 << "--sram";
    }
    void impossibleLimitsNameTheLimit() {
        QFETCH(qint64, sramKb);
        QFETCH(qint64, flashKb);
        QFETCH(double, latencyMs);
        QFETCH(QString, named);
        int calls = 0;
        try {
            search::run(problem(sramKb, flashKb, latencyMs), settings(), evaluator(&calls), {});
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).startsWith(named), e.what());
        }
        QCOMPARE(calls, 0);
    }

    // A crash (the evaluator throws in generation 3) leaves the state of
    // generation 2; resuming from it gives what an uninterrupted run gives.
    void resumeAfterACrashEqualsUninterrupted() {
        const auto p = problem();
        const search::Result whole = search::run(p, settings(), evaluator(), {});
        search::Hooks hooks;
        hooks.statePath = path("state.json");
        const int throwAfter = int(whole.evaluated.size()) - 3;
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, search::run(p, settings(), evaluator(nullptr, nullptr, throwAfter), hooks));
        QVERIFY(std::filesystem::exists(hooks.statePath));
        const search::Result resumed = search::run(p, settings(), evaluator(), hooks, true);
        QVERIFY(summary(resumed) == summary(whole));
        QCOMPARE(resumed.best.key, whole.best.key);
        QCOMPARE(resumed.generationsDone, whole.generationsDone);
        // Cancelled between generations, then resumed: the same again.
        std::atomic<bool> cancel{false};
        hooks.cancel = &cancel;
        hooks.onGeneration = [&](const search::Progress& pr) { cancel = pr.generation >= 1; };
        const search::Result stopped = search::run(p, settings(), evaluator(), hooks);
        QVERIFY(stopped.cancelled);
        QCOMPARE(stopped.generationsDone, 1);
        cancel = false;
        hooks.onGeneration = nullptr;
        QVERIFY(summary(search::run(p, settings(), evaluator(), hooks, true)) == summary(whole));
        // A state file of another search is refused.
        try {
            search::run(p, settings(99), evaluator(), hooks, true);
            QFAIL("resumed another search");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("another search"), e.what());
        }
    }

    void frontsAreNonDominated() {
        const search::Result r = search::run(problem(), settings(), evaluator(), {});
        for (const char* axis : search::kAxes) {
            const std::vector<int> front = r.front(axis);
            QVERIFY(!front.empty());
            auto cost = [&](const search::Candidate& c) {
                const std::string a = axis;
                return a == "latency_ms" ? c.costs.latencyMs
                       : a == "peak_sram_bytes" ? double(c.costs.peakSramBytes)
                       : a == "flash_bytes" ? double(c.costs.flashBytes)
                                            : double(c.costs.macs);
            };
            bool hasBest = false;
            for (int i : front) {
                const auto& f = r.evaluated[std::size_t(i)];
                hasBest |= f.key == r.best.key;
                for (const auto& c : r.evaluated) {
                    const bool dominates = cost(c) <= cost(f) && c.accuracy >= f.accuracy &&
                                           (cost(c) < cost(f) || c.accuracy > f.accuracy);
                    QVERIFY2(!dominates, qPrintable(QString::fromStdString(c.key + " dominates " + f.key)));
                }
            }
            QVERIFY2(hasBest, axis);
        }
        QVERIFY_THROWS_EXCEPTION(Error, r.front("accuracy"));
    }

    void evolutionImprovesOnTheStart() {
        search::Settings s = settings();
        s.generations = 6;
        const search::Result r = search::run(problem(), s, evaluator(), {});
        double initialBest = 0;
        for (const auto& c : r.evaluated)
            if (c.generation == 0) initialBest = std::max(initialBest, c.accuracy);
        QVERIFY2(r.best.accuracy > initialBest, qPrintable(QString("%1 vs %2").arg(r.best.accuracy).arg(initialBest)));
        QVERIFY(r.best.generation > 0);
    }

    void rerankPoolSpansDepths() {
        const search::Result r = search::run(problem(), settings(), evaluator(), {});
        const auto depths = [&](int i) {
            const std::string& key = r.evaluated[std::size_t(i)].key;
            return key.substr(0, key.find('|'));
        };
        std::vector<std::string> configurations;
        for (int i = 0; i < int(r.evaluated.size()); ++i)
            if (std::find(configurations.begin(), configurations.end(), depths(i)) == configurations.end())
                configurations.push_back(depths(i));
        QVERIFY(configurations.size() >= 3);
        const std::vector<int> pool = search::rerankPool(r.evaluated, 3);
        QCOMPARE(int(pool.size()), 3);
        QCOMPARE(r.evaluated[std::size_t(pool[0])].key, r.best.key);  // the supernet's best comes first
        for (std::size_t i = 0; i < pool.size(); ++i) {
            for (std::size_t j = 0; j < i; ++j) QVERIFY(depths(pool[i]) != depths(pool[j]));  // one per configuration
            // ... the best of its configuration
            for (int o = 0; o < int(r.evaluated.size()); ++o)
                if (depths(o) == depths(pool[i])) QVERIFY(r.evaluated[std::size_t(o)].accuracy <= r.evaluated[std::size_t(pool[i])].accuracy);
            if (i > 0) QVERIFY(r.evaluated[std::size_t(pool[i])].accuracy <= r.evaluated[std::size_t(pool[i - 1])].accuracy);
        }
        // More than there are configurations: one leader each, then the most accurate others.
        const int n = int(configurations.size());
        const std::vector<int> wide = search::rerankPool(r.evaluated, n + 2);
        QCOMPARE(int(wide.size()), n + 2);
        std::vector<std::string> leaders;
        for (int i = 0; i < n; ++i) leaders.push_back(depths(wide[std::size_t(i)]));
        std::sort(leaders.begin(), leaders.end());
        QVERIFY(std::unique(leaders.begin(), leaders.end()) == leaders.end());
        QVERIFY(search::rerankPool(r.evaluated, 0).empty());
        QCOMPARE(search::rerankPool(r.evaluated, 100000).size(), r.evaluated.size());
    }

    void rerankChoosesTheBestFineTuned() {
        const auto p = problem();
        search::Result r = search::run(p, settings(), evaluator(), {});
        const std::string supernetBest = r.best.key;
        std::vector<std::string> asked;
        // The fine-tuned accuracy prefers the pool's last network.
        const search::Rerank rr = search::rerank(r, 3, 50, [&](const std::vector<arch::Architecture>& pool) {
            std::vector<double> acc;
            for (std::size_t i = 0; i < pool.size(); ++i) {
                asked.push_back(search::keyOf(pool[i]));
                acc.push_back(0.5 + 0.1 * double(i));
            }
            return acc;
        });
        QCOMPARE(int(asked.size()), 3);
        QCOMPARE(rr.chosen, rr.pool.back());
        QCOMPARE(r.best.key, asked.back());
        QVERIFY(r.best.key != supernetBest);
        const auto j = search::resultJson(p, settings(), r, &rr);
        QCOMPARE(j["version"].get<int>(), 2);
        QCOMPARE(j["best"].get<int>(), rr.chosen);
        QCOMPARE(j["rerank"]["chosen"].get<int>(), rr.chosen);
        QCOMPARE(j["rerank"]["steps"].get<int>(), 50);
        QCOMPARE(j["rerank"]["pool"].size(), std::size_t(3));
        QVERIFY(search::resultJson(p, settings(), r)["rerank"].is_null());

        // Ties keep the supernet's order; a wrong count is an error.
        search::Result t = search::run(p, settings(), evaluator(), {});
        const search::Rerank tie = search::rerank(t, 3, 1, [](const std::vector<arch::Architecture>& pool) {
            return std::vector<double>(pool.size(), 0.9);
        });
        QCOMPARE(tie.chosen, tie.pool.front());
        QCOMPARE(t.best.key, supernetBest);
        QVERIFY_THROWS_EXCEPTION(Error, search::rerank(t, 3, 1, [](const std::vector<arch::Architecture>&) {
            return std::vector<double>{0.5};
        }));
    }

    void damagedStateFilesAreRefused() {
        const auto p = problem();
        search::Hooks hooks;
        hooks.statePath = path("good.json");
        search::Settings s = settings();
        s.generations = 1;
        search::run(p, s, evaluator(), hooks);
        std::ifstream in(hooks.statePath);
        const std::string original((std::istreambuf_iterator<char>(in)), {});
        std::mt19937_64 rng(25);
        hooks.statePath = path("mutated.json");
        int refused = 0;
        for (int i = 0; i < 150; ++i) {
            std::ofstream(hooks.statePath, std::ios::trunc) << testing::mutate(original, rng);
            try {
                search::run(p, s, evaluator(), hooks, true);
            } catch (const Error& e) {
                QVERIFY2(QString(e.what()).contains("mutated.json"), e.what());
                ++refused;
            }
        }
        QVERIFY(refused > 50);
    }
};

QTEST_GUILESS_MAIN(TestEvolution)
#include "test_evolution.moc"
