#pragma once
// Internal: places items whose size may change over their lifetime (a buffer
// shared in place by a chain of tensors) at fixed offsets in one arena so that
// no two items live at the same op overlap. Shared by every planner.
#include <cstdint>
#include <vector>

namespace mcunet::memory::detail {

struct Segment {
    int first = 0, last = 0;  // inclusive op indices
    std::int64_t bytes = 0;   // footprint from the item's offset during [first, last]
};

struct Item {
    std::vector<Segment> segments;  // by time, non-overlapping
    int first = 0, last = 0;
    std::int64_t maxBytes = 0;
    std::int64_t area = 0;  // sum of bytes x ops
    void finish();          // computes first, last, maxBytes, area from segments
};

// Places items in `order`, each at the lowest offset where it overlaps no item
// placed before it at any op both are live (first fit, TF Lite Micro's and
// TinyEngine's rule). Fills offsets; returns the peak (max offset + bytes).
// Stops early and returns a value > stopAbove once the peak exceeds it.
std::int64_t placeFirstFit(const std::vector<Item>& items, const std::vector<int>& order,
                           std::vector<std::int64_t>& offsets,
                           std::int64_t stopAbove = INT64_MAX);

// Max over ops of the bytes of all items live at that op: no placement of
// these items can do better.
std::int64_t liveBytesBound(const std::vector<Item>& items, int opCount);

}  // namespace mcunet::memory::detail
