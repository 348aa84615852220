// Code generator benchmark: host speed of the generated C (specialized
// kernels, planned arena) against the reference interpreter on the same
// models, both built -O2 by the same gcc; and the three planners' arenas side
// by side with TinyEngine / TF Lite Micro ratios. Prints Markdown.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "arch/presets.h"
#include "codegen/build.h"
#include "codegen/codegen.h"
#include "common/process.h"
#include "cost/cost.h"
#include "graph/build.h"
#include "memory/plan.h"
#include "quant/interpreter.h"
#include "quant/model.h"

using namespace mcunet;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

double seconds(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

double runnerSeconds(const std::string& exe, const std::string& input, int runs) {
    const auto start = Clock::now();
    const ProcessResult r = runProcess({exe, input, "-", std::to_string(runs)}, "", 3600);
    if (r.exitCode != 0) std::fprintf(stderr, "runner failed: %s\n", r.output.c_str());
    return seconds(start);
}

}  // namespace

int main() {
    const fs::path dir = fs::temp_directory_path() / "mcunet-bench-codegen";
    fs::remove_all(dir);
    std::printf("## Generated code vs the reference interpreter (host, gcc -O2, one thread)\n\n");
    std::printf("| network | MACs | reference interpreter | generated C | speed-up |\n|---|---|---|---|---|\n");
    for (const char* name : {"mcunet-vww1", "mcunet-in3", "mbv2-w0.35-r144"}) {
        const graph::Graph g = graph::buildGraph(arch::preset(name));
        const quant::QuantizedModel m = quant::quantizeSeeded(g, 1);
        const auto input = quant::quantizeTensor(quant::randomInputs(g, 1, 9)[0], m.tensors[static_cast<std::size_t>(g.input())]);
        const fs::path project = dir / name;
        codegen::generate(m, memory::plan(m.graph, memory::Planner::Ours), project.string());
        const std::string exe = codegen::buildHostRunner(project.string());
        const fs::path in = project / "input.bin";
        std::ofstream(in, std::ios::binary).write(reinterpret_cast<const char*>(input.data()), std::streamsize(input.size()));
        // Per inference: (N runs - 1 run) / (N - 1), so process start-up cancels.
        const int runs = 21;
        const double one = runnerSeconds(exe, in.string(), 1);
        const double many = runnerSeconds(exe, in.string(), runs);
        const double generated = (many - one) / (runs - 1);
        const int refRuns = 3;
        const auto start = Clock::now();
        for (int i = 0; i < refRuns; ++i) quant::runReferenceOutput(m, input);
        const double reference = seconds(start) / refRuns;
        std::printf("| %s | %.1fM | %.1f ms | %.2f ms | %.1fx |\n", name, double(cost::totalMacs(g)) / 1e6, reference * 1e3,
                    generated * 1e3, reference / generated);
    }
    std::printf("\n## Peak SRAM ratios (same run)\n\n");
    std::printf("| network | tflm | tinyengine | ours | tflm / tinyengine | tflm / ours | tinyengine / ours |\n");
    std::printf("|---|---|---|---|---|---|---|\n");
    for (const char* name : {"mbv2-w0.35-r144", "mbv2-w1.0-r224", "mcunet-vww1", "mcunet-in3", "proxyless-w0.3-r176"}) {
        const graph::Graph g = graph::buildGraph(arch::preset(name));
        const double a = double(memory::arenaBytes(g, memory::Planner::TFLiteMicro));
        const double b = double(memory::arenaBytes(g, memory::Planner::TinyEngine));
        const double c = double(memory::arenaBytes(g, memory::Planner::Ours));
        std::printf("| %s | %.0f | %.0f | %.0f | %.2fx | %.2fx | %.2fx |\n", name, a, b, c, a / b, a / c, b / c);
    }
    fs::remove_all(dir);
    return 0;
}
