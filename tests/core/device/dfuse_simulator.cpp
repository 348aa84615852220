#include "dfuse_simulator.h"

#include <algorithm>
#include <cstdio>
#include <random>

namespace mcunet::test {

namespace {

// DFU 1.1 section 6.1.2: bState and bStatus values; table 3.2: requests.
constexpr std::uint8_t kAppIdle = 0, kDfuIdle = 2, kDnloadSync = 3, kDnBusy = 4, kDnloadIdle = 5,
                       kManifestSync = 6, kManifest = 7, kUploadIdle = 9, kDfuError = 10;
constexpr std::uint8_t kOk = 0x00, kErrTarget = 0x01, kErrWrite = 0x03, kErrProg = 0x06, kErrAddress = 0x08,
                       kErrStalledPkt = 0x0F;
constexpr std::uint8_t kDetach = 0, kDnload = 1, kUpload = 2, kGetStatus = 3, kClrStatus = 4, kGetState = 5,
                       kAbort = 6;

std::uint32_t le32(const std::uint8_t* p) {
    return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
           (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

bool hasBit(char type, unsigned bit) { return ((static_cast<unsigned>(type - 'a') + 1u) & bit) != 0; }
constexpr unsigned kReadable = 1, kErasable = 2, kWritable = 4;

// "@Name  /0xBASE/NN*SSSKt,..." from the sectors (AN3156 section 4.3.2).
std::string layoutOf(const SimMemory& m) {
    char head[64];
    std::snprintf(head, sizeof head, "@%s  /0x%08X/", m.name.c_str(), static_cast<unsigned>(m.base));
    std::string text = head;
    for (std::size_t i = 0; i < m.sectors.size();) {
        std::size_t j = i;
        while (j < m.sectors.size() && m.sectors[j].size == m.sectors[i].size && m.sectors[j].type == m.sectors[i].type) ++j;
        const std::uint32_t size = m.sectors[i].size;
        char group[32];
        if (size % 1024 == 0)
            std::snprintf(group, sizeof group, "%02u*%03uK%c", static_cast<unsigned>(j - i), size / 1024, m.sectors[i].type);
        else
            std::snprintf(group, sizeof group, "%02u*%03u %c", static_cast<unsigned>(j - i), size, m.sectors[i].type);
        text += (i == 0 ? "" : ",") + std::string(group);
        i = j;
    }
    return text;
}

SimMemory makeMemory(std::string name, std::uint32_t base, const std::vector<std::pair<int, std::uint32_t>>& groups,
                     char type) {
    SimMemory m;
    m.name = std::move(name);
    m.base = base;
    std::uint32_t at = base;
    for (const auto& [count, size] : groups)
        for (int i = 0; i < count; ++i, at += size) m.sectors.push_back({at, size, type});
    m.bytes.assign(at - base, 0);
    m.layout = layoutOf(m);
    return m;
}

}  // namespace

DfuseSimulator::DfuseSimulator(std::uint32_t seed) {
    // STM32F746: sectors 0-3 of 32 kB, 4 of 128 kB, 5-7 of 256 kB (RM0385 section 3.3.1).
    flash_ = makeMemory("Internal Flash", kFlashBase, {{4, 32 * 1024}, {1, 128 * 1024}, {3, 256 * 1024}}, 'g');
    option_ = makeMemory("Option Bytes", kOptionBase, {{1, 32}}, 'e');
    std::mt19937 rng(seed);
    for (auto& b : flash_.bytes) b = static_cast<std::uint8_t>(rng());
    for (std::size_t i = 0; i < option_.bytes.size(); ++i) option_.bytes[i] = static_cast<std::uint8_t>(0xA0 + i);
}

MockUsbDeviceSpec DfuseSimulator::spec(const std::string& serial, int bus, int address, int port) const {
    std::lock_guard<std::mutex> lock(mutex_);
    MockUsbDeviceSpec s;
    s.vendor = 0x0483;
    s.product = 0xdf11;
    s.bcdDevice = 0x2200;
    s.manufacturer = "STMicroelectronics";
    s.productName = "STM32  BOOTLOADER";
    s.serial = serial;
    s.bus = bus;
    s.address = address;
    s.port = port;
    s.strings = {{4, flash_.layout}, {5, option_.layout}};
    std::vector<std::uint8_t> body = interfaceDescriptor(0, 0, 0, 0xFE, 0x01, 0x02, 4);
    const auto alt1 = interfaceDescriptor(0, 1, 0, 0xFE, 0x01, 0x02, 5);
    body.insert(body.end(), alt1.begin(), alt1.end());
    // DFU functional descriptor: can download, can upload, will detach;
    // wDetachTimeOut 255 ms; wTransferSize 2048; bcdDFUVersion 1.1a (DfuSe).
    const std::vector<std::uint8_t> functional{9, 0x21, 0x0B, 0xFF, 0x00,
                                               kTransferSize & 0xFF, kTransferSize >> 8, 0x1A, 0x01};
    body.insert(body.end(), functional.begin(), functional.end());
    s.configuration = configurationDescriptor(1, body);
    return s;
}

void DfuseSimulator::setInterface(int, int alt) {
    std::lock_guard<std::mutex> lock(mutex_);
    alt_ = alt;
    pointer_ = alt == 0 ? kFlashBase : kOptionBase;
}

ControlReply DfuseSimulator::error(std::uint8_t status) {
    state_ = kDfuError;
    status_ = status;
    return ControlReply::stall();
}

const SimSector* DfuseSimulator::sectorAt(const SimMemory& m, std::uint32_t address) const {
    for (const SimSector& s : m.sectors)
        if (address >= s.address && address - s.address < s.size) return &s;
    return nullptr;
}

bool DfuseSimulator::rejected(std::uint32_t address) const {
    return rejected_ && address >= rejected_->first && address < rejected_->second;
}

ControlReply DfuseSimulator::control(const ControlRequest& r) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (gone_ || left_) return ControlReply::gone();
    if ((r.requestType & 0x7F) != 0x21) return ControlReply::stall();  // class requests to the interface only
    const bool in = (r.requestType & 0x80) != 0;
    if (state_ == kDnBusy && r.request != kGetStatus) return error(kErrStalledPkt);
    switch (r.request) {
        case kDnload: return in ? error(kErrStalledPkt) : download(r);
        case kUpload: return in ? upload(r) : error(kErrStalledPkt);
        case kGetStatus: return in ? getStatus() : error(kErrStalledPkt);
        case kGetState: return ControlReply::ok({state_});
        case kClrStatus:
            if (state_ != kDfuError) return error(kErrStalledPkt);
            state_ = kDfuIdle;
            status_ = kOk;
            return ControlReply::ok();
        case kAbort:
            if (state_ == kDfuError || state_ == kAppIdle) return error(kErrStalledPkt);
            state_ = kDfuIdle;
            pending_ = Pending::None;
            return ControlReply::ok();
        case kDetach:
        default: return error(kErrStalledPkt);
    }
}

ControlReply DfuseSimulator::download(const ControlRequest& r) {
    ++downloads_;
    if (state_ != kDfuIdle && state_ != kDnloadIdle) return error(kErrStalledPkt);
    if (r.length == 0) {  // end of download: DfuSe leaves DFU through manifestation
        pending_ = Pending::Manifest;
        state_ = kManifestSync;
        return ControlReply::ok();
    }
    if (r.length > kTransferSize || r.value == 1) return error(kErrStalledPkt);
    if (r.value >= 2 && vanishAfter_ >= 0 && blocksWritten_ >= vanishAfter_) {
        gone_ = true;  // unplugged in the middle of the download
        return ControlReply::gone();
    }
    pending_ = r.value == 0 ? Pending::Command : Pending::Data;
    pendingBytes_ = r.data;
    pendingBlock_ = r.value;
    state_ = kDnloadSync;
    return ControlReply::ok();
}

ControlReply DfuseSimulator::upload(const ControlRequest& r) {
    if (state_ != kDfuIdle && state_ != kUploadIdle) return error(kErrStalledPkt);
    if (r.value == 0) {  // DfuSe "get commands"
        state_ = kUploadIdle;
        return ControlReply::ok({0x00, 0x21, 0x41, 0x92});
    }
    if (r.value == 1) return error(kErrStalledPkt);
    const std::size_t n = std::min<std::size_t>(r.length, kTransferSize);
    const std::uint64_t address = std::uint64_t{pointer_} + std::uint64_t{r.value - 2u} * kTransferSize;
    SimMemory& m = memory();
    std::vector<std::uint8_t> out;
    for (std::uint64_t a = address; a < address + n; ++a) {
        const SimSector* s = a <= 0xFFFFFFFFu ? sectorAt(m, static_cast<std::uint32_t>(a)) : nullptr;
        if (s == nullptr || !hasBit(s->type, kReadable) || rejected(static_cast<std::uint32_t>(a))) return error(kErrTarget);
        out.push_back(m.bytes[a - m.base]);
    }
    state_ = n < r.length ? kDfuIdle : kUploadIdle;  // a short frame ends the upload
    return ControlReply::ok(std::move(out));
}

ControlReply DfuseSimulator::getStatus() {
    const auto now = Clock::now();
    if (state_ == kDnBusy && now - busySince_ < std::chrono::milliseconds(pollMs_)) ++earlyPolls_;
    if (state_ == kDnloadSync) {
        // The GETSTATUS after a DNLOAD starts the operation: busy for bwPollTimeout.
        const bool erase = pending_ == Pending::Command && !pendingBytes_.empty() && pendingBytes_[0] == 0x41;
        if (pending_ == Pending::Data && busyAfter_ >= 0 && blocksWritten_ >= busyAfter_) stuck_ = true;
        pendingResult_ = stuck_ ? kOk : execute();
        pollMs_ = erase ? erasePollMs_ : writePollMs_;
        state_ = kDnBusy;
        busySince_ = now;
    } else if (state_ == kDnBusy && stuck_) {
        busySince_ = now;
    } else if (state_ == kDnBusy) {
        pending_ = Pending::None;
        if (pendingResult_ != kOk) {
            state_ = kDfuError;
            status_ = pendingResult_;
        } else {
            state_ = kDnloadIdle;
        }
        pollMs_ = 0;
    } else if (state_ == kManifestSync) {
        state_ = kManifest;
        left_ = true;  // the bootloader jumps to the application and leaves the bus
        return ControlReply::ok({kOk, 0, 0, 0, kManifest, 0});
    }
    const std::uint32_t poll = state_ == kDnBusy ? pollMs_ : 0;
    return ControlReply::ok({status_, static_cast<std::uint8_t>(poll), static_cast<std::uint8_t>(poll >> 8),
                             static_cast<std::uint8_t>(poll >> 16), state_, 0});
}

std::uint8_t DfuseSimulator::execute() {
    return pending_ == Pending::Command ? executeCommand() : pending_ == Pending::Data ? executeWrite() : kOk;
}

std::uint8_t DfuseSimulator::executeCommand() {
    const std::vector<std::uint8_t>& b = pendingBytes_;
    SimMemory& m = memory();
    if (b[0] == 0x21 && b.size() == 5) {  // set address pointer
        const std::uint32_t a = le32(&b[1]);
        if (sectorAt(m, a) == nullptr || rejected(a)) return kErrTarget;
        pointer_ = a;
        return kOk;
    }
    if ((b[0] == 0x41 && b.size() == 1) || b[0] == 0x92) {  // mass erase, read unprotect
        ++massErases_;
        std::fill(m.bytes.begin(), m.bytes.end(), 0xFF);
        return kOk;
    }
    if (b[0] == 0x41 && b.size() == 5) {  // erase the sector holding the address
        const std::uint32_t a = le32(&b[1]);
        const SimSector* s = sectorAt(m, a);
        if (s == nullptr || rejected(a) || !hasBit(s->type, kErasable)) return kErrTarget;
        std::fill_n(m.bytes.begin() + (s->address - m.base), s->size, std::uint8_t{0xFF});
        erased_.push_back(s->address);
        return kOk;
    }
    return kErrStalledPkt;
}

std::uint8_t DfuseSimulator::executeWrite() {
    SimMemory& m = memory();
    const std::uint64_t address = std::uint64_t{pointer_} + std::uint64_t{pendingBlock_ - 2u} * kTransferSize;
    const std::uint64_t end = address + pendingBytes_.size();
    for (std::uint64_t a = address; a < end; ++a) {
        const SimSector* s = a <= 0xFFFFFFFFu ? sectorAt(m, static_cast<std::uint32_t>(a)) : nullptr;
        if (s == nullptr || !hasBit(s->type, kWritable)) return kErrAddress;
        if (rejected(static_cast<std::uint32_t>(a))) return kErrTarget;
        if (failWrite_ && *failWrite_ == a) return kErrWrite;
        if (m.bytes[a - m.base] != 0xFF) return kErrProg;  // programming needs erased bytes
    }
    std::copy(pendingBytes_.begin(), pendingBytes_.end(), m.bytes.begin() + static_cast<std::ptrdiff_t>(address - m.base));
    ++blocksWritten_;
    return kOk;
}

void DfuseSimulator::rejectAddresses(std::uint32_t from, std::uint32_t to) {
    std::lock_guard<std::mutex> lock(mutex_);
    rejected_ = std::make_pair(from, to);
}
void DfuseSimulator::failWriteAt(std::uint32_t address) {
    std::lock_guard<std::mutex> lock(mutex_);
    failWrite_ = address;
}
void DfuseSimulator::vanishAfterBlocks(int blocks) {
    std::lock_guard<std::mutex> lock(mutex_);
    vanishAfter_ = blocks;
}
void DfuseSimulator::stayBusyAfterBlocks(int blocks) {
    std::lock_guard<std::mutex> lock(mutex_);
    busyAfter_ = blocks;
}
void DfuseSimulator::setPollTimeouts(std::uint32_t eraseMs, std::uint32_t writeMs) {
    std::lock_guard<std::mutex> lock(mutex_);
    erasePollMs_ = eraseMs;
    writePollMs_ = writeMs;
}

std::vector<std::uint8_t> DfuseSimulator::flash() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return flash_.bytes;
}
std::vector<std::uint8_t> DfuseSimulator::optionBytes() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return option_.bytes;
}
std::vector<std::uint32_t> DfuseSimulator::erasedSectors() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return erased_;
}
int DfuseSimulator::massErases() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return massErases_;
}
int DfuseSimulator::earlyPolls() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return earlyPolls_;
}
int DfuseSimulator::downloadRequests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return downloads_;
}
std::uint8_t DfuseSimulator::state() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return state_;
}
bool DfuseSimulator::leftDfu() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return left_;
}
std::string DfuseSimulator::flashLayout() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return flash_.layout;
}

}  // namespace mcunet::test
