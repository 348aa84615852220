// The board link over USB bulk, end to end on the host: the project's libusb
// transport (core/device/usb_link.cpp) under umockdev talks to an emulated
// device whose USB side is the firmware's own device core
// (core/runtime/firmware/usb_device.c: its descriptors are what libusb
// enumerates, its queues carry the bulk data) and whose link side is the
// firmware's protocol code with the fake model (link_device.c, mlperf.c).
// Not covered here: the STM32 OTG_FS register driver, which needs a board.
#include <QtTest>

#include <atomic>
#include <cstring>
#include <mutex>

extern "C" {
#include "app.h"
#include "usb_device.h"
}

#include "board/board.h"
#include "board/link.h"
#include "device/board_device.h"
#include "device/device_error.h"
#include "device/usb_discovery.h"
#include "device/usb_link.h"
#include "dfuse_simulator.h"
#include "mock_usb_bus.h"

using namespace mcunet;
using mcunet::test::ControlReply;
using mcunet::test::ControlRequest;
using mcunet::test::MockUsbBus;
using mcunet::test::MockUsbDeviceSpec;

namespace {

// A SETUP packet for the firmware's chapter 9 handler.
std::vector<std::uint8_t> setup(std::uint8_t type, std::uint8_t request, std::uint16_t value, std::uint16_t index,
                                std::uint16_t length) {
    return {type, request, static_cast<std::uint8_t>(value), static_cast<std::uint8_t>(value >> 8),
            static_cast<std::uint8_t>(index), static_cast<std::uint8_t>(index >> 8),
            static_cast<std::uint8_t>(length), static_cast<std::uint8_t>(length >> 8)};
}

struct Answer {
    bool stall = false;
    std::vector<std::uint8_t> data;
};

Answer control(const std::vector<std::uint8_t>& packet) {
    const std::uint8_t* reply = nullptr;
    std::uint16_t n = 0;
    Answer a;
    a.stall = usbd_control(packet.data(), nullptr, &reply, &n) == USBD_STALL;
    if (reply) a.data.assign(reply, reply + n);
    return a;
}

std::string stringOf(const std::vector<std::uint8_t>& d) {
    std::string s;
    for (std::size_t i = 2; i + 1 < d.size(); i += 2) s += static_cast<char>(d[i]);
    return s;
}

// The device spec libusb enumerates: built from the firmware core's own
// descriptors (GET_DESCRIPTOR answers), not written again here.
MockUsbDeviceSpec specFromFirmware(int address) {
    MockUsbDeviceSpec s;
    const Answer device = control(setup(0x80, 6, 0x0100, 0, 18));
    s.vendor = static_cast<std::uint16_t>(device.data[8] | device.data[9] << 8);
    s.product = static_cast<std::uint16_t>(device.data[10] | device.data[11] << 8);
    s.bcdDevice = static_cast<std::uint16_t>(device.data[12] | device.data[13] << 8);
    s.manufacturer = stringOf(control(setup(0x80, 6, 0x0301, 0x0409, 255)).data);
    s.productName = stringOf(control(setup(0x80, 6, 0x0302, 0x0409, 255)).data);
    s.serial = stringOf(control(setup(0x80, 6, 0x0303, 0x0409, 255)).data);
    s.configuration = control(setup(0x80, 6, 0x0200, 0, 255)).data;
    s.strings = {{4, stringOf(control(setup(0x80, 6, 0x0304, 0x0409, 255)).data)}};
    s.address = address;
    s.port = address;  // its own sysfs name, 1-<port>
    return s;
}

// The firmware behind the emulated bus: bulk OUT bytes go through the
// device core's receive queue to the firmware's byte router (app_feed, as
// main.c's loop does), what it writes goes to the core's send queue and out
// on bulk IN. umockdev calls this on its own thread: one lock.
class FirmwareFunction : public mcunet::test::MockUsbFunction {
public:
    ControlReply control(const ControlRequest&) override { return ControlReply::stall(); }

    bool bulkOut(std::uint8_t ep, const std::vector<std::uint8_t>& data) override {
        std::lock_guard<std::mutex> lock(mutex_);
        if (ep != USBD_EP_OUT || usbd_halted(USBD_EP_OUT)) return false;
        std::size_t at = 0;
        while (at < data.size()) {  // the controller NAKs what does not fit; the firmware loop drains it meanwhile
            const std::uint32_t n = std::min<std::uint32_t>(usbd_rx_room(), static_cast<std::uint32_t>(data.size() - at));
            usbd_rx_put(data.data() + at, n);
            at += n;
            runFirmware();
        }
        outBytes += data.size();
        return true;
    }

    std::vector<std::uint8_t> bulkIn(std::uint8_t ep, std::size_t max) override {
        std::lock_guard<std::mutex> lock(mutex_);
        if (ep != USBD_EP_IN) return {};
        std::vector<std::uint8_t> out(std::min<std::size_t>(max, usbd_tx_pending()));
        out.resize(usbd_tx_take(out.data(), static_cast<std::uint32_t>(out.size())));
        return out;
    }

    std::size_t outBytes = 0;
    std::atomic<bool> sendOverflowed{false};  // the firmware's send queue refused bytes (set on umockdev's thread)

private:
    void runFirmware() {
        for (int c; (c = usbd_getc()) >= 0;) {
            app_feed(static_cast<std::uint8_t>(c));
            std::uint8_t buffer[512];
            for (std::uint32_t n; (n = fake_board_take_output(buffer, sizeof buffer)) > 0;)
                if (usbd_write(buffer, n) != n) sendOverflowed = true;  // checked on the test's thread
        }
    }
    std::mutex mutex_;
};

}  // namespace

class TestUsbLink : public QObject {
    Q_OBJECT
private slots:
    void init() {
        usbd_reset("MCU0001A");
        fake_board_reset();
    }

    // Chapter 9 as a host's enumeration and a hostile host exercise it.
    void standardRequests() {
        const Answer device = control(setup(0x80, 6, 0x0100, 0, 64));
        QCOMPARE(device.data.size(), std::size_t(18));
        QCOMPARE(int(device.data[7]), int(USBD_EP0_SIZE));
        QCOMPARE(control(setup(0x80, 6, 0x0100, 0, 8)).data.size(), std::size_t(8));  // first 8 bytes only
        const Answer config = control(setup(0x80, 6, 0x0200, 0, 255));
        QCOMPARE(config.data.size(), std::size_t(32));
        QCOMPARE(int(config.data[2]), 32);                                // wTotalLength
        QCOMPARE(int(config.data[9 + 5]), int(USBD_LINK_CLASS));         // the interface's class triple
        QCOMPARE(int(config.data[9 + 6]), int(USBD_LINK_SUBCLASS));
        QCOMPARE(int(config.data[9 + 7]), int(USBD_LINK_PROTOCOL));
        QCOMPARE(stringOf(control(setup(0x80, 6, 0x0303, 0x0409, 255)).data), std::string("MCU0001A"));
        QCOMPARE(stringOf(control(setup(0x80, 6, 0x0304, 0x0409, 255)).data), std::string("MCUNet link"));
        QVERIFY(control(setup(0x80, 6, 0x0305, 0x0409, 255)).stall);      // no such string
        QVERIFY(control(setup(0x80, 6, 0x0600, 0, 10)).stall);            // device qualifier: full speed only
        QVERIFY(!control(setup(0x00, 5, 23, 0, 0)).stall);                // SET_ADDRESS
        QCOMPARE(int(usbd_address()), 23);
        QVERIFY(control(setup(0x00, 5, 200, 0, 0)).stall);                // not an address
        QVERIFY(control(setup(0x01, 0x0B, 0, 0, 0)).stall);               // SET_INTERFACE before configuration
        QVERIFY(control(setup(0x00, 9, 2, 0, 0)).stall);                  // no configuration 2
        QVERIFY(!control(setup(0x00, 9, 1, 0, 0)).stall);
        QVERIFY(usbd_configured());
        QCOMPARE(control(setup(0x80, 8, 0, 0, 1)).data, std::vector<std::uint8_t>{1});
        QVERIFY(!control(setup(0x02, 3, 0, USBD_EP_IN, 0)).stall);        // SET_FEATURE ENDPOINT_HALT
        QVERIFY(usbd_halted(USBD_EP_IN));
        QCOMPARE(control(setup(0x82, 0, 0, USBD_EP_IN, 2)).data, (std::vector<std::uint8_t>{1, 0}));
        QVERIFY(!control(setup(0x02, 1, 0, USBD_EP_IN, 0)).stall);        // CLEAR_FEATURE
        QVERIFY(!usbd_halted(USBD_EP_IN));
        QVERIFY(control(setup(0x82, 0, 0, 0x85, 2)).stall);               // no endpoint 5
        QVERIFY(control(setup(0x41, 0x42, 0, 0, 0)).stall);               // vendor requests: none
        QVERIFY(control(setup(0x80, 0x33, 0, 0, 0)).stall);               // unknown standard request
        QVERIFY(!control(setup(0x00, 9, 0, 0, 0)).stall);                 // unconfigure
        QVERIFY(!usbd_configured());
    }

    void queuesKeepOrderAndRefuseOverflow() {
        std::vector<std::uint8_t> big(5000);
        for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i * 7);
        QCOMPARE(usbd_write(big.data(), 5000), std::uint32_t(4096));  // the queue's size: the rest is refused
        std::vector<std::uint8_t> got(5000);
        QCOMPARE(usbd_tx_take(got.data(), 100), std::uint32_t(100));
        QCOMPARE(usbd_tx_take(got.data() + 100, 5000), std::uint32_t(3996));
        QVERIFY(std::equal(got.begin(), got.begin() + 4096, big.begin()));
        QCOMPARE(usbd_rx_room(), std::uint32_t(4096));
        usbd_rx_put(big.data(), 10);
        QCOMPARE(usbd_rx_room(), std::uint32_t(4086));
        for (int i = 0; i < 10; ++i) QCOMPARE(usbd_getc(), int(big[std::size_t(i)]));
        QCOMPARE(usbd_getc(), -1);
    }

    // The studio's link over libusb bulk transfers: hello, a 3000-byte input
    // (two frames), run, output, the 300-layer profile, MLPerf text on the same
    // pipe; then the board is unplugged mid-session.
    void linkOverBulkEndpoints() {
        if (!test::underUmockdev()) QSKIP("run under umockdev-wrapper (ctest does)");
        MockUsbBus bus;
        auto function = std::make_shared<FirmwareFunction>();
        QVERIFY(!control(setup(0x00, 9, 1, 0, 0)).stall);  // what the kernel's enumeration does
        const std::string sysPath = bus.add(specFromFirmware(7), function);

        const auto devices = device::listUsbDevices(nullptr);
        QCOMPARE(devices.size(), std::size_t(1));
        QCOMPARE(devices[0].serial, std::string("MCU0001A"));
        QCOMPARE(devices[0].description, std::string("MCUNet Studio firmware (USB link)"));
        auto transport = device::openUsbLink(devices[0]);
        board::LinkClient client(*transport);
        const board::Hello hello = client.hello();
        QCOMPARE(hello.model, std::string("fake-model"));
        QCOMPARE(hello.inputBytes, std::uint32_t(3000));
        std::vector<std::int8_t> input(3000);
        int sum = 0;
        for (std::size_t i = 0; i < input.size(); ++i) {
            input[i] = static_cast<std::int8_t>(i % 251);
            sum += static_cast<std::uint8_t>(input[i]);
        }
        client.writeInput(input);
        QCOMPARE(client.run(1, 2000), std::uint64_t(300 * 100 + 299 * 300 / 2));
        const auto output = client.readOutput(10);
        for (int o = 0; o < 10; ++o) QCOMPARE(int(output[std::size_t(o)]), int(static_cast<std::int8_t>(sum * (o + 1))));
        const auto profile = client.readProfile(300);
        QCOMPARE(profile.size(), std::size_t(300));
        QCOMPARE(profile[299], std::uint64_t(399));
        QCOMPARE(client.retriesUsed(), 0);
        transport->write({'n', 'a', 'm', 'e', '%'});  // MLPerf's text commands share the pipe
        std::string text;
        for (int i = 0; i < 20 && text.find("m-ready") == std::string::npos; ++i)
            for (std::uint8_t b : transport->read(100)) text += static_cast<char>(b);
        QVERIFY2(text.find("m-name-dut-[") != std::string::npos, text.c_str());
        QVERIFY(transport->read(50).empty());  // nothing more: a read times out empty
        QVERIFY(function->outBytes > 3000);
        QVERIFY(!function->sendOverflowed);

        bus.remove(sysPath);
        QVERIFY_THROWS_EXCEPTION(board::LinkError, client.hello());
    }

    // The device layer (openDevice ... openLink) takes the firmware's USB link
    // when one is connected, as `mcunet profile --board stm32f746g-disco`
    // does: here a board flashed through its ROM bootloader, then running.
    void theDeviceLayerTakesTheUsbLink() {
        if (!test::underUmockdev()) QSKIP("run under umockdev-wrapper (ctest does)");
        MockUsbBus bus;
        auto dfu = std::make_shared<test::DfuseSimulator>(3);
        bus.add(dfu->spec("DFU0001", 1, 6, 5), dfu);
        QVERIFY(!control(setup(0x00, 9, 1, 0, 0)).stall);
        const std::string link = bus.add(specFromFirmware(8), std::make_shared<FirmwareFunction>());
        const board::Board& disco = board::Catalog::builtIn().byId("stm32f746g-disco");
        const auto dev = device::openDevice(disco, {}, &board::Catalog::builtIn());
        {
            auto transport = dev->openLink(nullptr);
            board::LinkClient client(*transport);
            QCOMPARE(client.hello().model, std::string("fake-model"));
        }
        auto error = [&](device::LinkChoice choice) {
            try {
                device::openDevice(disco, {"", "", 115200, choice}, &board::Catalog::builtIn())->openLink(nullptr);
            } catch (const device::DeviceError& e) {
                return std::string(e.what());
            }
            return std::string("opened");
        };
        QVERIFY2(error(device::LinkChoice::Serial).find("no serial port found") != std::string::npos,
                 error(device::LinkChoice::Serial).c_str());  // the UART asked for: no port here
        bus.add(specFromFirmware(9), nullptr);                // a second board running the firmware
        QVERIFY2(error(device::LinkChoice::Auto).find("2 MCUNet USB links are connected") != std::string::npos,
                 error(device::LinkChoice::Auto).c_str());
        bus.remove(link);
        QVERIFY(device::openDevice(disco, {}, &board::Catalog::builtIn())->openLink(nullptr));  // one left: taken
    }

    void noUsbLinkIsNamed() {
        if (!test::underUmockdev()) QSKIP("run under umockdev-wrapper (ctest does)");
        MockUsbBus bus;
        auto dfu = std::make_shared<test::DfuseSimulator>(3);
        bus.add(dfu->spec("DFU0001", 1, 6, 5), dfu);
        const board::Board& disco = board::Catalog::builtIn().byId("stm32f746g-disco");
        try {
            device::openDevice(disco, {"", "", 115200, device::LinkChoice::Usb}, &board::Catalog::builtIn())->openLink(nullptr);
            QFAIL("no USB link is connected");
        } catch (const device::DeviceError& e) {
            QCOMPARE(e.kind(), device::DeviceErrorKind::NotFound);
            QVERIFY2(std::string(e.what()).find("no MCUNet USB link connected (1209:0001)") != std::string::npos, e.what());
        }
    }

    void aDeviceWithoutTheLinkInterfaceIsNamed() {
        if (!test::underUmockdev()) QSKIP("run under umockdev-wrapper (ctest does)");
        MockUsbBus bus;
        bus.add(test::stlinkSpec("066DFF", 5, 2), nullptr);
        const auto devices = device::listUsbDevices(nullptr);
        QCOMPARE(devices.size(), std::size_t(1));
        try {
            device::openUsbLink(devices[0]);
            QFAIL("an ST-LINK has no link interface");
        } catch (const device::DeviceError& e) {
            QCOMPARE(e.kind(), device::DeviceErrorKind::Protocol);
            QVERIFY2(std::string(e.what()).find("no MCUNet link interface") != std::string::npos, e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestUsbLink)
#include "test_usb_link.moc"
