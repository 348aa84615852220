// Virtual-board benchmark: whole-model MACs per executed instruction on
// virtual-m7 (QEMU mps2-an500, -icount) for the specialized kernels against
// the plain reference kernels, same model, same compiler flags, same run;
// per op kind; and Flash/SRAM from the ELF against the cost model. Counts are
// executed instructions, not cycles. Prints Markdown.
#include <cstdio>
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
#include "memory/plan.h"
#include "quant/model.h"

using namespace mcunet;
namespace fs = std::filesystem;

namespace {

struct Run {
    board::Profile profile;
    board::FirmwareBuild build;
};

Run runOn(const board::Board& b, const quant::QuantizedModel& m, const memory::Plan& plan, bool reference,
          const std::vector<std::int8_t>& input, const fs::path& dir) {
    codegen::Options o;
    o.modelName = reference ? "reference" : "specialized";
    o.referenceKernels = reference;
    codegen::generate(m, plan, dir.string(), o);
    Run r;
    r.build = board::buildFirmware(dir.string(), b);
    board::VirtualBoard vb(b, r.build.elf);
    board::LinkClient link(vb.transport());
    r.profile = board::profileModel(link, board::layersFromPlan(json_read::parseFile((dir / "plan.json").string())), b,
                                    input, 1);
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    const board::Catalog catalog = board::Catalog::builtIn();
    const board::Board& b = catalog.byId(argc > 1 ? argv[1] : "virtual-m7");
    const fs::path root = fs::temp_directory_path() / "mcunet-bench-vboard";
    fs::remove_all(root);
    std::printf("## Specialized vs reference kernels on %s (executed instructions, QEMU -icount)\n\n", b.id.c_str());
    std::printf("| network | MACs | specialized: instructions | MACs/instruction | reference: instructions | MACs/instruction | reference / specialized |\n");
    std::printf("|---|---|---|---|---|---|---|\n");
    std::map<std::string, std::pair<double, double>> byKind;  // op -> (specialized, reference)
    std::map<std::string, std::int64_t> macsByKind;
    std::string sizes;
    for (const char* name : {"mcunet-vww1", "mcunet-in3"}) {
        const graph::Graph g = graph::buildGraph(arch::preset(name));
        const quant::QuantizedModel m = quant::quantizeSeeded(g, 1);
        const auto input = quant::quantizeTensor(quant::randomInputs(g, 1, 5)[0], m.tensors[static_cast<std::size_t>(g.input())]);
        const memory::Plan ours = memory::plan(m.graph, memory::Planner::Ours);
        const Run fast = runOn(b, m, ours, false, input, root / name / "specialized");
        // The reference kernels work out of place (TF Lite Micro's plan), which
        // needs more than 320 kB for mcunet-in3: QEMU's machine has 4 MB of
        // SRAM, so the reference build gets it all.
        board::Board roomy = b;
        roomy.sramBytes = 4 * 1024 * 1024;
        const Run slow = runOn(roomy, m, memory::plan(m.graph, memory::Planner::TFLiteMicro), true, input, root / name / "reference");
        if (fast.profile.output != slow.profile.output) std::fprintf(stderr, "%s: outputs differ!\n", name);
        const double fi = double(fast.profile.total), ri = double(slow.profile.total);
        std::printf("| %s | %.1fM | %.1fM | %.3f | %.1fM | %.3f | %.2fx |\n", name, double(fast.profile.macs) / 1e6, fi / 1e6,
                    double(fast.profile.macs) / fi, ri / 1e6, double(slow.profile.macs) / ri, ri / fi);
        for (std::size_t i = 0; i < fast.profile.layers.size(); ++i) {
            const auto& l = fast.profile.layers[i];
            byKind[l.layer.op].first += double(l.count);
            byKind[l.layer.op].second += double(slow.profile.layers[i].count);
            macsByKind[l.layer.op] += l.layer.macs;
        }
        const cost::ModelCost c = cost::estimate(g, b);
        char line[512];
        std::snprintf(line, sizeof line, "| %s | %lld | %lld | %lld | %lld | %lld |\n", name, (long long)fast.build.flashBytes,
                      (long long)c.flashBytes, (long long)fast.build.sramBytes, (long long)fast.build.arenaBytes,
                      (long long)ours.arenaBytes);
        sizes += line;
    }
    std::printf("\n### By op kind (both networks)\n\n| op | MACs | specialized instr. | MACs/instr. | reference instr. | reference / specialized |\n|---|---|---|---|---|---|\n");
    for (const auto& [kind, counts] : byKind)
        std::printf("| %s | %.1fM | %.1fM | %.3f | %.1fM | %.2fx |\n", kind.c_str(), double(macsByKind[kind]) / 1e6,
                    counts.first / 1e6, counts.first > 0 ? double(macsByKind[kind]) / counts.first : 0.0, counts.second / 1e6,
                    counts.first > 0 ? counts.second / counts.first : 0.0);
    std::printf("\n### Flash and SRAM from the ELF (specialized build) against the estimate\n\n"
                "| network | Flash (ELF) | Flash (estimate) | SRAM (ELF: data+bss+stack) | arena (ELF) | arena (plan) |\n|---|---|---|---|---|---|\n%s",
                sizes.c_str());
    fs::remove_all(root);
    return 0;
}
