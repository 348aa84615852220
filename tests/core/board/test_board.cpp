// core/board: the catalog and board-file validation.
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include <nlohmann/json.hpp>

#include "board/board.h"
#include "board/profiler.h"
#include "common/error.h"

using namespace mcunet;
using nlohmann::json;

class TestBoard : public QObject {
    Q_OBJECT
private slots:
    // Issue 14.7/8: plan.json shapes are bounded before anything is
    // allocated, and a board's HELLO must match the flashed plan.
    void planShapesAndHelloAreChecked() {
        nlohmann::json plan = {{"arena_bytes", 1000}, {"layers", nlohmann::json::array({{{"name", "a"}}, {{"name", "b"}}})},
                               {"input", {{"shape", {8, 8, 3}}}}, {"output", {{"shape", {1, 1, 2}}}}};
        QCOMPARE(board::tensorBytesFromPlan(plan, "input"), std::int64_t(192));
        board::Hello h;
        h.layers = 2;
        h.arenaBytes = 1000;
        h.inputBytes = 192;
        h.outputBytes = 2;
        board::checkHelloAgainstPlan(h, plan);
        h.layers = 65535;
        QVERIFY_THROWS_EXCEPTION(Error, board::checkHelloAgainstPlan(h, plan));
        h.layers = 2;
        h.arenaBytes = 0xffffffffu;
        QVERIFY_THROWS_EXCEPTION(Error, board::checkHelloAgainstPlan(h, plan));
        for (const nlohmann::json& bad : {nlohmann::json{100000, 100000, 3}, nlohmann::json{-1, 8, 3}, nlohmann::json{8, 8},
                                          nlohmann::json{8, "8", 3}, nlohmann::json{1e300, 1, 1}}) {
            plan["input"]["shape"] = bad;
            QVERIFY_THROWS_EXCEPTION(Error, board::tensorBytesFromPlan(plan, "input"));
        }
    }

    void catalogHasTheBoards() {
        const board::Catalog c = board::Catalog::builtIn();
        for (const char* id : {"stm32f746g-disco", "nucleo-f767zi", "nucleo-h743zi", "stm32f412-disco", "nano33ble",
                               "virtual-m7", "virtual-m4", "openmv-h7"})
            QVERIFY2(c.find(id) != nullptr, id);
        const board::Board& f746 = c.byId("stm32f746g-disco");
        QCOMPARE(f746.core, std::string("cortex-m7"));
        QCOMPARE(f746.clockHz, std::int64_t(216000000));
        QCOMPARE(f746.sramBytes, std::int64_t(320 * 1024));
        QCOMPARE(f746.flashBytes, std::int64_t(1024 * 1024));
        const board::Board& vm7 = c.byId("virtual-m7");
        QVERIFY(vm7.isVirtual);
        QCOMPARE(vm7.qemuMachine, std::string("mps2-an500"));
        QCOMPARE(vm7.cycleCounter, std::string("icount"));
        QCOMPARE(vm7.sramBytes, f746.sramBytes);
        QCOMPARE(c.byId("virtual-m4").qemuMachine, std::string("mps2-an386"));
        QCOMPARE(c.byId("stm32f412-disco").core, std::string("cortex-m4"));
        QCOMPARE(c.byId("nano33ble").usb.at(0).product, std::uint16_t(0x805a));
        try {
            c.byId("arduino-uno");
            QFAIL("unknown board accepted");
        } catch (const Error& e) {
            QVERIFY(QString(e.what()).contains("virtual-m7"));  // lists the known IDs
        }
    }

    void roundTrip() {
        const board::Catalog c = board::Catalog::builtIn();
        for (const auto& b : c.boards()) {
            const board::Board back = board::boardFromJson(json::parse(board::toJson(b).dump()));
            QCOMPARE(back.id, b.id);
            QCOMPARE(back.sramBytes, b.sramBytes);
            QCOMPARE(back.latency.cyclesPerInstruction, b.latency.cyclesPerInstruction);
            QCOMPARE(back.latency.opScale, b.latency.opScale);
            QVERIFY(back.firmware == b.firmware);
        }
    }

    // Version 1's per-MAC table: cycles per instruction from its 1x1
    // convolution's cycles per MAC (docs/board-json.md).
    void versionOneLatencyTable() {
        json doc = board::toJson(board::Catalog::builtIn().byId("stm32f412-disco"));
        doc["schema_version"] = 1;
        doc["latency"] = json::parse(R"({"cycles_per_mac": {"conv2d": 2.4, "pointwise_conv2d": 1.5},
                                         "cycles_per_element": {"add": 3.0}, "cycles_per_layer": 2000})");
        const board::Board b = board::boardFromJson(doc);
        QCOMPARE(b.latency.cyclesPerInstruction, 1.5);
        QVERIFY(b.latency.opScale.empty());
        doc["schema_version"] = 3;
        QVERIFY_THROWS_EXCEPTION(Error, board::boardFromJson(doc));
    }

    void badBoardsNameTheField_data() {
        QTest::addColumn<QString>("pointer");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("sram text") << "/sram_bytes" << "\"lots\"" << "sram_bytes: expected an integer";
        QTest::newRow("sram zero") << "/sram_bytes" << "0" << "sram_bytes: 0";
        QTest::newRow("core") << "/core" << "\"z80\"" << "core";
        QTest::newRow("usb id") << "/usb/0/vid" << "\"48\"" << "usb[0].vid";
        QTest::newRow("cycles per instruction") << "/latency/cycles_per_instruction" << "-1" << "latency.cycles_per_instruction";
        QTest::newRow("cycles per instruction text") << "/latency/cycles_per_instruction" << "\"1\"" << "latency.cycles_per_instruction";
        QTest::newRow("unknown op kind") << "/latency/op_scale/conv3d" << "1.5" << "op_scale.conv3d: unknown field";
        QTest::newRow("op scale range") << "/latency/op_scale/add" << "1000" << "latency.op_scale.add";
        QTest::newRow("old table in version 2") << "/latency/cycles_per_mac" << "{}" << "cycles_per_mac: unknown field";
        QTest::newRow("id") << "/id" << "\"Bad Id\"" << "id";
        QTest::newRow("runtime") << "/runtime_flash_bytes" << "99999999" << "runtime_flash_bytes";
        // The firmware block reaches the compiler and the linker script: only its safe forms pass.
        QTest::newRow("layer path") << "/firmware/sources/0" << "\"../../etc/evil.c\"" << "firmware/sources[0]";
        QTest::newRow("layer flag") << "/firmware/sources/1" << "\"-fplugin=x.c\"" << "firmware/sources[1]";
        QTest::newRow("layer twice") << "/firmware/sources/1" << "\"board_stm32f7.c\"" << "listed twice";
        QTest::newRow("layer not text") << "/firmware/sources/0" << "7" << "firmware/sources[0]: expected a string";
        QTest::newRow("no layer files") << "/firmware/sources" << "[]" << "firmware/sources";
        QTest::newRow("define") << "/firmware/defines/0" << "\"X=1 -o /tmp/y\"" << "firmware/defines[0]";
        QTest::newRow("fpu") << "/firmware/fpu" << "\"neon -O0\"" << "firmware/fpu";
        QTest::newRow("origin unaligned") << "/firmware/flash_origin" << "\"0x08000001\"" << "firmware/flash_origin";
        QTest::newRow("origin text") << "/firmware/flash_origin" << "\"ORIGIN\"" << "firmware/flash_origin";
        QTest::newRow("layer core") << "/firmware/core" << "\"cortex-m4\"" << "firmware/core";
        QTest::newRow("layer unknown field") << "/firmware/linker_script" << "\"x.ld\"" << "linker_script: unknown field";
        QTest::newRow("firmware in version 2") << "/schema_version" << "2" << "firmware: needs schema_version 3";
    }
    void badBoardsNameTheField() {
        QFETCH(QString, pointer);
        QFETCH(QString, value);
        QFETCH(QString, mentions);
        json doc = board::toJson(board::Catalog::builtIn().byId("stm32f746g-disco"));
        doc[json::json_pointer(pointer.toStdString())] = json::parse(value.toStdString());
        try {
            board::boardFromJson(doc);
            QFAIL("accepted");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains(mentions), e.what());
        }
    }

    void badFolderNamesTheFile() {
        QTemporaryDir dir;
        std::ofstream(dir.filePath("good.json").toStdString())
            << board::toJson(board::Catalog::builtIn().byId("virtual-m7")).dump();
        std::ofstream(dir.filePath("zz-bad.json").toStdString()) << "{ not json";
        try {
            board::Catalog::load(dir.path().toStdString());
            QFAIL("accepted");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("zz-bad.json"), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(Error, board::Catalog::load(dir.filePath("nowhere").toStdString()));
    }
};

QTEST_GUILESS_MAIN(TestBoard)
#include "test_board.moc"
