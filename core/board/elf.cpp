#include "board/elf.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <utility>

#include "common/error.h"
#include "common/input_file.h"

namespace mcunet::board {

namespace {

std::uint32_t u32(const std::vector<char>& b, std::size_t at) {
    if (at + 4 > b.size()) throw Error("ELF: truncated");
    std::uint32_t v;
    std::memcpy(&v, b.data() + at, 4);
    return v;
}
std::uint16_t u16(const std::vector<char>& b, std::size_t at) {
    if (at + 2 > b.size()) throw Error("ELF: truncated");
    std::uint16_t v;
    std::memcpy(&v, b.data() + at, 2);
    return v;
}
std::string cstr(const std::vector<char>& b, std::size_t at) {
    std::string s;
    while (at < b.size() && b[at]) s += b[at++];
    return s;
}

}  // namespace

std::optional<std::uint32_t> ElfImage::symbolSize(const std::string& name) const {
    for (const ElfSymbol& s : symbols)
        if (s.name == name) return s.size;
    return std::nullopt;
}

std::optional<std::uint32_t> ElfImage::symbolAddress(const std::string& name) const {
    for (const ElfSymbol& s : symbols)
        if (s.name == name) return s.address;
    return std::nullopt;
}

const ElfSection* ElfImage::section(const std::string& name) const {
    for (const ElfSection& s : sections)
        if (s.name == name) return &s;
    return nullptr;
}

std::vector<std::uint32_t> ElfImage::words(std::uint32_t address, std::uint32_t count) const {
    std::vector<std::uint32_t> out;
    for (std::uint32_t i = 0; i < count; ++i) {
        const std::uint64_t at = std::uint64_t(address) + 4u * i;
        const ElfSection* holder = nullptr;
        for (const ElfSection& s : sections)
            if (s.alloc() && !s.nobits() && at >= s.address && at + 4 <= std::uint64_t(s.address) + s.size) holder = &s;
        if (!holder) throw Error("ELF: no initialized section holds address " + std::to_string(at));
        out.push_back(u32(file, holder->fileOffset + static_cast<std::size_t>(at - holder->address)));
    }
    return out;
}

ElfImage readElf(const std::string& path) {
    // A regular file of bounded size: a FIFO would block, a device never end.
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw Error(path + ": not a regular file, expected a firmware ELF");
    constexpr std::uintmax_t kMaxElfBytes = std::uintmax_t(64) << 20;
    if (std::filesystem::file_size(path, ec) > kMaxElfBytes || ec)
        throw Error(path + ": larger than 64 MB, not a firmware ELF");
    const std::string text = input_file::read(path, kMaxElfBytes, "a firmware ELF");
    const std::vector<char> b(text.begin(), text.end());
    if (b.size() < 52 || std::memcmp(b.data(), "\x7f" "ELF", 4) != 0) throw Error(path + ": not an ELF file");
    if (b[4] != 1 || b[5] != 1) throw Error(path + ": not a 32-bit little-endian ELF");
    if (u16(b, 18) != 40) throw Error(path + ": not an ARM ELF");
    const std::uint32_t shoff = u32(b, 32);
    const std::uint16_t shentsize = u16(b, 46), shnum = u16(b, 48), shstrndx = u16(b, 50);
    if (shentsize != 40 || shstrndx >= shnum) throw Error(path + ": bad section table");
    auto header = [&](std::size_t i) { return shoff + i * 40u; };
    const std::uint32_t strOffset = u32(b, header(shstrndx) + 16);
    ElfImage elf;
    std::size_t symtab = 0;
    for (std::size_t i = 0; i < shnum; ++i) {
        const std::size_t h = header(i);
        ElfSection s;
        s.name = cstr(b, strOffset + u32(b, h));
        s.type = u32(b, h + 4);
        s.flags = u32(b, h + 8);
        s.address = u32(b, h + 12);
        s.fileOffset = u32(b, h + 16);
        s.size = u32(b, h + 20);
        if (s.type == 2) symtab = i;  // SHT_SYMTAB
        elf.sections.push_back(s);
    }
    if (symtab) {
        const std::size_t h = header(symtab);
        const std::uint32_t offset = u32(b, h + 16), size = u32(b, h + 20), link = u32(b, h + 24);
        const std::uint32_t names = u32(b, header(link) + 16);
        for (std::uint32_t at = offset; at + 16 <= offset + size; at += 16)
            elf.symbols.push_back(ElfSymbol{cstr(b, names + u32(b, at)), u32(b, at + 4), u32(b, at + 8)});
    }
    elf.file = std::move(b);
    return elf;
}

MemoryUse memoryUse(const ElfImage& elf, std::uint32_t sramOrigin) {
    MemoryUse m;
    for (const ElfSection& s : elf.sections) {
        if (!s.alloc() || s.size == 0) continue;
        const bool inSram = s.address >= sramOrigin;
        if (inSram) m.sramBytes += s.size;
        if (!inSram || !s.nobits()) m.flashBytes += s.size;  // .data also occupies Flash (its initializers)
    }
    if (const auto arena = elf.symbolSize("model_arena")) m.arenaBytes = *arena;
    return m;
}

LoadImage loadImage(const ElfImage& elf, const std::string& what) {
    const std::vector<char>& b = elf.file;
    if (b.size() < 52) throw Error(what + ": not an ELF file");
    const std::uint32_t phoff = u32(b, 28);
    const std::uint16_t phentsize = u16(b, 42), phnum = u16(b, 44);
    if (phnum == 0 || phentsize != 32) throw Error(what + ": no program headers (not a linked firmware image)");
    struct Segment {
        std::uint32_t address, offset, size;
    };
    std::vector<Segment> segments;
    for (std::size_t i = 0; i < phnum; ++i) {
        const std::size_t h = phoff + i * 32u;
        if (u32(b, h) != 1u) continue;  // PT_LOAD only
        const Segment s{u32(b, h + 12), u32(b, h + 4), u32(b, h + 16)};  // p_paddr, p_offset, p_filesz
        if (s.size == 0) continue;  // .bss-only: nothing to write
        if (std::uint64_t(s.offset) + s.size > b.size()) throw Error(what + ": a loadable segment lies outside the file");
        segments.push_back(s);
    }
    if (segments.empty()) throw Error(what + ": no loadable bytes");
    std::uint64_t low = UINT64_MAX, high = 0;
    for (const Segment& s : segments) {
        low = std::min<std::uint64_t>(low, s.address);
        high = std::max<std::uint64_t>(high, std::uint64_t(s.address) + s.size);
    }
    if (high - low > (std::uint64_t(64) << 20)) throw Error(what + ": loadable segments span more than 64 MB");
    LoadImage image;
    image.address = static_cast<std::uint32_t>(low);
    image.bytes.assign(static_cast<std::size_t>(high - low), 0xFF);
    for (const Segment& s : segments)
        std::memcpy(image.bytes.data() + (s.address - low), b.data() + s.offset, s.size);
    return image;
}

}  // namespace mcunet::board
