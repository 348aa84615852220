// The deploy pipeline's order and "run what is missing" rule (deploy/stages.h),
// with injected stages: no compiler, no QEMU, no board. Every state and
// target against the rule written out independently; a failing stage
// leaves the state the stages before it reached, and asking again resumes
// from the failed stage.
#include <QtTest>

#include <stdexcept>
#include <string>
#include <vector>

#include "deploy/stages.h"

using mcunet::deploy::Stage;
using mcunet::deploy::StageState;
namespace deploy = mcunet::deploy;

namespace {

StageState fromBits(int bits) {
    StageState s;
    s.generated = bits & 1;
    s.built = bits & 2;
    s.flashed = bits & 4;
    s.profiled = bits & 8;
    return s;
}

// The rule, spelled out: a stage counts as done only when every stage before
// it is done too; asking for `target` runs from the first stage before it
// that is not done, else just `target`.
std::vector<Stage> expected(Stage target, const StageState& s) {
    const bool flag[] = {s.generated, s.built, s.flashed, s.profiled};
    int first = static_cast<int>(target);
    bool chainDone = true;
    for (int i = 0; i < static_cast<int>(target); ++i) {
        chainDone = chainDone && flag[i];
        if (!chainDone) {
            first = i;
            break;
        }
    }
    std::vector<Stage> out;
    for (int i = first; i <= static_cast<int>(target); ++i) out.push_back(static_cast<Stage>(i));
    return out;
}

QString names(const std::vector<Stage>& stages) {
    QStringList l;
    for (Stage s : stages) l << deploy::stageName(s);
    return l.join(' ');
}

}  // namespace

class TestStages : public QObject {
    Q_OBJECT

private slots:
    void orderAndNames() {
        QCOMPARE(deploy::allStages().size(), std::size_t(4));
        QCOMPARE(names(deploy::allStages()), QStringLiteral("generate build flash profile"));
        QCOMPARE(names(deploy::stagesAfresh(Stage::Flash)), QStringLiteral("generate build flash"));
        QCOMPARE(names(deploy::stagesAfresh(Stage::Generate)), QStringLiteral("generate"));
    }

    void everyStateAndTarget() {
        for (int bits = 0; bits < 16; ++bits)
            for (Stage target : deploy::allStages()) {
                const StageState s = fromBits(bits);
                QCOMPARE(names(deploy::stagesFor(target, s)), names(expected(target, s)));
            }
        // The cases people meet:
        QCOMPARE(names(deploy::stagesFor(Stage::Profile, {})), QStringLiteral("generate build flash profile"));
        QCOMPARE(names(deploy::stagesFor(Stage::Profile, {true, true, false, false})), QStringLiteral("flash profile"));
        QCOMPARE(names(deploy::stagesFor(Stage::Profile, {true, true, true, true})), QStringLiteral("profile"));
        QCOMPARE(names(deploy::stagesFor(Stage::Build, {true, true, true, true})), QStringLiteral("build"));
        // A flash record without a current build does not count.
        QCOMPARE(names(deploy::stagesFor(Stage::Profile, {true, false, true, false})), QStringLiteral("build flash profile"));
    }

    void aStageMakesLaterOnesOutOfDate() {
        const StageState all{true, true, true, true};
        QCOMPARE(deploy::afterStage(Stage::Generate, all), (StageState{true, false, false, false}));
        QCOMPARE(deploy::afterStage(Stage::Build, all), (StageState{true, true, false, false}));
        QCOMPARE(deploy::afterStage(Stage::Flash, all), (StageState{true, true, true, false}));
        QCOMPARE(deploy::afterStage(Stage::Profile, StageState{true, true, true, false}), all);
    }

    void injectedStagesRunInOrder() {
        std::vector<Stage> ran;
        const StageState end = deploy::runStages(deploy::stagesFor(Stage::Profile, {}), {}, [&](Stage s) { ran.push_back(s); });
        QCOMPARE(names(ran), QStringLiteral("generate build flash profile"));
        QCOMPARE(end, (StageState{true, true, true, true}));
    }

    void aFailedStageResumesWhereItStopped() {
        std::vector<Stage> ran;
        StageState reached;
        bool boardAbsent = true;
        auto run = [&](Stage s) {
            ran.push_back(s);
            if (s == Stage::Flash && boardAbsent) throw std::runtime_error("no board connected");
        };
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, deploy::runStages(deploy::stagesFor(Stage::Profile, {}), {}, run, &reached));
        QCOMPARE(names(ran), QStringLiteral("generate build flash"));
        QCOMPARE(reached, (StageState{true, true, false, false}));
        ran.clear();
        boardAbsent = false;
        const StageState end = deploy::runStages(deploy::stagesFor(Stage::Profile, reached), reached, run, &reached);
        QCOMPARE(names(ran), QStringLiteral("flash profile"));
        QCOMPARE(end, reached);
        QVERIFY(end.done(Stage::Profile));
    }
};

QTEST_APPLESS_MAIN(TestStages)
#include "test_stages.moc"
