#pragma once
// The C one layer becomes: its constant data (weights, per-channel
// requantization, parameter structs) and the kernel call in the invoke
// function. One exhaustive switch per kernel family (general, reference)
// names the C call of every op kind; the layer-specialized kernels come first
// where they apply (fast_layers.h). docs/adding-an-op.md.
#include <string>
#include <vector>

#include "codegen/codegen.h"
#include "codegen/fast_layers.h"

namespace mcunet::codegen {

struct LayerCode {
    std::string weights;  // definitions for <prefix>_weights.c (Flash)
    std::string decls;    // file-scope declarations and constant structs for <prefix>.c
    std::string call;     // the statements of the invoke function (without the profile hooks)
    std::string variant;  // kernel variant (plan.json, coverage)
    std::vector<std::string> alsoVariants;  // further variants it exercises (e.g. "depthwise_inplace")
    bool usesScratch = false;
};

// Throws mcunet::Error when the kernel cannot run with what the plan gives it
// (no im2col buffer, in place without scratch, reference kernels in place).
LayerCode emitLayer(const LayerSite& site, const Options& options);

// `const type name[n] = {...};` (at least one element, as C requires).
template <typename T>
std::string cArray(const char* type, const std::string& name, const std::vector<T>& values);

}  // namespace mcunet::codegen
