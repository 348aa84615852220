#pragma once
// Numbers as people read them, for the CLI's tables and the studio's labels.
// Total functions: every int64 value, INT64_MIN included, has its text (a
// number read from a hostile file must never crash a formatter).
#include <cstdint>
#include <string>

namespace mcunet {

// 1234567 -> "1,234,567"; -5000 -> "-5,000".
inline std::string withCommas(std::int64_t v) {
    // The magnitude as unsigned: negating INT64_MIN would overflow.
    const std::uint64_t magnitude = v < 0 ? std::uint64_t(0) - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
    const std::string digits = std::to_string(magnitude);
    std::string out = v < 0 ? "-" : "";
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
        out.push_back(digits[i]);
    }
    return out;
}

}  // namespace mcunet
