// USB discovery and hot-plug through the real libusb against umockdev's
// emulated devices: an ST-LINK/V2-1 (0483:374b), STM32 bootloaders in DFU
// mode (0483:df11) and a device that is none of ours. Found, identified
// (kind, serial, catalog boards), chosen or refused (none, two), and their
// arrival and removal seen by the watcher, with libusb's hot-plug API and by
// polling. Run under umockdev-wrapper (CTest does).
#include <QtTest>

#include <condition_variable>
#include <mutex>

#include "board/board.h"
#include "device/device_error.h"
#include "device/dfuse_device.h"
#include "device/usb_discovery.h"
#include "device/usb_watcher.h"
#include "dfuse_simulator.h"

using namespace mcunet;
using namespace mcunet::device;
using namespace mcunet::test;

namespace {

MockUsbDeviceSpec mouseSpec(int address, int port) {
    MockUsbDeviceSpec s;
    s.vendor = 0x046d;
    s.product = 0xc52b;
    s.productName = "USB Receiver";
    s.address = address;
    s.port = port;
    std::vector<std::uint8_t> body = interfaceDescriptor(0, 0, 1, 0x03, 0x01, 0x02, 0);
    const auto ep = endpointDescriptor(0x81, 3, 8);
    body.insert(body.end(), ep.begin(), ep.end());
    s.configuration = configurationDescriptor(1, body);
    return s;
}

// Events from the watcher's thread, waited for on the test's.
class EventLog {
public:
    void add(UsbEvent e, const UsbDeviceInfo& d) {
        std::lock_guard<std::mutex> lock(mutex_);
        events_.emplace_back(e, d);
        changed_.notify_all();
    }
    // Waits up to 10 s for the n-th event (1-based).
    std::optional<std::pair<UsbEvent, UsbDeviceInfo>> wait(std::size_t n) {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait_for(lock, std::chrono::seconds(10), [&] { return events_.size() >= n; });
        if (events_.size() < n) return std::nullopt;
        return events_[n - 1];
    }
    std::size_t size() {
        std::lock_guard<std::mutex> lock(mutex_);
        return events_.size();
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::pair<UsbEvent, UsbDeviceInfo>> events_;
};

}  // namespace

class TestUsbDiscovery : public QObject {
    Q_OBJECT
    std::unique_ptr<MockUsbBus> bus_;
    const board::Catalog* catalog_ = &board::Catalog::builtIn();

    // Plug in, unplug, check both events (the watcher is running).
    void arriveAndLeave(EventLog& log, std::size_t already) {
        const std::string stlink = bus_->add(stlinkSpec("066AFF555", 3, 2), nullptr);
        auto arrived = log.wait(already + 1);
        QVERIFY(arrived.has_value());
        QCOMPARE(arrived->first, UsbEvent::Arrived);
        QCOMPARE(arrived->second.kind, UsbKind::StLink);
        QCOMPARE(arrived->second.serial, std::string("066AFF555"));

        auto sim = std::make_shared<DfuseSimulator>();
        bus_->add(sim->spec("DFU0001", 1, 6, 5), sim);
        arrived = log.wait(already + 2);
        QVERIFY(arrived.has_value());
        QCOMPARE(arrived->first, UsbEvent::Arrived);
        QCOMPARE(arrived->second.kind, UsbKind::Dfu);
        QCOMPARE(arrived->second.serial, std::string("DFU0001"));

        bus_->remove(stlink);  // sends the "remove" uevent
        const auto left = log.wait(already + 3);
        QVERIFY(left.has_value());
        QCOMPARE(left->first, UsbEvent::Left);
        QCOMPARE(left->second.kind, UsbKind::StLink);
        QCOMPARE(left->second.serial, std::string("066AFF555"));  // as it was when it arrived
        QTest::qWait(300);
        QCOMPARE(log.size(), already + 3);  // nothing else, the mouse never
    }

private slots:
    void initTestCase() {
        if (!underUmockdev()) QSKIP("needs umockdev-wrapper (CTest runs it so)");
    }
    void init() { bus_ = std::make_unique<MockUsbBus>(); }
    void cleanup() { bus_.reset(); }

    void noBoardConnected() {
        bus_->add(mouseSpec(2, 1), nullptr);
        const auto devices = listUsbDevices(catalog_);
        QVERIFY(devices.empty());
        try {
            DfuseDevice::open({}, catalog_);
            QFAIL("opened");
        } catch (const DeviceError& e) {
            QCOMPARE(e.kind(), DeviceErrorKind::NotFound);
            QVERIFY2(QString(e.what()).contains("no dfu device is connected"), e.what());
            QVERIFY2(QString(e.what()).contains("BOOT0"), e.what());
        }
    }

    void findsAndIdentifies() {
        auto sim = std::make_shared<DfuseSimulator>();
        bus_->add(mouseSpec(2, 1), nullptr);
        bus_->add(stlinkSpec("066AFF555", 3, 2), nullptr);
        bus_->add(sim->spec("3276375F3034", 1, 5, 4), sim);
        const auto devices = listUsbDevices(catalog_);
        QCOMPARE(devices.size(), std::size_t{2});
        const UsbDeviceInfo& st = devices[0];
        QCOMPARE(st.kind, UsbKind::StLink);
        QCOMPARE(st.vendor, std::uint16_t{0x0483});
        QCOMPARE(st.product, std::uint16_t{0x374b});
        QCOMPARE(st.bus, 1);
        QCOMPARE(st.address, 3);
        QCOMPARE(st.port, std::string("1-2"));
        QCOMPARE(st.serial, std::string("066AFF555"));
        QCOMPARE(st.productName, std::string("STM32 STLink"));
        QCOMPARE(st.description, std::string("ST-LINK/V2-1"));
        QVERIFY(st.openError.empty());
        for (const char* board : {"stm32f746g-disco", "nucleo-f767zi", "stm32f412-disco"})
            QVERIFY(std::find(st.boardIds.begin(), st.boardIds.end(), board) != st.boardIds.end());
        const UsbDeviceInfo& dfu = devices[1];
        QCOMPARE(dfu.kind, UsbKind::Dfu);
        QCOMPARE(dfu.serial, std::string("3276375F3034"));
        QCOMPARE(dfu.port, std::string("1-4"));
        QCOMPARE(QString::fromStdString(describe(dfu)),
                 QString("STM32 bootloader (DFU) 0483:df11 serial 3276375F3034 (bus 1, address 5)"));
        QCOMPARE(selectUsbDevice(devices, {UsbKind::StLink, "", ""}).address, 3);
        QCOMPARE(selectUsbDevice(devices, {std::nullopt, "nucleo-f767zi", "3276375F3034"}).kind, UsbKind::Dfu);
    }

    void twoBootloadersNeedASerial() {
        auto a = std::make_shared<DfuseSimulator>(1);
        auto b = std::make_shared<DfuseSimulator>(2);
        bus_->add(a->spec("AAAA0001", 1, 5, 4), a);
        bus_->add(b->spec("BBBB0002", 1, 6, 5), b);
        try {
            DfuseDevice::open({}, catalog_);
            QFAIL("opened one of two");
        } catch (const DeviceError& e) {
            QCOMPARE(e.kind(), DeviceErrorKind::Ambiguous);
            QVERIFY2(QString(e.what()).contains("AAAA0001") && QString(e.what()).contains("BBBB0002"), e.what());
            QVERIFY2(QString(e.what()).contains("serial number"), e.what());
        }
        DfuseDevice d = DfuseDevice::open({std::nullopt, "", "BBBB0002"}, catalog_);
        QCOMPARE(d.info().usb.address, 6);
        const auto bytes = d.read(DfuseSimulator::kFlashBase, 64, DfuseOptions{});
        const auto expected = b->flash();
        QVERIFY(std::equal(bytes.begin(), bytes.end(), expected.begin()));
    }

    void hotplug() {
        EventLog log;
        UsbWatcher watcher([&](UsbEvent e, const UsbDeviceInfo& d) { log.add(e, d); }, {catalog_, true, false, 500});
        QVERIFY(watcher.usesHotplug());  // Linux's libusb has it
        QTest::qWait(200);
        QCOMPARE(log.size(), std::size_t{0});
        arriveAndLeave(log, 0);
        watcher.stop();
    }

    void hotplugReportsPresentDevices() {
        bus_->add(stlinkSpec("PRESENT1", 7, 3), nullptr);
        EventLog log;
        UsbWatcher watcher([&](UsbEvent e, const UsbDeviceInfo& d) { log.add(e, d); }, {catalog_, true, false, 500});
        const auto first = log.wait(1);
        QVERIFY(first.has_value());
        QCOMPARE(first->first, UsbEvent::Arrived);
        QCOMPARE(first->second.serial, std::string("PRESENT1"));
    }

    void polling() {
        EventLog log;
        UsbWatcher watcher([&](UsbEvent e, const UsbDeviceInfo& d) { log.add(e, d); }, {catalog_, true, true, 100});
        QVERIFY(!watcher.usesHotplug());
        arriveAndLeave(log, 0);
    }

    void pollIntervalChecked() {
        QVERIFY_THROWS_EXCEPTION(Error, UsbWatcher([](UsbEvent, const UsbDeviceInfo&) {}, {catalog_, true, true, 10}));
    }
};

QTEST_GUILESS_MAIN(TestUsbDiscovery)
#include "test_usb_discovery.moc"
