// The parts of the device layer every implementation shares: what a board
// supports here, the image from an ELF, the cancellable link, the serial
// port of an ST-LINK.
#include "device/board_device.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "board/cancel.h"
#include "board/elf.h"
#include "board/firmware_build.h"
#include "device/usb_ids.h"

namespace mcunet::device {

namespace fs = std::filesystem;

std::string counterKindName(CounterKind kind) {
    switch (kind) {
        case CounterKind::Cycles: return "cycles";
        case CounterKind::Instructions: return "instructions";
    }
    return "";
}

std::string flashKindName(FlashKind kind) {
    switch (kind) {
        case FlashKind::Virtual: return "qemu";
        case FlashKind::Dfuse: return "dfu";
        case FlashKind::StLink: return "st-link";
        case FlashKind::None: return "none";
    }
    return "";
}

namespace {

// The flash methods this build can drive for a real board: its catalog
// flash_method first, then any other USB role it lists that we can drive.
std::vector<FlashKind> realFlashers(const board::Board& b) {
    std::vector<FlashKind> out;
    const auto add = [&out](FlashKind k) {
        if (std::find(out.begin(), out.end(), k) == out.end()) out.push_back(k);
    };
    const auto fromRole = [](const std::string& role) {
        if (role == "st-link") return FlashKind::StLink;
        if (role == "dfu") return FlashKind::Dfuse;
        return FlashKind::None;
    };
    const FlashKind preferred = fromRole(b.flashMethod);
    for (const board::UsbId& id : b.usb)
        if (fromRole(id.role) == preferred && preferred != FlashKind::None) add(preferred);
    for (const board::UsbId& id : b.usb)
        if (const FlashKind k = fromRole(id.role); k != FlashKind::None) add(k);
    return out;
}

}  // namespace

BoardSupport boardSupport(const board::Board& b) {
    BoardSupport s;
    s.firmware = board::hasFirmwareLayer(b);
    if (b.isVirtual) {
        s.flashers = {FlashKind::Virtual};
        s.link = LinkKind::Tcp;
        s.counter = CounterKind::Instructions;
    } else {
        s.flashers = realFlashers(b);
        s.link = LinkKind::Serial;
        s.counter = b.cycleCounter == "icount" ? CounterKind::Instructions : CounterKind::Cycles;
        for (const board::UsbId& id : b.usb) s.usbIds.push_back(formatUsbId(id.vendor, id.product));
    }
    if (!s.firmware)
        s.whyNot = b.id + ": no firmware board layer for this board yet (there is one for " + board::boardsWithFirmwareText() +
                   "); generating C works, building, flashing and profiling do not";
    else if (s.flashers.empty())
        s.whyNot = b.id + ": its flash method \"" + b.flashMethod +
                   "\" is not supported here (ST-LINK and the STM32 DFU bootloader are)";
    return s;
}

FlashImage flashImageFromElf(const std::string& elf) {
    const board::LoadImage image = board::loadImage(board::readElf(elf), elf);
    FlashImage out;
    out.elf = fs::absolute(elf).string();
    out.address = image.address;
    out.bytes = image.bytes;
    return out;
}

std::string serialPortOf(const UsbDeviceInfo& device) {
    // /sys/bus/usb/devices/<port>:<config>.<interface>/tty/ttyACMn (cdc_acm).
    std::error_code ec;
    const fs::path devices("/sys/bus/usb/devices");
    std::vector<std::string> found;
    for (fs::directory_iterator it(devices, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind(device.port + ":", 0) != 0) continue;
        for (fs::directory_iterator tty(it->path() / "tty", ec), done; !ec && tty != done; tty.increment(ec))
            found.push_back("/dev/" + tty->path().filename().string());
        ec.clear();
    }
    std::sort(found.begin(), found.end());
    return found.empty() ? std::string() : found.front();
}

namespace {

class CancellableTransport : public board::Transport {
public:
    CancellableTransport(std::unique_ptr<board::Transport> inner, const std::atomic<bool>* cancel,
                         std::shared_ptr<void> keepAlive)
        : keepAlive_(std::move(keepAlive)), inner_(std::move(inner)), cancel_(cancel) {}

    void write(const std::vector<std::uint8_t>& bytes) override {
        board::throwIfCancelled(cancel_, "link");
        inner_->write(bytes);
    }
    std::vector<std::uint8_t> read(int timeoutMs) override {
        using Clock = std::chrono::steady_clock;
        const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
        for (;;) {
            board::throwIfCancelled(cancel_, "link");
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
            std::vector<std::uint8_t> bytes = inner_->read(static_cast<int>(std::clamp<long long>(left, 0, 50)));
            if (!bytes.empty() || left <= 50) return bytes;
        }
    }

private:
    std::shared_ptr<void> keepAlive_;  // declared first: destroyed after inner_
    std::unique_ptr<board::Transport> inner_;
    const std::atomic<bool>* cancel_;
};

}  // namespace

std::unique_ptr<board::Transport> cancellableTransport(std::unique_ptr<board::Transport> inner,
                                                       const std::atomic<bool>* cancel, std::shared_ptr<void> keepAlive) {
    return std::make_unique<CancellableTransport>(std::move(inner), cancel, std::move(keepAlive));
}

}  // namespace mcunet::device
