#pragma once
// Internal to core/device: the DfuSe steps of one flash() or read() call on
// an open device (dfuse_device.h lists them). Each step sends its requests
// and polls GETSTATUS through dfuDNBUSY; failures are DeviceErrors naming
// the address and what to do.
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "device/dfu_interface.h"
#include "device/dfuse_device_impl.h"

namespace mcunet::device {

class DfuseSession {
public:
    // impl: the open device (interface claimed). options: as given to flash().
    // Throws mcunet::Error for timeouts outside 1..600000 ms.
    DfuseSession(DfuseDevice::Impl& impl, const DfuseOptions& options);

    // SET_INTERFACE to `alt` unless it is selected already.
    void selectAlt(int alt);
    // Brings the device to dfuIDLE from any idle or error state.
    void ensureIdle();
    // DfuSe commands (wBlockNum 0), each polled to dfuDNLOAD-IDLE.
    void setAddress(std::uint32_t address);
    void eraseSector(const DfuseSector& sector);
    // Writes `bytes` at `address` in wTransferSize blocks. With skipBlank,
    // blocks that are all 0xFF (erased Flash already holds them) are not sent.
    // Reports Phase::Writing progress through `done` (bytes sent or skipped).
    void write(std::uint32_t address, std::span<const std::uint8_t> bytes, bool skipBlank, std::uint64_t& done,
               std::uint64_t total);
    // Reads `length` bytes at `address` by UPLOAD, reporting `phase` progress;
    // ends in dfuIDLE.
    std::vector<std::uint8_t> read(std::uint32_t address, std::uint32_t length, DfuseProgress::Phase phase,
                                   std::uint64_t& done, std::uint64_t total);
    // Sets the address pointer to `jumpAddress`, sends the zero-length
    // DNLOAD and one GETSTATUS. Returns true when the device entered
    // manifestation or went away (it resets to leave DFU).
    bool leave(std::uint32_t jumpAddress);
    // Reports progress; throws DeviceError (Cancelled) when the caller cancels.
    void progress(DfuseProgress::Phase phase, std::uint64_t done, std::uint64_t total);

private:
    // GETSTATUS until dfuDNLOAD-IDLE, waiting bwPollTimeout each time, for at
    // most timeoutMs in dfuDNBUSY.
    void pollUntilIdle(unsigned timeoutMs, const std::string& doing);
    void command(std::span<const std::uint8_t> bytes, unsigned timeoutMs, const std::string& doing);
    void writeRun(std::uint32_t address, std::span<const std::uint8_t> bytes, std::uint64_t& done, std::uint64_t total);

    DfuseDevice::Impl& impl_;
    const DfuseOptions& options_;
    dfu::Interface dfu_;
    std::uint16_t blockSize_;
};

// "0x08000000".
std::string hexAddress(std::uint64_t address);

}  // namespace mcunet::device
