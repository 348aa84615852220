#include "memory/placer.h"

#include <algorithm>

namespace mcunet::memory::detail {

void Item::finish() {
    first = segments.front().first;
    last = segments.back().last;
    maxBytes = 0;
    area = 0;
    for (const Segment& s : segments) {
        maxBytes = std::max(maxBytes, s.bytes);
        area += s.bytes * (s.last - s.first + 1);
    }
}

namespace {
struct Interval {
    std::int64_t lo, hi;  // forbidden offsets [lo, hi)
};
}  // namespace

std::int64_t placeFirstFit(const std::vector<Item>& items, const std::vector<int>& order,
                           std::vector<std::int64_t>& offsets, std::int64_t stopAbove) {
    offsets.assign(items.size(), -1);
    std::vector<int> placed;
    placed.reserve(items.size());
    std::vector<Interval> forbidden;
    std::int64_t peak = 0;
    for (int index : order) {
        const Item& a = items[static_cast<std::size_t>(index)];
        forbidden.clear();
        for (int other : placed) {
            const Item& b = items[static_cast<std::size_t>(other)];
            if (b.last < a.first || b.first > a.last) continue;
            const std::int64_t p = offsets[static_cast<std::size_t>(other)];
            for (const Segment& sa : a.segments) {
                if (sa.bytes == 0) continue;
                for (const Segment& sb : b.segments) {
                    if (sb.last < sa.first || sb.first > sa.last || sb.bytes == 0) continue;
                    // a's range [x, x+sa) meets b's [p, p+sb) iff p - sa < x < p + sb.
                    forbidden.push_back({p - sa.bytes + 1, p + sb.bytes});
                }
            }
        }
        std::sort(forbidden.begin(), forbidden.end(),
                  [](const Interval& l, const Interval& r) { return l.lo < r.lo; });
        std::int64_t x = 0;
        for (const Interval& f : forbidden) {
            if (f.lo > x) break;
            if (f.hi > x) x = f.hi;
        }
        offsets[static_cast<std::size_t>(index)] = x;
        placed.push_back(index);
        peak = std::max(peak, x + a.maxBytes);
        if (peak > stopAbove) return peak;
    }
    return peak;
}

std::int64_t liveBytesBound(const std::vector<Item>& items, int opCount) {
    std::vector<std::int64_t> diff(static_cast<std::size_t>(opCount) + 1, 0);
    for (const Item& item : items)
        for (const Segment& s : item.segments) {
            diff[static_cast<std::size_t>(s.first)] += s.bytes;
            diff[static_cast<std::size_t>(s.last) + 1] -= s.bytes;
        }
    std::int64_t live = 0, best = 0;
    for (int t = 0; t < opCount; ++t) {
        live += diff[static_cast<std::size_t>(t)];
        best = std::max(best, live);
    }
    return best;
}

}  // namespace mcunet::memory::detail
