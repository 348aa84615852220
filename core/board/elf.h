#pragma once
// Reads what the studio needs from a 32-bit little-endian ARM ELF: its
// sections (to size Flash and SRAM use, and to read the vector table) and its
// symbols (the arena's size, the stack's end).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mcunet::board {

struct ElfSection {
    std::string name;
    std::uint32_t address = 0, size = 0, flags = 0, type = 0;
    std::uint32_t fileOffset = 0;
    bool alloc() const { return flags & 2u; }
    bool nobits() const { return type == 8u; }  // .bss-like: takes no file space
};

struct ElfSymbol {
    std::string name;
    std::uint32_t address = 0, size = 0;
};

struct ElfImage {
    std::vector<ElfSection> sections;
    std::vector<ElfSymbol> symbols;
    std::optional<std::uint32_t> symbolSize(const std::string& name) const;
    std::optional<std::uint32_t> symbolAddress(const std::string& name) const;
    const ElfSection* section(const std::string& name) const;
    // `count` little-endian words at `address` from the sections that hold
    // initialized data (what gets written to Flash); throws mcunet::Error
    // when part of the range is in none of them.
    std::vector<std::uint32_t> words(std::uint32_t address, std::uint32_t count) const;

    std::vector<char> file;  // the whole file, for words()
};

// Throws mcunet::Error when the file is not a 32-bit little-endian ARM ELF.
ElfImage readElf(const std::string& path);

struct MemoryUse {
    std::int64_t flashBytes = 0;  // text + rodata + vectors + data initializers
    std::int64_t sramBytes = 0;   // data + bss + stack
    std::int64_t arenaBytes = -1; // the model's static arena, -1 if absent
};
MemoryUse memoryUse(const ElfImage& elf, std::uint32_t sramOrigin = 0x20000000u);

// What a flasher writes: the bytes of every PT_LOAD segment that has file
// bytes, each at its physical (load) address (so .data's initializers land in
// Flash after the code, not at their SRAM address), as one contiguous block;
// gaps between segments are 0xFF (erased Flash).
struct LoadImage {
    std::uint32_t address = 0;        // the first byte's address (the vector table on our boards)
    std::vector<std::uint8_t> bytes;  // 1 byte .. 64 MB
};
// Throws mcunet::Error (naming `what`, e.g. the ELF's path) when the ELF has
// no program headers, no loadable bytes, a segment outside the file, or
// segments more than 64 MB apart.
LoadImage loadImage(const ElfImage& elf, const std::string& what);

}  // namespace mcunet::board
