#include "board/profiler.h"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "graph/ops.h"
#include "common/json_read.h"

namespace mcunet::board {

using nlohmann::json;
namespace jr = mcunet::json_read;

std::vector<LayerInfo> layersFromPlan(const json& plan) {
    std::vector<LayerInfo> layers;
    const json& list = jr::array(plan, "layers", "plan");
    if (list.size() > std::size_t(kMaxPlanLayers))
        throw Error("plan.layers: " + std::to_string(list.size()) + " layers, more than " + std::to_string(kMaxPlanLayers));
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string p = jr::index("plan.layers", i);
        LayerInfo l;
        l.name = jr::string(list[i], "name", p);
        l.op = jr::string(list[i], "op", p);
        // Bounded where read: sums and the formatters never overflow.
        l.macs = jr::integerIn(list[i], "macs", p, 0, kMaxLayerMacs);
        l.inputElements = jr::has(list[i], "input_elements") ? jr::integerIn(list[i], "input_elements", p, 0, kMaxTensorElements) : 0;
        l.outputElements = jr::has(list[i], "output_elements") ? jr::integerIn(list[i], "output_elements", p, 0, kMaxTensorElements) : 0;
        if (jr::has(list[i], "instructions_estimate"))
            l.instructionEstimate = double(jr::integerIn(list[i], "instructions_estimate", p, 0, std::int64_t(1) << 50));
        layers.push_back(l);
    }
    return layers;
}

std::int64_t tensorBytesFromPlan(const json& plan, const std::string& which) {
    const json& t = jr::object(plan, which, "plan");
    const json& shape = jr::array(t, "shape", "plan." + which);
    if (shape.size() != 3) throw Error("plan." + which + ".shape: expected 3 dimensions (H, W, C)");
    std::int64_t bytes = 1;
    for (std::size_t i = 0; i < 3; ++i) {
        if (!shape[i].is_number_integer() || shape[i].get<std::int64_t>() < 1 || shape[i].get<std::int64_t>() > 65536)
            throw Error(jr::index("plan." + which + ".shape", i) + ": expected an integer from 1 to 65536, found " +
                        shape[i].dump().substr(0, 40));
        bytes *= shape[i].get<std::int64_t>();
    }
    if (bytes > (std::int64_t(64) << 20)) throw Error("plan." + which + ".shape: " + std::to_string(bytes) + " bytes is implausibly large");
    return bytes;
}

void checkHelloAgainstPlan(const Hello& h, const json& plan) {
    const std::size_t layers = jr::array(plan, "layers", "plan").size();
    const std::int64_t arena = jr::integer(plan, "arena_bytes", "plan");
    auto fail = [&](const std::string& what, std::int64_t board, std::int64_t planned) {
        throw Error("the board reports " + what + " " + std::to_string(board) + ", the flashed plan has " +
                    std::to_string(planned) + ": it runs other firmware; flash it again");
    };
    if (std::size_t(h.layers) != layers) fail("layers", h.layers, std::int64_t(layers));
    if (std::int64_t(h.arenaBytes) != arena) fail("an arena of", h.arenaBytes, arena);
    if (std::int64_t(h.inputBytes) != tensorBytesFromPlan(plan, "input"))
        fail("input bytes", h.inputBytes, tensorBytesFromPlan(plan, "input"));
    if (std::int64_t(h.outputBytes) != tensorBytesFromPlan(plan, "output"))
        fail("output bytes", h.outputBytes, tensorBytesFromPlan(plan, "output"));
}

namespace {

// A plan.json written before the instruction estimate: the op table's
// per-MAC or per-element default and a call.
double legacyEstimate(const LayerInfo& l) {
    graph::OpKind kind;
    if (!graph::opKindFromName(l.op, kind)) return 1.2 * double(l.macs);
    const graph::OpInfo& info = graph::opInfo(kind);
    const double units = info.costBasis == graph::CostBasis::PerMac           ? double(l.macs)
                         : info.costBasis == graph::CostBasis::PerOutputElement ? double(l.outputElements)
                                                                                : double(l.inputElements);
    return info.defaultCycles * units + 100;
}

double instructionsOf(const LayerInfo& l) { return l.instructionEstimate >= 0 ? l.instructionEstimate : legacyEstimate(l); }

}  // namespace

double estimateCycles(const LayerInfo& l, const LatencyTable& t) {
    return instructionsOf(l) * t.cyclesPerInstruction * t.scale(l.op);
}

Profile profileModel(LinkClient& link, const std::vector<LayerInfo>& layers, const Board& board,
                     const std::vector<std::int8_t>& input, int runs) {
    if (runs < 1) throw Error("profile: at least one run");
    const Hello hello = link.hello();
    if (hello.layers != static_cast<int>(layers.size()))
        throw Error("profile: the board runs a model with " + std::to_string(hello.layers) + " layers (" + hello.model +
                    "), the plan has " + std::to_string(layers.size()) + ": flash the model first");
    if (hello.inputBytes != input.size())
        throw Error("profile: the model takes " + std::to_string(hello.inputBytes) + " input bytes, got " +
                    std::to_string(input.size()));
    Profile p;
    p.board = hello.board;
    p.model = hello.model;
    p.instructions = hello.countsInstructions;
    p.runs = runs;
    if (hello.inputRepeatable) link.writeInput(input);
    std::vector<std::uint64_t> minimum, maximum;
    for (int r = 0; r < runs; ++r) {
        if (!hello.inputRepeatable) link.writeInput(input);  // each run consumes it in the arena
        link.run(1, 120000);
        const auto counts = link.readProfile(hello.layers);
        if (r == 0) {
            minimum = maximum = counts;
        } else {
            for (std::size_t i = 0; i < counts.size(); ++i) {
                minimum[i] = std::min(minimum[i], counts[i]);
                maximum[i] = std::max(maximum[i], counts[i]);
            }
        }
    }
    p.output = link.readOutput(hello.outputBytes);
    for (std::size_t i = 0; i < layers.size(); ++i) {
        LayerProfile lp;
        lp.layer = layers[i];
        lp.count = minimum[i];
        lp.maxCount = maximum[i];
        lp.macsPerCount = lp.count ? double(lp.layer.macs) / double(lp.count) : 0;
        lp.estimate = estimateCycles(lp.layer, board.latency);
        p.total += lp.count;
        p.macs += lp.layer.macs;
        p.estimateTotal += lp.estimate;
        p.layers.push_back(lp);
    }
    for (auto& lp : p.layers) lp.share = p.total ? double(lp.count) / double(p.total) : 0;
    return p;
}

json toJson(const Profile& p) {
    const std::string unit = p.unit();
    json layers = json::array();
    for (const auto& l : p.layers)
        layers.push_back({{"name", l.layer.name},
                          {"op", l.layer.op},
                          {"macs", l.layer.macs},
                          {unit, l.count},
                          {"max_" + unit, l.maxCount},
                          {"macs_per_" + std::string(p.instructions ? "instruction" : "cycle"), l.macsPerCount},
                          {"share", l.share},
                          {"estimated_" + unit, l.estimate}});
    std::vector<int> output(p.output.begin(), p.output.end());
    return {{"board", p.board},
            {"model", p.model},
            {"unit", unit},
            {"runs", p.runs},
            {unit, p.total},
            {"macs", p.macs},
            {"macs_per_" + std::string(p.instructions ? "instruction" : "cycle"),
             p.total ? double(p.macs) / double(p.total) : 0.0},
            {"estimated_" + unit, p.estimateTotal},
            {"output", output},
            {"layers", layers}};
}

LatencyTable calibrate(const std::vector<Profile>& profiles, const LatencyTable& prior) {
    LatencyTable t = prior;
    std::map<std::string, std::pair<double, double>> sums;  // kind -> (measured, estimated at factor 1)
    for (const Profile& p : profiles)
        for (const auto& l : p.layers) {
            sums[l.layer.op].first += double(l.count);
            sums[l.layer.op].second += instructionsOf(l.layer) * prior.cyclesPerInstruction;
        }
    for (const auto& [kind, s] : sums)
        if (s.second > 0 && s.first > 0) t.opScale[kind] = std::clamp(s.first / s.second, 0.01, 100.0);
    return t;
}

}  // namespace mcunet::board
