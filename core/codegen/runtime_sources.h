#pragma once
// The C runtime (core/runtime: kernels and headers) embedded at build time.
#include <string>
#include <vector>

namespace mcunet::codegen {

struct RuntimeSource {
    const char* path;  // relative, e.g. "kernels/depthwise_s8.c"
    const char* text;
};

const std::vector<RuntimeSource>& runtimeSources();

}  // namespace mcunet::codegen
