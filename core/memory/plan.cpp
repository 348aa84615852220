#include "memory/plan.h"

#include "graph/ops.h"

#include <algorithm>
#include <functional>
#include <numeric>
#include <random>

#include "common/error.h"
#include "memory/placer.h"
#include "memory/scratch.h"

namespace mcunet::memory {

using graph::OpKind;
using detail::Item;
using detail::Segment;

const char* plannerName(Planner p) {
    switch (p) {
        case Planner::TFLiteMicro: return "tflm";
        case Planner::TinyEngine: return "tinyengine";
        case Planner::Ours: return "ours";
    }
    return "?";
}

Planner parsePlanner(const std::string& name) {
    if (name == "tflm" || name == "greedy") return Planner::TFLiteMicro;
    if (name == "tinyengine") return Planner::TinyEngine;
    if (name == "ours") return Planner::Ours;
    throw Error("unknown planner \"" + name + "\" (known: tflm (alias greedy), tinyengine, ours)");
}

std::vector<Planner> allPlanners() { return {Planner::TFLiteMicro, Planner::TinyEngine, Planner::Ours}; }

const char* liveRoleName(LiveRole r) {
    switch (r) {
        case LiveRole::Input: return "input";
        case LiveRole::Output: return "output";
        case LiveRole::Live: return "live";
        case LiveRole::Scratch: return "scratch";
        case LiveRole::Persistent: return "persistent";
    }
    return "?";
}

namespace {

std::int64_t alignUp(std::int64_t v, std::int64_t a) { return (v + a - 1) / a * a; }

bool supportsInPlace(Planner planner, const graph::Graph& g, const graph::Op& op) {
    if (planner == Planner::TinyEngine) return graph::writesInPlace(g, op, true);
    if (planner == Planner::Ours) return graph::writesInPlace(g, op, false);
    return false;
}

// The buffer model of one planner: tensors grouped into in-place chains (one
// item each) and, when placed inside the arena, the scratch buffers.
struct Model {
    std::vector<int> first, last;       // per tensor lifetime
    std::vector<std::int64_t> bytes;    // per tensor, aligned
    std::vector<int> aliasOf;           // per tensor
    std::vector<int> itemOfTensor;      // per tensor
    std::vector<int> scratchOp;         // per scratch item index: its op
    std::vector<std::int64_t> scratchBytes;  // per op (ours: placed; tinyengine: on top)
    std::vector<Item> items;            // tensor groups first, then placed scratch
    int tensorItems = 0;
    std::int64_t scratchOnTop = 0;
    std::int64_t persistent = 0;
};

// `addIntoEarlier`: an in-place add writes over its earlier-produced input
// (the residual, which keeps the block chain in one place) instead of the
// block's own branch; ours tries both.
Model buildModel(const graph::Graph& g, Planner planner, bool inPlace, bool addIntoEarlier = true) {
    Model m;
    const int nt = g.tensorCount();
    const int n = g.opCount();
    const std::int64_t alignment = planner == Planner::TFLiteMicro ? 16 : 4;
    m.last = g.lastUse();
    m.first.resize(static_cast<std::size_t>(nt));
    m.bytes.resize(static_cast<std::size_t>(nt));
    m.aliasOf.assign(static_cast<std::size_t>(nt), -1);
    for (int t = 0; t < nt; ++t) {
        m.first[static_cast<std::size_t>(t)] = std::max(g.tensor(t).producer, 0);
        m.bytes[static_cast<std::size_t>(t)] = alignUp(g.tensor(t).bytes(), alignment);
    }
    // In-place decisions: the op's output reuses an input whose last reader is
    // this op (and that is not the graph output, which must survive).
    if (inPlace) {
        for (int i = 0; i < n; ++i) {
            const graph::Op& op = g.op(i);
            if (!supportsInPlace(planner, g, op)) continue;
            int chosen = -1;
            for (int in : op.inputs) {
                if (m.last[static_cast<std::size_t>(in)] != i || in == g.output()) continue;
                if (op.inputs.size() == 2 && op.inputs[0] == op.inputs[1]) continue;
                if (chosen < 0) {
                    chosen = in;
                } else {
                    const bool earlier = g.tensor(in).producer < g.tensor(chosen).producer;
                    if (earlier == addIntoEarlier) chosen = in;
                }
            }
            if (chosen >= 0) m.aliasOf[static_cast<std::size_t>(op.output)] = chosen;
        }
    }
    // Group chains: a tensor's item is its alias root's item.
    m.itemOfTensor.assign(static_cast<std::size_t>(nt), -1);
    std::vector<std::vector<int>> members;
    for (int t = 0; t < nt; ++t) {  // tensors are created in execution order
        const int root = m.aliasOf[static_cast<std::size_t>(t)];
        if (root >= 0) {
            const int item = m.itemOfTensor[static_cast<std::size_t>(root)];
            m.itemOfTensor[static_cast<std::size_t>(t)] = item;
            members[static_cast<std::size_t>(item)].push_back(t);
        } else {
            m.itemOfTensor[static_cast<std::size_t>(t)] = static_cast<int>(members.size());
            members.push_back({t});
        }
    }
    m.items.reserve(members.size() + static_cast<std::size_t>(n));
    std::vector<std::int64_t> footprint;
    for (const auto& group : members) {
        const int f = m.first[static_cast<std::size_t>(group.front())];
        int l = f;
        for (int t : group) l = std::max(l, m.last[static_cast<std::size_t>(t)]);
        footprint.assign(static_cast<std::size_t>(l - f + 1), 0);
        for (int t : group)
            for (int tau = m.first[static_cast<std::size_t>(t)]; tau <= m.last[static_cast<std::size_t>(t)]; ++tau)
                footprint[static_cast<std::size_t>(tau - f)] =
                    std::max(footprint[static_cast<std::size_t>(tau - f)], m.bytes[static_cast<std::size_t>(t)]);
        Item item;
        for (int tau = f; tau <= l; ++tau) {
            const std::int64_t b = footprint[static_cast<std::size_t>(tau - f)];
            if (!item.segments.empty() && item.segments.back().bytes == b && item.segments.back().last == tau - 1)
                item.segments.back().last = tau;
            else
                item.segments.push_back(Segment{tau, tau, b});
        }
        item.finish();
        m.items.push_back(std::move(item));
    }
    m.tensorItems = static_cast<int>(m.items.size());
    // Scratch.
    const Engine engine = planner == Planner::TFLiteMicro ? Engine::TFLiteMicro
                          : planner == Planner::TinyEngine ? Engine::TinyEngine
                                                           : Engine::Ours;
    m.scratchBytes.assign(static_cast<std::size_t>(n), 0);
    std::int64_t maxIm2col = 0, maxKernel = 0;
    for (int i = 0; i < n; ++i) {
        const Scratch s = scratchFor(g, g.op(i), engine);
        if (planner == Planner::TinyEngine) {
            maxIm2col = std::max(maxIm2col, alignUp(s.im2col, alignment));
            maxKernel = std::max(maxKernel, alignUp(s.kernelBuffer, alignment));
            m.scratchBytes[static_cast<std::size_t>(i)] = s.total();
        } else {
            const std::int64_t b = alignUp(s.total(), alignment);
            m.scratchBytes[static_cast<std::size_t>(i)] = b;
            if (b > 0) {
                Item item;
                item.segments.push_back(Segment{i, i, b});
                item.finish();
                m.items.push_back(std::move(item));
                m.scratchOp.push_back(i);
            }
        }
    }
    m.scratchOnTop = maxIm2col + maxKernel;
    if (planner == Planner::TFLiteMicro) {
        // TF Lite Micro's persistent arena tail (estimate): an eval tensor
        // (16 B) per tensor, node, registration and op data (64 B) per op, and
        // per-channel requantization multipliers and shifts (8 B per output
        // channel) of every conv and fully connected layer.
        std::int64_t p = 16 * std::int64_t(nt) + 64 * std::int64_t(n);
        for (const graph::Op& op : g.ops())
            if (graph::hasWeights(op.kind))
                p += 8 * std::int64_t(g.tensor(op.output).shape.c);
        m.persistent = alignUp(p, 16);
    }
    return m;
}

std::vector<int> orderBy(const std::vector<Item>& items,
                         const std::function<bool(const Item&, const Item&)>& before) {
    std::vector<int> order(items.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return before(items[static_cast<std::size_t>(a)], items[static_cast<std::size_t>(b)]);
    });
    return order;
}

std::vector<int> largestFirst(const std::vector<Item>& items) {
    return orderBy(items, [](const Item& a, const Item& b) { return a.maxBytes > b.maxBytes; });
}

struct Layout {
    std::int64_t peak = INT64_MAX;  // of the placed items
    std::vector<std::int64_t> offsets;
    std::string strategy;
};

// Ours: several orders, then a local search over the best one, stopping as
// soon as the live-bytes bound is met (nothing can beat it).
Layout searchLayout(const Model& m, int opCount, std::int64_t bound, std::int64_t stopBelow) {
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
        const std::int64_t peak = detail::placeFirstFit(m.items, order, offsets, best.peak);
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
        const std::int64_t peak = detail::placeFirstFit(m.items, order, offsets, best.peak);
        if (peak < best.peak) {
            best.peak = peak;
            best.offsets = offsets;
            best.strategy = "local search";
            bestOrder = std::move(order);
        }
    }
    (void)opCount;
    return best;
}

std::int64_t maxScratch(const Model& m) {
    std::int64_t s = 0;
    for (std::int64_t b : m.scratchBytes) s = std::max(s, b);
    return s;
}

}  // namespace

namespace {

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
    c.model = buildModel(g, Planner::Ours, true, true);
    c.bound = detail::liveBytesBound(c.model.items, g.opCount());
    if (c.bound > goodEnough && goodEnough != 0) {  // nothing can fit: the bound says so
        c.layout.peak = c.bound;
        return c;
    }
    c.layout = searchLayout(c.model, g.opCount(), c.bound, goodEnough);
    if (c.layout.peak <= c.bound || c.layout.peak <= goodEnough) return c;
    Model other = buildModel(g, Planner::Ours, true, false);
    Layout alt = searchLayout(other, g.opCount(), c.bound, goodEnough);
    if (alt.peak < c.layout.peak) {
        alt.strategy += ", add into the branch";
        c.layout = std::move(alt);
        c.model = std::move(other);
    }
    if (c.layout.peak <= c.bound || c.layout.peak <= goodEnough) return c;
    // Never worse than TinyEngine, by construction: its activation layout with
    // our scratch (never larger than its own) stacked on top.
    Model te = buildModel(g, Planner::TinyEngine, true);
    std::vector<std::int64_t> offsets;
    const std::int64_t tePeak = detail::placeFirstFit(te.items, largestFirst(te.items), offsets);
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

}  // namespace

std::int64_t arenaBytes(const graph::Graph& g, Planner planner, std::int64_t limit) {
    if (planner != Planner::Ours) {
        const Model m = buildModel(g, planner, planner == Planner::TinyEngine);
        std::vector<std::int64_t> offsets;
        return detail::placeFirstFit(m.items, largestFirst(m.items), offsets) + m.scratchOnTop +
               m.persistent;
    }
    const OursChoice c = chooseOurs(g, limit == INT64_MAX ? 0 : limit);
    return c.layout.peak + (c.tinyEngineLayout ? maxScratch(c.model) : 0);
}

namespace {

Plan assemble(const graph::Graph& g, Planner planner, const Model& m,
              const std::vector<std::int64_t>& itemOffsets, std::int64_t placedPeak,
              std::int64_t bound, std::string strategy, bool scratchStackedOnTop) {
    Plan p;
    p.planner = planner;
    p.lowerBound = bound;
    p.strategy = std::move(strategy);
    p.tensorPlacement.assign(static_cast<std::size_t>(g.tensorCount()), -1);
    for (int t = 0; t < g.tensorCount(); ++t) {
        Placement pl;
        pl.kind = BufferKind::Tensor;
        pl.name = g.tensor(t).name;
        pl.tensor = t;
        pl.firstOp = m.first[static_cast<std::size_t>(t)];
        pl.lastOp = m.last[static_cast<std::size_t>(t)];
        pl.offset = itemOffsets[static_cast<std::size_t>(m.itemOfTensor[static_cast<std::size_t>(t)])];
        pl.bytes = g.tensor(t).bytes();
        pl.aliasOf = m.aliasOf[static_cast<std::size_t>(t)];
        p.tensorPlacement[static_cast<std::size_t>(t)] = static_cast<int>(p.placements.size());
        p.placements.push_back(std::move(pl));
    }
    std::int64_t arena = placedPeak;
    if (scratchStackedOnTop) {
        // Scratch above the tensors (TinyEngine: im2col region, then kernel region).
        std::int64_t maxIm2col = 0;
        const Engine engine = planner == Planner::TinyEngine ? Engine::TinyEngine : Engine::Ours;
        for (int i = 0; i < g.opCount(); ++i) maxIm2col = std::max(maxIm2col, alignUp(scratchFor(g, g.op(i), engine).im2col, 4));
        std::int64_t top = 0;
        for (int i = 0; i < g.opCount(); ++i) {
            const Scratch s = scratchFor(g, g.op(i), engine);
            auto add = [&](std::int64_t offset, std::int64_t bytes, const char* what) {
                if (bytes <= 0) return;
                Placement pl;
                pl.kind = BufferKind::Scratch;
                pl.name = g.op(i).name + "." + what;
                pl.op = i;
                pl.firstOp = pl.lastOp = i;
                pl.offset = offset;
                pl.bytes = bytes;
                top = std::max(top, offset + bytes);
                p.placements.push_back(std::move(pl));
            };
            if (planner == Planner::TinyEngine) {
                add(placedPeak, s.im2col, "im2col");
                add(placedPeak + maxIm2col, s.kernelBuffer, "kernel_buffer");
            } else {
                add(placedPeak, s.total(), "scratch");
            }
        }
        arena = placedPeak + (planner == Planner::TinyEngine ? m.scratchOnTop : maxScratch(m));
        p.scratchOnTop = arena - placedPeak;
        (void)top;
    } else {
        for (std::size_t k = 0; k < m.scratchOp.size(); ++k) {
            const int i = m.scratchOp[k];
            Placement pl;
            pl.kind = BufferKind::Scratch;
            pl.name = g.op(i).name + ".scratch";
            pl.op = i;
            pl.firstOp = pl.lastOp = i;
            pl.offset = itemOffsets[static_cast<std::size_t>(m.tensorItems) + k];
            pl.bytes = m.scratchBytes[static_cast<std::size_t>(i)];
            p.placements.push_back(std::move(pl));
        }
    }
    if (m.persistent > 0) {
        Placement pl;
        pl.kind = BufferKind::Persistent;
        pl.name = "persistent";
        pl.firstOp = 0;
        pl.lastOp = g.opCount() - 1;
        pl.offset = arena;
        pl.bytes = m.persistent;
        p.placements.push_back(std::move(pl));
        arena += m.persistent;
        p.persistentBytes = m.persistent;
    }
    p.arenaBytes = arena;
    // Timeline.
    p.timeline.resize(static_cast<std::size_t>(g.opCount()));
    std::vector<std::pair<std::int64_t, std::int64_t>> ranges;
    for (int i = 0; i < g.opCount(); ++i) {
        LayerMemory& lm = p.timeline[static_cast<std::size_t>(i)];
        lm.op = i;
        const graph::Op& op = g.op(i);
        ranges.clear();
        for (int k = 0; k < static_cast<int>(p.placements.size()); ++k) {
            const Placement& pl = p.placements[static_cast<std::size_t>(k)];
            if (pl.firstOp > i || pl.lastOp < i || pl.bytes == 0) continue;
            LiveRole role = LiveRole::Live;
            if (pl.kind == BufferKind::Scratch) role = LiveRole::Scratch;
            else if (pl.kind == BufferKind::Persistent) role = LiveRole::Persistent;
            else if (pl.tensor == op.output) role = LiveRole::Output;
            else if (std::find(op.inputs.begin(), op.inputs.end(), pl.tensor) != op.inputs.end())
                role = LiveRole::Input;
            lm.live.push_back(LiveBuffer{k, role});
            ranges.emplace_back(pl.offset, pl.offset + pl.bytes);
            lm.highWater = std::max(lm.highWater, pl.offset + pl.bytes);
        }
        std::sort(ranges.begin(), ranges.end());
        std::int64_t covered = 0, end = 0;
        for (const auto& [lo, hi] : ranges) {
            if (hi <= end) continue;
            covered += hi - std::max(lo, end);
            end = hi;
        }
        lm.usedBytes = covered;
    }
    return p;
}

}  // namespace

Plan plan(const graph::Graph& g, Planner planner) {
    g.validate();
    std::vector<std::int64_t> offsets;
    if (planner != Planner::Ours) {
        const Model m = buildModel(g, planner, planner == Planner::TinyEngine);
        const std::int64_t peak = detail::placeFirstFit(m.items, largestFirst(m.items), offsets);
        const std::int64_t bound = detail::liveBytesBound(m.items, g.opCount());
        return assemble(g, planner, m, offsets, peak, bound, "largest first",
                        planner == Planner::TinyEngine);
    }
    const OursChoice c = chooseOurs(g, 0);
    return assemble(g, Planner::Ours, c.model, c.layout.offsets, c.layout.peak, c.bound, c.layout.strategy,
                    c.tinyEngineLayout);
}

std::int64_t unavoidableBytes(const graph::Graph& g, int i) {
    const std::vector<int> last = g.lastUse();
    const graph::Op& op = g.op(i);
    std::int64_t others = 0;
    for (int t = 0; t < g.tensorCount(); ++t) {
        const bool operand = t == op.output ||
                             std::find(op.inputs.begin(), op.inputs.end(), t) != op.inputs.end();
        const int first = std::max(g.tensor(t).producer, 0);
        if (!operand && first <= i && last[static_cast<std::size_t>(t)] >= i) others += g.tensor(t).bytes();
    }
    std::int64_t own = g.tensor(op.output).bytes();
    if (op.inputs.size() > 1) {  // every input is read while the output is written
        own = 0;
        for (int in : op.inputs) own += g.tensor(in).bytes();
    } else {
        for (int in : op.inputs) own = std::max(own, g.tensor(in).bytes());
    }
    return others + own;
}

std::int64_t unavoidablePeak(const graph::Graph& g) {
    std::int64_t peak = 0;
    for (int i = 0; i < g.opCount(); ++i) peak = std::max(peak, unavoidableBytes(g, i));
    return peak;
}

bool widenScratch(Plan& p, int op, std::int64_t bytes) {
    int scratch = -1;
    for (int k = 0; k < static_cast<int>(p.placements.size()); ++k) {
        const Placement& pl = p.placements[static_cast<std::size_t>(k)];
        if (pl.kind == BufferKind::Scratch && pl.op == op &&
            (scratch < 0 || pl.bytes > p.placements[static_cast<std::size_t>(scratch)].bytes))
            scratch = k;
    }
    if (scratch < 0) return false;
    Placement& own = p.placements[static_cast<std::size_t>(scratch)];
    if (own.bytes >= bytes) return true;
    std::vector<std::pair<std::int64_t, std::int64_t>> taken;  // [begin, end) of every other live buffer
    for (int k = 0; k < static_cast<int>(p.placements.size()); ++k) {
        const Placement& pl = p.placements[static_cast<std::size_t>(k)];
        if (k != scratch && pl.firstOp <= op && pl.lastOp >= op && pl.bytes > 0)
            taken.emplace_back(pl.offset, pl.offset + pl.bytes);
    }
    std::sort(taken.begin(), taken.end());
    std::int64_t at = 0;  // lowest free byte so far, 4-byte aligned
    for (const auto& [begin, end] : taken) {
        if (begin >= at + bytes) break;
        at = std::max(at, (end + 3) & ~std::int64_t(3));
    }
    if (at + bytes > p.arenaBytes) return false;
    own.offset = at;
    own.bytes = bytes;
    return true;
}

std::vector<std::string> checkPlan(const graph::Graph& g, const Plan& p) {
    std::vector<std::string> problems;
    const std::vector<int> last = g.lastUse();
    for (const Placement& pl : p.placements) {
        if (pl.offset < 0 || pl.offset + pl.bytes > p.arenaBytes)
            problems.push_back(pl.name + ": outside the arena");
        if (pl.kind == BufferKind::Tensor) {
            if (pl.bytes < g.tensor(pl.tensor).bytes()) problems.push_back(pl.name + ": too small");
            if (pl.firstOp > std::max(g.tensor(pl.tensor).producer, 0) ||
                pl.lastOp < last[static_cast<std::size_t>(pl.tensor)])
                problems.push_back(pl.name + ": lifetime does not cover every use");
        }
    }
    for (int t = 0; t < g.tensorCount(); ++t)
        if (p.tensorPlacement.size() != static_cast<std::size_t>(g.tensorCount()) ||
            p.tensorPlacement[static_cast<std::size_t>(t)] < 0)
            problems.push_back(g.tensor(t).name + ": not placed");
    if (!problems.empty()) return problems;
    auto inPlacePair = [&](const Placement& a, const Placement& b, int i) {
        // b is op i's output written over a, op i's input that dies here.
        const graph::Op& op = g.op(i);
        if (a.kind != BufferKind::Tensor || b.kind != BufferKind::Tensor) return false;
        if (b.tensor != op.output || b.aliasOf != a.tensor) return false;
        if (std::find(op.inputs.begin(), op.inputs.end(), a.tensor) == op.inputs.end()) return false;
        if (last[static_cast<std::size_t>(a.tensor)] != i || a.offset != b.offset) return false;
        return graph::writesInPlace(g, op, false) || graph::writesInPlace(g, op, true);
    };
    for (int i = 0; i < g.opCount(); ++i) {
        std::vector<const Placement*> live;
        for (const Placement& pl : p.placements)
            if (pl.firstOp <= i && pl.lastOp >= i && pl.bytes > 0) live.push_back(&pl);
        for (std::size_t x = 0; x < live.size(); ++x)
            for (std::size_t y = x + 1; y < live.size(); ++y) {
                const Placement& a = *live[x];
                const Placement& b = *live[y];
                if (a.offset + a.bytes <= b.offset || b.offset + b.bytes <= a.offset) continue;
                if (inPlacePair(a, b, i) || inPlacePair(b, a, i)) continue;
                problems.push_back("op " + g.op(i).name + ": " + a.name + " [" + std::to_string(a.offset) +
                                   ", " + std::to_string(a.offset + a.bytes) + ") overlaps " + b.name + " [" +
                                   std::to_string(b.offset) + ", " + std::to_string(b.offset + b.bytes) + ")");
            }
    }
    return problems;
}

}  // namespace mcunet::memory
