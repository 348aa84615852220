// The device layer's factory (device/board_device.h: openDevice) through the
// real libusb against umockdev's emulated devices: no board (the message
// names the board and the USB IDs looked for), one STM32 bootloader in DFU
// mode (a DfuSe device is chosen and an image flashed into the simulator
// through the BoardDevice interface: the bytes, exactly the covered sectors
// erased, the rest of Flash unchanged, progress), two (the message lists both
// serial numbers; --serial picks one), an ST-LINK/V2-1 (identified; flashing
// it reaches libstlink, which refuses the emulated probe: its bulk endpoints
// are not emulated, so writing over SWD is never exercised here). Run under
// umockdev-wrapper (CTest does).
#include <QtTest>

#include <atomic>

#include "board/board.h"
#include "device/board_device.h"
#include "device/device_error.h"
#include "dfuse_simulator.h"

using namespace mcunet;
using namespace mcunet::device;
using namespace mcunet::test;

class TestBoardDevice : public QObject {
    Q_OBJECT
    std::unique_ptr<MockUsbBus> bus_;
    const board::Catalog* catalog_ = &board::Catalog::builtIn();
    const board::Board& disco() const { return catalog_->byId("stm32f746g-disco"); }

    static DeviceError openError(const board::Board& b, const DeviceSelector& s, const board::Catalog* catalog) {
        try {
            openDevice(b, s, catalog);
        } catch (const DeviceError& e) {
            return e;
        }
        return DeviceError(DeviceErrorKind::Usb, "opened");
    }

private slots:
    void initTestCase() {
        if (!underUmockdev()) QSKIP("needs umockdev-wrapper (CTest runs it so)");
    }
    void init() { bus_ = std::make_unique<MockUsbBus>(); }
    void cleanup() { bus_.reset(); }

    void supportIsAnsweredInOnePlace() {
        const BoardSupport real = boardSupport(disco());
        QVERIFY(real.deployable());
        QCOMPARE(real.flashers.front(), FlashKind::StLink);  // its flash_method; then the DFU bootloader
        QCOMPARE(real.flashers.size(), std::size_t(2));
        QCOMPARE(real.counter, CounterKind::Cycles);
        QCOMPARE(real.link, LinkKind::Serial);
        const BoardSupport virt = boardSupport(catalog_->byId("virtual-m7"));
        QVERIFY(virt.deployable());
        QCOMPARE(virt.counter, CounterKind::Instructions);
        QCOMPARE(virt.link, LinkKind::Tcp);
        QVERIFY(boardSupport(catalog_->byId("nucleo-f767zi")).deployable());  // the F7 layer, through its ST-LINK
        const BoardSupport nucleo = boardSupport(catalog_->byId("nucleo-h743zi"));
        QVERIFY(!nucleo.deployable());
        QVERIFY2(QString::fromStdString(nucleo.whyNot).contains("no firmware board layer"), nucleo.whyNot.c_str());
        const BoardSupport openmv = boardSupport(catalog_->byId("openmv-h7"));
        QVERIFY(!openmv.deployable());
    }

    void noBoardConnected() {
        const DeviceError e = openError(disco(), {}, catalog_);
        QCOMPARE(e.kind(), DeviceErrorKind::NotFound);
        const QString m = e.what();
        QVERIFY2(m.startsWith("no stm32f746g-disco connected"), e.what());
        QVERIFY2(m.contains("0483:374b") && m.contains("0483:df11"), e.what());
        // A board of another kind connected: listed, still not ours.
        auto sim = std::make_shared<DfuseSimulator>();
        bus_->add(stlinkSpec("066AFF555", 3, 2), nullptr);
        const DeviceError other = openError(catalog_->byId("nano33ble"), {}, catalog_);
        QVERIFY2(other.kind() == DeviceErrorKind::Refused, other.what());  // no flash method here (bossac)
    }

    void oneDfuBootloaderIsFlashed() {
        auto sim = std::make_shared<DfuseSimulator>(5);
        bus_->add(sim->spec("DFU0001", 1, 6, 5), sim);
        const std::vector<std::uint8_t> before = sim->flash();
        const std::unique_ptr<BoardDevice> dev = openDevice(disco(), {}, catalog_);
        const DeviceIdentity id = dev->identify();
        QCOMPARE(id.flashKind, FlashKind::Dfuse);
        QCOMPARE(id.serial, std::string("DFU0001"));
        QCOMPARE(id.boardId, std::string("stm32f746g-disco"));
        QCOMPARE(dev->counterKind(), CounterKind::Cycles);

        FlashImage image;
        image.address = 0x08004000;  // inside the first 32 kB sector, into the second
        for (std::uint32_t i = 0; i < 40000; ++i) image.bytes.push_back(static_cast<std::uint8_t>(i * 7 + 3));
        std::vector<std::string> phases;
        const FlashResult r = dev->flash(image, [&phases](const FlashProgress& p) {
            if (phases.empty() || phases.back() != p.phase) phases.push_back(p.phase);
            return true;
        }, nullptr);
        QVERIFY(r.verified);
        QCOMPARE(r.erased, (std::vector<std::uint32_t>{0x08000000, 0x08008000}));  // 0x08004000 + 40000 ends at 0x0800DC40
        QCOMPARE(sim->erasedSectors(), r.erased);
        QCOMPARE(sim->massErases(), 0);
        const std::vector<std::uint8_t> after = sim->flash();
        for (std::size_t i = 0; i < after.size(); ++i) {
            const std::uint32_t address = 0x08000000u + static_cast<std::uint32_t>(i);
            const bool inImage = address >= image.address && address < image.address + image.bytes.size();
            const std::uint8_t want = inImage ? image.bytes[address - image.address] : before[i];
            if (after[i] != want) QFAIL(qPrintable(QStringLiteral("byte at 0x%1 differs").arg(address, 8, 16, QChar('0'))));
        }
        QVERIFY(std::find(phases.begin(), phases.end(), "erasing") != phases.end());
        QVERIFY(std::find(phases.begin(), phases.end(), "writing") != phases.end());
        QVERIFY(std::find(phases.begin(), phases.end(), "verifying") != phases.end());
        // The link of a DFU board goes over its UART: without a port, a message saying so.
        try {
            dev->openLink(nullptr);
            QFAIL("opened a link");
        } catch (const DeviceError& e) {
            QVERIFY2(QString(e.what()).contains("serial port"), e.what());
        }
    }

    void cancelStopsAFlash() {
        auto sim = std::make_shared<DfuseSimulator>(6);
        bus_->add(sim->spec("DFU0002", 1, 7, 6), sim);
        const std::unique_ptr<BoardDevice> dev = openDevice(disco(), {}, catalog_);
        FlashImage image;
        image.address = 0x08000000;
        image.bytes.assign(20000, 0x5A);
        std::atomic<bool> cancel{false};
        try {
            dev->flash(image, [&cancel](const FlashProgress& p) {
                if (p.phase == "writing" && p.done > 0) cancel = true;
                return true;
            }, &cancel);
            QFAIL("not cancelled");
        } catch (const DeviceError& e) {
            QCOMPARE(e.kind(), DeviceErrorKind::Cancelled);
        }
    }

    void twoBoardsAskForASerialNumber() {
        auto a = std::make_shared<DfuseSimulator>(1), b = std::make_shared<DfuseSimulator>(2);
        bus_->add(a->spec("DFUAAAA", 1, 6, 5), a);
        bus_->add(b->spec("DFUBBBB", 1, 7, 6), b);
        const DeviceError e = openError(disco(), {}, catalog_);
        QCOMPARE(e.kind(), DeviceErrorKind::Ambiguous);
        QVERIFY2(QString(e.what()).contains("DFUAAAA") && QString(e.what()).contains("DFUBBBB"), e.what());
        QVERIFY2(QString(e.what()).contains("serial number"), e.what());
        const std::unique_ptr<BoardDevice> chosen = openDevice(disco(), {"DFUBBBB", "", 115200}, catalog_);
        QCOMPARE(chosen->identify().serial, std::string("DFUBBBB"));
        const DeviceError wrong = openError(disco(), {"NOPE", "", 115200}, catalog_);
        QCOMPARE(wrong.kind(), DeviceErrorKind::NotFound);
        QVERIFY2(QString(wrong.what()).contains("with serial number NOPE"), wrong.what());
    }

    void stlinkIsIdentifiedAndLibstlinkRefusesTheEmulation() {
        bus_->add(stlinkSpec("066AFF555", 3, 2), nullptr);
        const std::unique_ptr<BoardDevice> dev = openDevice(disco(), {}, catalog_);
        const DeviceIdentity id = dev->identify();
        QCOMPARE(id.flashKind, FlashKind::StLink);  // preferred: the board's flash_method
        QCOMPARE(id.serial, std::string("066AFF555"));
        QVERIFY2(QString::fromStdString(id.transport).contains("0483:374b"), id.transport.c_str());
        FlashImage image;
        image.address = 0x08000000;
        image.bytes.assign(1024, 0x11);
        try {
            dev->flash(image, {}, nullptr);
            QFAIL("libstlink flashed an emulated probe");
        } catch (const DeviceError& e) {
            qInfo("libstlink: %s", e.what());
            QVERIFY2(QString(e.what()).contains("066AFF555"), e.what());
        }
        // An ST-LINK beside a bootloader of the same board: two candidates, by serial number.
        auto sim = std::make_shared<DfuseSimulator>();
        bus_->add(sim->spec("DFU0003", 1, 8, 7), sim);
        QCOMPARE(openError(disco(), {}, catalog_).kind(), DeviceErrorKind::Ambiguous);
        QCOMPARE(openDevice(disco(), {"DFU0003", "", 115200}, catalog_)->identify().flashKind, FlashKind::Dfuse);
    }

    void virtualBoardNeedsNoUsb() {
        const std::unique_ptr<BoardDevice> dev = openDevice(catalog_->byId("virtual-m4"), {}, catalog_);
        QCOMPARE(dev->identify().flashKind, FlashKind::Virtual);
        QCOMPARE(dev->counterKind(), CounterKind::Instructions);
        FlashImage raw;
        raw.bytes = {1, 2, 3};
        QVERIFY_THROWS_EXCEPTION(DeviceError, dev->flash(raw, {}, nullptr));  // it boots an ELF, not bytes
    }
};

QTEST_GUILESS_MAIN(TestBoardDevice)
#include "test_board_device.moc"
