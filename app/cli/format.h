#pragma once
// Small text helpers for the CLI's tables.
#include <cstdint>
#include <string>

#include "common/number_text.h"
#include "graph/graph.h"

namespace mcunet::cli {

using mcunet::withCommas;  // common/number_text.h

// "80x80x3" (H x W x C).
inline std::string shapeText(const graph::Shape& s) {
    return std::to_string(s.h) + "x" + std::to_string(s.w) + "x" + std::to_string(s.c);
}

}  // namespace mcunet::cli
