// A board behind its on-board ST-LINK as a BoardDevice, flashed over SWD by
// Debian's libstlink (stlink-tools' library, linked: docs/usb-devices.md says
// why). libstlink opens the probe for each operation and closes it after, so
// nothing stays claimed between flash, reset and the link.
//
// Flashing, sector by sector over the image's range only: the sector's bytes
// outside the image are read first and written back with it (a sector erase
// takes the whole sector), stlink_write_flash erases and programs exactly that
// sector, then the image is verified by reading it back. Never a mass erase,
// never the option bytes.
#include <stlink.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "board/cancel.h"
#include "device/board_devices.h"

namespace mcunet::device {

namespace {

struct StlinkCloser {
    void operator()(stlink_t* sl) const {
        stlink_exit_debug_mode(sl);
        stlink_close(sl);
    }
};
using Stlink = std::unique_ptr<stlink_t, StlinkCloser>;

class StlinkDevice : public BoardDevice {
public:
    StlinkDevice(const board::Board& b, const UsbDeviceInfo& usb, const DeviceSelector& selector)
        : board_(b), usb_(usb), selector_(selector) {}

    DeviceIdentity identify() const override {
        const std::string port = selector_.serialPort.empty() ? serialPortOf(usb_) : selector_.serialPort;
        return {board_.id, usb_.serial, FlashKind::StLink, describe(usb_), port};
    }

    FlashResult flash(const FlashImage& image, const FlashProgressFn& progress, const std::atomic<bool>* cancel) override;

    std::unique_ptr<board::Transport> openLink(const std::atomic<bool>* cancel) override {
        const std::string port = selector_.serialPort.empty() ? serialPortOf(usb_) : selector_.serialPort;
        return openFirmwareLink(board_, selector_, port, cancel);
    }

    void reset() override {
        const Stlink sl = open();
        if (stlink_reset(sl.get(), RESET_AUTO) != 0 || stlink_run(sl.get(), RUN_NORMAL) != 0)
            throw DeviceError(DeviceErrorKind::Usb, describe(usb_) + ": the ST-LINK could not reset the target");
    }

    CounterKind counterKind() const override { return boardSupport(board_).counter; }

private:
    Stlink open() const;
    std::vector<std::uint8_t> sectorBytes(stlink_t* sl, std::uint32_t sector, std::uint32_t size, const FlashImage& image) const;

    board::Board board_;
    UsbDeviceInfo usb_;
    DeviceSelector selector_;
};

Stlink StlinkDevice::open() const {
    char serial[STLINK_SERIAL_BUFFER_SIZE] = {};
    std::strncpy(serial, usb_.serial.c_str(), STLINK_SERIAL_LENGTH);
    stlink_t* sl = stlink_open_usb(UERROR, CONNECT_NORMAL, usb_.serial.empty() ? nullptr : serial, 0);
    if (sl == nullptr)
        throw DeviceError(DeviceErrorKind::Usb,
                          "libstlink could not open " + describe(usb_) +
                              ": unplug and replug the board, close other programs using it (st-util, "
                              "STM32CubeProgrammer, openocd) and check the udev rule (docs/usb-devices.md)");
    Stlink owned(sl);
    if (sl->flash_type == STLINK_FLASH_TYPE_UNKNOWN || sl->flash_size == 0)
        throw DeviceError(DeviceErrorKind::Protocol,
                          describe(usb_) + ": the ST-LINK answers but no target chip was recognised (check that the "
                                           "board is powered and its SWD jumpers are closed)");
    return owned;
}

// The whole sector as it must be after writing: the image where it covers
// the sector, the chip's current bytes elsewhere (read through the probe).
std::vector<std::uint8_t> StlinkDevice::sectorBytes(stlink_t* sl, std::uint32_t sector, std::uint32_t size,
                                                    const FlashImage& image) const {
    std::vector<std::uint8_t> bytes(size);
    constexpr std::uint32_t kChunk = 1024;  // stlink_read_mem32: multiples of 4, within q_buf
    for (std::uint32_t at = 0; at < size; at += kChunk) {
        const std::uint32_t n = std::min(kChunk, size - at);
        if (stlink_read_mem32(sl, sector + at, static_cast<std::uint16_t>(n)) != 0)
            throw DeviceError(DeviceErrorKind::Usb, describe(usb_) + ": reading Flash back failed");
        std::memcpy(bytes.data() + at, sl->q_buf, n);
    }
    const std::uint64_t from = std::max<std::uint64_t>(sector, image.address);
    const std::uint64_t to = std::min<std::uint64_t>(std::uint64_t(sector) + size, image.address + image.bytes.size());
    std::memcpy(bytes.data() + (from - sector), image.bytes.data() + (from - image.address), to - from);
    return bytes;
}

FlashResult StlinkDevice::flash(const FlashImage& image, const FlashProgressFn& progress, const std::atomic<bool>* cancel) {
    const auto start = std::chrono::steady_clock::now();
    if (image.bytes.empty()) throw DeviceError(DeviceErrorKind::Refused, board_.id + ": the image is empty");
    board::throwIfCancelled(cancel, "flash");
    const Stlink sl = open();
    const std::uint64_t base = sl->flash_base, end = base + sl->flash_size;
    const std::uint64_t imageEnd = std::uint64_t(image.address) + image.bytes.size();
    if (image.address < base || imageEnd > end)
        throw DeviceError(DeviceErrorKind::Refused, board_.id + ": the image (" + std::to_string(image.bytes.size()) +
                                                        " bytes at " + std::to_string(image.address) +
                                                        ") is not inside the chip's Flash; nothing was written");
    FlashResult r;
    std::uint64_t written = 0;
    for (std::uint64_t sector = base; sector < imageEnd;) {
        const std::uint32_t size = stlink_calculate_pagesize(sl.get(), static_cast<std::uint32_t>(sector));
        if (size == 0) throw DeviceError(DeviceErrorKind::Protocol, describe(usb_) + ": unknown Flash sector size");
        if (sector + size > image.address) {
            board::throwIfCancelled(cancel, "flash");
            if (progress && !progress({"writing", written, image.bytes.size()})) throw board::Cancelled("flash: cancelled");
            std::vector<std::uint8_t> bytes = sectorBytes(sl.get(), static_cast<std::uint32_t>(sector), size, image);
            if (stlink_write_flash(sl.get(), static_cast<stm32_addr_t>(sector), bytes.data(), size, 0) != 0)
                throw DeviceError(DeviceErrorKind::DeviceStatus,
                                  describe(usb_) + ": writing the sector at " + std::to_string(sector) +
                                      " failed; the sector may hold a partial image: flash again before running it");
            r.erased.push_back(static_cast<std::uint32_t>(sector));
            r.bytesWritten += size;
            written = std::min<std::uint64_t>(imageEnd, sector + size) - image.address;
        }
        sector += size;
    }
    if (progress) progress({"verifying", 0, image.bytes.size()});
    std::vector<std::uint8_t> copy = image.bytes;
    if (stlink_verify_write_flash(sl.get(), image.address, copy.data(), static_cast<std::uint32_t>(copy.size())) != 0)
        throw DeviceError(DeviceErrorKind::Verify, describe(usb_) + ": the Flash read back differs from the image");
    r.verified = true;
    stlink_reset(sl.get(), RESET_AUTO);
    stlink_run(sl.get(), RUN_NORMAL);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
}

}  // namespace

std::unique_ptr<BoardDevice> makeStlinkDevice(const board::Board& board, const UsbDeviceInfo& usb,
                                              const DeviceSelector& selector) {
    return std::make_unique<StlinkDevice>(board, usb, selector);
}

}  // namespace mcunet::device
