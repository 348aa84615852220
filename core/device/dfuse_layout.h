#pragma once
// The DfuSe memory-layout string (AN3156 section 4.3.2; ST's UM0424): the
// string descriptor an STM32 bootloader gives each alternate setting of its
// DFU interface, e.g.
//
//   "@Internal Flash  /0x08000000/04*032Kg,01*128Kg,03*256Kg"
//
// '@', the memory's name, then one or more segments "/0xADDRESS/" followed by
// comma-separated sector groups "NN*SSSMt": NN sectors of SSS units (M: ' ' or
// 'B' bytes, 'K' KiB, 'M' MiB) and t the sector type, a letter 'a'..'g' whose
// bits (t - 'a' + 1) are readable (1), erasable (2) and writable (4). Pure
// parsing: no libusb.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mcunet::device {

struct DfuseSector {
    std::uint32_t address = 0;  // first byte
    std::uint32_t size = 0;     // bytes, > 0
    bool readable = false;
    bool erasable = false;
    bool writable = false;
    std::uint64_t end() const { return std::uint64_t{address} + size; }  // one past the last byte
};

struct DfuseMemory {
    std::string name;                  // "Internal Flash" (surrounding spaces trimmed)
    std::vector<DfuseSector> sectors;  // one entry per sector, ascending, never overlapping

    // The sector holding `address`, or nullptr when the address is in none.
    const DfuseSector* sectorAt(std::uint32_t address) const;
};

// Upper bound on the sectors one layout may describe (a layout string is at
// most 126 characters, but its counts could otherwise ask for billions).
inline constexpr std::size_t kMaxDfuseSectors = 65536;

// Parses a layout string.
//   text: the string descriptor's text (ASCII). Leading '@' required;
//         whitespace around tokens and after the last group is allowed.
// Returns the memory with every sector expanded, in address order.
// Throws mcunet::Error naming the offending part (and the whole string) when
// the string is malformed: no '@', no segment, an address that is not hex,
// a group without '*' or type letter, a count or size of 0, an unknown
// multiplier or type, more than kMaxDfuseSectors sectors, a segment that runs
// past 4 GiB or overlaps the previous one.
DfuseMemory parseDfuseLayout(std::string_view text);

// "0x08000000-0x080fffff" (inclusive end), for messages.
std::string formatAddressRange(std::uint64_t begin, std::uint64_t end);

}  // namespace mcunet::device
