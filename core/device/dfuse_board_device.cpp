// A board in its STM32 ROM bootloader as a BoardDevice: flashing is DfuSe
// (dfuse_device.h: erase only the covered sectors, keep their other bytes,
// verify by upload, leave DFU); the firmware's link then runs over the
// board's UART through whatever serial adapter the user names.
#include "board/cancel.h"
#include "device/board_devices.h"

namespace mcunet::device {

namespace {

class DfuseBoardDevice : public BoardDevice {
public:
    DfuseBoardDevice(const board::Board& b, DfuseDevice dfu, const DeviceSelector& selector)
        : board_(b), dfu_(std::move(dfu)), selector_(selector) {}

    DeviceIdentity identify() const override {
        const UsbDeviceInfo& usb = dfu_.info().usb;
        return {board_.id, usb.serial, FlashKind::Dfuse, describe(usb), selector_.serialPort};
    }

    FlashResult flash(const FlashImage& image, const FlashProgressFn& progress, const std::atomic<bool>* cancel) override {
        if (image.bytes.empty()) throw DeviceError(DeviceErrorKind::Refused, board_.id + ": the image is empty");
        DfuseOptions options;
        options.cancel = cancel;
        if (progress)
            options.progress = [&progress](const DfuseProgress& p) {
                return progress({phaseName(p.phase), p.done, p.total});
            };
        const DfuseReport report = dfu_.flash(image.bytes, image.address, options);
        FlashResult r;
        r.verified = report.verified;
        r.bytesWritten = report.bytesWritten;
        for (const DfuseSector& s : report.erased) r.erased.push_back(s.address);
        r.seconds = report.seconds;
        return r;
    }

    std::unique_ptr<board::Transport> openLink(const std::atomic<bool>* cancel) override {
        return openFirmwareLink(board_, selector_, selector_.serialPort, cancel);
    }

    // Leaving DFU at the end of flash() already started the image; the ROM
    // bootloader has no other reset request.
    void reset() override {}

    CounterKind counterKind() const override { return boardSupport(board_).counter; }

private:
    board::Board board_;
    DfuseDevice dfu_;
    DeviceSelector selector_;
};

}  // namespace

std::unique_ptr<BoardDevice> makeDfuseDevice(const board::Board& board, DfuseDevice dfu, const DeviceSelector& selector) {
    return std::make_unique<DfuseBoardDevice>(board, std::move(dfu), selector);
}

}  // namespace mcunet::device
