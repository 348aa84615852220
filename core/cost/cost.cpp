#include "cost/cost.h"

#include "cost/instructions.h"

#include <algorithm>

#include "common/error.h"
#include "graph/ops.h"

namespace mcunet::cost {

using graph::OpKind;

std::int64_t opMacs(const graph::Graph& g, const graph::Op& op) { return graph::macCount(g, op); }

std::int64_t opParams(const graph::Graph& g, const graph::Op& op) {
    return graph::weightCount(g, op) + graph::biasCount(g, op);
}

std::int64_t opFlashBytes(const graph::Graph& g, const graph::Op& op) {
    if (!graph::hasWeights(op.kind)) return op.kind == OpKind::Add ? kAddCodeBytes : 0;
    const std::int64_t outChannels = graph::biasCount(g, op);
    const std::int64_t unrolled =
        op.kind == OpKind::PointwiseConv2D
            ? std::int64_t(kUnrolledDotBytesPerInput) * std::min(g.tensor(op.inputs[0]).shape.c, kUnrolledDotMaxInputs)
            : 0;
    return graph::weightCount(g, op) + 4 * outChannels + kRequantBytesPerChannel * outChannels +
           kKernelCodeBytesPerLayer + unrolled;
}

double opLatencyCycles(const graph::Graph& g, const graph::Op& op, const board::LatencyTable& t) {
    return estimateInstructions(g, op) * t.cyclesPerInstruction * t.scale(graph::opInfo(op.kind).name);
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
