// core/project: the .mcuproj file: round trip, validation that names the bad
// field, version checks, autosave paths, and the shipped demo project.
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "arch/presets.h"
#include "board/board.h"
#include "common/error.h"
#include "project/project.h"

using namespace mcunet;

namespace {
std::string writeText(const QTemporaryDir& dir, const char* name, const std::string& text) {
    const std::string path = dir.filePath(name).toStdString();
    std::ofstream(path) << text;
    return path;
}
QString loadError(const std::string& path) {
    try {
        project::load(path);
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}
}  // namespace

class TestProject : public QObject {
    Q_OBJECT
private slots:
    void roundTrip() {
        QTemporaryDir dir;
        project::Project p = project::demoProject();
        p.name = "round-trip";
        p.target.boardId = "stm32f746g-disco";
        p.target.sramLimitBytes = 200 * 1024;
        p.architecture = arch::preset("mcunet-in3");
        p.space.grid = space::parseGrid("96:160:32/0.3:0.5:0.1");
        p.space.samplesPerSpace = 123;
        p.space.seed = 77;
        p.planner = "tinyengine";
        p.lastSpaceChoice = project::SpaceChoice{128, 0.4, 3.5e7, 0.25, 200 * 1024, 1024 * 1024};
        p.trainedModel = "/data/models/in3-20250101-120000";
        p.importedModel = "models/person_detect.tflite";
        const std::string path = dir.filePath("p.mcuproj").toStdString();
        project::save(p, path);
        const project::Project back = project::load(path);
        QVERIFY(back == p);
        QCOMPARE(back.space.grid.widths.size(), std::size_t(3));
        QVERIFY(!back.target.flashLimitBytes.has_value());
        // No temporary file is left beside it (atomic write).
        int files = 0;
        for (const auto& e : std::filesystem::directory_iterator(dir.path().toStdString())) files += e.is_regular_file();
        QCOMPARE(files, 1);
    }

    void demoFileIsTheDemoProject() {
        const std::string path = board::resourceDir() + "/projects/demo.mcuproj";
        const project::Project p = project::load(path);
        QCOMPARE(p.target.boardId, std::string("virtual-m7"));
        QVERIFY(p.architecture == arch::preset("mcunet-vww1"));
        QVERIFY(p == project::demoProject());
        project::checkAgainst(p, board::Catalog::builtIn());
    }

    void badFilesNameTheProblem_data() {
        QTest::addColumn<QString>("mutation");
        QTest::addColumn<QString>("expected");
        QTest::newRow("truncated") << "truncate" << "p.mcuproj";
        QTest::newRow("newer version") << "version" << "schema_version: 9";
        QTest::newRow("board not a string") << "board-type" << "target.board: expected a string";
        QTest::newRow("limit not an integer") << "limit-type" << "target.sram_limit_bytes: expected an integer";
        QTest::newRow("kernel not allowed") << "kernel" << "architecture.stages[0].blocks[0].kernel";
        QTest::newRow("unknown key") << "typo" << "serach_space";
        QTest::newRow("samples out of range") << "samples" << "search_space.samples_per_space: 0";
        QTest::newRow("bad planner") << "planner" << "design.planner";
        QTest::newRow("wrong format") << "format" << "format:";
        QTest::newRow("trained model not a string") << "trained-type" << "trained_model: expected a string";
        QTest::newRow("trained model empty") << "trained-empty" << "trained_model: must not be empty";
        QTest::newRow("imported model not a string") << "imported-type" << "imported_model: expected a string";
        QTest::newRow("imported model empty") << "imported-empty" << "imported_model: must not be empty";
        QTest::newRow("not an object") << "array" << "JSON object";
    }
    void badFilesNameTheProblem() {
        QFETCH(QString, mutation);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        nlohmann::json doc = project::toJson(project::demoProject());
        std::string text;
        if (mutation == "truncate") text = doc.dump(2).substr(0, 200);
        else {
            if (mutation == "version") doc["schema_version"] = 9;
            if (mutation == "board-type") doc["target"]["board"] = 7;
            if (mutation == "limit-type") doc["target"]["sram_limit_bytes"] = "lots";
            if (mutation == "kernel") doc["architecture"]["stages"][0]["blocks"][0]["kernel"] = 4;
            if (mutation == "typo") doc["serach_space"] = nlohmann::json::object();
            if (mutation == "samples") doc["search_space"]["samples_per_space"] = 0;
            if (mutation == "planner") doc["design"]["planner"] = "best";
            if (mutation == "format") doc["format"] = "mcunet-architecture";
            if (mutation == "trained-type") doc["trained_model"] = 3;
            if (mutation == "trained-empty") doc["trained_model"] = "";
            if (mutation == "imported-type") doc["imported_model"] = 3;
            if (mutation == "imported-empty") doc["imported_model"] = "";
            if (mutation == "array") doc = nlohmann::json::array({1, 2});
            text = doc.dump(2);
        }
        const QString error = loadError(writeText(dir, "p.mcuproj", text));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QVERIFY2(error.contains("p.mcuproj"), qPrintable(error));
    }

    void unknownBoardIsReported() {
        project::Project p = project::demoProject();
        p.target.boardId = "no-such-board";
        try {
            project::checkAgainst(p, board::Catalog::builtIn());
            QFAIL("accepted an unknown board");
        } catch (const Error& e) {
            QVERIFY(QString(e.what()).contains("target.board: unknown board \"no-such-board\""));
            QVERIFY(QString(e.what()).contains("virtual-m7"));
        }
    }

    void limitsApplyOverrides() {
        const board::Board& b = board::Catalog::builtIn().byId("virtual-m7");
        project::Project p = project::demoProject();
        QCOMPARE(project::limits(p, b).sramBytes, b.sramBytes);
        p.target.flashLimitBytes = 512 * 1024;
        QCOMPARE(project::limits(p, b).flashBytes, std::int64_t(512 * 1024));
        QCOMPARE(project::limits(p, b).sramBytes, b.sramBytes);
    }

    void autosaveIsNewerOnlyAfterAWrite() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("a.mcuproj").toStdString();
        QCOMPARE(project::autosavePath(path), path + ".autosave");
        project::save(project::demoProject(), path);
        QVERIFY(!project::hasNewerAutosave(path));
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        project::save(project::demoProject(), project::autosavePath(path));
        QVERIFY(project::hasNewerAutosave(path));
        std::filesystem::remove(path);
        QVERIFY(project::hasNewerAutosave(path));  // only the autosave is left: still worth offering
    }

    // Version 1 (before training) loads as version 2 without a trained model;
    // saving writes version 2 with "trained_model": null.
    void version1IsMigrated() {
        nlohmann::json v1 = project::toJson(project::demoProject());
        v1["schema_version"] = 1;
        v1.erase("trained_model");
        v1.erase("imported_model");
        v1.erase("search_run");
        v1["search_space"].erase("min_satisfying_share");
        const nlohmann::json migrated = project::migrate(v1);
        QCOMPARE(migrated["schema_version"].get<int>(), project::kProjectSchemaVersion);
        QVERIFY(migrated["trained_model"].is_null());
        QVERIFY(migrated["imported_model"].is_null());
        const project::Project p = project::fromJson(v1);
        QVERIFY(p.trainedModel.empty());
        QVERIFY(p == project::demoProject());
        QCOMPARE(project::toJson(p)["schema_version"].get<int>(), project::kProjectSchemaVersion);
        QVERIFY(project::toJson(p)["trained_model"].is_null());
        // A version-1 file does not know the field: it is refused there, not ignored.
        v1["trained_model"] = "/m";
        QVERIFY_THROWS_EXCEPTION(Error, project::fromJson(v1));
    }

    // Version 2 (before import) gains "imported_model": null; a version-2
    // file that already has the key is refused.
    void version2IsMigrated() {
        nlohmann::json v2 = project::toJson(project::demoProject());
        v2["schema_version"] = 2;
        v2.erase("imported_model");
        v2.erase("search_run");
        v2["search_space"].erase("min_satisfying_share");
        const project::Project p = project::fromJson(v2);
        QVERIFY(p.importedModel.empty());
        QVERIFY(p == project::demoProject());
        v2["imported_model"] = "/m.tflite";
        QVERIFY_THROWS_EXCEPTION(Error, project::fromJson(v2));
    }

    // Version 3 (before the search) gains "search_run": null; a version-3
    // file that already has the key is refused; the field round-trips.
    void version3IsMigrated() {
        nlohmann::json v3 = project::toJson(project::demoProject());
        v3["schema_version"] = 3;
        v3.erase("search_run");
        v3["search_space"].erase("min_satisfying_share");
        const project::Project p = project::fromJson(v3);
        QVERIFY(p.searchRun.empty());
        QVERIFY(p == project::demoProject());
        v3["search_run"] = "/runs/a";
        QVERIFY_THROWS_EXCEPTION(Error, project::fromJson(v3));
        project::Project searched = project::demoProject();
        searched.searchRun = "runs/fashion";
        QCOMPARE(project::fromJson(project::toJson(searched)).searchRun, std::string("runs/fashion"));
        nlohmann::json empty = project::toJson(searched);
        empty["search_run"] = "";
        QVERIFY_THROWS_EXCEPTION(Error, project::fromJson(empty));
    }

    // Version 4 (stage 1's rule fixed at 5%) gains
    // search_space.min_satisfying_share = 0.05; a version-4 file that has it
    // is refused; the field round-trips and is range-checked.
    void version4IsMigrated() {
        nlohmann::json v4 = project::toJson(project::demoProject());
        v4["schema_version"] = 4;
        v4["search_space"].erase("min_satisfying_share");
        const project::Project p = project::fromJson(v4);
        QCOMPARE(p.space.minSatisfyingShare, 0.05);
        QVERIFY(p == project::demoProject());
        v4["search_space"]["min_satisfying_share"] = 0.2;
        QVERIFY_THROWS_EXCEPTION(Error, project::fromJson(v4));
        project::Project strict = project::demoProject();
        strict.space.minSatisfyingShare = 0.25;
        QCOMPARE(project::fromJson(project::toJson(strict)).space.minSatisfyingShare, 0.25);
        for (const double bad : {-0.1, 1.5}) {
            nlohmann::json doc = project::toJson(strict);
            doc["search_space"]["min_satisfying_share"] = bad;
            try {
                project::fromJson(doc);
                QFAIL("an out-of-range share was accepted");
            } catch (const Error& e) {
                QVERIFY2(std::string(e.what()).find("search_space.min_satisfying_share") != std::string::npos, e.what());
            }
        }
    }

    void migrationRefusesUnknownVersions() {
        nlohmann::json doc = project::toJson(project::demoProject());
        QVERIFY(project::migrate(doc) == doc);  // current version: unchanged
        doc["schema_version"] = 0;
        QVERIFY_THROWS_EXCEPTION(Error, project::migrate(doc));
        doc["schema_version"] = "1";
        QVERIFY_THROWS_EXCEPTION(Error, project::migrate(doc));
    }
};

QTEST_GUILESS_MAIN(TestProject)
#include "test_project.moc"
