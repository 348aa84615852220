#include "mock_usb_bus.h"

#include <linux/usbdevice_fs.h>
#include <sys/ioctl.h>
#include <umockdev.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <stdexcept>

namespace mcunet::test {

namespace {

std::uint16_t le16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] | (p[1] << 8)); }

void put16(std::vector<std::uint8_t>& v, std::uint16_t x) {
    v.push_back(static_cast<std::uint8_t>(x));
    v.push_back(static_cast<std::uint8_t>(x >> 8));
}

std::string hex(const std::vector<std::uint8_t>& bytes) {
    std::string out;
    char two[3];
    for (std::uint8_t b : bytes) {
        std::snprintf(two, sizeof two, "%02X", b);  // umockdev's N: lines take upper-case hex only
        out += two;
    }
    return out;
}

std::vector<std::uint8_t> stringDescriptorBytes(const std::string& text) {
    std::vector<std::uint8_t> d{static_cast<std::uint8_t>(2 + 2 * text.size()), 3};
    for (char c : text) put16(d, static_cast<std::uint8_t>(c));
    return d;
}

// URBs completed at submission, waiting for libusb to reap them.
using PendingUrbs = std::deque<UMockdevIoctlData*>;
void release(UMockdevIoctlData* urb) { g_object_unref(urb); }

// Bulk IN URBs the device had no data for yet: the URB and its buffer.
struct WaitingUrb {
    UMockdevIoctlData* urb;
    UMockdevIoctlData* buffer;
};
using WaitingUrbs = std::deque<WaitingUrb>;
void release(const WaitingUrb& w) { g_object_unref(w.buffer), g_object_unref(w.urb); }

// A queue kept per open file (umockdev client) under `key`, created on first
// use and freed with the client (release drops its GObject references).
template <class Queue>
Queue& perClient(UMockdevIoctlClient* client, const char* key) {
    auto* q = static_cast<Queue*>(g_object_get_data(G_OBJECT(client), key));
    if (q == nullptr) {
        q = new Queue;
        g_object_set_data_full(G_OBJECT(client), key, q, [](gpointer p) {
            auto* queue = static_cast<Queue*>(p);
            for (const auto& entry : *queue) release(entry);
            delete queue;
        });
    }
    return *q;
}

PendingUrbs& pendingOf(UMockdevIoctlClient* client) { return perClient<PendingUrbs>(client, "mcunet-pending-urbs"); }
WaitingUrbs& waitingOf(UMockdevIoctlClient* client) { return perClient<WaitingUrbs>(client, "mcunet-waiting-urbs"); }

}  // namespace

struct MockUsbBus::Slot {
    MockUsbDeviceSpec spec;
    std::shared_ptr<MockUsbFunction> function;
    std::atomic<bool> gone{false};
    std::string devNode, sysPath;
    UMockdevIoctlBase* handler = nullptr;

    ControlReply standardRequest(const ControlRequest& r) {
        const bool in = (r.requestType & 0x80) != 0;
        if (r.request == 0x06 && in) {  // GET_DESCRIPTOR
            const int type = r.value >> 8, index = r.value & 0xFF;
            if (type == 1) return ControlReply::ok(deviceDescriptor(spec));
            if (type == 2 && index == 0) return ControlReply::ok(spec.configuration);
            if (type == 3 && index == 0) return ControlReply::ok({4, 3, 0x09, 0x04});  // US English
            if (type == 3) {
                const auto idx = static_cast<std::uint8_t>(index);
                if (idx == 1 && !spec.manufacturer.empty()) return ControlReply::ok(stringDescriptorBytes(spec.manufacturer));
                if (idx == 2 && !spec.productName.empty()) return ControlReply::ok(stringDescriptorBytes(spec.productName));
                if (idx == 3 && !spec.serial.empty()) return ControlReply::ok(stringDescriptorBytes(spec.serial));
                const auto it = spec.strings.find(idx);
                if (it != spec.strings.end()) return ControlReply::ok(stringDescriptorBytes(it->second));
            }
            return ControlReply::stall();
        }
        if (r.request == 0x00 && in) return ControlReply::ok({0, 0});  // GET_STATUS
        if (r.request == 0x08 && in) return ControlReply::ok({1});     // GET_CONFIGURATION
        if (r.request == 0x09 && !in) return ControlReply::ok();       // SET_CONFIGURATION
        if (r.request == 0x0B && !in) {                                // SET_INTERFACE
            if (function) function->setInterface(r.index, r.value);
            return ControlReply::ok();
        }
        return ControlReply::stall();
    }

    void submit(UMockdevIoctlClient* client) {
        GError* error = nullptr;
        UMockdevIoctlData* urbData =
            umockdev_ioctl_data_resolve(umockdev_ioctl_client_get_arg(client), 0, sizeof(usbdevfs_urb), &error);
        if (urbData == nullptr) {
            g_clear_error(&error);
            umockdev_ioctl_client_complete(client, -1, EFAULT);
            return;
        }
        auto* urb = reinterpret_cast<usbdevfs_urb*>(urbData->data);
        if (!gone && urb->type == USBDEVFS_URB_TYPE_BULK && function) {
            submitBulk(client, urbData);
            return;
        }
        if (gone || urb->type != USBDEVFS_URB_TYPE_CONTROL || urb->buffer_length < 8) {
            g_object_unref(urbData);
            umockdev_ioctl_client_complete(client, -1, gone ? ENODEV : EINVAL);
            return;
        }
        UMockdevIoctlData* buffer =
            umockdev_ioctl_data_resolve(urbData, offsetof(usbdevfs_urb, buffer), static_cast<gsize>(urb->buffer_length), &error);
        if (buffer == nullptr) {
            g_clear_error(&error);
            g_object_unref(urbData);
            umockdev_ioctl_client_complete(client, -1, EFAULT);
            return;
        }
        std::uint8_t* b = buffer->data;
        ControlRequest r{b[0], b[1], le16(b + 2), le16(b + 4), le16(b + 6), {}};
        const bool in = (r.requestType & 0x80) != 0;
        const std::size_t room = static_cast<std::size_t>(urb->buffer_length) - 8;
        if (!in) r.data.assign(b + 8, b + 8 + std::min<std::size_t>(r.length, room));
        const ControlReply reply = (r.requestType & 0x60) == 0 ? standardRequest(r)
                                   : function               ? function->control(r)
                                                            : ControlReply::stall();
        if (reply.kind == ControlReply::Kind::Gone) {
            gone = true;
            g_object_unref(buffer);
            g_object_unref(urbData);
            umockdev_ioctl_client_complete(client, -1, ENODEV);
            return;
        }
        std::size_t n = 0;
        if (reply.kind == ControlReply::Kind::Ok) {
            n = in ? std::min({reply.data.size(), std::size_t{r.length}, room}) : r.data.size();
            if (in) std::memcpy(b + 8, reply.data.data(), n);
        }
        urb->status = reply.kind == ControlReply::Kind::Stall ? -EPIPE : 0;
        urb->actual_length = static_cast<int>(n);
        g_object_unref(buffer);                 // urbData keeps it
        pendingOf(client).push_back(urbData);   // our reference, until reaped
        umockdev_ioctl_client_complete(client, 0, 0);
    }

    // A bulk URB: OUT data goes to the function at once; IN completes with
    // what the function has, or waits for it (reap asks again).
    void submitBulk(UMockdevIoctlClient* client, UMockdevIoctlData* urbData) {
        auto* urb = reinterpret_cast<usbdevfs_urb*>(urbData->data);
        GError* error = nullptr;
        UMockdevIoctlData* buffer = urb->buffer_length <= 0 ? nullptr
            : umockdev_ioctl_data_resolve(urbData, offsetof(usbdevfs_urb, buffer), static_cast<gsize>(urb->buffer_length), &error);
        if (urb->buffer_length > 0 && buffer == nullptr) {
            g_clear_error(&error);
            g_object_unref(urbData);
            umockdev_ioctl_client_complete(client, -1, EFAULT);
            return;
        }
        if (urb->endpoint & 0x80) {
            waitingOf(client).push_back({urbData, buffer});
            pollWaiting(client);
        } else {
            const std::vector<std::uint8_t> data(buffer ? buffer->data : nullptr,
                                                 buffer ? buffer->data + urb->buffer_length : nullptr);
            urb->status = function->bulkOut(urb->endpoint, data) ? 0 : -EPIPE;
            urb->actual_length = urb->status == 0 ? urb->buffer_length : 0;
            if (buffer) g_object_unref(buffer);
            pendingOf(client).push_back(urbData);
        }
        umockdev_ioctl_client_complete(client, 0, 0);
    }

    // Completes waiting IN URBs, in order, while the function has data.
    void pollWaiting(UMockdevIoctlClient* client) {
        WaitingUrbs& waiting = waitingOf(client);
        while (!waiting.empty()) {
            WaitingUrb w = waiting.front();
            auto* urb = reinterpret_cast<usbdevfs_urb*>(w.urb->data);
            const std::vector<std::uint8_t> data =
                function->bulkIn(urb->endpoint, static_cast<std::size_t>(std::max(urb->buffer_length, 0)));
            if (data.empty()) return;
            const std::size_t n = std::min(data.size(), static_cast<std::size_t>(urb->buffer_length));
            std::memcpy(w.buffer->data, data.data(), n);
            urb->status = 0;
            urb->actual_length = static_cast<int>(n);
            waiting.pop_front();
            g_object_unref(w.buffer);
            pendingOf(client).push_back(w.urb);
        }
    }

    // USBDEVFS_DISCARDURB (libusb's timeout or cancel): a waiting URB is
    // reaped with -ENOENT, as the kernel reports an unlinked URB.
    void discard(UMockdevIoctlClient* client) {
        UMockdevIoctlData* arg = umockdev_ioctl_client_get_arg(client);
        gulong target = 0;
        std::memcpy(&target, arg->data, std::min<std::size_t>(sizeof target, static_cast<std::size_t>(arg->data_len)));
        WaitingUrbs& waiting = waitingOf(client);
        for (auto it = waiting.begin(); it != waiting.end(); ++it) {
            if (it->urb->client_addr != target) continue;
            auto* urb = reinterpret_cast<usbdevfs_urb*>(it->urb->data);
            urb->status = -ENOENT;
            urb->actual_length = 0;
            g_object_unref(it->buffer);
            pendingOf(client).push_back(it->urb);
            waiting.erase(it);
            umockdev_ioctl_client_complete(client, 0, 0);
            return;
        }
        umockdev_ioctl_client_complete(client, -1, EINVAL);  // already completed
    }

    void reap(UMockdevIoctlClient* client) {
        if (function && !gone) pollWaiting(client);
        PendingUrbs& pending = pendingOf(client);
        if (pending.empty()) {
            umockdev_ioctl_client_complete(client, -1, gone ? ENODEV : EAGAIN);
            return;
        }
        GError* error = nullptr;
        UMockdevIoctlData* slot =
            umockdev_ioctl_data_resolve(umockdev_ioctl_client_get_arg(client), 0, sizeof(void*), &error);
        if (slot == nullptr) {
            g_clear_error(&error);
            umockdev_ioctl_client_complete(client, -1, EFAULT);
            return;
        }
        UMockdevIoctlData* urbData = pending.front();
        pending.pop_front();
        umockdev_ioctl_data_set_ptr(slot, 0, urbData);  // the client's pointer now names its URB
        g_object_unref(urbData);
        g_object_unref(slot);
        umockdev_ioctl_client_complete(client, 0, 0);
    }

    void setInterfaceIoctl(UMockdevIoctlClient* client) {
        GError* error = nullptr;
        UMockdevIoctlData* d = umockdev_ioctl_data_resolve(umockdev_ioctl_client_get_arg(client), 0,
                                                           sizeof(usbdevfs_setinterface), &error);
        if (d == nullptr) {
            g_clear_error(&error);
            umockdev_ioctl_client_complete(client, -1, EFAULT);
            return;
        }
        const auto* s = reinterpret_cast<const usbdevfs_setinterface*>(d->data);
        if (function) function->setInterface(static_cast<int>(s->interface), static_cast<int>(s->altsetting));
        g_object_unref(d);
        umockdev_ioctl_client_complete(client, 0, 0);
    }

    static gboolean onIoctl(UMockdevIoctlBase*, UMockdevIoctlClient* client, gpointer self) {
        auto* slot = static_cast<Slot*>(self);
        const gulong request = umockdev_ioctl_client_get_request(client);
        if (request == USBDEVFS_SUBMITURB) slot->submit(client);
        else if (request == USBDEVFS_REAPURB || request == USBDEVFS_REAPURBNDELAY) slot->reap(client);
        else if (slot->gone) umockdev_ioctl_client_complete(client, -1, ENODEV);
        else if (request == USBDEVFS_SETINTERFACE) slot->setInterfaceIoctl(client);
        else if (request == USBDEVFS_CLAIMINTERFACE || request == USBDEVFS_RELEASEINTERFACE ||
                 request == USBDEVFS_DISCONNECT_CLAIM || request == USBDEVFS_SETCONFIGURATION ||
                 request == USBDEVFS_CLEAR_HALT || request == USBDEVFS_RESETEP || request == USBDEVFS_RESET)
            umockdev_ioctl_client_complete(client, 0, 0);
        else if (request == USBDEVFS_GETDRIVER || request == USBDEVFS_IOCTL)
            umockdev_ioctl_client_complete(client, -1, ENODATA);  // no kernel driver bound
        else if (request == USBDEVFS_DISCARDURB)
            slot->discard(client);
        else
            umockdev_ioctl_client_complete(client, -1, ENOTTY);
        return TRUE;
    }
};

struct MockUsbBus::Impl {
    UMockdevTestbed* testbed = nullptr;
    std::vector<std::shared_ptr<Slot>> slots;
};

std::vector<std::uint8_t> deviceDescriptor(const MockUsbDeviceSpec& s) {
    std::vector<std::uint8_t> d{18, 1};
    put16(d, 0x0200);          // bcdUSB
    d.insert(d.end(), {0, 0, 0, 64});  // class, subclass, protocol (per interface), bMaxPacketSize0
    put16(d, s.vendor);
    put16(d, s.product);
    put16(d, s.bcdDevice);
    d.push_back(s.manufacturer.empty() ? 0 : 1);
    d.push_back(s.productName.empty() ? 0 : 2);
    d.push_back(s.serial.empty() ? 0 : 3);
    d.push_back(1);  // bNumConfigurations
    return d;
}

std::vector<std::uint8_t> interfaceDescriptor(std::uint8_t number, std::uint8_t alt, std::uint8_t endpoints,
                                              std::uint8_t cls, std::uint8_t subClass, std::uint8_t protocol,
                                              std::uint8_t nameIndex) {
    return {9, 4, number, alt, endpoints, cls, subClass, protocol, nameIndex};
}

std::vector<std::uint8_t> endpointDescriptor(std::uint8_t address, std::uint8_t attributes, std::uint16_t maxPacket) {
    std::vector<std::uint8_t> d{7, 5, address, attributes};
    put16(d, maxPacket);
    d.push_back(0);
    return d;
}

std::vector<std::uint8_t> configurationDescriptor(std::uint8_t interfaces, const std::vector<std::uint8_t>& body) {
    std::vector<std::uint8_t> d{9, 2};
    put16(d, static_cast<std::uint16_t>(9 + body.size()));
    d.insert(d.end(), {interfaces, 1, 0, 0x80, 50});
    d.insert(d.end(), body.begin(), body.end());
    return d;
}

MockUsbBus::MockUsbBus() : impl_(std::make_unique<Impl>()) { impl_->testbed = umockdev_testbed_new(); }

MockUsbBus::~MockUsbBus() {
    g_object_unref(impl_->testbed);
    for (auto& slot : impl_->slots) g_object_unref(slot->handler);
}

std::string MockUsbBus::add(const MockUsbDeviceSpec& spec, std::shared_ptr<MockUsbFunction> function) {
    auto slot = std::make_shared<Slot>();
    slot->spec = spec;
    slot->function = std::move(function);
    char node[32], devPath[96];
    std::snprintf(node, sizeof node, "bus/usb/%03d/%03d", spec.bus, spec.address);
    std::snprintf(devPath, sizeof devPath, "/devices/mcunet-mock/usb%d/%d-%d", spec.bus, spec.bus, spec.port);
    slot->devNode = std::string("/dev/") + node;
    slot->sysPath = std::string("/sys") + devPath;

    // The handler first: a hot-plug listener may open the device as soon as
    // its "add" uevent is out.
    slot->handler = umockdev_ioctl_base_new();
    g_signal_connect(slot->handler, "handle-ioctl", G_CALLBACK(&Slot::onIoctl), slot.get());
    GError* error = nullptr;
    if (!umockdev_testbed_attach_ioctl(impl_->testbed, slot->devNode.c_str(), slot->handler, &error))
        throw std::runtime_error(std::string("umockdev: attach_ioctl: ") + (error ? error->message : "?"));

    std::vector<std::uint8_t> descriptors = deviceDescriptor(spec);
    descriptors.insert(descriptors.end(), spec.configuration.begin(), spec.configuration.end());
    char ids[160];
    std::snprintf(ids, sizeof ids,
                  "E: PRODUCT=%x/%x/%x\nA: idVendor=%04x\nA: idProduct=%04x\nA: dev=189:%d\n"
                  "E: BUSNUM=%03d\nE: DEVNUM=%03d\nA: busnum=%d\nA: devnum=%d\n",
                  spec.vendor, spec.product, spec.bcdDevice, spec.vendor, spec.product,
                  (spec.bus - 1) * 128 + spec.address - 1, spec.bus, spec.address, spec.bus, spec.address);
    std::string text = std::string("P: ") + devPath + "\nN: " + node + "=" + hex(descriptors) + "\n" +
                       "E: DEVNAME=/dev/" + node + "\nE: DEVTYPE=usb_device\nE: DRIVER=usb\nE: SUBSYSTEM=usb\n" + ids +
                       "A: speed=12\nA: bConfigurationValue=1\nA: bNumConfigurations=1\n" +
                       (spec.serial.empty() ? std::string() : "A: serial=" + spec.serial + "\n") +
                       "H: descriptors=" + hex(descriptors) + "\n";
    if (!umockdev_testbed_add_from_string(impl_->testbed, text.c_str(), &error))
        throw std::runtime_error(std::string("umockdev: add_from_string: ") + (error ? error->message : "?"));
    impl_->slots.push_back(slot);
    return slot->sysPath;
}

void MockUsbBus::remove(const std::string& sysPath) {
    for (auto& slot : impl_->slots) {
        if (slot->sysPath != sysPath || slot->gone) continue;
        slot->gone = true;
        umockdev_testbed_uevent(impl_->testbed, sysPath.c_str(), "remove");
        umockdev_testbed_remove_device(impl_->testbed, sysPath.c_str());
        return;
    }
    throw std::runtime_error("MockUsbBus::remove: no device " + sysPath);
}

bool underUmockdev() {
    const char* preload = std::getenv("LD_PRELOAD");
    return preload != nullptr && std::strstr(preload, "umockdev") != nullptr;
}

MockUsbDeviceSpec stlinkSpec(const std::string& serial, int address, int port) {
    MockUsbDeviceSpec s;
    s.vendor = 0x0483;
    s.product = 0x374b;
    s.bcdDevice = 0x0100;
    s.manufacturer = "STMicroelectronics";
    s.productName = "STM32 STLink";
    s.serial = serial;
    s.address = address;
    s.port = port;
    // The debug interface (vendor class, two bulk endpoints) and the virtual
    // COM port (CDC ACM control + data), as an ST-LINK/V2-1 has.
    std::vector<std::uint8_t> body = interfaceDescriptor(0, 0, 2, 0xFF, 0xFF, 0xFF, 4);
    for (const auto& e : {endpointDescriptor(0x81, 2, 64), endpointDescriptor(0x01, 2, 64)}) body.insert(body.end(), e.begin(), e.end());
    for (const auto& d : {interfaceDescriptor(1, 0, 1, 0x02, 0x02, 0x01, 5), endpointDescriptor(0x83, 3, 2),
                          interfaceDescriptor(2, 0, 2, 0x0A, 0x00, 0x00, 0), endpointDescriptor(0x84, 2, 64),
                          endpointDescriptor(0x05, 2, 64)})
        body.insert(body.end(), d.begin(), d.end());
    s.configuration = configurationDescriptor(3, body);
    s.strings = {{4, "ST-Link Debug"}, {5, "ST-Link VCP Ctrl"}};
    return s;
}

}  // namespace mcunet::test
