#pragma once
// On-device profiling: run the model on a board through the link, read the
// per-layer counts of the profiling hooks, and set them beside the cost
// model's estimate. Counts are executed instructions on the virtual boards
// and cycles on real ones; the report says which, always.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "board/board.h"
#include "board/link.h"

namespace mcunet::board {

// What the profiler needs to know of each layer (from plan.json).
struct LayerInfo {
    std::string name, op;
    std::int64_t macs = 0, inputElements = 0, outputElements = 0;
    // Our kernels' instructions for the layer (cost/instructions.h), written
    // into plan.json by the code generator; -1 in an older plan.json.
    double instructionEstimate = -1;
};
// plan.json's layers, each number within the bounds below (far above any
// network a microcontroller runs): a hostile file cannot make a sum or a
// printed figure overflow.
inline constexpr std::int64_t kMaxPlanLayers = 100000;
inline constexpr std::int64_t kMaxLayerMacs = std::int64_t(1) << 40;       // 1.1e12 MACs in one layer
inline constexpr std::int64_t kMaxTensorElements = std::int64_t(1) << 26;  // 64 M elements (the graph's 64 MB cap)
std::vector<LayerInfo> layersFromPlan(const nlohmann::json& plan);
// Sizes a plan's tensor takes ("input" or "output"), checked: three dimensions
// of 1..65536 and at most 64 MB in all (a tampered plan.json never makes us
// allocate without bound). Throws mcunet::Error naming the field.
std::int64_t tensorBytesFromPlan(const nlohmann::json& plan, const std::string& which);
// The board is not trusted: what its HELLO says (layers, arena, input and
// output sizes) must match the plan of the firmware we flashed.
void checkHelloAgainstPlan(const Hello& hello, const nlohmann::json& plan);

double estimateCycles(const LayerInfo& layer, const LatencyTable& table);

struct LayerProfile {
    LayerInfo layer;
    std::uint64_t count = 0;     // minimum over the runs
    std::uint64_t maxCount = 0;  // maximum over the runs (equal on the virtual boards)
    double macsPerCount = 0;
    double share = 0;            // of the model's total
    double estimate = 0;         // cost model, same unit
};

struct Profile {
    std::string board, model;
    bool instructions = false;  // else cycles
    int runs = 0;
    std::uint64_t total = 0;    // sum of the layers' counts
    std::int64_t macs = 0;
    double estimateTotal = 0;
    std::vector<LayerProfile> layers;
    std::vector<std::int8_t> output;
    std::string unit() const { return instructions ? "instructions" : "cycles"; }
};

// Writes `input`, runs the model `runs` times (one RUN each, reading the
// per-layer counts after each), reads the output. Throws LinkError.
Profile profileModel(LinkClient& link, const std::vector<LayerInfo>& layers, const Board& board,
                     const std::vector<std::int8_t>& input, int runs);

nlohmann::json toJson(const Profile& p);

// Fits the latency table to profiles: per op kind, the factor (op_scale) that
// makes the estimate's sum equal the measured sum over the profiles' layers of
// that kind (cycles per instruction kept). Kinds the profiles do not cover
// keep `prior`'s factors.
LatencyTable calibrate(const std::vector<Profile>& profiles, const LatencyTable& prior);

}  // namespace mcunet::board
