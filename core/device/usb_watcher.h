#pragma once
// Hot-plug: tells when one of our boards (usb_ids.h) arrives or leaves.
//
// The watcher runs on its own thread, which it starts in the constructor and
// joins in the destructor (or stop()); callbacks are called on that thread,
// one at a time, never after stop() returns. A GUI forwards them to its own
// thread (e.g. a queued signal). It uses libusb's hot-plug API when
// libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG) (Linux with udev), and lists
// the devices every `pollIntervalMs` otherwise (or when forcePolling is set).
#include <functional>
#include <memory>

#include "board/board.h"
#include "device/usb_discovery.h"

namespace mcunet::device {

enum class UsbEvent { Arrived, Left };

class UsbWatcher {
public:
    // event: Arrived or Left. device: what was read when it arrived (a Left
    // event carries the same description: a departed device cannot be asked).
    using Callback = std::function<void(UsbEvent event, const UsbDeviceInfo& device)>;

    struct Options {
        const board::Catalog* catalog = nullptr;  // identifies devices (identifyUsb); may be null
        bool reportPresent = true;  // devices already connected arrive first
        bool forcePolling = false;  // poll even where libusb has hot-plug
        int pollIntervalMs = 500;   // polling period, 50..60000
    };

    // Starts watching.
    //   callback: called on the watcher's thread for every event; must not
    //             throw (an exception escaping it ends the process) and must
    //             not destroy the watcher.
    //   options: see Options.
    // Throws DeviceError (Usb) when libusb cannot start or refuses the hot-plug
    // registration; mcunet::Error for a poll interval out of range.
    UsbWatcher(Callback callback, Options options);
    UsbWatcher(Callback callback) : UsbWatcher(std::move(callback), Options{}) {}
    ~UsbWatcher();  // stop()
    UsbWatcher(const UsbWatcher&) = delete;
    UsbWatcher& operator=(const UsbWatcher&) = delete;

    // Whether events come from libusb's hot-plug API (false: polling).
    bool usesHotplug() const;
    // Stops the thread and waits for it; no callback runs after it returns.
    // Idempotent.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mcunet::device
