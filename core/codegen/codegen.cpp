#include "codegen/codegen.h"

#include "common/safe_text.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "codegen/fast_layers.h"
#include "codegen/layer_emit.h"
#include "codegen/runtime_sources.h"
#include "common/error.h"
#include "common/output_dir.h"
#include "common/json_read.h"
#include "cost/cost.h"
#include "cost/instructions.h"
#include "memory/scratch.h"

namespace mcunet::codegen {

using graph::OpKind;
using nlohmann::json;

std::int64_t kernelScratchBytes(const graph::Graph& g, int op) {
    return memory::scratchFor(g, g.op(op), memory::Engine::Ours).total();
}

std::set<std::string> allKernelVariants() {
    std::set<std::string> v = {"conv2d",
                               "pointwise_direct",
                               "pointwise_copy",
                               "pointwise_inplace_forward",
                               "pointwise_inplace_backward",
                               "depthwise_direct",
                               "depthwise_multiplier",
                               "depthwise_inplace",
                               "add",
                               "add_inplace",
                               "avgpool",
                               "avgpool_inplace",
                               "fully_connected",
                               "softmax",
                               "softmax_inplace",
                               "maxpool",
                               "avgpool2d",
                               "mean",
                               "mean_inplace",
                               "pad",
                               "pad_inplace",
                               "concat",
                               "mul",
                               "mul_inplace"};
    for (int k : {3, 5, 7})
        for (int s : {1, 2})
            v.insert("depthwise_k" + std::to_string(k) + "s" + std::to_string(s));
    for (const std::string& f : fastVariants()) v.insert(f);
    return v;
}

namespace {

bool validIdentifier(const std::string& s) {
    if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

void writeFile(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    json_read::writeFileAtomically(path.string(), text);
}

std::string cString(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (static_cast<unsigned char>(c) < 32 || c == 0x7f) continue;
        if (c == '?') {  // no trigraphs ("??/" would be a backslash in some compilers)
            out += "\\?";
            continue;
        }
        out += c;
    }
    return out + "\"";
}

}  // namespace

Generated generate(const quant::QuantizedModel& model, const memory::Plan& givenPlan, const std::string& directory,
                   const Options& options) {
    const graph::Graph& g = model.graph;
    const std::string& P = options.prefix;
    if (!validIdentifier(P)) throw Error("codegen: prefix \"" + P + "\" is not a C identifier");
    if (givenPlan.tensorPlacement.size() != g.tensors().size() || givenPlan.timeline.size() != g.ops().size())
        throw Error("codegen: the memory plan was made for another graph");
    const auto problems = memory::checkPlan(g, givenPlan);
    if (!problems.empty()) throw Error("codegen: the memory plan is unsound: " + problems.front());
    // Scratch a faster kernel variant wants, granted where it costs no SRAM
    // (the arena stays the plan's; plan.json records where it went).
    memory::Plan plan = givenPlan;
    if (options.fastKernels && options.wideScratch && !options.referenceKernels)
        for (int i = 0; i < g.opCount(); ++i)
            if (const std::int64_t wish = fastScratchWish(g, i); wish > kernelScratchBytes(g, i))
                memory::widenScratch(plan, i, wish);

    Generated result;
    result.directory = directory;
    result.arenaBytes = plan.arenaBytes;
    auto offsetOf = [&](int tensor) {
        return plan.placements[static_cast<std::size_t>(plan.tensorPlacement[static_cast<std::size_t>(tensor)])].offset;
    };
    auto aliased = [&](int out, int in) {
        return plan.placements[static_cast<std::size_t>(plan.tensorPlacement[static_cast<std::size_t>(out)])].aliasOf == in;
    };
    // Largest scratch region the plan gives op i.
    auto scratchOf = [&](int i) -> std::pair<std::int64_t, std::int64_t> {
        std::pair<std::int64_t, std::int64_t> best{-1, 0};
        for (const auto& pl : plan.placements)
            if (pl.kind == memory::BufferKind::Scratch && pl.op == i && pl.bytes > best.second) best = {pl.offset, pl.bytes};
        return best;
    };

    std::ostringstream weights, layers, layerFunctions, shapes;
    weights << "/* Weights, biases and requantization of " << safe_text::forComment(options.modelName.empty() ? P : options.modelName)
            << ": const, so they live in Flash. Generated by MCUNet Studio. */\n#include <stdint.h>\n\n";
    json planLayers = json::array();
    for (int i = 0; i < g.opCount(); ++i) {
        const graph::Op& op = g.op(i);
        const graph::Shape is = g.tensor(op.inputs[0]).shape;
        const graph::Shape os = g.tensor(op.output).shape;
        const std::string A = P + "_arena";
        LayerSite site;
        site.graph = &g;
        site.op = i;
        site.model = &model;
        site.symbol = P + "_l" + std::to_string(i);
        site.input = A + " + " + std::to_string(offsetOf(op.inputs[0]));
        site.input2 = op.inputs.size() == 2 ? A + " + " + std::to_string(offsetOf(op.inputs[1])) : "";
        for (int t : op.inputs) site.inputs.push_back(A + " + " + std::to_string(offsetOf(t)));
        site.output = A + " + " + std::to_string(offsetOf(op.output));
        site.inPlace = aliased(op.output, op.inputs[0]) || (op.inputs.size() == 2 && aliased(op.output, op.inputs[1]));
        const auto [scratchOffset, scratchBytes] = scratchOf(i);
        const std::int64_t needed = kernelScratchBytes(g, i);
        site.haveScratch = needed > 0 && scratchOffset >= 0 && scratchBytes >= needed;
        site.scratchBytes = site.haveScratch ? scratchBytes : 0;
        site.scratch8 = site.haveScratch ? "(" + A + " + " + std::to_string(scratchOffset) + ")" : "0";
        site.scratch16 = site.haveScratch ? "(int16_t *)(void *)(" + A + " + " + std::to_string(scratchOffset) + ")" : "0";
        const LayerCode code = emitLayer(site, options);
        const bool reference = options.referenceKernels;
        weights << code.weights;
        shapes << code.decls;
        // Each layer in a function of its own: the compiler allocates
        // registers for that kernel alone (inlined into one function, every
        // layer's loops spilled more as the network grew).
        const std::string fn = P + "_layer" + std::to_string(i);
        layerFunctions << "static MCUNET_LAYER void " << fn << "(void) {\n    " << code.call << "\n}\n";
        layers << "    /* " << i << " " << safe_text::forComment(op.name) << ": " << graph::opKindName(op.kind) << " "
               << is.h << "x" << is.w << "x" << is.c << " -> " << os.h << "x" << os.w << "x" << os.c
               << (site.inPlace ? ", in place" : "") << " */\n    MCUNET_PROFILE_BEGIN(" << i << ");\n    " << fn
               << "();\n    MCUNET_PROFILE_END(" << i << ");\n";
        result.kernelVariants.insert(code.variant);
        for (const std::string& v : code.alsoVariants) result.kernelVariants.insert(v);
        planLayers.push_back({{"index", i},
                              {"name", op.name},
                              {"op", graph::opKindName(op.kind)},
                              {"kernel_variant", code.variant},
                              {"in_place", site.inPlace && !reference},
                              {"macs", cost::opMacs(g, op)},
                              {"input_elements", is.elements()},
                              {"output_elements", os.elements()},
                              {"instructions_estimate", std::llround(cost::estimateInstructions(g, op))},
                              {"scratch_offset", site.haveScratch && !reference ? scratchOffset : -1},
                              {"scratch_bytes", site.haveScratch && !reference ? scratchBytes : 0}});
    }

    const graph::Tensor& input = g.tensor(g.input());
    const graph::Tensor& output = g.tensor(g.output());
    const quant::TensorQuant qin = model.tensors[static_cast<std::size_t>(g.input())];
    const quant::TensorQuant qout = model.tensors[static_cast<std::size_t>(g.output())];
    std::string upper = P;
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });

    std::ostringstream header;
    header << "/* " << safe_text::forComment(options.modelName.empty() ? P : options.modelName)
           << ": generated by MCUNet Studio. int8 model, HWC tensors, batch 1. */\n"
           << "#ifndef " << upper << "_H\n#define " << upper << "_H\n\n#include <stdint.h>\n\n"
           << "#define " << upper << "_NAME " << cString(options.modelName.empty() ? P : options.modelName) << "\n"
           << "#define " << upper << "_ARENA_BYTES " << plan.arenaBytes << "\n"
           << "#define " << upper << "_LAYER_COUNT " << g.opCount() << "\n"
           << "#define " << upper << "_INPUT_H " << input.shape.h << "\n#define " << upper << "_INPUT_W " << input.shape.w
           << "\n#define " << upper << "_INPUT_C " << input.shape.c << "\n#define " << upper << "_INPUT_BYTES "
           << input.bytes() << "\n#define " << upper << "_OUTPUT_BYTES " << output.bytes() << "\n"
           << "#define " << upper << "_INPUT_SCALE " << qin.scale << "f\n#define " << upper << "_INPUT_ZERO_POINT "
           << qin.zeroPoint << "\n#define " << upper << "_OUTPUT_SCALE " << qout.scale << "f\n#define " << upper
           << "_OUTPUT_ZERO_POINT " << qout.zeroPoint << "\n\n"
           << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
           << "/* Runs the model: copies `in` (" << upper << "_INPUT_BYTES) into the arena unless it already is "
           << P << "_input(), and the result into `out` (" << upper << "_OUTPUT_BYTES). Returns 0. */\n"
           << "int " << P << "_invoke(const int8_t *in, int8_t *out);\n"
           << "/* Where the input lives in the arena: write it there to save the copy. */\n"
           << "int8_t *" << P << "_input(void);\n"
           << "extern const char *const " << P << "_layer_names[" << upper << "_LAYER_COUNT];\n"
           << "extern const char *const " << P << "_layer_ops[" << upper << "_LAYER_COUNT];\n"
           << "extern const uint32_t " << P << "_layer_macs[" << upper << "_LAYER_COUNT];\n\n"
           << "#ifdef __cplusplus\n}\n#endif\n\n#endif\n";

    std::ostringstream source;
    source << "/* " << safe_text::forComment(options.modelName.empty() ? P : options.modelName) << ": " << g.opCount()
           << " layers, arena " << plan.arenaBytes << " bytes (planner " << memory::plannerName(plan.planner)
           << "). Generated by MCUNet Studio: every tensor sits at the offset the memory plan gives it. */\n"
           << "#include <string.h>\n\n#include \"mcunet_fast.h\"\n#include \"mcunet_kernels.h\"\n#include \"" << P << ".h\"\n\n"
           << "/* Profiling hooks: the firmware defines them (cycle or instruction counters). */\n"
           << "#ifndef MCUNET_PROFILE_BEGIN\n#define MCUNET_PROFILE_BEGIN(layer) ((void)0)\n#endif\n"
           << "#ifndef MCUNET_PROFILE_END\n#define MCUNET_PROFILE_END(layer) ((void)0)\n#endif\n\n"
           << "#if defined(__GNUC__)\n#define MCUNET_ALIGNED __attribute__((aligned(16)))\n#define MCUNET_LAYER __attribute__((noinline))\n"
           << "#else\n#define MCUNET_ALIGNED\n#define MCUNET_LAYER\n#endif\n\n"
           << "static int8_t " << P << "_arena[" << upper << "_ARENA_BYTES] MCUNET_ALIGNED;\n\n"
           << shapes.str() << "\n";
    source << "const char *const " << P << "_layer_names[" << upper << "_LAYER_COUNT] = {";
    for (int i = 0; i < g.opCount(); ++i) source << (i ? ", " : "") << cString(g.op(i).name);
    source << "};\nconst char *const " << P << "_layer_ops[" << upper << "_LAYER_COUNT] = {";
    for (int i = 0; i < g.opCount(); ++i) source << (i ? ", " : "") << cString(graph::opKindName(g.op(i).kind));
    source << "};\nconst uint32_t " << P << "_layer_macs[" << upper << "_LAYER_COUNT] = {";
    for (int i = 0; i < g.opCount(); ++i) source << (i ? ", " : "") << cost::opMacs(g, g.op(i)) << "u";
    source << "};\n\n" << layerFunctions.str() << "\nint8_t *" << P << "_input(void) { return " << P << "_arena + "
           << offsetOf(g.input()) << "; }\n\n"
           << "int " << P << "_invoke(const int8_t *in, int8_t *out) {\n"
           << "    if (in != " << P << "_arena + " << offsetOf(g.input()) << ") memcpy(" << P << "_arena + "
           << offsetOf(g.input()) << ", in, " << input.bytes() << ");\n"
           << layers.str() << "    if (out) memcpy(out, " << P << "_arena + " << offsetOf(g.output()) << ", "
           << output.bytes() << ");\n    return 0;\n}\n";

    std::ostringstream hostMain;
    hostMain << "/* Host runner: " << P << "_host INPUT.bin [OUTPUT.bin] [RUNS]. Reads the int8 input, runs the model,\n"
             << " * writes the int8 output to OUTPUT.bin or prints it as comma-separated values.\n"
             << " * " << P << "_host --batch INPUTS.bin OUTPUTS.bin: every input of INPUTS.bin in turn, outputs appended.\n"
             << " * " << P << "_host --stream: inputs on stdin, each output written to stdout and flushed (a helper). */\n"
             << "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n\n#include \"" << P << ".h\"\n\n"
             << "static int run_batch(const char *in_path, const char *out_path, int8_t *input, int8_t *output) {\n"
             << "    FILE *in = fopen(in_path, \"rb\"), *out = fopen(out_path, \"wb\");\n    long n = 0;\n"
             << "    if (!in || !out) { fprintf(stderr, \"cannot open %s or %s\\n\", in_path, out_path); return 2; }\n"
             << "    while (fread(input, 1, " << upper << "_INPUT_BYTES, in) == " << upper << "_INPUT_BYTES) {\n"
             << "        " << P << "_invoke(input, output);\n"
             << "        if (fwrite(output, 1, " << upper << "_OUTPUT_BYTES, out) != " << upper << "_OUTPUT_BYTES) return 1;\n"
             << "        ++n;\n    }\n    fclose(in);\n    if (fclose(out) != 0) return 1;\n"
             << "    printf(\"%ld\\n\", n);\n    return 0;\n}\n\n"
             << "static int run_stream(int8_t *input, int8_t *output) {\n"
             << "    while (fread(input, 1, " << upper << "_INPUT_BYTES, stdin) == " << upper << "_INPUT_BYTES) {\n"
             << "        " << P << "_invoke(input, output);\n"
             << "        if (fwrite(output, 1, " << upper << "_OUTPUT_BYTES, stdout) != " << upper << "_OUTPUT_BYTES || fflush(stdout) != 0) return 1;\n"
             << "    }\n    return 0;\n}\n\n"
             << "int main(int argc, char **argv) {\n"
             << "    static int8_t input[" << upper << "_INPUT_BYTES], output[" << upper << "_OUTPUT_BYTES];\n"
             << "    FILE *f;\n    long runs = argc > 3 ? atol(argv[3]) : 1, r;\n    int i;\n"
             << "    if (argc == 4 && strcmp(argv[1], \"--batch\") == 0) return run_batch(argv[2], argv[3], input, output);\n"
             << "    if (argc == 2 && strcmp(argv[1], \"--stream\") == 0) return run_stream(input, output);\n"
             << "    if (argc < 2) { fprintf(stderr, \"usage: %s INPUT.bin [OUTPUT.bin] [RUNS]\\n\", argv[0]); return 2; }\n"
             << "    f = fopen(argv[1], \"rb\");\n"
             << "    if (!f || fread(input, 1, sizeof input, f) != sizeof input) {\n"
             << "        fprintf(stderr, \"%s: expected %d bytes of int8 input\\n\", argv[1], " << upper << "_INPUT_BYTES);\n"
             << "        if (f) fclose(f);\n        return 2;\n    }\n    fclose(f);\n"
             << "    for (r = 0; r < runs; ++r) " << P << "_invoke(input, output);\n"
             << "    if (argc > 2 && argv[2][0] != '-') {\n        f = fopen(argv[2], \"wb\");\n"
             << "        if (!f || fwrite(output, 1, sizeof output, f) != sizeof output) return 1;\n        fclose(f);\n"
             << "        return 0;\n    }\n"
             << "    for (i = 0; i < " << upper << "_OUTPUT_BYTES; ++i) printf(\"%s%d\", i ? \",\" : \"\", output[i]);\n"
             << "    printf(\"\\n\");\n    return 0;\n}\n";

    std::ostringstream cmake;
    cmake << "# Generated by MCUNet Studio: the model as a static library, and a host runner.\n"
          << "cmake_minimum_required(VERSION 3.13)\nproject(" << P << " C)\nset(CMAKE_C_STANDARD 99)\n"
          << "set(CMAKE_C_STANDARD_REQUIRED ON)\n"
          << "file(GLOB MCUNET_KERNELS ${CMAKE_CURRENT_SOURCE_DIR}/kernels/*.c)\n"
          << "add_library(" << P << " STATIC " << P << ".c " << P << "_weights.c ${MCUNET_KERNELS})\n"
          << "target_include_directories(" << P << " PUBLIC ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/include)\n"
          << "target_compile_options(" << P << " PRIVATE -Wall -Wextra -Werror -fno-strict-aliasing)\n"
          << "if(NOT CMAKE_CROSSCOMPILING)\n  add_executable(" << P << "_host " << P << "_host.c)\n"
          << "  target_link_libraries(" << P << "_host PRIVATE " << P << ")\nendif()\n";

    json tensors = json::array();
    for (const auto& pl : plan.placements)
        tensors.push_back({{"name", pl.name},
                           {"kind", pl.kind == memory::BufferKind::Tensor    ? "tensor"
                                    : pl.kind == memory::BufferKind::Scratch ? "scratch"
                                                                              : "persistent"},
                           {"offset", pl.offset},
                           {"bytes", pl.bytes},
                           {"first_op", pl.firstOp},
                           {"last_op", pl.lastOp},
                           {"alias_of", pl.aliasOf >= 0 ? json(g.tensor(pl.aliasOf).name) : json(nullptr)}});
    std::int64_t totalMacs = 0, weightFlash = 0;
    for (const auto& op : g.ops()) {
        totalMacs += cost::opMacs(g, op);
        weightFlash += cost::opFlashBytes(g, op);
    }
    const json planJson = {{"format", "mcunet-plan"},
                           {"schema_version", 1},
                           {"model", options.modelName.empty() ? P : options.modelName},
                           {"board", options.boardId},
                           {"prefix", P},
                           {"planner", memory::plannerName(plan.planner)},
                           {"arena_bytes", plan.arenaBytes},
                           {"lower_bound_bytes", plan.lowerBound},
                           {"macs", totalMacs},
                           {"weight_flash_bytes", weightFlash},
                           {"input", {{"shape", {input.shape.h, input.shape.w, input.shape.c}}, {"scale", qin.scale}, {"zero_point", qin.zeroPoint}, {"offset", offsetOf(g.input())}}},
                           {"output", {{"shape", {output.shape.h, output.shape.w, output.shape.c}}, {"scale", qout.scale}, {"zero_point", qout.zeroPoint}, {"offset", offsetOf(g.output())}}},
                           {"buffers", tensors},
                           {"layers", planLayers}};

    namespace fs = std::filesystem;
    const fs::path dir(directory);
    output_dir::claim(directory, output_dir::kGeneratedProject, options.replace);
    auto emit = [&](const std::string& rel, const std::string& text) {
        writeFile(dir / rel, text);
        result.files.push_back(rel);
    };
    emit(P + ".h", header.str());
    emit(P + ".c", source.str());
    emit(P + "_weights.c", weights.str());
    emit(P + "_host.c", hostMain.str());
    emit("CMakeLists.txt", cmake.str());
    emit("plan.json", planJson.dump(2) + "\n");
    for (const RuntimeSource& s : runtimeSources()) emit(s.path, s.text);
    return result;
}

}  // namespace mcunet::codegen
