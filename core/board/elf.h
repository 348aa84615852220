#pragma once
// Reads what the studio needs from a 32-bit little-endian ARM ELF: its
// sections (to size Flash and SRAM use) and symbol sizes (the arena).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mcunet::board {

struct ElfSection {
    std::string name;
    std::uint32_t address = 0, size = 0, flags = 0, type = 0;
    bool alloc() const { return flags & 2u; }
    bool nobits() const { return type == 8u; }  // .bss-like: takes no file space
};

struct ElfImage {
    std::vector<ElfSection> sections;
    std::optional<std::uint32_t> symbolSize(const std::string& name) const;
    std::vector<std::pair<std::string, std::uint32_t>> symbols;  // name, size
};

// Throws mcunet::Error when the file is not a 32-bit little-endian ARM ELF.
ElfImage readElf(const std::string& path);

struct MemoryUse {
    std::int64_t flashBytes = 0;  // text + rodata + vectors + data initializers
    std::int64_t sramBytes = 0;   // data + bss + stack
    std::int64_t arenaBytes = -1; // the model's static arena, -1 if absent
};
MemoryUse memoryUse(const ElfImage& elf, std::uint32_t sramOrigin = 0x20000000u);

}  // namespace mcunet::board
