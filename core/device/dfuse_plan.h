#pragma once
// What flashing an image through DfuSe will touch, decided before the device
// is touched: the sectors the image covers (the only ones erased), and a
// refusal for any byte outside the memory's writable layout. Pure: no libusb.
#include <cstdint>
#include <vector>

#include "device/dfuse_layout.h"

namespace mcunet::device {

struct DfusePlan {
    std::uint32_t address = 0;  // the image's first byte
    std::uint32_t size = 0;     // the image's length in bytes
    // Every sector holding at least one byte of the image, ascending. These
    // and only these are erased (one DfuSe page-erase command each).
    std::vector<DfuseSector> erase;
    // Bytes of those sectors that are not the image's: [spanBegin, address)
    // and [address + size, spanEnd). Erasing destroys them, so the flasher
    // reads them first and writes them back (DfuseFlashOptions::preserve).
    std::uint32_t spanBegin = 0;
    std::uint64_t spanEnd = 0;
};

// Plans writing `size` bytes at `address` into `memory`.
//   memory: a parsed layout (parseDfuseLayout).
//   address: where the image's first byte goes (e.g. 0x08000000).
//   size: the image length; 1 .. 4 GiB - address.
// Throws mcunet::Error (DeviceError, kind Refused) naming the first offending
// address when the image is empty, runs past 4 GiB, falls in a gap of the
// layout or outside it, or covers a sector that is not readable, erasable
// and writable (the flasher erases, writes and reads back every sector it
// covers); and for any memory whose name says option bytes or OTP, which
// this project never writes.
DfusePlan planDfuseFlash(const DfuseMemory& memory, std::uint32_t address, std::uint64_t size);

}  // namespace mcunet::device
