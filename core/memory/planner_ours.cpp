// `ours` (plan.h): in place wherever our kernels allow it, scratch inside the
// arena, several placement orders and a local search, stopped at the
// live-bytes bound; never worse than `tinyengine` by construction.
#include <functional>
#include <random>

#include "graph/ops.h"
#include "memory/buffer_model.h"
#include "memory/planner.h"

namespace mcunet::memory {

namespace {

using namespace detail;

const BufferRules& oursRules() {
    static const BufferRules rules{4, [](const graph::Graph& g, const graph::Op& op) { return graph::writesInPlace(g, op, false); },
                                   Engine::Ours, ScratchPlacement::InArena, false};
    return rules;
}

struct Layout {
    std::int64_t peak = INT64_MAX;  // of the placed items
    std::vector<std::int64_t> offsets;
    std::string strategy;
};

// Ours: several orders, then a local search over the best one, stopping as
// soon as the live-bytes bound is met (nothing can beat it).
Layout searchLayout(const Model& m, std::int64_t bound, std::int64_t stopBelow) {
    using Order = std::pair<const char*, std::function<bool(const Item&, const Item&)>>;
    const Order orders[] = {
        {"largest first", [](const Item& a, const Item& b) { return a.maxBytes > b.maxBytes; }},
        {"largest area first", [](const Item& a, const Item& b) { return a.area > b.area; }},
        {"longest lifetime first",
         [](const Item& a, const Item& b) {
             const int la = a.last - a.first, lb = b.last - b.first;
             return la != lb ? la > lb : a.maxBytes > b.maxBytes;
         }},
        {"execution order",
         [](const Item& a, const Item& b) {
             return a.first != b.first ? a.first < b.first : a.maxBytes > b.maxBytes;
         }},
    };
    Layout best;
    std::vector<int> bestOrder;
    std::vector<std::int64_t> offsets;
    for (const auto& [name, before] : orders) {
        std::vector<int> order = orderBy(m.items, before);
        const std::int64_t peak = placeFirstFit(m.items, order, offsets, best.peak);
        if (peak < best.peak) {
            best.peak = peak;
            best.offsets = offsets;
            best.strategy = name;
            bestOrder = order;
        }
        if (best.peak <= bound || best.peak <= stopBelow) return best;
    }
    // Local search: move items around in the best order; keep what helps.
    std::mt19937 rng(12345);
    const int n = static_cast<int>(bestOrder.size());
    const int budget = std::min(64, 4 * n);
    for (int iter = 0; iter < budget && n > 1 && best.peak > bound && best.peak > stopBelow; ++iter) {
        std::vector<int> order = bestOrder;
        const int i = static_cast<int>(rng() % static_cast<unsigned>(n));
        const int j = static_cast<int>(rng() % static_cast<unsigned>(n));
        if (i == j) continue;
        const int moved = order[static_cast<std::size_t>(i)];
        order.erase(order.begin() + i);
        order.insert(order.begin() + j, moved);
        const std::int64_t peak = placeFirstFit(m.items, order, offsets, best.peak);
        if (peak < best.peak) {
            best.peak = peak;
            best.offsets = offsets;
            best.strategy = "local search";
            bestOrder = std::move(order);
        }
    }
    return best;
}

// Ours: the best of both in-place choices for residual adds (each searched
// over several orders) and TinyEngine's layout with our scratch on top. With
// `goodEnough`, stops at the first candidate at or below it.
struct OursChoice {
    Model model;
    Layout layout;
    std::int64_t bound = 0;
    bool tinyEngineLayout = false;
};

OursChoice chooseOurs(const graph::Graph& g, std::int64_t goodEnough) {
    OursChoice c;
    c.model = buildModel(g, oursRules(), true);
    c.bound = liveBytesBound(c.model.items, g.opCount());
    if (c.bound > goodEnough && goodEnough != 0) {  // nothing can fit: the bound says so
        c.layout.peak = c.bound;
        return c;
    }
    c.layout = searchLayout(c.model, c.bound, goodEnough);
    if (c.layout.peak <= c.bound || c.layout.peak <= goodEnough) return c;
    Model other = buildModel(g, oursRules(), false);
    Layout alt = searchLayout(other, c.bound, goodEnough);
    if (alt.peak < c.layout.peak) {
        alt.strategy += ", add into the branch";
        c.layout = std::move(alt);
        c.model = std::move(other);
    }
    if (c.layout.peak <= c.bound || c.layout.peak <= goodEnough) return c;
    // Never worse than TinyEngine, by construction: its activation layout with
    // our scratch (never larger than its own) stacked on top.
    Model te = buildModel(g, tinyEngineRules());
    std::vector<std::int64_t> offsets;
    const std::int64_t tePeak = placeFirstFit(te.items, largestFirst(te.items), offsets);
    if (tePeak + maxScratch(c.model) < c.layout.peak) {
        te.scratchBytes = c.model.scratchBytes;
        c.model = std::move(te);
        c.layout.peak = tePeak;
        c.layout.offsets = std::move(offsets);
        c.layout.strategy = "tinyengine layout, our scratch";
        c.tinyEngineLayout = true;
    }
    return c;
}

class OursPlanner final : public MemoryPlanner {
public:
    Planner id() const override { return Planner::Ours; }
    const char* name() const override { return "ours"; }
    Plan plan(const graph::Graph& g) const override {
        const OursChoice c = chooseOurs(g, 0);
        return assemble(g, Planner::Ours, Engine::Ours, c.model, c.layout.offsets, c.layout.peak, c.bound,
                        c.layout.strategy, c.tinyEngineLayout ? StackedScratch::Single : StackedScratch::None);
    }
    std::int64_t arenaBytes(const graph::Graph& g, std::int64_t limit) const override {
        const OursChoice c = chooseOurs(g, limit == INT64_MAX ? 0 : limit);
        return c.layout.peak + (c.tinyEngineLayout ? maxScratch(c.model) : 0);
    }
};

}  // namespace

const MemoryPlanner& oursPlanner() {
    static const OursPlanner planner;
    return planner;
}

}  // namespace mcunet::memory
