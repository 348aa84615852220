// The latency model against the virtual board (issue 25): for every preset,
// TF Lite Micro's person_detect (MCUNET_PERSON_DETECT=FILE), a 32x32
// fashion-MNIST network and seeded random networks of the search space, the
// executed instructions measured per inference (layer-specialized kernels,
// QEMU -icount) beside the cost model's estimate (cost/instructions.h), in
// the same run; then the estimate after calibrating on the network before it
// in the list (board::calibrate on another network's profile). Prints Markdown.
// Usage: bench_latency_model [BOARD]
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>

#include <nlohmann/json.hpp>

#include "arch/presets.h"
#include "board/firmware_build.h"
#include "board/profiler.h"
#include "board/virtual_board.h"
#include "codegen/codegen.h"
#include "common/json_read.h"
#include "graph/build.h"
#include "interop/tflite_import.h"
#include "memory/plan.h"
#include "quant/model.h"
#include "space/search_space.h"

using namespace mcunet;
namespace fs = std::filesystem;

namespace {

std::vector<std::pair<std::string, quant::QuantizedModel>> networks() {
    std::vector<std::pair<std::string, quant::QuantizedModel>> out;
    for (const char* name : {"mcunet-vww1", "mbv2-w0.35-r144", "mcunet-in3", "proxyless-w0.3-r176"}) {
        arch::Architecture a;
        try {
            a = arch::preset(name);
        } catch (const std::exception&) {
            continue;  // a preset this build does not have
        }
        out.emplace_back(name, quant::quantizeSeeded(graph::buildGraph(a), 1));
    }
    if (const char* pd = std::getenv("MCUNET_PERSON_DETECT"); pd && fs::exists(pd))
        out.emplace_back("person_detect", interop::loadTfliteModel(pd));
    arch::Architecture fashion = arch::preset("mcunet-vww1");
    fashion.resolution = 32;
    fashion.inputChannels = 1;
    fashion.numClasses = 10;
    out.emplace_back("vww1-r32-c1 (fashion-MNIST)", quant::quantizeSeeded(graph::buildGraph(fashion), 1));
    // Seeded members of the search space (seeds the model was not fitted on).
    std::mt19937_64 rng(2025);
    const std::pair<int, double> sizes[] = {{48, 0.35}, {64, 0.5}, {96, 0.3}, {128, 0.25}};
    for (const auto& [r, w] : sizes) {
        space::SearchSpace s = space::mcunetSpace(10);
        s.inputChannels = r == 48 ? 1 : 3;
        const arch::Architecture a = space::sample(s, r, w, rng);
        out.emplace_back("sampled r" + std::to_string(r) + " w" + std::to_string(w).substr(0, 4),
                         quant::quantizeSeeded(graph::buildGraph(a), 1));
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    const board::Board& b = board::Catalog::builtIn().byId(argc > 1 ? argv[1] : "virtual-m7");
    const fs::path root = fs::temp_directory_path() / ("mcunet-bench-latency-" + b.id);
    fs::remove_all(root);
    std::printf("## Latency model on %s (executed instructions per inference, QEMU -icount)\n\n", b.id.c_str());
    std::printf("| network | MACs | measured | estimate | estimate / measured | calibrated on the previous network | "
                "calibrated / measured |\n|---|---|---|---|---|---|---|\n");
    std::vector<board::Profile> profiles;
    double worst = 0, worstCalibrated = 0;
    int n = 0;
    for (const auto& [name, m] : networks()) {
        const fs::path dir = root / std::to_string(n++);
        codegen::Options o;
        o.modelName = "bench";
        codegen::generate(m, memory::plan(m.graph, memory::Planner::Ours), dir.string(), o);
        const board::FirmwareBuild build = board::buildFirmware(dir.string(), b);
        board::VirtualBoard vb(b, build.elf);
        board::LinkClient link(vb.transport());
        const auto input =
            quant::quantizeTensor(quant::randomInputs(m.graph, 1, 5)[0], m.tensors[static_cast<std::size_t>(m.graph.input())]);
        const board::Profile p =
            board::profileModel(link, board::layersFromPlan(json_read::parseFile((dir / "plan.json").string())), b, input, 1);
        const double measured = double(p.total);
        const double ratio = p.estimateTotal / measured;
        worst = std::max(worst, std::fabs(ratio - 1));
        std::string calibrated = "", calibratedRatio = "";
        if (!profiles.empty()) {
            const board::LatencyTable t = board::calibrate({profiles.back()}, b.latency);
            double estimate = 0;
            for (const auto& l : p.layers) estimate += board::estimateCycles(l.layer, t);
            calibrated = std::to_string(std::llround(estimate / 1e3)) + "k";
            char text[32];
            std::snprintf(text, sizeof text, "%.3f", estimate / measured);
            calibratedRatio = text;
            worstCalibrated = std::max(worstCalibrated, std::fabs(estimate / measured - 1));
        }
        std::printf("| %s | %.2fM | %.3fM | %.3fM | %.3f | %s | %s |\n", name.c_str(), double(p.macs) / 1e6, measured / 1e6,
                    p.estimateTotal / 1e6, ratio, calibrated.c_str(), calibratedRatio.c_str());
        std::fflush(stdout);
        profiles.push_back(p);
    }
    std::printf("\nWorst |estimate / measured - 1|: %.1f%% uncalibrated, %.1f%% calibrated on another network.\n",
                100 * worst, 100 * worstCalibrated);
    fs::remove_all(root);
    return 0;
}
