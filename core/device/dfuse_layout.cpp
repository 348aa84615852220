#include "device/dfuse_layout.h"

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cstdio>

#include "common/error.h"

namespace mcunet::device {

namespace {

// A cursor over the layout string; every failure names the position.
class Cursor {
public:
    explicit Cursor(std::string_view text) : text_(text) {}

    bool atEnd() const { return at_ >= text_.size(); }
    char peek() const { return atEnd() ? '\0' : text_[at_]; }
    void skipSpaces() {
        while (!atEnd() && std::isspace(static_cast<unsigned char>(text_[at_]))) ++at_;
    }
    bool take(char c) {
        if (peek() != c) return false;
        ++at_;
        return true;
    }
    void expect(char c, const char* what) {
        if (!take(c)) fail(std::string("expected ") + what);
    }
    // Up to `maxDigits` digits in `base` (10 or 16); at least one.
    std::uint64_t number(int base, int maxDigits, const char* what) {
        std::uint64_t value = 0;
        int digits = 0;
        while (!atEnd()) {
            const char c = text_[at_];
            int d = -1;
            if (c >= '0' && c <= '9') d = c - '0';
            else if (base == 16 && c >= 'a' && c <= 'f') d = c - 'a' + 10;
            else if (base == 16 && c >= 'A' && c <= 'F') d = c - 'A' + 10;
            if (d < 0) break;
            if (++digits > maxDigits) fail(std::string(what) + " has too many digits");
            value = value * static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(d);
            ++at_;
        }
        if (digits == 0) fail(std::string("expected ") + what);
        return value;
    }
    std::string_view until(char c) {
        const std::size_t start = at_;
        while (!atEnd() && text_[at_] != c) ++at_;
        return text_.substr(start, at_ - start);
    }
    [[noreturn]] void fail(const std::string& why) const {
        throw Error("DfuSe memory layout \"" + std::string(text_) + "\": " + why + " at character " +
                    std::to_string(at_ + 1));
    }

private:
    std::string_view text_;
    std::size_t at_ = 0;
};

std::string trimmed(std::string_view s) {
    const auto notSpace = [](char c) { return !std::isspace(static_cast<unsigned char>(c)); };
    const auto b = std::find_if(s.begin(), s.end(), notSpace);
    const auto e = std::find_if(s.rbegin(), s.rend(), notSpace).base();
    return b < e ? std::string(b, e) : std::string();
}

// One group "NN*SSSMt" appended at `next`, which advances past it.
void parseGroup(Cursor& c, std::uint64_t& next, std::vector<DfuseSector>& out) {
    c.skipSpaces();
    const std::uint64_t count = c.number(10, 6, "a sector count");
    c.skipSpaces();
    c.expect('*', "'*' after the sector count");
    c.skipSpaces();
    std::uint64_t size = c.number(10, 6, "a sector size");
    c.skipSpaces();
    if (c.take('K')) size *= 1024;
    else if (c.take('M')) size *= 1024 * 1024;
    else c.take('B');
    const char type = c.peek();
    if (type < 'a' || type > 'g') c.fail("expected a sector type letter 'a'..'g'");
    c.take(type);
    if (count == 0) c.fail("a sector count of 0");
    if (size == 0) c.fail("a sector size of 0");
    if (out.size() + count > kMaxDfuseSectors)
        c.fail("more than " + std::to_string(kMaxDfuseSectors) + " sectors");
    const unsigned bits = static_cast<unsigned>(type - 'a' + 1);
    for (std::uint64_t i = 0; i < count; ++i) {
        if (next + size > (std::uint64_t{1} << 32)) c.fail("the sectors run past the 4 GiB address space");
        out.push_back(DfuseSector{static_cast<std::uint32_t>(next), static_cast<std::uint32_t>(size),
                                  (bits & 1u) != 0, (bits & 2u) != 0, (bits & 4u) != 0});
        next += size;
    }
}

}  // namespace

const DfuseSector* DfuseMemory::sectorAt(std::uint32_t address) const {
    auto it = std::upper_bound(sectors.begin(), sectors.end(), address,
                               [](std::uint32_t a, const DfuseSector& s) { return a < s.address; });
    if (it == sectors.begin()) return nullptr;
    --it;
    return address < it->end() ? &*it : nullptr;
}

std::string formatAddressRange(std::uint64_t begin, std::uint64_t end) {
    char text[48];
    std::snprintf(text, sizeof text, "0x%08" PRIx64 "-0x%08" PRIx64, begin, end > begin ? end - 1 : begin);
    return text;
}

DfuseMemory parseDfuseLayout(std::string_view text) {
    Cursor c(text);
    c.skipSpaces();
    c.expect('@', "'@' at the start");
    DfuseMemory memory;
    memory.name = trimmed(c.until('/'));
    if (c.atEnd()) c.fail("expected '/' and a segment address after the name");
    std::uint64_t previousEnd = 0;
    while (c.take('/')) {
        c.skipSpaces();
        if (c.atEnd()) break;  // a trailing '/'
        if (!(c.take('0') && (c.take('x') || c.take('X')))) c.fail("expected a segment address \"0x...\"");
        std::uint64_t next = c.number(16, 8, "a hexadecimal segment address");
        if (next < previousEnd) c.fail("a segment that overlaps the previous one");
        c.skipSpaces();
        c.expect('/', "'/' after the segment address");
        do {
            parseGroup(c, next, memory.sectors);
            c.skipSpaces();
        } while (c.take(','));
        previousEnd = next;
    }
    c.skipSpaces();
    if (!c.atEnd()) c.fail("unexpected text");
    if (memory.sectors.empty()) c.fail("no sectors");
    return memory;
}

}  // namespace mcunet::device
