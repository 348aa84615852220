#include "device/usb_watcher.h"

#include <atomic>
#include <map>
#include <mutex>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "device/usb_libusb.h"

namespace mcunet::device {

namespace {

// A device is the same device while it keeps its bus, address and IDs (the
// address changes on every re-plug).
using DeviceKey = std::tuple<int, int, std::uint16_t, std::uint16_t>;
DeviceKey keyOf(const UsbDeviceInfo& d) { return {d.bus, d.address, d.vendor, d.product}; }

}  // namespace

struct UsbWatcher::Impl {
    Callback callback;
    Options options;
    usb::Context ctx;
    bool hotplug = false;
    std::atomic<bool> stopping{false};
    std::thread thread;
    std::map<DeviceKey, UsbDeviceInfo> present;

    // Hot-plug events are queued by libusb's callback (which must not do I/O
    // on the device) and handled after libusb_handle_events returns.
    std::mutex queueMutex;
    std::vector<std::pair<libusb_device*, bool>> queue;  // referenced device, arrived?
    libusb_hotplug_callback_handle handle = 0;

    static int LIBUSB_CALL onHotplug(libusb_context*, libusb_device* device, libusb_hotplug_event event, void* self) {
        auto* impl = static_cast<Impl*>(self);
        std::lock_guard<std::mutex> lock(impl->queueMutex);
        impl->queue.emplace_back(libusb_ref_device(device), event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED);
        return 0;  // stay registered
    }

    void arrive(const UsbDeviceInfo& info) {
        present[keyOf(info)] = info;
        callback(UsbEvent::Arrived, info);
    }
    void leave(const DeviceKey& key) {
        const auto it = present.find(key);
        if (it == present.end()) return;
        const UsbDeviceInfo info = it->second;
        present.erase(it);
        callback(UsbEvent::Left, info);
    }

    void dispatchQueued() {
        std::vector<std::pair<libusb_device*, bool>> events;
        {
            std::lock_guard<std::mutex> lock(queueMutex);
            events.swap(queue);
        }
        for (auto& [device, arrived] : events) {
            libusb_device_descriptor d{};
            libusb_get_device_descriptor(device, &d);
            const auto identity = identifyUsb(d.idVendor, d.idProduct, options.catalog);
            if (identity && arrived) arrive(usb::describeDevice(device, *identity));
            else if (identity)
                leave({libusb_get_bus_number(device), libusb_get_device_address(device), d.idVendor, d.idProduct});
            libusb_unref_device(device);
        }
    }

    void runHotplug() {
        if (!options.reportPresent) pollOnce(false);  // know them, so their departure is reported
        while (!stopping) {
            timeval tv{0, 200 * 1000};
            libusb_handle_events_timeout_completed(ctx.get(), &tv, nullptr);
            dispatchQueued();
        }
        libusb_hotplug_deregister_callback(ctx.get(), handle);
        dispatchQueued();  // releases the references of late events
    }

    void pollOnce(bool announce) {
        std::vector<UsbDeviceInfo> now;
        try {
            now = listUsbDevices(options.catalog);
        } catch (const Error&) {
            return;  // a transient listing failure: try again next period
        }
        std::map<DeviceKey, UsbDeviceInfo> seen;
        for (const UsbDeviceInfo& d : now) seen[keyOf(d)] = d;
        std::vector<DeviceKey> gone;
        for (const auto& [key, info] : present)
            if (!seen.count(key)) gone.push_back(key);
        for (const DeviceKey& key : gone) leave(key);
        for (const auto& [key, info] : seen) {
            if (present.count(key)) continue;
            if (announce) arrive(info);
            else present[key] = info;
        }
    }

    void runPolling() {
        pollOnce(options.reportPresent);
        while (!stopping) {
            for (int waited = 0; waited < options.pollIntervalMs && !stopping; waited += 20)
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            if (!stopping) pollOnce(true);
        }
    }
};

UsbWatcher::UsbWatcher(Callback callback, Options options) : impl_(std::make_unique<Impl>()) {
    if (options.pollIntervalMs < 50 || options.pollIntervalMs > 60000)
        throw Error("USB watcher: poll interval " + std::to_string(options.pollIntervalMs) +
                    " ms is outside 50..60000 ms");
    impl_->callback = std::move(callback);
    impl_->options = options;
    impl_->hotplug = !options.forcePolling && libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG) != 0;
    if (impl_->hotplug) {
        // Registered here, so a refusal is the constructor's error. With
        // ENUMERATE, present devices are queued now and announced by the thread.
        const int flags = options.reportPresent ? LIBUSB_HOTPLUG_ENUMERATE : 0;
        const int r = libusb_hotplug_register_callback(
            impl_->ctx.get(), LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT, flags,
            LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY, &Impl::onHotplug,
            impl_.get(), &impl_->handle);
        if (r != LIBUSB_SUCCESS) throw usb::errorFromLibusb(r, "registering for USB hot-plug events");
        impl_->thread = std::thread([impl = impl_.get()] { impl->runHotplug(); });
    } else {
        impl_->thread = std::thread([impl = impl_.get()] { impl->runPolling(); });
    }
}

UsbWatcher::~UsbWatcher() { stop(); }

bool UsbWatcher::usesHotplug() const { return impl_->hotplug; }

void UsbWatcher::stop() {
    if (!impl_->thread.joinable()) return;
    impl_->stopping = true;
    if (impl_->hotplug) libusb_interrupt_event_handler(impl_->ctx.get());
    impl_->thread.join();
}

}  // namespace mcunet::device
