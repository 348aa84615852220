#pragma once
// Emulated USB devices beneath the real libusb, for tests run under
// umockdev-wrapper (DESIGN.md section 10): a umockdev testbed holds each
// device's sysfs entry and descriptors, and an ioctl handler answers the
// usbdevfs requests libusb makes on its /dev/bus/usb node. Control transfers
// (URBs) are decoded here: standard requests (descriptors, strings) are
// answered from the device's spec, class and vendor requests go to its
// MockUsbFunction (e.g. the DfuSe simulator). Bulk URBs go to the function
// too: OUT data at once, IN data when the function has some (until then the
// URB waits, and libusb's timeout discards it as the kernel would).
//
// Threading: umockdev calls the handler on its own worker thread while the
// test's libusb call waits, so a MockUsbFunction must lock its own state.
// Another process started with this environment (LD_PRELOAD and
// UMOCKDEV_DIR inherited), such as dfu-util, talks to the same devices.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mcunet::test {

struct ControlRequest {
    std::uint8_t requestType = 0;  // bmRequestType
    std::uint8_t request = 0;      // bRequest
    std::uint16_t value = 0, index = 0, length = 0;
    std::vector<std::uint8_t> data;  // host-to-device data (wLength bytes); empty for IN
};

struct ControlReply {
    enum class Kind { Ok, Stall, Gone };
    Kind kind = Kind::Ok;
    std::vector<std::uint8_t> data;  // device-to-host data (truncated to wLength)

    static ControlReply ok(std::vector<std::uint8_t> bytes = {}) { return {Kind::Ok, std::move(bytes)}; }
    static ControlReply stall() { return {Kind::Stall, {}}; }
    // The device vanished: this and every later request fails with ENODEV.
    static ControlReply gone() { return {Kind::Gone, {}}; }
};

// The device-specific side: class and vendor control requests.
class MockUsbFunction {
public:
    virtual ~MockUsbFunction() = default;
    virtual ControlReply control(const ControlRequest& request) = 0;
    // SET_INTERFACE (USBDEVFS_SETINTERFACE) selected `alt` of `interfaceNumber`.
    virtual void setInterface(int interfaceNumber, int alt) { (void)interfaceNumber, (void)alt; }
    // A bulk OUT transfer's data for endpoint `ep`; false stalls it.
    virtual bool bulkOut(std::uint8_t ep, const std::vector<std::uint8_t>& data) { return (void)ep, (void)data, false; }
    // Up to `max` bytes the device sends on bulk IN endpoint `ep` now (empty:
    // nothing yet, the URB waits and is asked again when libusb reaps).
    virtual std::vector<std::uint8_t> bulkIn(std::uint8_t ep, std::size_t max) { return (void)ep, (void)max, std::vector<std::uint8_t>{}; }
};

struct MockUsbDeviceSpec {
    std::uint16_t vendor = 0, product = 0, bcdDevice = 0x0100;
    std::string manufacturer, productName, serial;  // string descriptors 1, 2, 3
    std::vector<std::uint8_t> configuration;        // the whole configuration descriptor
    std::map<std::uint8_t, std::string> strings;    // further string descriptors (interface names)
    int bus = 1, address = 2, port = 1;             // sysfs name "<bus>-<port>"
};

// Descriptor builders (USB 2.0 chapter 9).
std::vector<std::uint8_t> deviceDescriptor(const MockUsbDeviceSpec& spec);
std::vector<std::uint8_t> interfaceDescriptor(std::uint8_t number, std::uint8_t alt, std::uint8_t endpoints,
                                              std::uint8_t cls, std::uint8_t subClass, std::uint8_t protocol,
                                              std::uint8_t nameIndex);
std::vector<std::uint8_t> endpointDescriptor(std::uint8_t address, std::uint8_t attributes, std::uint16_t maxPacket);
// A configuration descriptor (value 1, bus-powered 100 mA) around `body`.
std::vector<std::uint8_t> configurationDescriptor(std::uint8_t interfaces, const std::vector<std::uint8_t>& body);

// An ST-LINK/V2-1 (0483:374b) as Discovery and Nucleo boards carry it: the
// debug interface (vendor class, two bulk endpoints) and the virtual COM port.
// Only its descriptors are emulated (bulk URBs are refused).
MockUsbDeviceSpec stlinkSpec(const std::string& serial, int address, int port);

class MockUsbBus {
public:
    MockUsbBus();  // a new umockdev testbed (sets UMOCKDEV_DIR)
    ~MockUsbBus();
    MockUsbBus(const MockUsbBus&) = delete;
    MockUsbBus& operator=(const MockUsbBus&) = delete;

    // Plugs a device in: its sysfs entry appears (an "add" uevent follows) and
    // its node answers ioctls. function may be null (standard requests only).
    // Returns the device's sysfs path.
    std::string add(const MockUsbDeviceSpec& spec, std::shared_ptr<MockUsbFunction> function);
    // Unplugs it: ioctls fail with ENODEV, the "remove" uevent is sent, and
    // the sysfs entry goes.
    void remove(const std::string& sysPath);

    struct Slot;  // one device (mock_usb_bus.cpp)

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// True when the test runs under umockdev-wrapper (its preload library is in
// LD_PRELOAD): without it libusb would see the real machine.
bool underUmockdev();

}  // namespace mcunet::test
