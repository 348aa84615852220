#include "common/safe_text.h"

#include <cstdint>
#include <cstdio>

#include "common/error.h"

namespace mcunet::safe_text {

namespace {

// Decodes one UTF-8 sequence at s[i]; returns its length (0: invalid).
std::size_t decode(const std::string& s, std::size_t i, std::uint32_t& cp) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    cp = n == 1 ? c : n == 2 ? (c & 0x1f) : n == 3 ? (c & 0x0f) : (c & 0x07);
    for (std::size_t k = 1; k < n; ++k) {
        if ((b(i + k) & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (b(i + k) & 0x3f);
    }
    const std::uint32_t minimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < minimum[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;  // overlong, surrogate
    return n;
}

bool bidiControl(std::uint32_t cp) {
    return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

}  // namespace

std::optional<std::string> problem(const std::string& text) {
    if (text.size() > kMaxLength) return "longer than " + std::to_string(kMaxLength) + " bytes";
    if (text.find("*/") != std::string::npos || text.find("/*") != std::string::npos)
        return "contains a C comment delimiter (\"/*\" or \"*/\")";
    for (std::size_t i = 0; i < text.size();) {
        std::uint32_t cp = 0;
        const std::size_t n = decode(text, i, cp);
        if (n == 0) return "is not valid UTF-8 (byte " + std::to_string(i) + ")";
        if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
            return "contains a control character (byte " + std::to_string(i) + ")";
        if (bidiControl(cp)) return "contains a bidirectional-override character (byte " + std::to_string(i) + ")";
        if (cp == '\\') return "contains a backslash";
        i += n;
    }
    return std::nullopt;
}

void check(const std::string& text, const std::string& field) {
    if (const auto p = problem(text)) throw Error(field + ": " + *p);
}

std::string forComment(const std::string& text) {
    std::string out;
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        // No backslash (line splices) and no '?' (trigraphs: "??/" is a backslash).
        out += u >= 0x20 && u < 0x7f && c != '\\' && c != '?' ? c : '_';
    }
    for (std::size_t p; (p = out.find("*/")) != std::string::npos || (p = out.find("/*")) != std::string::npos;)
        out[out[p] == '/' ? p : p + 1] = '_';
    return out;
}

std::string forTerminal(const std::string& text) {
    static const char* hex = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        std::uint32_t cp = 0;
        const std::size_t n = decode(text, i, cp);
        if (n == 0) {  // not UTF-8: the byte itself, escaped
            const auto u = static_cast<unsigned char>(text[i]);
            out += std::string("\\x") + hex[u >> 4] + hex[u & 15];
            ++i;
            continue;
        }
        if (cp == '\\') {
            out += "\\\\";
        } else if (cp < 0x20 || cp == 0x7f) {
            out += std::string("\\x") + hex[cp >> 4] + hex[cp & 15];
        } else if ((cp >= 0x80 && cp < 0xa0) || bidiControl(cp)) {
            char buffer[16];
            std::snprintf(buffer, sizeof buffer, "\\u{%04x}", static_cast<unsigned>(cp));
            out += buffer;
        } else {
            out.append(text, i, n);
        }
        i += n;
    }
    return out;
}

}  // namespace mcunet::safe_text
