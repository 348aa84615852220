#include "cost/cost.h"

#include <algorithm>

#include "common/error.h"

namespace mcunet::cost {

using graph::OpKind;

std::int64_t opMacs(const graph::Graph& g, const graph::Op& op) {
    const graph::Shape& in = g.tensor(op.inputs[0]).shape;
    const graph::Shape& out = g.tensor(op.output).shape;
    const std::int64_t k2 = std::int64_t(op.kernel) * op.kernel;
    switch (op.kind) {
        case OpKind::Conv2D: return out.elements() * k2 * in.c;
        case OpKind::DepthwiseConv2D: return out.elements() * k2;
        case OpKind::PointwiseConv2D: return out.elements() * in.c;
        case OpKind::FullyConnected: return in.elements() * out.c;
        case OpKind::Add:
        case OpKind::AveragePool: return 0;
    }
    return 0;
}

std::int64_t opParams(const graph::Graph& g, const graph::Op& op) {
    const graph::Shape& in = g.tensor(op.inputs[0]).shape;
    const graph::Shape& out = g.tensor(op.output).shape;
    const std::int64_t k2 = std::int64_t(op.kernel) * op.kernel;
    switch (op.kind) {
        case OpKind::Conv2D: return k2 * in.c * out.c + out.c;
        case OpKind::DepthwiseConv2D: return k2 * out.c + out.c;
        case OpKind::PointwiseConv2D: return std::int64_t(in.c) * out.c + out.c;
        case OpKind::FullyConnected: return in.elements() * out.c + out.c;
        case OpKind::Add:
        case OpKind::AveragePool: return 0;
    }
    return 0;
}

std::int64_t opFlashBytes(const graph::Graph& g, const graph::Op& op) {
    const std::int64_t params = opParams(g, op);
    if (params == 0) return op.kind == OpKind::Add ? kAddCodeBytes : 0;
    const std::int64_t outChannels = g.tensor(op.output).shape.c;
    const std::int64_t weights = params - outChannels;
    return weights + 4 * outChannels + kRequantBytesPerChannel * outChannels + kKernelCodeBytesPerLayer;
}

double opLatencyCycles(const graph::Graph& g, const graph::Op& op, const board::LatencyTable& t) {
    const char* kind = graph::opKindName(op.kind);
    double cycles = t.cyclesPerLayer;
    if (op.kind == OpKind::Add || op.kind == OpKind::AveragePool) {
        auto it = t.cyclesPerElement.find(kind);
        const std::int64_t elements = op.kind == OpKind::Add ? g.tensor(op.output).shape.elements()
                                                             : g.tensor(op.inputs[0]).shape.elements();
        if (it != t.cyclesPerElement.end()) cycles += it->second * double(elements);
    } else {
        auto it = t.cyclesPerMac.find(kind);
        if (it != t.cyclesPerMac.end()) cycles += it->second * double(opMacs(g, op));
    }
    return cycles;
}

ModelCost estimate(const graph::Graph& g, const board::Board& b) {
    ModelCost m;
    m.layers.reserve(g.ops().size());
    for (int i = 0; i < g.opCount(); ++i) {
        const graph::Op& op = g.op(i);
        LayerCost l;
        l.op = i;
        l.macs = opMacs(g, op);
        l.params = opParams(g, op);
        l.flashBytes = opFlashBytes(g, op);
        l.latencyCycles = opLatencyCycles(g, op, b.latency);
        m.macs += l.macs;
        m.params += l.params;
        m.weightFlashBytes += l.flashBytes;
        m.latencyCycles += l.latencyCycles;
        m.layers.push_back(l);
    }
    m.flashBytes = m.weightFlashBytes + b.runtimeFlashBytes;
    m.latencyMs = m.latencyCycles / double(b.clockHz) * 1000.0;
    return m;
}

std::int64_t totalMacs(const graph::Graph& g) {
    std::int64_t macs = 0;
    for (const graph::Op& op : g.ops()) macs += opMacs(g, op);
    return macs;
}

std::int64_t totalFlashBytes(const graph::Graph& g, const board::Board& b) {
    std::int64_t bytes = b.runtimeFlashBytes;
    for (const graph::Op& op : g.ops()) bytes += opFlashBytes(g, op);
    return bytes;
}

void checkBuildable(const graph::Graph& g, const std::string& name) {
    std::int64_t weights = 0, largest = 0;
    for (const graph::Op& op : g.ops()) weights += opParams(g, op);
    for (const graph::Tensor& t : g.tensors()) largest = std::max(largest, t.bytes());
    if (weights > kMaxBuildableBytes || largest > kMaxBuildableBytes)
        throw Error(name + ": needs " + std::to_string(weights >> 20) + " MB of weights and " + std::to_string(largest >> 20) +
                    " MB for its largest tensor, more than any microcontroller has (limit " +
                    std::to_string(kMaxBuildableBytes >> 20) + " MB); no code or weights are made for it");
}

}  // namespace mcunet::cost
