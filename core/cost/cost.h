#pragma once
// Cost model of a layer graph for int8 deployment: MACs, parameters (batch
// norm folded into the conv: weights + one bias per output channel), Flash
// bytes and an estimated latency on a board.
//
// Flash per layer = int8 weights + int32 bias + per-output-channel requantization
// (int32 multiplier + int32 shift = 8 bytes) for conv-like ops; the board's
// `runtime_flash_bytes` (firmware, kernels, link protocol) is added once.
// Latency = sum over layers of our kernels' instructions (cost/instructions.h)
// x the board's cycles per instruction x a per-op-kind factor from
// calibration, divided by the clock (docs/cost-model.md).
#include <cstdint>
#include <vector>

#include "board/board.h"
#include "graph/graph.h"

namespace mcunet::cost {

struct LayerCost {
    int op = -1;
    std::int64_t macs = 0;
    std::int64_t params = 0;
    std::int64_t flashBytes = 0;
    double latencyCycles = 0;
};

struct ModelCost {
    std::int64_t macs = 0;
    std::int64_t params = 0;
    std::int64_t flashBytes = 0;  // weights etc. + the board's runtime allowance
    std::int64_t weightFlashBytes = 0;
    double latencyCycles = 0;
    double latencyMs = 0;
    std::vector<LayerCost> layers;
};

// Per output channel beside the int32 bias: the layer-specialized kernels'
// multiplier, rounding constant and shift (mcu_channel_t, 12 bytes).
inline constexpr int kRequantBytesPerChannel = 12;
// Code: every layer gets its own specialized kernel (unrolled at -O3): about
// 0.5-0.8 kB measured for convolutions (ELF, Cortex-M7), 1 kB allowed; an
// add's loop is smaller.
inline constexpr int kKernelCodeBytesPerLayer = 1024;
inline constexpr int kAddCodeBytes = 256;
// A 1x1 convolution's three-pixel dot product is unrolled whole up to 128
// input channels: about 24 more bytes of code per input channel (measured:
// 3 kB at 128, ELF, Cortex-M7).
inline constexpr int kUnrolledDotBytesPerInput = 24;
inline constexpr int kUnrolledDotMaxInputs = 128;

std::int64_t opMacs(const graph::Graph& g, const graph::Op& op);
std::int64_t opParams(const graph::Graph& g, const graph::Op& op);
std::int64_t opFlashBytes(const graph::Graph& g, const graph::Op& op);
double opLatencyCycles(const graph::Graph& g, const graph::Op& op, const board::LatencyTable& t);

ModelCost estimate(const graph::Graph& g, const board::Board& b);
// MACs and Flash only (no per-layer list, no latency): the search's fast path.
std::int64_t totalMacs(const graph::Graph& g);

// The most a network we generate, quantize or train may need: no
// microcontroller has more (the largest boards have 2 MB of Flash and 1 MB of
// SRAM), and a network past it would only exhaust the host's memory.
inline constexpr std::int64_t kMaxBuildableBytes = std::int64_t(64) << 20;
// Throws mcunet::Error saying how much the network needs when its weights or
// its largest tensor exceed kMaxBuildableBytes (checked before anything is
// allocated for it).
void checkBuildable(const graph::Graph& g, const std::string& name);
std::int64_t totalFlashBytes(const graph::Graph& g, const board::Board& b);

}  // namespace mcunet::cost
