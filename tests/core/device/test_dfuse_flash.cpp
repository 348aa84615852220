// DfuSe flashing through the real libusb against a simulated STM32 ROM
// bootloader (dfuse_simulator.h) beneath it, in umockdev's testbed: the
// project's own DfuseDevice code sends real usbdevfs URBs. Run under
// umockdev-wrapper (CTest does). Checks the flash array itself: the image is
// there, only the covered sectors were erased, every other byte is as it
// was, the option bytes were never touched; and each failure (bad address,
// write error, device gone, stuck in dfuDNBUSY, cancel) is reported with
// its own kind and message. dfu-util, run against the same simulator,
// writes the same bytes (a cross-check of the simulator).
#include <QtTest>

#include <fstream>
#include <random>

#include "board/board.h"
#include "common/process.h"
#include "device/dfuse_device.h"
#include "device/dfuse_plan.h"
#include "dfuse_simulator.h"

using namespace mcunet;
using namespace mcunet::device;
using mcunet::test::DfuseSimulator;
using mcunet::test::MockUsbBus;

namespace {

constexpr std::uint32_t kBase = DfuseSimulator::kFlashBase;
const char* const kSerial = "3276375F3034";

std::vector<std::uint8_t> makeImage(std::size_t size, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<std::uint8_t> image(size);
    for (auto& b : image) b = static_cast<std::uint8_t>(rng());
    return image;
}

// The simulator's sectors (F746) that [address, address + size) touches,
// computed here from RM0385's map, independently of the plan under test.
QList<quint32> coveredSectors(std::uint32_t address, std::uint64_t size) {
    QList<quint32> out;
    std::uint32_t at = kBase;
    const std::uint32_t sizes[] = {32768, 32768, 32768, 32768, 131072, 262144, 262144, 262144};
    for (std::uint32_t s : sizes) {
        if (at < address + size && address < at + s) out << at;
        at += s;
    }
    return out;
}

QList<quint32> toList(const std::vector<std::uint32_t>& v) { return QList<quint32>(v.begin(), v.end()); }

DfuseOptions quick() {
    DfuseOptions o;
    o.eraseTimeoutMs = 3000;
    o.writeTimeoutMs = 3000;
    o.transferTimeoutMs = 3000;
    return o;
}

}  // namespace

class TestDfuseFlash : public QObject {
    Q_OBJECT
    std::unique_ptr<MockUsbBus> bus_;
    std::shared_ptr<DfuseSimulator> sim_;

    void plugIn() {
        bus_.reset();
        bus_ = std::make_unique<MockUsbBus>();
        sim_ = std::make_shared<DfuseSimulator>(7);
        bus_->add(sim_->spec(kSerial, 1, 5, 4), sim_);
    }
    static DfuseDevice open() { return DfuseDevice::open({}, &board::Catalog::builtIn()); }

    // Runs flash() expecting a DeviceError; returns it.
    DeviceError flashFails(std::uint32_t address, std::size_t size, const DfuseOptions& options) {
        DfuseDevice d = open();
        const auto image = makeImage(size, 3);
        try {
            d.flash(image, address, options);
        } catch (const DeviceError& e) {
            return e;
        }
        return DeviceError(DeviceErrorKind::Usb, "flash() succeeded");
    }

private slots:
    void initTestCase() {
        if (!test::underUmockdev()) QSKIP("needs umockdev-wrapper (CTest runs it so)");
    }
    void init() { plugIn(); }
    void cleanup() {
        bus_.reset();
        sim_.reset();
    }

    void opensAndReadsTheLayout() {
        DfuseDevice d = open();
        const DfuseDeviceInfo& info = d.info();
        QCOMPARE(info.usb.serial, std::string(kSerial));
        QCOMPARE(info.usb.kind, UsbKind::Dfu);
        QCOMPARE(info.usb.bus, 1);
        QCOMPARE(info.usb.address, 5);
        QVERIFY(std::find(info.usb.boardIds.begin(), info.usb.boardIds.end(), "stm32f746g-disco") != info.usb.boardIds.end());
        QCOMPARE(info.transferSize, std::uint16_t{2048});
        QCOMPARE(info.dfuVersion, std::uint16_t{0x011A});
        QVERIFY(info.canDownload && info.canUpload);
        QCOMPARE(info.alts.size(), std::size_t{2});
        QCOMPARE(info.alts[0].layoutText, sim_->flashLayout());
        QCOMPARE(info.alts[0].layoutText, std::string("@Internal Flash  /0x08000000/04*032Kg,01*128Kg,03*256Kg"));
        QVERIFY(info.alts[0].memory.has_value());
        QCOMPARE(info.alts[0].memory->sectors.size(), std::size_t{8});
        QCOMPARE(info.alts[1].memory->name, std::string("Option Bytes"));
        QCOMPARE(d.altFor(0x1FFF0000)->alt, 1);
        QVERIFY(d.altFor(0x20000000) == nullptr);
    }

    void flashesAndVerifies_data() {
        QTest::addColumn<quint32>("address");
        QTest::addColumn<int>("size");
        QTest::newRow("vector table start, 40000 B") << kBase << 40000;
        QTest::newRow("inside sector 2") << kBase + 0x10100 << 5000;
        QTest::newRow("across sectors 3 and 4") << kBase + 0x1F000 << 0x3000;
        QTest::newRow("exactly sector 1") << kBase + 0x8000 << 0x8000;
        QTest::newRow("last byte of the flash") << kBase + 0xFFFFF << 1;
    }
    void flashesAndVerifies() {
        QFETCH(quint32, address);
        QFETCH(int, size);
        const auto before = sim_->flash();
        const auto options = sim_->optionBytes();
        const auto image = makeImage(static_cast<std::size_t>(size), 11);
        std::vector<DfuseProgress> events;
        DfuseOptions o = quick();
        o.progress = [&](const DfuseProgress& p) {
            events.push_back(p);
            return true;
        };
        DfuseReport r;
        {
            DfuseDevice d = open();
            r = d.flash(image, address, o);
        }
        QVERIFY(r.verified);
        QVERIFY(r.left);
        QVERIFY(sim_->leftDfu());
        QList<quint32> erased;
        for (const DfuseSector& s : r.erased) erased << s.address;
        QCOMPARE(erased, coveredSectors(address, static_cast<std::uint64_t>(size)));
        QCOMPARE(toList(sim_->erasedSectors()), erased);
        QCOMPARE(sim_->massErases(), 0);
        QCOMPARE(sim_->earlyPolls(), 0);  // bwPollTimeout honoured
        QCOMPARE(sim_->optionBytes(), options);
        const auto after = sim_->flash();
        const std::size_t offset = address - kBase;
        QVERIFY(std::equal(image.begin(), image.end(), after.begin() + static_cast<std::ptrdiff_t>(offset)));
        // Every byte outside the image is as it was, in covered sectors too.
        for (std::size_t i = 0; i < after.size(); ++i)
            if (i < offset || i >= offset + image.size()) QCOMPARE(after[i], before[i]);
        // Progress: phases in order, each one's count never going back.
        QVERIFY(!events.empty());
        for (std::size_t i = 1; i < events.size(); ++i) {
            QVERIFY(events[i].phase >= events[i - 1].phase);
            if (events[i].phase == events[i - 1].phase) QVERIFY(events[i].done >= events[i - 1].done);
            QVERIFY(events[i].done <= events[i].total);
        }
        QCOMPARE(events.back().phase, DfuseProgress::Phase::Leaving);
    }

    // Without preserve the covered sectors' other bytes are blank; sectors the
    // image does not touch are never erased.
    void erasesOnlyTheCoveredSectors() {
        const auto before = sim_->flash();
        const auto image = makeImage(70000, 5);  // 0x08009000 .. 0x0801A170: sectors 1, 2, 3
        const std::uint32_t address = kBase + 0x9000;
        DfuseOptions o = quick();
        o.preserve = false;
        o.leave = false;
        const DfuseReport r = open().flash(image, address, o);
        QVERIFY(r.verified);
        QVERIFY(!r.left);
        QCOMPARE(toList(sim_->erasedSectors()), (QList<quint32>{kBase + 0x8000, kBase + 0x10000, kBase + 0x18000}));
        const auto after = sim_->flash();
        for (std::size_t i = 0; i < after.size(); ++i) {
            const std::uint32_t a = kBase + static_cast<std::uint32_t>(i);
            if (a >= address && a < address + image.size()) QCOMPARE(after[i], image[a - address]);
            else if (a >= kBase + 0x8000 && a < kBase + 0x20000) QCOMPARE(after[i], std::uint8_t{0xFF});
            else QCOMPARE(after[i], before[i]);
        }
        QCOMPARE(sim_->state(), std::uint8_t{2});  // dfuIDLE: still in the bootloader
    }

    void refusesOutsideTheLayout_data() {
        QTest::addColumn<quint32>("address");
        QTest::addColumn<int>("size");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("past the end") << kBase + 0xFFF00 << 0x200 << "0x08100000";
        QTest::newRow("before the flash") << kBase - 0x100 << 0x200 << "no memory";
        QTest::newRow("SRAM") << 0x20000000u << 16 << "no memory";
        QTest::newRow("option bytes") << DfuseSimulator::kOptionBase << 4 << "option bytes";
    }
    void refusesOutsideTheLayout() {
        QFETCH(quint32, address);
        QFETCH(int, size);
        QFETCH(QString, mentions);
        const auto before = sim_->flash();
        const DeviceError e = flashFails(address, static_cast<std::size_t>(size), quick());
        QCOMPARE(e.kind(), DeviceErrorKind::Refused);
        QVERIFY2(QString(e.what()).contains(mentions), e.what());
        QCOMPARE(sim_->downloadRequests(), 0);  // refused before touching the device
        QCOMPARE(sim_->flash(), before);
    }

    void badAddress() {
        sim_->rejectAddresses(kBase + 0x20000, kBase + 0x40000);
        const auto before = sim_->flash();
        const DeviceError e = flashFails(kBase + 0x20000, 1000, quick());
        QCOMPARE(e.kind(), DeviceErrorKind::DeviceStatus);
        QVERIFY2(QString(e.what()).contains("errTARGET"), e.what());
        QVERIFY2(QString(e.what()).contains("check the image address"), e.what());
        QVERIFY(sim_->erasedSectors().empty());
        QCOMPARE(sim_->flash(), before);
        QCOMPARE(sim_->state(), std::uint8_t{2});  // CLRSTATUS brought it back to dfuIDLE
    }

    void writeError() {
        sim_->failWriteAt(kBase + 5000);
        const DeviceError e = flashFails(kBase, 12000, quick());
        QCOMPARE(e.kind(), DeviceErrorKind::DeviceStatus);
        QVERIFY2(QString(e.what()).contains("errWRITE"), e.what());
        QVERIFY2(QString(e.what()).contains("write-protected"), e.what());
        QVERIFY2(QString(e.what()).contains("partial image"), e.what());
        QVERIFY2(QString(e.what()).contains("0x08001000"), e.what());  // the block holding 0x08001388
        QCOMPARE(toList(sim_->erasedSectors()), QList<quint32>{kBase});
        QCOMPARE(sim_->state(), std::uint8_t{2});
    }

    void deviceDisappearsMidDownload() {
        sim_->vanishAfterBlocks(3);
        const DeviceError e = flashFails(kBase, 20000, quick());
        QCOMPARE(e.kind(), DeviceErrorKind::Disconnected);
        QVERIFY2(QString(e.what()).contains("gone"), e.what());
        QVERIFY2(QString(e.what()).contains("0x08001800"), e.what());  // the 4th block
        QVERIFY2(QString(e.what()).contains("partial image"), e.what());
    }

    void stuckInBusy() {
        sim_->stayBusyAfterBlocks(2);
        DfuseOptions o = quick();
        o.writeTimeoutMs = 300;
        QElapsedTimer t;
        t.start();
        const DeviceError e = flashFails(kBase, 20000, o);
        const qint64 ms = t.elapsed();
        QCOMPARE(e.kind(), DeviceErrorKind::Timeout);
        QVERIFY2(QString(e.what()).contains("dfuDNBUSY"), e.what());
        QVERIFY2(QString(e.what()).contains("Power-cycle"), e.what());
        QVERIFY2(ms >= 300 && ms < 5000, qPrintable(QString::number(ms)));
        QCOMPARE(sim_->earlyPolls(), 0);
    }

    void cancels() {
        DfuseOptions o = quick();
        int writes = 0;
        o.progress = [&](const DfuseProgress& p) { return p.phase != DfuseProgress::Phase::Writing || ++writes < 2; };
        const DeviceError e = flashFails(kBase, 20000, o);
        QCOMPARE(e.kind(), DeviceErrorKind::Cancelled);
        QVERIFY2(QString(e.what()).contains("cancelled while writing"), e.what());
        std::atomic<bool> cancel{true};
        DfuseOptions flag = quick();
        flag.cancel = &cancel;
        QCOMPARE(flashFails(kBase + 0x100, 100, flag).kind(), DeviceErrorKind::Cancelled);
    }

    void readsBack() {
        const auto expected = sim_->flash();
        const auto bytes = open().read(kBase + 0x7F00, 5000, quick());
        QVERIFY(std::equal(bytes.begin(), bytes.end(), expected.begin() + 0x7F00));
        QCOMPARE(bytes.size(), std::size_t{5000});
    }

    // dfu-util (Debian's, 0.11) downloads into the simulator: the same bytes
    // as our flasher without preserve, the same sectors erased. This checks
    // the simulator against an independent host implementation.
    void dfuUtilWritesTheSameBytes() {
        const std::string dfuUtil = findProgram("dfu-util");
        if (dfuUtil.empty()) QSKIP("dfu-util is not installed");
        const auto image = makeImage(70000, 9);
        const std::uint32_t address = kBase + 0x9000;
        QTemporaryDir dir;
        const std::string file = dir.path().toStdString() + "/image.bin";
        std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(image.data()),
                                                    static_cast<std::streamsize>(image.size()));
        const ProcessResult run = runProcess({dfuUtil, "-d", "0483:df11", "-a", "0", "-s", "0x08009000", "-D", file},
                                             "", 120);
        QVERIFY2(run.exitCode == 0, run.output.c_str());
        const auto byDfuUtil = sim_->flash();
        const auto erasedByDfuUtil = sim_->erasedSectors();
        QCOMPARE(sim_->massErases(), 0);

        plugIn();  // a fresh simulator, same old content
        DfuseOptions o = quick();
        o.preserve = false;
        o.leave = false;
        open().flash(image, address, o);
        QCOMPARE(toList(sim_->erasedSectors()), toList(erasedByDfuUtil));
        QVERIFY(sim_->flash() == byDfuUtil);
        QVERIFY(std::equal(image.begin(), image.end(), byDfuUtil.begin() + 0x9000));
    }
};

QTEST_GUILESS_MAIN(TestDfuseFlash)
#include "test_dfuse_flash.moc"
