#pragma once
// Flashing through USB DFU 1.1 with ST's DfuSe extensions (the STM32 ROM
// bootloader, 0483:df11), with libusb control transfers. How it works and
// what was verified where: docs/usb-devices.md.
//
// flash() does, in order, and touches nothing else:
//   1. plan (dfuse_plan.h): refuse an image outside the writable layout
//      before any request is sent;
//   2. bring the device to dfuIDLE (CLRSTATUS after an old error, ABORT);
//   3. read back the bytes of the covered sectors that are not the image's
//      (preserve), since erasing takes whole sectors;
//   4. erase each covered sector with the DfuSe page-erase command (0x41 +
//      address). Never mass erase, never option bytes, never read unprotect;
//   5. write in wTransferSize blocks: set the address pointer (0x21 +
//      address), then DNLOAD blocks 2, 3, ...; after every request GETSTATUS
//      until dfuDNLOAD-IDLE, waiting bwPollTimeout between polls;
//   6. verify by UPLOAD (after ABORT) and compare;
//   7. leave DFU: set the address pointer to the jump address, zero-length
//      DNLOAD, GETSTATUS (dfuMANIFEST); the device then resets and leaves.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "board/board.h"
#include "device/device_error.h"
#include "device/dfuse_layout.h"
#include "device/usb_discovery.h"

namespace mcunet::device {

// One alternate setting of the DFU interface (one memory: Flash, option
// bytes, OTP, ...).
struct DfuseAltSetting {
    int alt = 0;                // bAlternateSetting
    std::string layoutText;     // its string descriptor, as the device sent it
    std::optional<DfuseMemory> memory;  // parsed layout (empty when it does not parse)
    std::string layoutError;    // why it does not parse
};

struct DfuseDeviceInfo {
    UsbDeviceInfo usb;
    int interfaceNumber = 0;
    std::uint16_t transferSize = 0;  // wTransferSize: bytes per DNLOAD / UPLOAD block
    std::uint16_t dfuVersion = 0;    // 0x011A for DfuSe
    bool canDownload = false, canUpload = false, manifestationTolerant = false, willDetach = false;
    std::vector<DfuseAltSetting> alts;
};

struct DfuseProgress {
    enum class Phase { Reading, Erasing, Writing, Verifying, Leaving };
    Phase phase = Phase::Reading;
    std::uint64_t done = 0;   // bytes (sectors while Erasing)
    std::uint64_t total = 0;  // same unit
};

// "reading", "erasing", "writing", "verifying", "leaving DFU".
std::string phaseName(DfuseProgress::Phase phase);

struct DfuseOptions {
    bool verify = true;    // read the image back and compare
    bool preserve = true;  // keep the bytes of covered sectors outside the image (read, then rewrite)
    bool leave = true;     // leave DFU mode and start the image at the end
    // Where the device jumps when leaving (its vector table); default: the image's address.
    std::optional<std::uint32_t> jumpAddress;
    unsigned transferTimeoutMs = 5000;  // one control transfer, 1..600000
    unsigned eraseTimeoutMs = 30000;    // one sector erase in dfuDNBUSY, 1..600000 (a generous bound)
    unsigned writeTimeoutMs = 5000;     // one block or command in dfuDNBUSY, 1..600000
    // Called on the calling thread between requests; return false to cancel.
    std::function<bool(const DfuseProgress&)> progress;
    // Checked between requests; set from any thread to cancel.
    const std::atomic<bool>* cancel = nullptr;
};

struct DfuseReport {
    std::vector<DfuseSector> erased;  // the sectors erased, in order
    std::uint64_t bytesWritten = 0;   // including preserved bytes written back
    std::uint64_t bytesPreserved = 0; // bytes of covered sectors outside the image kept
    bool verified = false;
    bool left = false;                // the device accepted the request to leave DFU
    double seconds = 0;
};

class DfuseDevice {
public:
    // Opens a device in DFU mode.
    //   selector: which device (kind defaults to UsbKind::Dfu); a serial
    //             number picks one of several.
    //   catalog: identifies devices (may be null).
    // Throws DeviceError: NotFound / Ambiguous / Permission (selectUsbDevice),
    // Protocol (no DFU interface; a device in run-time DFU mode is told to
    // reset into the bootloader), Usb (claiming the interface failed, e.g.
    // another program has it).
    static DfuseDevice open(const UsbSelector& selector, const board::Catalog* catalog);
    DfuseDevice(DfuseDevice&&) noexcept;
    DfuseDevice& operator=(DfuseDevice&&) noexcept;
    ~DfuseDevice();  // releases the interface and closes the device

    const DfuseDeviceInfo& info() const;

    // The alternate setting whose memory holds `address` (nullptr if none).
    const DfuseAltSetting* altFor(std::uint32_t address) const;

    // Writes `image` at `address` (steps in the file comment).
    //   image: the bytes; 1 byte .. 4 GiB - address.
    //   address: where the first byte goes (e.g. 0x08000000).
    //   options: verify, preserve, leave, timeouts, progress and cancel.
    // Throws DeviceError: Refused (outside the layout, or the device cannot
    // download / upload for verify; nothing was sent), DeviceStatus (the
    // device's status, named, with what to do), Disconnected (lost mid-way:
    // the Flash may hold a partial image), Timeout (a transfer, or dfuDNBUSY
    // longer than the erase / write timeout), Protocol (a state the protocol
    // does not allow), Verify (read back differs: names the first address),
    // Cancelled.
    DfuseReport flash(std::span<const std::uint8_t> image, std::uint32_t address, const DfuseOptions& options);

    // Reads `length` bytes at `address` by UPLOAD (readable sectors only).
    // Throws like flash(); Refused for bytes outside the readable layout.
    std::vector<std::uint8_t> read(std::uint32_t address, std::uint32_t length, const DfuseOptions& options);

    // What an open device holds (core/device's own: dfuse_device_impl.h).
    struct Impl;

private:
    explicit DfuseDevice(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace mcunet::device
