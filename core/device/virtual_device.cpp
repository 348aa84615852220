// The virtual board as a BoardDevice: "flashing" records the ELF (the QEMU
// machine loads it at boot), openLink boots it. Without a flash in this
// session, openLink boots what `flash` recorded last (board/flashed_state.h).
#include <filesystem>

#include "board/cancel.h"
#include "board/elf.h"
#include "board/flashed_state.h"
#include "board/virtual_board.h"
#include "device/board_devices.h"

namespace mcunet::device {

namespace {

namespace fs = std::filesystem;

// The VirtualBoard's own transport, used through the pointer the keep-alive
// owner (the VirtualBoard) holds.
class BorrowedTransport : public board::Transport {
public:
    explicit BorrowedTransport(board::Transport& inner) : inner_(inner) {}
    void write(const std::vector<std::uint8_t>& bytes) override { inner_.write(bytes); }
    std::vector<std::uint8_t> read(int timeoutMs) override { return inner_.read(timeoutMs); }

private:
    board::Transport& inner_;
};

class VirtualDevice : public BoardDevice {
public:
    explicit VirtualDevice(const board::Board& b) : board_(b) {}

    DeviceIdentity identify() const override {
        return {board_.id, "", FlashKind::Virtual, "QEMU " + board_.qemuMachine + " (TCP 127.0.0.1)", ""};
    }

    FlashResult flash(const FlashImage& image, const FlashProgressFn& progress, const std::atomic<bool>* cancel) override {
        if (image.elf.empty())
            throw DeviceError(DeviceErrorKind::Refused, board_.id + ": the virtual board boots an ELF file; a raw image cannot be flashed onto it");
        board::throwIfCancelled(cancel, "flash");
        if (progress && !progress({"recording", 0, 1})) throw board::Cancelled("flash: cancelled");
        board::readElf(image.elf);  // an ARM ELF, or a message naming the file
        elf_ = fs::absolute(image.elf).string();
        FlashResult r;
        r.verified = true;  // the ELF itself is what QEMU loads; the pipeline checks its HELLO
        r.bytesWritten = image.bytes.size();
        if (progress) progress({"recording", 1, 1});
        return r;
    }

    std::unique_ptr<board::Transport> openLink(const std::atomic<bool>* cancel) override {
        board::throwIfCancelled(cancel, "link");
        const std::string elf = elf_.empty() ? board::readFlashedState(board_.id).elf : elf_;
        auto vb = std::make_shared<board::VirtualBoard>(board_, elf);
        auto borrowed = std::make_unique<BorrowedTransport>(vb->transport());
        return cancellableTransport(std::move(borrowed), cancel, std::move(vb));
    }

    void reset() override {}  // every openLink boots QEMU afresh
    CounterKind counterKind() const override { return CounterKind::Instructions; }

private:
    board::Board board_;
    std::string elf_;  // flashed in this session
};

}  // namespace

std::unique_ptr<BoardDevice> makeVirtualDevice(const board::Board& board) {
    return std::make_unique<VirtualDevice>(board);
}

}  // namespace mcunet::device
