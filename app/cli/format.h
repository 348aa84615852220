#pragma once
// Small text helpers for the CLI's tables.
#include <cstdint>
#include <string>

#include "graph/graph.h"

namespace mcunet::cli {

// 1234567 -> "1,234,567".
inline std::string withCommas(std::int64_t v) {
    const std::string digits = std::to_string(v < 0 ? -v : v);
    std::string out = v < 0 ? "-" : "";
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
        out.push_back(digits[i]);
    }
    return out;
}

// "80x80x3" (H x W x C).
inline std::string shapeText(const graph::Shape& s) {
    return std::to_string(s.h) + "x" + std::to_string(s.w) + "x" + std::to_string(s.c);
}

}  // namespace mcunet::cli
