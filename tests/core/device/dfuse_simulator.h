#pragma once
// The device side of USB DFU 1.1 with ST's DfuSe extensions, written from
// the specifications (DFU 1.1 chapter 6 and appendix A's state diagram;
// AN3156 chapters 4-6), independently of core/device: its own constants,
// its own memory map, the layout string generated from that map rather than
// parsed. It models an STM32F746's ROM bootloader: alt 0 the 1 MB Flash in
// sectors of 32/128/256 kB, alt 1 the option bytes; a page-erase command
// erases the sector holding the address; data blocks land at address pointer
// + (wBlockNum - 2) * wTransferSize; programming needs erased (0xFF) bytes.
//
// Faults to inject (set before flashing): an address range the device
// rejects (errTARGET), a write error at an address (errWRITE), vanishing
// after N data blocks, staying in dfuDNBUSY after N data blocks. It records
// what was erased and whether the host honoured bwPollTimeout.
//
// All members lock: umockdev calls control() on its worker thread.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "mock_usb_bus.h"

namespace mcunet::test {

struct SimSector {
    std::uint32_t address = 0, size = 0;
    char type = 'g';  // DfuSe type letter: 'a' read, 'b' erase, 'd' write bits (+1)
};

struct SimMemory {
    std::string name;
    std::uint32_t base = 0;
    std::vector<SimSector> sectors;
    std::vector<std::uint8_t> bytes;
    std::string layout;  // the DfuSe string generated from name and sectors
};

class DfuseSimulator : public MockUsbFunction {
public:
    static constexpr std::uint16_t kTransferSize = 2048;  // the STM32 ROM bootloader's wTransferSize
    static constexpr std::uint32_t kFlashBase = 0x08000000;
    static constexpr std::uint32_t kOptionBase = 0x1FFF0000;

    // Flash content before the test: a pseudo-random "old firmware" from `seed`.
    explicit DfuseSimulator(std::uint32_t seed = 1);

    // The USB side: a 0483:df11 device whose alt settings name the layouts.
    MockUsbDeviceSpec spec(const std::string& serial, int bus, int address, int port) const;

    ControlReply control(const ControlRequest& request) override;
    void setInterface(int interfaceNumber, int alt) override;

    // Faults.
    void rejectAddresses(std::uint32_t from, std::uint32_t to);  // [from, to): errTARGET
    void failWriteAt(std::uint32_t address);                    // a block covering it: errWRITE
    void vanishAfterBlocks(int blocks);                         // then every request: gone
    void stayBusyAfterBlocks(int blocks);                       // then GETSTATUS says dfuDNBUSY forever
    void setPollTimeouts(std::uint32_t eraseMs, std::uint32_t writeMs);

    // Observations.
    std::vector<std::uint8_t> flash() const;
    std::vector<std::uint8_t> optionBytes() const;
    std::vector<std::uint32_t> erasedSectors() const;  // addresses, in order
    int massErases() const;
    int earlyPolls() const;     // GETSTATUS sooner than the bwPollTimeout given
    int downloadRequests() const;
    std::uint8_t state() const;
    bool leftDfu() const;
    std::string flashLayout() const;

private:
    using Clock = std::chrono::steady_clock;
    enum class Pending { None, Command, Data, Manifest };

    ControlReply download(const ControlRequest& r);
    ControlReply upload(const ControlRequest& r);
    ControlReply getStatus();
    std::uint8_t execute();  // the pending command or block; returns a DFU status
    std::uint8_t executeCommand();
    std::uint8_t executeWrite();
    ControlReply error(std::uint8_t status);  // enter dfuERROR and stall
    SimMemory& memory() { return alt_ == 0 ? flash_ : option_; }
    const SimSector* sectorAt(const SimMemory& m, std::uint32_t address) const;
    bool rejected(std::uint32_t address) const;

    mutable std::mutex mutex_;
    SimMemory flash_, option_;
    int alt_ = 0;
    std::uint8_t state_ = 2, status_ = 0;  // dfuIDLE, OK
    std::uint32_t pointer_ = kFlashBase;
    Pending pending_ = Pending::None;
    std::vector<std::uint8_t> pendingBytes_;
    std::uint16_t pendingBlock_ = 0;
    std::uint8_t pendingResult_ = 0;
    std::uint32_t pollMs_ = 0, erasePollMs_ = 2, writePollMs_ = 1;
    Clock::time_point busySince_{};
    bool gone_ = false, left_ = false, stuck_ = false;
    int blocksWritten_ = 0, vanishAfter_ = -1, busyAfter_ = -1;
    std::optional<std::pair<std::uint32_t, std::uint32_t>> rejected_;
    std::optional<std::uint32_t> failWrite_;
    std::vector<std::uint32_t> erased_;
    int massErases_ = 0, earlyPolls_ = 0, downloads_ = 0;
};

}  // namespace mcunet::test
