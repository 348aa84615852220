#pragma once
// The TinyEngine-style code generator: from an int8 model and a memory plan,
// a self-contained C99 project whose invoke function calls one kernel
// specialized for each layer, with every tensor at its planned offset in one
// static arena of exactly the plan's size (docs/generated-code.md).
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "memory/plan.h"
#include "quant/model.h"

namespace mcunet::codegen {

struct Options {
    std::string prefix = "model";  // C identifier prefix of every symbol
    std::string modelName;         // shown in plan.json and hello messages
    std::string boardId;           // recorded in plan.json
    // Call the plain reference kernels instead of the specialized ones (for
    // benchmarks: they run out of place only, so the plan must do nothing in
    // place, i.e. come from the tflm planner).
    bool referenceKernels = false;
    // Layer-specialized kernels (mcunet_fast.h) for every layer where they
    // are provably exact; false keeps the general kernels everywhere (tests
    // and benchmarks compare the two).
    bool fastKernels = true;
    // Give a layer-specialized kernel the extra scratch of its faster variant
    // (three pixels at a time for 1x1 convolutions) wherever that costs no
    // SRAM (memory::widenScratch); false keeps every kernel in the scratch
    // the plan reserved (tests cover both variants this way).
    bool wideScratch = true;
    // The folder may already hold a project generated earlier (its
    // `.mcunet-output` marker says so): replace it (`--force`). A non-empty
    // folder without the marker is never written into (common/output_dir.h).
    bool replace = false;
};

struct Generated {
    std::string directory;
    std::int64_t arenaBytes = 0;
    std::vector<std::string> files;       // relative paths written
    std::set<std::string> kernelVariants;  // e.g. "depthwise_k3s2_inplace", "pointwise_inplace_backward"
};

// Writes the project into `directory` (created if needed). Throws
// mcunet::Error when the plan does not belong to the model or a kernel
// cannot run with what the plan gives it.
Generated generate(const quant::QuantizedModel& model, const memory::Plan& plan, const std::string& directory,
                   const Options& options = {});

// Every variant the generator can emit, for coverage checks.
std::set<std::string> allKernelVariants();

// Scratch bytes our kernels need for op i (0: none).
std::int64_t kernelScratchBytes(const graph::Graph& g, int op);

}  // namespace mcunet::codegen
