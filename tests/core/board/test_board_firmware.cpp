// core/board firmware builds for real boards (issue 13): the STM32F746G-DISCO
// board layer cross-compiles warning-free with the generated model and fits;
// its ELF has the vector table where the core reads it (initial SP inside
// SRAM, reset handler in Flash with the Thumb bit), every section inside the
// board's memory map, single-precision FP only (the F746's FPU), and the
// MLPerf task id compiled in. Firmware options are validated before any
// build; boards without a board layer are refused by name. Nothing here runs
// the firmware: QEMU has no STM32F7 (docs/boards.md says what needs a board).
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <iterator>
#include <random>

#include "board/board.h"
#include "board/elf.h"
#include "board/firmware_build.h"
#include "board/mlperf.h"
#include "codegen/codegen.h"
#include "common/error.h"
#include "common/process.h"
#include "graph/build.h"
#include "memory/plan.h"
#include "quant/model.h"
#include "space/search_space.h"

using namespace mcunet;

namespace {

const board::Board& boardById(const std::string& id) { return board::Catalog::builtIn().byId(id); }

// A small seeded network, generated as `mcunet codegen` does.
void generate(const std::string& dir, const std::string& boardId) {
    std::mt19937_64 rng(5);
    const graph::Graph g = graph::buildGraph(space::sample(space::mcunetSpace(10), 48, 0.3, rng));
    const quant::QuantizedModel model = quant::quantizeSeeded(g, 1);
    codegen::Options o;
    o.modelName = "f746-test";
    o.boardId = boardId;
    codegen::generate(model, memory::plan(model.graph, memory::Planner::Ours), dir, o);
}

bool inside(std::uint64_t address, std::uint64_t size, std::uint64_t origin, std::uint64_t length) {
    return address >= origin && address + size <= origin + length;
}

std::string tool(const std::vector<std::string>& argv) {
    const ProcessResult r = runProcess(argv, "", 120);
    if (r.exitCode != 0) throw Error(argv[0] + " failed: " + r.output);
    return r.output;
}

}  // namespace

class TestBoardFirmware : public QObject {
    Q_OBJECT
private slots:
    void stm32f7FirmwareBuildsAndFits_data() {
        QTest::addColumn<QString>("board");
        QTest::addColumn<int>("flashKb");
        QTest::addColumn<int>("sramKb");
        // RCC_PLLCFGR's word: M = the board's HSE in MHz (25: the DISCO's crystal,
        // 8: the Nucleo's ST-LINK clock), N = 432, P = /2, source HSE, Q = 9.
        QTest::addColumn<quint32>("pllWord");
        QTest::addColumn<quint32>("otherPllWord");  // the other board's: must not appear
        QTest::newRow("stm32f746g-disco") << "stm32f746g-disco" << 1024 << 320 << 0x09406C19u << 0x09406C08u;
        QTest::newRow("nucleo-f767zi") << "nucleo-f767zi" << 2048 << 512 << 0x09406C08u << 0x09406C19u;
    }

    // The STM32F7 board layer's firmware for each of its boards: warning-free,
    // vector table, memory map and sizes from the ELF, the board's own UART.
    void stm32f7FirmwareBuildsAndFits() {
        QFETCH(QString, board);
        QFETCH(int, flashKb);
        QFETCH(int, sramKb);
        QFETCH(quint32, pllWord);
        QFETCH(quint32, otherPllWord);
        const board::Board& b = boardById(board.toStdString());
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        generate(dir, b.id);
        board::FirmwareOptions options;
        options.mlperfTaskId = "vww01";
        options.uartBaud = 921600;
        const board::FirmwareBuild fw = board::buildFirmware(dir, b, options);
        // Warning-free: the build uses -Wall -Wextra -Werror, and says nothing.
        QVERIFY2(fw.log.find("warning") == std::string::npos, fw.log.c_str());
        QVERIFY(fw.inputCopy);
        QCOMPARE(fw.flashOrigin, std::uint32_t(0x08000000));
        const std::uint32_t flash = 0x08000000u, sram = 0x20000000u;
        const std::uint32_t flashBytes = std::uint32_t(flashKb) * 1024, sramBytes = std::uint32_t(sramKb) * 1024;
        QCOMPARE(b.flashBytes, std::int64_t(flashBytes));
        QCOMPARE(b.sramBytes, std::int64_t(sramBytes));
        const board::ElfImage elf = board::readElf(fw.elf);

        // The vector table at the start of Flash, where the F746 boots.
        const board::ElfSection* vectors = elf.section(".isr_vector");
        QVERIFY(vectors != nullptr);
        QCOMPARE(vectors->address, flash);
        QCOMPARE(vectors->size, std::uint32_t(16 * 4));
        const std::vector<std::uint32_t> v = elf.words(flash, 16);
        const std::uint32_t sp = v[0], reset = v[1];
        QVERIFY2(sp > sram && sp <= sram + sramBytes, qPrintable(QString::number(sp, 16)));
        QCOMPARE(sp % 8, 0u);  // AAPCS: an 8-byte aligned stack
        QCOMPARE(sp, *elf.symbolAddress("_estack"));
        QCOMPARE(reset & 1u, 1u);  // Thumb
        QVERIFY(inside(reset & ~1u, 2, flash, flashBytes));
        QCOMPARE(reset, *elf.symbolAddress("Reset_Handler"));  // a Thumb function's symbol has the bit too
        for (int i = 2; i < 16; ++i) {
            if (v[static_cast<std::size_t>(i)] == 0) continue;  // reserved entries
            QVERIFY2((v[static_cast<std::size_t>(i)] & 1u) && inside(v[static_cast<std::size_t>(i)] & ~1u, 2, flash, flashBytes),
                     qPrintable(QString("vector %1: %2").arg(i).arg(v[static_cast<std::size_t>(i)], 0, 16)));
        }
        QCOMPARE(v[15], *elf.symbolAddress("SysTick_Handler"));

        // Every allocated section inside the board's Flash or SRAM.
        for (const board::ElfSection& s : elf.sections) {
            if (!s.alloc() || s.size == 0) continue;
            QVERIFY2(inside(s.address, s.size, flash, flashBytes) || inside(s.address, s.size, sram, sramBytes), s.name.c_str());
        }
        const board::MemoryUse use = board::memoryUse(elf);
        QCOMPARE(use.flashBytes, fw.flashBytes);
        QVERIFY(fw.flashBytes > 0 && fw.flashBytes <= flashBytes);
        QVERIFY(fw.sramBytes > fw.arenaBytes && fw.sramBytes <= sramBytes);
        qInfo("%s firmware: %lld B Flash, %lld B SRAM (arena %lld B)", b.id.c_str(), static_cast<long long>(fw.flashBytes),
              static_cast<long long>(fw.sramBytes), static_cast<long long>(fw.arenaBytes));

        // The F746's board layer, not the virtual board's.
        QVERIFY(elf.symbolAddress("dwt_counter_read").has_value());
        QVERIFY(elf.symbolAddress("board_init").has_value());
        std::ifstream mapFile(dir + "/build-" + b.id + "/firmware.map");
        const std::string map((std::istreambuf_iterator<char>(mapFile)), {});
        QVERIFY(map.find("firmware_board_stm32f7.o") != std::string::npos);
        QVERIFY(map.find("board_mps2") == std::string::npos);
        // Single-precision FP only: the F746's FPU has no double precision
        // (an FP64 instruction would fault there).
        const std::string attributes = tool({"arm-none-eabi-readelf", "-A", fw.elf});
        QVERIFY2(attributes.find("Tag_ABI_HardFP_use: SP only") != std::string::npos, attributes.c_str());
        const std::string code = tool({"arm-none-eabi-objdump", "-d", fw.elf});
        QVERIFY2(code.find(".f64") == std::string::npos, "a double-precision instruction in the F746 firmware");
        // The MLPerf task id reached the firmware.
        const std::string text(elf.file.begin(), elf.file.end());
        QVERIFY(text.find(std::string("vww01\0", 6)) != std::string::npos);
        // The board's own clock source: the PLL configuration word is a literal in the code.
        auto word = [](std::uint32_t w) { return std::string{char(w), char(w >> 8), char(w >> 16), char(w >> 24)}; };
        QVERIFY2(text.find(word(pllWord)) != std::string::npos, "not the board's PLL configuration");
        QVERIFY2(text.find(word(otherPllWord)) == std::string::npos, "the other board's PLL configuration");
        QVERIFY(text.find(b.id + std::string(1, '\0')) != std::string::npos);  // HELLO's board name
    }

    void optionsAreCheckedBeforeAnyBuild_data() {
        QTest::addColumn<QString>("task");
        QTest::addColumn<int>("baud");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("upper case") << "VWW01" << 115200 << "mlperf task id: only lower-case";
        QTest::newRow("quote") << "vww01\" -DX=\"1" << 115200 << "mlperf task id: only lower-case";
        QTest::newRow("bracket") << "vww]01" << 115200 << "mlperf task id: only lower-case";
        QTest::newRow("too long") << QString(33, 'a') << 115200 << "mlperf task id: 33 characters, at most 32";
        QTest::newRow("baud") << "vww01" << 12345 << "uart baud: 12345";
    }
    void optionsAreCheckedBeforeAnyBuild() {
        QFETCH(QString, task);
        QFETCH(int, baud);
        QFETCH(QString, mentions);
        board::FirmwareOptions o;
        o.mlperfTaskId = task.toStdString();
        o.uartBaud = baud;
        try {
            board::buildFirmware("/nonexistent-project", boardById("virtual-m7"), o);  // never reached: options first
            QFAIL("accepted");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains(mentions), e.what());
        }
        for (const std::string& id : board::mlperfTasks()) board::checkMlperfTaskId(id);
        board::checkMlperfTaskId("mcunet-vww1_2");
        QVERIFY_THROWS_EXCEPTION(Error, board::checkMlperfTaskId(""));
    }

    void mlperfTaskSuggestions() {
        QCOMPARE(board::mlperfTaskFor(96, 96, 3, 2), std::string("vww01"));
        QCOMPARE(board::mlperfTaskFor(32, 32, 3, 10), std::string("ic01"));
        QCOMPARE(board::mlperfTaskFor(49, 10, 1, 12), std::string("kws01"));
        QCOMPARE(board::mlperfTaskFor(1, 1, 640, 640), std::string("ad01"));
        QCOMPARE(board::mlperfTaskFor(96, 96, 3, 10), std::string());
        QCOMPARE(board::mlperfTaskFor(28, 28, 1, 10), std::string());
    }

    void boardsWithoutALayerAreRefused() {
        QVERIFY(board::hasFirmwareLayer(boardById("virtual-m7")));
        QVERIFY(board::hasFirmwareLayer(boardById("virtual-m4")));
        QVERIFY(board::hasFirmwareLayer(boardById("stm32f746g-disco")));
        QVERIFY(board::hasFirmwareLayer(boardById("nucleo-f767zi")));
        for (const char* id : {"nucleo-h743zi", "nano33ble", "openmv-h7", "stm32f412-disco"}) {
            QVERIFY2(!board::hasFirmwareLayer(boardById(id)), id);
            try {
                board::buildFirmware("/nonexistent-project", boardById(id));
                QFAIL("accepted");
            } catch (const Error& e) {
                QVERIFY2(QString(e.what()).contains(QString(id) + ": no firmware board layer"), e.what());
            }
        }
        board::Board m4 = boardById("stm32f746g-disco");
        m4.core = "cortex-m4";
        QVERIFY(!board::hasFirmwareLayer(m4));
        QVERIFY_THROWS_EXCEPTION(Error, board::buildFirmware("/nonexistent-project", m4));
    }

    void elfReadsOnlyWhatItHolds() {
        QTemporaryDir tmp;
        generate(tmp.path().toStdString(), "virtual-m7");
        const board::FirmwareBuild fw = board::buildFirmware(tmp.path().toStdString(), boardById("virtual-m7"));
        const board::ElfImage elf = board::readElf(fw.elf);
        QCOMPARE(elf.section(".isr_vector")->address, 0u);  // QEMU reads its vectors at 0x0
        QCOMPARE(elf.words(0, 1)[0], *elf.symbolAddress("_estack"));
        QVERIFY_THROWS_EXCEPTION(Error, elf.words(0x10000000u, 1));  // nothing there
        const board::ElfSection* bss = elf.section(".bss");
        QVERIFY(bss != nullptr && bss->size > 0);
        QVERIFY_THROWS_EXCEPTION(Error, elf.words(bss->address, 1));  // no bytes in the file
    }
};

QTEST_GUILESS_MAIN(TestBoardFirmware)
#include "test_board_firmware.moc"
