#include "device/dfuse_plan.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "device/device_error.h"

namespace mcunet::device {

namespace {

[[noreturn]] void refuse(const std::string& why) {
    throw DeviceError(DeviceErrorKind::Refused, "refusing to flash: " + why + " (nothing was written)");
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string memoryExtent(const DfuseMemory& m) {
    if (m.sectors.empty()) return "no sectors";
    return formatAddressRange(m.sectors.front().address, m.sectors.back().end());
}

}  // namespace

DfusePlan planDfuseFlash(const DfuseMemory& memory, std::uint32_t address, std::uint64_t size) {
    const std::string name = lower(memory.name);
    if (name.find("option") != std::string::npos || name.find("otp") != std::string::npos)
        refuse("'" + memory.name + "' holds option bytes or one-time-programmable memory, which are never written");
    if (size == 0) refuse("the image is empty");
    const std::uint64_t end = std::uint64_t{address} + size;
    if (end > (std::uint64_t{1} << 32))
        refuse("the image (" + std::to_string(size) + " bytes at " + formatAddressRange(address, address + 1).substr(0, 10) +
               ") runs past the 4 GiB address space");

    DfusePlan plan;
    plan.address = address;
    plan.size = static_cast<std::uint32_t>(size);
    std::uint64_t at = address;
    while (at < end) {
        const DfuseSector* s = memory.sectorAt(static_cast<std::uint32_t>(at));
        if (s == nullptr)
            refuse("the image " + formatAddressRange(address, end) + " has bytes at " +
                   formatAddressRange(at, at + 1).substr(0, 10) + ", outside '" + memory.name + "' (" +
                   memoryExtent(memory) + ")");
        if (!s->writable || !s->erasable || !s->readable)
            refuse("the sector " + formatAddressRange(s->address, s->end()) + " of '" + memory.name + "' is " +
                   (!s->writable ? "not writable" : !s->erasable ? "not erasable" : "not readable (cannot verify)") +
                   " and the image " + formatAddressRange(address, end) + " covers it");
        plan.erase.push_back(*s);
        at = s->end();
    }
    plan.spanBegin = plan.erase.front().address;
    plan.spanEnd = plan.erase.back().end();
    return plan;
}

}  // namespace mcunet::device
