// Virtual-board benchmark (issue 11): executed instructions per inference
// on a virtual board (QEMU, -icount) for three builds of the same model,
// same weights, same input, same compiler flags, same run:
//   specialized: the layer-specialized kernels (mcunet_fast.h), the default;
//   general:     the general kernels of mcunet_kernels.h (the baseline);
//   reference:   the plain reference kernels (out of place).
// Outputs must be identical. Also per op kind, and Flash/SRAM from the ELF
// against the cost model. TF Lite Micro + CMSIS-NN cannot be built here; its
// counts on the same QEMU machine were measured separately (issue 11) and are
// printed beside ours as a fixed column. Counts are executed instructions,
// not cycles. Prints Markdown.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "arch/presets.h"
#include "board/firmware_build.h"
#include "board/profiler.h"
#include "board/virtual_board.h"
#include "codegen/codegen.h"
#include "common/json_read.h"
#include "cost/cost.h"
#include "graph/build.h"
#include "interop/tflite_import.h"
#include "memory/plan.h"
#include "quant/model.h"

using namespace mcunet;
namespace fs = std::filesystem;

namespace {

enum class Kernels { Specialized, General, Reference };

struct Run {
    board::Profile profile;
    board::FirmwareBuild build;
};

Run runOn(const board::Board& b, const quant::QuantizedModel& m, const memory::Plan& plan, Kernels kernels,
          const std::vector<std::int8_t>& input, const fs::path& dir) {
    codegen::Options o;
    o.modelName = "bench";
    o.referenceKernels = kernels == Kernels::Reference;
    o.fastKernels = kernels == Kernels::Specialized;
    codegen::generate(m, plan, dir.string(), o);
    Run r;
    r.build = board::buildFirmware(dir.string(), b);
    board::VirtualBoard vb(b, r.build.elf);
    board::LinkClient link(vb.transport());
    r.profile = board::profileModel(link, board::layersFromPlan(json_read::parseFile((dir / "plan.json").string())), b,
                                    input, 1);
    return r;
}

// TF Lite Micro (tflite-micro 90b983c2b3f1) with CMSIS-NN kernels, executed
// instructions per inference on QEMU mps2-an500 (Cortex-M7, -icount shift=0),
// the same models and weights: measured outside this repository (issue 11).
double tflmInstructions(const std::string& model) {
    static const std::map<std::string, double> measured = {
        {"mcunet-vww1", 46.9e6}, {"mbv2-w0.35-r144", 97.8e6}, {"mcunet-in3", 379.1e6}, {"person_detect", 22717960}};
    const auto it = measured.find(model);
    return it == measured.end() ? 0 : it->second;
}

// The networks: our three presets with seeded weights, and TF Lite Micro's
// person_detect imported from its .tflite when MCUNET_PERSON_DETECT names it.
std::vector<std::pair<std::string, quant::QuantizedModel>> networks() {
    std::vector<std::pair<std::string, quant::QuantizedModel>> out;
    for (const char* name : {"mcunet-vww1", "mbv2-w0.35-r144", "mcunet-in3"})
        out.emplace_back(name, quant::quantizeSeeded(graph::buildGraph(arch::preset(name)), 1));
    if (const char* pd = std::getenv("MCUNET_PERSON_DETECT"); pd && fs::exists(pd))
        out.emplace_back("person_detect", interop::loadTfliteModel(pd));
    // MCUNET_BENCH_ONLY=NAME: that network alone (a quick look while tuning).
    if (const char* only = std::getenv("MCUNET_BENCH_ONLY"))
        std::erase_if(out, [&](const auto& n) { return n.first != only; });
    return out;
}

// TF Lite Micro's smallest arena for person_detect (CMSIS-NN build, measured apart).
constexpr std::int64_t kTflmPersonDetectArena = 82316;

struct KindTotals {
    std::int64_t macs = 0;
    double specialized = 0, general = 0;
};

}  // namespace

int main(int argc, char** argv) {
    const board::Catalog& catalog = board::Catalog::builtIn();
    const board::Board& b = catalog.byId(argc > 1 ? argv[1] : "virtual-m7");
    const fs::path root = fs::temp_directory_path() / ("mcunet-bench-vboard-" + b.id);
    fs::remove_all(root);
    std::printf("## Kernels on %s (executed instructions per inference, QEMU -icount)\n\n", b.id.c_str());
    std::printf("| network | MACs | specialized | MACs/instr. | general | reference | general / specialized | "
                "reference / specialized | TF Lite Micro + CMSIS-NN (M7, measured apart) | TFLM / specialized |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
    std::map<std::string, KindTotals> byKind;
    std::string sizes;
    std::string arenas, layerTables;
    for (const auto& [id, m] : networks()) {
        const char* name = id.c_str();
        const graph::Graph& g = m.graph;
        const auto input =
            quant::quantizeTensor(quant::randomInputs(g, 1, 5)[0], m.tensors[static_cast<std::size_t>(g.input())]);
        const memory::Plan ours = memory::plan(m.graph, memory::Planner::Ours);
        const Run fast = runOn(b, m, ours, Kernels::Specialized, input, root / name / "specialized");
        const Run general = runOn(b, m, ours, Kernels::General, input, root / name / "general");
        // The reference kernels work out of place (TF Lite Micro's plan), which
        // needs more than 320 kB for the larger networks: QEMU's machine has
        // 4 MB of SRAM, so the reference build gets it all.
        board::Board roomy = b;
        roomy.sramBytes = 4 * 1024 * 1024;
        const Run slow = runOn(roomy, m, memory::plan(m.graph, memory::Planner::TFLiteMicro), Kernels::Reference, input,
                               root / name / "reference");
        if (fast.profile.output != slow.profile.output || general.profile.output != slow.profile.output)
            std::fprintf(stderr, "%s: outputs differ!\n", name);
        const double fi = double(fast.profile.total), gi = double(general.profile.total), ri = double(slow.profile.total);
        const double tflm = tflmInstructions(name);
        std::printf("| %s | %.2fM | %.2fM | %.3f | %.1fM | %.1fM | %.2fx | %.2fx | %.1fM | %.2fx |\n", name,
                    double(fast.profile.macs) / 1e6, fi / 1e6, double(fast.profile.macs) / fi, gi / 1e6, ri / 1e6,
                    gi / fi, ri / fi, tflm / 1e6, tflm / fi);
        if (id == "person_detect" || std::getenv("MCUNET_BENCH_LAYERS")) {
            char row[256];
            layerTables += "\n#### " + id + " per layer\n\n| # | layer | op | MACs | specialized | MACs/instr. | general |\n|---|---|---|---|---|---|---|\n";
            for (std::size_t i = 0; i < fast.profile.layers.size(); ++i) {
                const auto& l = fast.profile.layers[i];
                std::snprintf(row, sizeof row, "| %zu | %s | %s | %lld | %llu | %.3f | %llu |\n", i, l.layer.name.c_str(),
                              l.layer.op.c_str(), (long long)l.layer.macs, (unsigned long long)l.count,
                              l.count ? double(l.layer.macs) / double(l.count) : 0.0,
                              (unsigned long long)general.profile.layers[i].count);
                layerTables += row;
            }
        }
        for (std::size_t i = 0; i < fast.profile.layers.size(); ++i) {
            KindTotals& k = byKind[fast.profile.layers[i].layer.op];
            k.macs += fast.profile.layers[i].layer.macs;
            k.specialized += double(fast.profile.layers[i].count);
            k.general += double(general.profile.layers[i].count);
        }
        const cost::ModelCost c = cost::estimate(g, b);
        char line[512];
        std::snprintf(line, sizeof line, "| %s | %lld | %lld | %lld | %lld | %lld | %lld | %lld |\n", name,
                      (long long)fast.build.flashBytes, (long long)general.build.flashBytes, (long long)c.flashBytes,
                      (long long)fast.build.sramBytes, (long long)fast.build.arenaBytes, (long long)ours.arenaBytes,
                      (long long)ours.lowerBound);
        sizes += line;
        std::snprintf(line, sizeof line, "| %s | %lld | %lld | %lld | %s |\n", name,
                      (long long)memory::plan(m.graph, memory::Planner::TFLiteMicro).arenaBytes,
                      (long long)memory::plan(m.graph, memory::Planner::TinyEngine).arenaBytes, (long long)ours.arenaBytes,
                      id == "person_detect" ? std::to_string(kTflmPersonDetectArena).c_str() : "");
        arenas += line;
    }
    std::printf("\n### By op kind (all the networks above)\n\n| op | MACs | specialized | MACs/instr. | general | MACs/instr. | "
                "general / specialized |\n|---|---|---|---|---|---|---|\n");
    for (const auto& [kind, k] : byKind)
        std::printf("| %s | %.2fM | %.2fM | %.3f | %.2fM | %.3f | %.2fx |\n", kind.c_str(), double(k.macs) / 1e6,
                    k.specialized / 1e6, k.specialized > 0 ? double(k.macs) / k.specialized : 0.0, k.general / 1e6,
                    k.general > 0 ? double(k.macs) / k.general : 0.0, k.specialized > 0 ? k.general / k.specialized : 0.0);
    std::printf("\n### Flash and SRAM from the ELF against the estimate\n\n"
                "| network | Flash, specialized (ELF) | Flash, general (ELF) | Flash (estimate) | SRAM (ELF: data+bss+stack) | "
                "arena (ELF) | arena (plan) | live-bytes bound |\n|---|---|---|---|---|---|---|---|\n%s",
                sizes.c_str());
    std::printf("\n### Peak SRAM per planner (bytes)\n\n| network | tflm planner | tinyengine planner | ours | "
                "TF Lite Micro's real arena (measured apart) |\n|---|---|---|---|---|\n%s",
                arenas.c_str());
    std::printf("%s", layerTables.c_str());
    fs::remove_all(root);
    return 0;
}
