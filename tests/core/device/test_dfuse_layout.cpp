// core/device without a device: the DfuSe layout parser and the flash plan
// against hand-computed sector maps, every DFU status with its message, the
// functional descriptor, identification of USB IDs with the board catalog,
// and choosing one device (none, several, permission denied).
#include <QtTest>

#include "board/board.h"
#include "device/device_error.h"
#include "device/dfu_protocol.h"
#include "device/dfuse_layout.h"
#include "device/dfuse_plan.h"
#include "device/usb_discovery.h"
#include "device/usb_ids.h"

using namespace mcunet;
using namespace mcunet::device;

namespace {

// "address:size:flags" per sector, flags r/e/w, for compact expectations.
QString summary(const DfuseMemory& m) {
    QStringList parts;
    for (const DfuseSector& s : m.sectors)
        parts << QString("%1:%2:%3%4%5")
                     .arg(s.address, 8, 16, QChar('0'))
                     .arg(s.size)
                     .arg(s.readable ? "r" : "-")
                     .arg(s.erasable ? "e" : "-")
                     .arg(s.writable ? "w" : "-");
    return parts.join(' ');
}

UsbDeviceInfo fakeDevice(UsbKind kind, std::string serial, int address, std::string openError = {}) {
    UsbDeviceInfo d;
    d.vendor = 0x0483;
    d.product = kind == UsbKind::Dfu ? 0xdf11 : 0x374b;
    d.bus = 1;
    d.address = address;
    d.kind = kind;
    d.description = kind == UsbKind::Dfu ? "STM32 bootloader (DFU)" : "ST-LINK/V2-1";
    d.boardIds = {"stm32f746g-disco"};
    d.serial = std::move(serial);
    d.openError = std::move(openError);
    return d;
}

}  // namespace

class TestDfuseLayout : public QObject {
    Q_OBJECT
private slots:
    void parses_data() {
        QTest::addColumn<QString>("layout");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("sectors");
        QTest::newRow("f746 flash") << "@Internal Flash  /0x08000000/04*032Kg,01*128Kg,03*256Kg" << "Internal Flash"
                                    << "08000000:32768:rew 08008000:32768:rew 08010000:32768:rew 08018000:32768:rew "
                                       "08020000:131072:rew 08040000:262144:rew 08080000:262144:rew 080c0000:262144:rew";
        QTest::newRow("option bytes, byte units") << "@Option Bytes  /0x1FFF0000/01*032 e" << "Option Bytes"
                                                  << "1fff0000:32:r-w";
        QTest::newRow("two segments") << "@Flash /0x08000000/2*16Kg/0x08100000/1*1Ma" << "Flash"
                                      << "08000000:16384:rew 08004000:16384:rew 08100000:1048576:r--";
        QTest::newRow("B multiplier, spaces, trailing slash")
            << "  @ OTP Memory /0x1FF0F000/ 01 * 1024Bf , 1*2 b/ " << "OTP Memory"
            << "1ff0f000:1024:-ew 1ff0f400:2:-e-";
        QTest::newRow("every type letter") << "@T/0x0/1*1a,1*1b,1*1c,1*1d,1*1e,1*1f,1*1g" << "T"
                                           << "00000000:1:r-- 00000001:1:-e- 00000002:1:re- 00000003:1:--w "
                                              "00000004:1:r-w 00000005:1:-ew 00000006:1:rew";
        QTest::newRow("ends at 4 GiB") << "@Top/0xFFFFF000/1*4Kg" << "Top" << "fffff000:4096:rew";
        QTest::newRow("hex case") << "@X/0XabCD0000/1*1Kg" << "X" << "abcd0000:1024:rew";
    }
    void parses() {
        QFETCH(QString, layout);
        QFETCH(QString, name);
        QFETCH(QString, sectors);
        const DfuseMemory m = parseDfuseLayout(layout.toStdString());
        QCOMPARE(QString::fromStdString(m.name), name);
        QCOMPARE(summary(m), sectors);
    }

    void rejects_data() {
        QTest::addColumn<QString>("layout");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("empty") << "" << "'@'";
        QTest::newRow("no @") << "Internal Flash /0x08000000/1*1Kg" << "'@'";
        QTest::newRow("name only") << "@Internal Flash" << "segment address";
        QTest::newRow("no sectors") << "@Flash /0x08000000/" << "sector count";
        QTest::newRow("no sectors at all") << "@Flash /" << "no sectors";
        QTest::newRow("address not hex") << "@F/0x0800G000/1*1Kg" << "'/' after the segment address";
        QTest::newRow("address without 0x") << "@F/08000000/1*1Kg" << "0x";
        QTest::newRow("address too long") << "@F/0x108000000/1*1Kg" << "too many digits";
        QTest::newRow("no star") << "@F/0x08000000/04-032Kg" << "'*'";
        QTest::newRow("no size") << "@F/0x08000000/04*Kg" << "sector size";
        QTest::newRow("no type") << "@F/0x08000000/04*032K" << "type letter";
        QTest::newRow("bad type") << "@F/0x08000000/04*032Kh" << "type letter";
        QTest::newRow("lower-case k") << "@F/0x08000000/04*032kg" << "type letter";
        QTest::newRow("zero count") << "@F/0x08000000/00*032Kg" << "count of 0";
        QTest::newRow("zero size") << "@F/0x08000000/01*000Kg" << "size of 0";
        QTest::newRow("past 4 GiB") << "@F/0xFFFFF000/2*4Kg" << "4 GiB";
        QTest::newRow("huge count") << "@F/0x0/999999*1 g" << "sectors";
        QTest::newRow("overlapping segments") << "@F/0x08000000/2*16Kg/0x08004000/1*16Kg" << "overlaps";
        QTest::newRow("junk after group") << "@F/0x08000000/1*16Kg junk" << "unexpected text";
        QTest::newRow("trailing comma") << "@F/0x08000000/1*16Kg," << "sector count";
    }
    void rejects() {
        QFETCH(QString, layout);
        QFETCH(QString, mentions);
        try {
            parseDfuseLayout(layout.toStdString());
            QFAIL("accepted");
        } catch (const DeviceError&) {
            QFAIL("a layout error is a plain mcunet::Error");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains(mentions), e.what());
            QVERIFY2(QString(e.what()).contains("DfuSe memory layout"), e.what());
        }
    }

    void sectorAt() {
        const DfuseMemory m = parseDfuseLayout("@F/0x08000000/2*16Kg/0x08100000/1*1Kg");
        QVERIFY(m.sectorAt(0x07FFFFFF) == nullptr);
        QCOMPARE(m.sectorAt(0x08000000)->address, 0x08000000u);
        QCOMPARE(m.sectorAt(0x08007FFF)->address, 0x08004000u);
        QVERIFY(m.sectorAt(0x08008000) == nullptr);  // the gap between the segments
        QCOMPARE(m.sectorAt(0x081003FF)->address, 0x08100000u);
        QVERIFY(m.sectorAt(0x08100400) == nullptr);
    }

    void plans_data() {
        QTest::addColumn<quint32>("address");
        QTest::addColumn<quint64>("size");
        QTest::addColumn<QList<quint32>>("erased");
        QTest::addColumn<quint32>("spanBegin");
        QTest::addColumn<quint64>("spanEnd");
        QTest::newRow("first byte") << 0x08000000u << quint64(1) << QList<quint32>{0x08000000} << 0x08000000u
                                    << quint64(0x08008000);
        QTest::newRow("exactly sector 0") << 0x08000000u << quint64(0x8000) << QList<quint32>{0x08000000}
                                          << 0x08000000u << quint64(0x08008000);
        QTest::newRow("one byte into sector 1") << 0x08000000u << quint64(0x8001)
                                                << QList<quint32>{0x08000000, 0x08008000} << 0x08000000u
                                                << quint64(0x08010000);
        QTest::newRow("middle, across 3 and 4") << 0x08018100u << quint64(0x10000)
                                                << QList<quint32>{0x08018000, 0x08020000} << 0x08018000u
                                                << quint64(0x08040000);
        QTest::newRow("last byte") << 0x080FFFFFu << quint64(1) << QList<quint32>{0x080C0000} << 0x080C0000u
                                   << quint64(0x08100000);
        QTest::newRow("whole flash") << 0x08000000u << quint64(0x100000)
                                     << QList<quint32>{0x08000000, 0x08008000, 0x08010000, 0x08018000, 0x08020000,
                                                       0x08040000, 0x08080000, 0x080C0000}
                                     << 0x08000000u << quint64(0x08100000);
    }
    void plans() {
        QFETCH(quint32, address);
        QFETCH(quint64, size);
        QFETCH(QList<quint32>, erased);
        QFETCH(quint32, spanBegin);
        QFETCH(quint64, spanEnd);
        const DfuseMemory m = parseDfuseLayout("@Internal Flash  /0x08000000/04*032Kg,01*128Kg,03*256Kg");
        const DfusePlan p = planDfuseFlash(m, address, size);
        QList<quint32> got;
        for (const DfuseSector& s : p.erase) got << s.address;
        QCOMPARE(got, erased);
        QCOMPARE(p.spanBegin, spanBegin);
        QCOMPARE(quint64(p.spanEnd), spanEnd);
        QCOMPARE(p.address, address);
        QCOMPARE(quint64(p.size), size);
    }

    void refusesPlans_data() {
        QTest::addColumn<QString>("layout");
        QTest::addColumn<quint32>("address");
        QTest::addColumn<quint64>("size");
        QTest::addColumn<QString>("mentions");
        const QString f746 = "@Internal Flash  /0x08000000/04*032Kg,01*128Kg,03*256Kg";
        QTest::newRow("empty image") << f746 << 0x08000000u << quint64(0) << "empty";
        QTest::newRow("before the flash") << f746 << 0x07FFFFFFu << quint64(2) << "0x07ffffff";
        QTest::newRow("past the end") << f746 << 0x080FFF00u << quint64(0x200) << "0x08100000";
        QTest::newRow("past 4 GiB") << f746 << 0xFFFFFF00u << quint64(0x200) << "4 GiB";
        QTest::newRow("in a gap") << "@F/0x08000000/1*16Kg/0x08008000/1*16Kg" << 0x08000000u << quint64(0x5000)
                                  << "0x08004000";
        QTest::newRow("read-only sector") << "@F/0x08000000/1*16Kg,1*16Ka" << 0x08003000u << quint64(0x2000)
                                          << "not writable";
        QTest::newRow("not erasable") << "@F/0x08000000/1*16Ke" << 0x08000000u << quint64(4) << "not erasable";
        QTest::newRow("not readable") << "@F/0x08000000/1*16Kf" << 0x08000000u << quint64(4) << "not readable";
        QTest::newRow("option bytes") << "@Option Bytes  /0x1FFF0000/01*032 g" << 0x1FFF0000u << quint64(4)
                                      << "option bytes";
        QTest::newRow("OTP") << "@OTP Memory /0x1FF0F000/01*1Kg" << 0x1FF0F000u << quint64(4) << "one-time";
    }
    void refusesPlans() {
        QFETCH(QString, layout);
        QFETCH(quint32, address);
        QFETCH(quint64, size);
        QFETCH(QString, mentions);
        const DfuseMemory m = parseDfuseLayout(layout.toStdString());
        try {
            planDfuseFlash(m, address, size);
            QFAIL("accepted");
        } catch (const DeviceError& e) {
            QCOMPARE(e.kind(), DeviceErrorKind::Refused);
            QVERIFY2(QString(e.what()).contains(mentions), e.what());
            QVERIFY2(QString(e.what()).contains("nothing was written"), e.what());
        }
    }

    // Every status code of DFU 1.1 has its own name and advice; unknown codes
    // are named by number.
    void statusMessages() {
        const QStringList names{"OK", "errTARGET", "errFILE", "errWRITE", "errERASE", "errCHECK_ERASED",
                                "errPROG", "errVERIFY", "errADDRESS", "errNOTDONE", "errFIRMWARE", "errVENDOR",
                                "errUSBR", "errPOR", "errUNKNOWN", "errSTALLEDPKT"};
        QSet<QString> advice;
        for (int s = 0; s < names.size(); ++s) {
            QCOMPARE(QString::fromStdString(dfu::statusName(static_cast<std::uint8_t>(s))), names[s]);
            const QString a = QString::fromStdString(dfu::statusAdvice(static_cast<std::uint8_t>(s)));
            QVERIFY(a.size() > 8);
            advice.insert(a);
        }
        QCOMPARE(advice.size(), names.size());
        QCOMPARE(QString::fromStdString(dfu::statusName(0x42)), QString("status 0x42"));
        QVERIFY(!dfu::statusAdvice(0x42).empty());
        QCOMPARE(QString::fromStdString(dfu::stateName(4)), QString("dfuDNBUSY"));
        QCOMPARE(QString::fromStdString(dfu::stateName(10)), QString("dfuERROR"));
        QCOMPARE(QString::fromStdString(dfu::stateName(11)), QString("state 0x0b"));
    }

    void statusReply() {
        const std::uint8_t bytes[6] = {0x03, 0x10, 0x27, 0x00, 0x04, 0x07};
        const auto r = dfu::parseStatusReply(bytes);
        QVERIFY(r.has_value());
        QCOMPARE(r->status, std::uint8_t{3});
        QCOMPARE(r->pollTimeoutMs, 10000u);
        QCOMPARE(r->state, std::uint8_t{4});
        QCOMPARE(r->stringIndex, std::uint8_t{7});
        QVERIFY(!dfu::parseStatusReply(std::span<const std::uint8_t>(bytes, 5)).has_value());
    }

    void functionalDescriptor() {
        // An endpoint descriptor, then the DfuSe functional descriptor.
        const std::vector<std::uint8_t> extra{7, 5, 0x81, 2, 64, 0, 0, 9, 0x21, 0x0B, 0xFF, 0x00, 0x00, 0x08, 0x1A, 0x01};
        const auto f = dfu::findFunctionalDescriptor(extra);
        QVERIFY(f.has_value());
        QVERIFY(f->canDownload && f->canUpload && !f->manifestationTolerant && f->willDetach);
        QCOMPARE(f->transferSize, std::uint16_t{2048});
        QCOMPARE(f->dfuVersion, dfu::kDfuseVersion);
        QCOMPARE(f->detachTimeoutMs, std::uint16_t{255});
        // DFU 1.0: 7 bytes.
        const std::vector<std::uint8_t> old{7, 0x21, 0x03, 0x10, 0x00, 0x00, 0x04};
        QCOMPARE(dfu::findFunctionalDescriptor(old)->dfuVersion, std::uint16_t{0x0100});
        // A length running past the end, a zero length: no descriptor, no overread.
        QVERIFY(!dfu::findFunctionalDescriptor(std::vector<std::uint8_t>{9, 0x21, 0x0B}).has_value());
        QVERIFY(!dfu::findFunctionalDescriptor(std::vector<std::uint8_t>{0, 0x21, 0x0B, 0, 0, 0, 0}).has_value());
        QVERIFY(!dfu::findFunctionalDescriptor({}).has_value());
    }

    void identifiesWithTheCatalog() {
        const board::Catalog& catalog = board::Catalog::builtIn();
        const auto dfu = identifyUsb(0x0483, 0xdf11, &catalog);
        QVERIFY(dfu.has_value());
        QCOMPARE(dfu->kind, UsbKind::Dfu);
        QVERIFY(std::find(dfu->boardIds.begin(), dfu->boardIds.end(), "stm32f746g-disco") != dfu->boardIds.end());
        const auto stlink = identifyUsb(0x0483, 0x374b, &catalog);
        QCOMPARE(stlink->kind, UsbKind::StLink);
        QCOMPARE(QString::fromStdString(stlink->description), QString("ST-LINK/V2-1"));
        QVERIFY(std::find(stlink->boardIds.begin(), stlink->boardIds.end(), "nucleo-f767zi") != stlink->boardIds.end());
        QCOMPARE(identifyUsb(0x0483, 0x374e, &catalog)->boardIds, std::vector<std::string>{"nucleo-h743zi"});
        QCOMPARE(identifyUsb(0x1209, 0xabd1, nullptr)->kind, UsbKind::Data);
        QCOMPARE(identifyUsb(0x2341, 0x805a, &catalog)->boardIds, std::vector<std::string>{"nano33ble"});
        QVERIFY(!identifyUsb(0x046d, 0xc52b, &catalog).has_value());  // a mouse
        // The catalog's own role for an ID the table does not know.
        for (const auto& id : builtInUsbIds()) QVERIFY(identifyUsb(id.vendor, id.product, nullptr).has_value());
        QCOMPARE(QString::fromStdString(formatUsbId(0x0483, 0xdf11)), QString("0483:df11"));
        QCOMPARE(usbKindFromName("st-link"), std::optional<UsbKind>(UsbKind::StLink));
        QVERIFY(!usbKindFromName("jtag").has_value());
    }

    void selectsOneDevice() {
        const std::vector<UsbDeviceInfo> two{fakeDevice(UsbKind::StLink, "066AFF", 3), fakeDevice(UsbKind::Dfu, "3276", 4)};
        QCOMPARE(selectUsbDevice(two, {UsbKind::Dfu, "", ""}).address, 4);
        QCOMPARE(selectUsbDevice(two, {std::nullopt, "", "066AFF"}).address, 3);
        QCOMPARE(selectUsbDevice(two, {UsbKind::StLink, "stm32f746g-disco", ""}).serial, std::string("066AFF"));
    }

    void selectionErrors_data() {
        QTest::addColumn<int>("scenario");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("nothing connected") << 0 << int(DeviceErrorKind::NotFound) << "no dfu device is connected";
        QTest::newRow("only another kind") << 1 << int(DeviceErrorKind::NotFound) << "Connected: ST-LINK/V2-1";
        QTest::newRow("two boards") << 2 << int(DeviceErrorKind::Ambiguous) << "serial number";
        QTest::newRow("wrong serial") << 3 << int(DeviceErrorKind::NotFound) << "with serial number 999";
        QTest::newRow("permission denied") << 4 << int(DeviceErrorKind::Permission) << "49-mcunet.rules";
        QTest::newRow("serial unreadable") << 5 << int(DeviceErrorKind::Permission) << "udevadm";
        QTest::newRow("other board") << 6 << int(DeviceErrorKind::NotFound) << "for nucleo-h743zi";
    }
    void selectionErrors() {
        QFETCH(int, scenario);
        QFETCH(int, kind);
        QFETCH(QString, mentions);
        std::vector<UsbDeviceInfo> devices;
        UsbSelector wanted{UsbKind::Dfu, "", ""};
        switch (scenario) {
            case 1: devices = {fakeDevice(UsbKind::StLink, "066AFF", 3)}; break;
            case 2: devices = {fakeDevice(UsbKind::Dfu, "3276", 4), fakeDevice(UsbKind::Dfu, "3277", 5)}; break;
            case 3: devices = {fakeDevice(UsbKind::Dfu, "3276", 4)}, wanted.serial = "999"; break;
            case 4: devices = {fakeDevice(UsbKind::Dfu, "", 4, "permission denied")}; break;
            case 5: devices = {fakeDevice(UsbKind::Dfu, "", 4, "permission denied")}, wanted.serial = "3276"; break;
            case 6: devices = {fakeDevice(UsbKind::Dfu, "3276", 4)}, wanted.boardId = "nucleo-h743zi"; break;
            default: break;
        }
        try {
            selectUsbDevice(devices, wanted);
            QFAIL("selected");
        } catch (const DeviceError& e) {
            QCOMPARE(int(e.kind()), kind);
            QVERIFY2(QString(e.what()).contains(mentions), e.what());
        }
    }

    // The shipped udev rule admits every ID we look for, the catalog's too.
    void udevRuleCoversEveryId() {
        QFile file(MCUNET_UDEV_RULES);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString rules = QString::fromUtf8(file.readAll());
        auto covered = [&](std::uint16_t vendor, std::uint16_t product) {
            const QString ids = QString("ATTR{idVendor}==\"%1\", ATTR{idProduct}==\"%2\"")
                                    .arg(vendor, 4, 16, QChar('0'))
                                    .arg(product, 4, 16, QChar('0'));
            return rules.contains(ids + ", TAG+=\"uaccess\"");
        };
        for (const KnownUsbId& id : builtInUsbIds()) QVERIFY2(covered(id.vendor, id.product), id.description);
        for (const board::Board& b : board::Catalog::builtIn().boards())
            for (const board::UsbId& u : b.usb) QVERIFY2(covered(u.vendor, u.product), b.id.c_str());
    }

    void udevAdvice() {
        const QString a = QString::fromStdString(udevRuleAdvice());
        QVERIFY(a.contains("packaging/udev/49-mcunet.rules"));
        QVERIFY(a.contains("udevadm control --reload-rules"));
    }
};

QTEST_APPLESS_MAIN(TestDfuseLayout)
#include "test_dfuse_layout.moc"
