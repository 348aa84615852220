#include "device/dfuse_session.h"

#include <algorithm>
#include <cstdio>
#include <thread>

namespace mcunet::device {

namespace {

using Clock = std::chrono::steady_clock;

unsigned checkedTimeout(unsigned ms, const char* what) {
    if (ms < 1 || ms > 600000)
        throw Error(std::string("DfuSe ") + what + " timeout " + std::to_string(ms) + " ms is outside 1..600000 ms");
    return ms;
}

std::uint8_t stateOf(dfu::State s) { return static_cast<std::uint8_t>(s); }

bool allBlank(std::span<const std::uint8_t> bytes) {
    return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0xFF; });
}

// The last wBlockNum a run may use before the address pointer is set again.
constexpr std::uint32_t kLastBlock = 0xFFFF;

}  // namespace

std::string hexAddress(std::uint64_t address) {
    char text[24];
    std::snprintf(text, sizeof text, "0x%08llx", static_cast<unsigned long long>(address));
    return text;
}

DfuseSession::DfuseSession(DfuseDevice::Impl& impl, const DfuseOptions& options)
    : impl_(impl), options_(options),
      dfu_(impl.handle.get(), static_cast<std::uint8_t>(impl.info.interfaceNumber),
           checkedTimeout(options.transferTimeoutMs, "transfer")),
      blockSize_(impl.info.transferSize) {
    checkedTimeout(options.eraseTimeoutMs, "erase");
    checkedTimeout(options.writeTimeoutMs, "write");
}

void DfuseSession::progress(DfuseProgress::Phase phase, std::uint64_t done, std::uint64_t total) {
    const bool cancelled = (options_.cancel != nullptr && options_.cancel->load()) ||
                           (options_.progress && !options_.progress(DfuseProgress{phase, done, total}));
    if (!cancelled) return;
    dfu_.recover();
    throw DeviceError(DeviceErrorKind::Cancelled, "flashing cancelled while " + phaseName(phase));
}

void DfuseSession::selectAlt(int alt) {
    if (impl_.currentAlt == alt) return;
    const int r = libusb_set_interface_alt_setting(impl_.handle.get(), impl_.info.interfaceNumber, alt);
    if (r != LIBUSB_SUCCESS) throw usb::errorFromLibusb(r, "selecting DFU alternate setting " + std::to_string(alt));
    impl_.currentAlt = alt;
}

void DfuseSession::ensureIdle() {
    const std::string doing = "bringing the DFU device to dfuIDLE";
    for (int attempt = 0; attempt < 4; ++attempt) {
        const dfu::StatusReply r = dfu_.getStatus(doing);
        switch (static_cast<dfu::State>(r.state)) {
            case dfu::State::DfuIdle: return;
            case dfu::State::Error: dfu_.clearStatus(doing); break;
            case dfu::State::DownloadIdle:
            case dfu::State::UploadIdle: dfu_.abort(doing); break;
            case dfu::State::DownloadSync:
            case dfu::State::DownloadBusy:
            case dfu::State::ManifestSync:
                std::this_thread::sleep_for(std::chrono::milliseconds(std::min<std::uint32_t>(r.pollTimeoutMs, 1000)));
                break;
            case dfu::State::AppIdle:
            case dfu::State::AppDetach:
                throw DeviceError(DeviceErrorKind::Protocol,
                                  "the device runs its application (" + dfu::stateName(r.state) +
                                      "), not the bootloader: hold BOOT0 high and reset the board");
            case dfu::State::Manifest:
            case dfu::State::ManifestWaitReset:
                throw DeviceError(DeviceErrorKind::Protocol, "the device is leaving DFU mode (" +
                                                                 dfu::stateName(r.state) +
                                                                 "): unplug it and start it in the bootloader again");
            default: break;
        }
    }
    throw DeviceError(DeviceErrorKind::Protocol,
                      "the DFU device does not return to dfuIDLE: reset the board into the bootloader and try again");
}

void DfuseSession::pollUntilIdle(unsigned timeoutMs, const std::string& doing) {
    const auto start = Clock::now();
    for (;;) {
        const dfu::StatusReply r = dfu_.getStatus(doing);
        if (r.status != static_cast<std::uint8_t>(dfu::Status::Ok) || r.state == stateOf(dfu::State::Error)) {
            DeviceError error = dfu::statusError(r, doing);
            dfu_.recover();
            throw error;
        }
        if (r.state == stateOf(dfu::State::DownloadIdle)) return;
        if (r.state != stateOf(dfu::State::DownloadBusy) && r.state != stateOf(dfu::State::DownloadSync)) {
            dfu_.recover();
            throw DeviceError(DeviceErrorKind::Protocol, doing + ": the device went to state " +
                                                             dfu::stateName(r.state) +
                                                             " instead of dfuDNLOAD-IDLE. Reset the board and retry");
        }
        const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
        // DFU 1.1 section 6.1.2: wait bwPollTimeout before the next request,
        // the recovery's too.
        const auto pause = std::chrono::milliseconds(std::min<std::uint32_t>(r.pollTimeoutMs, timeoutMs));
        std::this_thread::sleep_for(pause);
        if (waited >= static_cast<long long>(timeoutMs)) {
            dfu_.recover();
            throw DeviceError(DeviceErrorKind::Timeout,
                              doing + ": the device stayed busy (" + dfu::stateName(r.state) + ") for " +
                                  std::to_string(waited) + " ms. Power-cycle the board, start it in the bootloader "
                                                           "and flash again");
        }
    }
}

void DfuseSession::command(std::span<const std::uint8_t> bytes, unsigned timeoutMs, const std::string& doing) {
    dfu_.download(0, bytes, doing);
    pollUntilIdle(timeoutMs, doing);
}

void DfuseSession::setAddress(std::uint32_t address) {
    const std::uint8_t cmd[5] = {dfu::kDfuseSetAddress, static_cast<std::uint8_t>(address),
                                 static_cast<std::uint8_t>(address >> 8), static_cast<std::uint8_t>(address >> 16),
                                 static_cast<std::uint8_t>(address >> 24)};
    command(cmd, options_.writeTimeoutMs, "setting the address pointer to " + hexAddress(address));
}

void DfuseSession::eraseSector(const DfuseSector& sector) {
    const std::uint32_t a = sector.address;
    const std::uint8_t cmd[5] = {dfu::kDfuseErase, static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(a >> 8),
                                 static_cast<std::uint8_t>(a >> 16), static_cast<std::uint8_t>(a >> 24)};
    command(cmd, options_.eraseTimeoutMs,
            "erasing the sector " + formatAddressRange(sector.address, sector.end()));
}

void DfuseSession::writeRun(std::uint32_t address, std::span<const std::uint8_t> bytes, std::uint64_t& done,
                            std::uint64_t total) {
    setAddress(address);
    std::uint32_t block = dfu::kDfuseFirstDataBlock;
    for (std::size_t at = 0; at < bytes.size(); at += blockSize_, ++block) {
        const std::size_t n = std::min<std::size_t>(blockSize_, bytes.size() - at);
        const std::string doing = "writing " + std::to_string(n) + " bytes at " + hexAddress(address + at);
        dfu_.download(static_cast<std::uint16_t>(block), bytes.subspan(at, n), doing);
        pollUntilIdle(options_.writeTimeoutMs, doing);
        done += n;
        progress(DfuseProgress::Phase::Writing, done, total);
    }
}

void DfuseSession::write(std::uint32_t address, std::span<const std::uint8_t> bytes, bool skipBlank,
                         std::uint64_t& done, std::uint64_t total) {
    // Runs of blocks sent after one address pointer; a blank block that is
    // skipped, or the block-number limit, ends a run.
    const std::size_t maxRun = static_cast<std::size_t>(kLastBlock - dfu::kDfuseFirstDataBlock + 1) * blockSize_;
    std::size_t runStart = 0, at = 0;
    while (at < bytes.size()) {
        const std::size_t n = std::min<std::size_t>(blockSize_, bytes.size() - at);
        const bool skip = skipBlank && allBlank(bytes.subspan(at, n));
        if (skip || at - runStart + n > maxRun) {
            if (at > runStart) writeRun(address + static_cast<std::uint32_t>(runStart), bytes.subspan(runStart, at - runStart), done, total);
            runStart = at;
        }
        if (skip) {
            runStart = at + n;
            done += n;
        }
        at += n;
    }
    if (at > runStart) writeRun(address + static_cast<std::uint32_t>(runStart), bytes.subspan(runStart, at - runStart), done, total);
}

std::vector<std::uint8_t> DfuseSession::read(std::uint32_t address, std::uint32_t length, DfuseProgress::Phase phase,
                                             std::uint64_t& done, std::uint64_t total) {
    std::vector<std::uint8_t> out;
    out.reserve(length);
    const std::uint32_t maxRun = (kLastBlock - dfu::kDfuseFirstDataBlock + 1) * std::uint32_t{blockSize_};
    while (out.size() < length) {
        const std::uint32_t runAddress = address + static_cast<std::uint32_t>(out.size());
        const std::uint32_t runLength = std::min<std::uint32_t>(maxRun, length - static_cast<std::uint32_t>(out.size()));
        setAddress(runAddress);
        dfu_.abort("reading at " + hexAddress(runAddress));  // UPLOAD starts from dfuIDLE (AN3156)
        std::uint32_t block = dfu::kDfuseFirstDataBlock;
        for (std::uint32_t got = 0; got < runLength; ++block) {
            const std::uint32_t n = std::min<std::uint32_t>(blockSize_, runLength - got);
            const std::string doing = "reading " + std::to_string(n) + " bytes at " + hexAddress(runAddress + got);
            const std::vector<std::uint8_t> bytes = dfu_.upload(static_cast<std::uint16_t>(block), n, doing);
            if (bytes.size() != n) {
                dfu_.recover();
                throw DeviceError(DeviceErrorKind::Protocol, doing + ": the device sent " +
                                                                 std::to_string(bytes.size()) + " bytes");
            }
            out.insert(out.end(), bytes.begin(), bytes.end());
            got += n;
            done += n;
            progress(phase, done, total);
        }
        dfu_.abort("ending the read at " + hexAddress(runAddress));
    }
    return out;
}

bool DfuseSession::leave(std::uint32_t jumpAddress) {
    setAddress(jumpAddress);
    const std::string doing = "leaving DFU mode";
    try {
        // DfuSe: a zero-length DNLOAD, then GETSTATUS starts manifestation:
        // the bootloader jumps to the address pointer (AN3156 section 6.3.4).
        dfu_.download(dfu::kDfuseFirstDataBlock, {}, doing);
        const dfu::StatusReply r = dfu_.getStatus(doing);
        if (r.status != static_cast<std::uint8_t>(dfu::Status::Ok)) throw dfu::statusError(r, doing);
        return r.state == stateOf(dfu::State::Manifest) || r.state == stateOf(dfu::State::ManifestSync) ||
               r.state == stateOf(dfu::State::ManifestWaitReset) || r.state == stateOf(dfu::State::DfuIdle);
    } catch (const DeviceError& e) {
        // The device resets to start the image: losing it here is success.
        if (e.kind() == DeviceErrorKind::Disconnected || e.kind() == DeviceErrorKind::Usb) return true;
        throw;
    }
}

}  // namespace mcunet::device
