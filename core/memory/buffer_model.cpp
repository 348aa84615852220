#include "memory/buffer_model.h"

#include <algorithm>
#include <numeric>

#include "graph/ops.h"

namespace mcunet::memory::detail {

std::int64_t alignUp(std::int64_t v, std::int64_t a) { return (v + a - 1) / a * a; }

Model buildModel(const graph::Graph& g, const BufferRules& rules, bool addIntoEarlier) {
    Model m;
    const int nt = g.tensorCount();
    const int n = g.opCount();
    const std::int64_t alignment = rules.alignment;
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
    if (rules.inPlace != nullptr) {
        for (int i = 0; i < n; ++i) {
            const graph::Op& op = g.op(i);
            if (!rules.inPlace(g, op)) continue;
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
    m.scratchBytes.assign(static_cast<std::size_t>(n), 0);
    std::int64_t maxIm2col = 0, maxKernel = 0;
    for (int i = 0; i < n; ++i) {
        const Scratch s = scratchFor(g, g.op(i), rules.scratch);
        if (rules.scratchPlacement == ScratchPlacement::OnTop) {
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
    if (rules.persistentTail) {
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

std::int64_t maxScratch(const Model& m) {
    std::int64_t s = 0;
    for (std::int64_t b : m.scratchBytes) s = std::max(s, b);
    return s;
}

Plan assemble(const graph::Graph& g, Planner planner, Engine engine, const Model& m,
              const std::vector<std::int64_t>& itemOffsets, std::int64_t placedPeak, std::int64_t bound,
              std::string strategy, StackedScratch stacked) {
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
    if (stacked != StackedScratch::None) {
        // Scratch above the tensors (TinyEngine: im2col region, then kernel region).
        std::int64_t maxIm2col = 0;
        for (int i = 0; i < g.opCount(); ++i) maxIm2col = std::max(maxIm2col, alignUp(scratchFor(g, g.op(i), engine).im2col, 4));
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
                p.placements.push_back(std::move(pl));
            };
            if (stacked == StackedScratch::Im2colAndKernel) {
                add(placedPeak, s.im2col, "im2col");
                add(placedPeak + maxIm2col, s.kernelBuffer, "kernel_buffer");
            } else {
                add(placedPeak, s.total(), "scratch");
            }
        }
        arena = placedPeak + (stacked == StackedScratch::Im2colAndKernel ? m.scratchOnTop : maxScratch(m));
        p.scratchOnTop = arena - placedPeak;
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

Plan planLargestFirst(const graph::Graph& g, Planner planner, const BufferRules& rules) {
    const Model m = buildModel(g, rules);
    std::vector<std::int64_t> offsets;
    const std::int64_t peak = placeFirstFit(m.items, largestFirst(m.items), offsets);
    const std::int64_t bound = liveBytesBound(m.items, g.opCount());
    return assemble(g, planner, rules.scratch, m, offsets, peak, bound, "largest first",
                    rules.scratchPlacement == ScratchPlacement::OnTop ? StackedScratch::Im2colAndKernel
                                                                      : StackedScratch::None);
}

std::int64_t arenaLargestFirst(const graph::Graph& g, const BufferRules& rules) {
    const Model m = buildModel(g, rules);
    std::vector<std::int64_t> offsets;
    return placeFirstFit(m.items, largestFirst(m.items), offsets) + m.scratchOnTop + m.persistent;
}

}  // namespace mcunet::memory::detail
