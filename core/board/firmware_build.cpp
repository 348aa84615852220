#include "board/firmware_build.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <regex>

#include "board/cancel.h"
#include "board/elf.h"
#include "board/mlperf.h"
#include "board/serial_port.h"
#include "codegen/build.h"
#include "common/error.h"
#include "common/json_read.h"
#include "common/process.h"

namespace mcunet::board {

namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t kSramOrigin = 0x20000000u;  // every supported board's SRAM

// A firmware board layer (core/runtime/firmware/board.h): its files and the
// memory map it is linked for.
struct BoardLayer {
    std::vector<std::string> sources;  // in firmware/, besides kCommonSources
    std::uint32_t flashOrigin = 0;
    std::string core;  // the core the layer is written for
    std::string fpu;   // replaces cortexMFlags' -mfpu (empty: keep it)
    bool realUart = false;  // takes MCUNET_UART_BAUD
    std::vector<std::string> defines = {};  // the layer's own -D flags (which board of a family)
};

const char* const kCommonSources[] = {"main.c", "link_device.c", "mlperf.c", "board_io.c", "startup.c"};

// The board's firmware block (its JSON, checked when read) as the build uses
// it; none when the board has no block or the block is written for another
// core than the board's.
std::optional<BoardLayer> layerFor(const Board& b) {
    if (!b.firmware || b.firmware->core != b.core) return std::nullopt;
    const FirmwareLayer& f = *b.firmware;
    BoardLayer layer{f.sources, f.flashOrigin, f.core, f.fpu.empty() ? "" : "-mfpu=" + f.fpu, f.uartBaud, {}};
    for (const std::string& d : f.defines) layer.defines.push_back("-D" + d);
    return layer;
}

}  // namespace

std::string boardsWithFirmwareText() {
    std::vector<std::string> ids;
    for (const Board& b : Catalog::builtIn().boards())
        if (layerFor(b)) ids.push_back(b.id);
    std::string text;
    for (std::size_t i = 0; i < ids.size(); ++i) text += (i == 0 ? "" : i + 1 == ids.size() ? " and " : ", ") + ids[i];
    return text.empty() ? "no board" : text;
}

namespace {

BoardLayer requireLayer(const Board& b) {
    if (b.firmware && b.firmware->core != b.core)
        throw Error(b.id + ": core: the board layer is written for " + b.firmware->core + ", the board file says " + b.core);
    const auto layer = layerFor(b);
    if (!layer)
        throw Error(b.id + ": no firmware board layer for this board yet (there is one for " + boardsWithFirmwareText() + ")");
    return *layer;
}

void checkOptions(const FirmwareOptions& o) {
    if (!o.mlperfTaskId.empty()) checkMlperfTaskId(o.mlperfTaskId);
    const auto& rates = serialBaudRates();
    if (std::find(rates.begin(), rates.end(), o.uartBaud) == rates.end())
        throw Error("uart baud: " + std::to_string(o.uartBaud) + " is not a rate the host can set (115200, 230400, "
                    "460800, 921600, 1000000, 2000000, ...)");
}

// model.c, model_weights.c, kernels/ and reference/ C files, then the shared
// firmware files and the board layer's.
std::vector<fs::path> firmwareSources(const fs::path& dir, const BoardLayer& layer) {
    std::vector<fs::path> sources = {dir / "model.c", dir / "model_weights.c"};
    for (const char* sub : {"kernels", "reference"})
        if (fs::is_directory(dir / sub)) {
            std::vector<fs::path> found;
            for (const auto& e : fs::directory_iterator(dir / sub))
                if (e.path().extension() == ".c") found.push_back(e.path());
            std::sort(found.begin(), found.end());
            sources.insert(sources.end(), found.begin(), found.end());
        }
    std::vector<std::string> names(std::begin(kCommonSources), std::end(kCommonSources));
    names.insert(names.end(), layer.sources.begin(), layer.sources.end());
    for (const std::string& name : names) {
        const fs::path file = dir / "firmware" / name;
        if (!fs::is_regular_file(file))
            throw Error(dir.string() + ": firmware/" + name + " missing (the project predates this board layer: generate it again)");
        sources.push_back(file);
    }
    return sources;
}

std::vector<std::string> coreFlags(const Board& board, const BoardLayer& layer) {
    std::vector<std::string> flags = codegen::cortexMFlags(board.core);
    if (!layer.fpu.empty())
        for (auto& f : flags)
            if (f.rfind("-mfpu=", 0) == 0) f = layer.fpu;
    return flags;
}

std::vector<std::string> compileFlags(const fs::path& dir, const Board& board, const BoardLayer& layer,
                                      const FirmwareOptions& options, bool inputCopy) {
    std::vector<std::string> flags = coreFlags(board, layer);
    for (const auto& f : codegen::commonCFlags()) flags.push_back(f);
    // board.id and the task id are checked ([a-z0-9_-]) before they become C strings.
    flags.insert(flags.end(), {"-ffunction-sections", "-fdata-sections", "-I", dir.string(), "-I", (dir / "include").string(),
                               "-I", (dir / "firmware").string(), "-DMCUNET_BOARD_NAME=\"" + board.id + "\""});
    if (!options.mlperfTaskId.empty()) flags.push_back("-DMCUNET_MLPERF_MODEL=\"" + options.mlperfTaskId + "\"");
    if (layer.realUart) flags.push_back("-DMCUNET_UART_BAUD=" + std::to_string(options.uartBaud) + "u");
    flags.insert(flags.end(), layer.defines.begin(), layer.defines.end());
    if (!inputCopy) flags.push_back("-DMCUNET_NO_INPUT_COPY");
    return flags;
}

// "the model does not fit ... SRAM over by N bytes" from the linker's output,
// or the whole output when something else failed.
Error linkError(const Board& board, const std::string& output) {
    const std::regex overflow("region `(\\w+)' overflowed by (\\d+) bytes");
    std::string message;
    for (std::sregex_iterator it(output.begin(), output.end(), overflow), end; it != end; ++it)
        message += (message.empty() ? "" : ", ") + (*it)[1].str() + " over by " + (*it)[2].str() + " bytes";
    if (message.empty()) return Error("firmware link failed:\n" + output);
    return Error("the model does not fit " + board.id + " (" + std::to_string(board.sramBytes) + " B SRAM, " +
                 std::to_string(board.flashBytes) + " B Flash): " + message);
}

FirmwareBuild buildOnce(const std::string& generatedDir, const Board& board, const FirmwareOptions& options,
                        bool inputCopy) {
    const BoardLayer layer = requireLayer(board);
    const fs::path dir(generatedDir);
    for (const char* f : {"model.c", "model_weights.c", "firmware/firmware.ld"})
        if (!fs::exists(dir / f))
            throw Error(generatedDir + ": not a generated project with firmware (" + std::string(f) + " missing)");
    const std::string gcc = findProgram("arm-none-eabi-gcc");
    if (gcc.empty()) throw Error("arm-none-eabi-gcc not found (install gcc-arm-none-eabi and libnewlib-arm-none-eabi)");
    const fs::path out = dir / ("build-" + board.id);
    fs::create_directories(out);
    char origin[16];
    std::snprintf(origin, sizeof origin, "0x%08X", layer.flashOrigin);
    json_read::writeFileAtomically((out / "memory.ld").string(),
                                   "/* " + board.id + " (written by MCUNet Studio from its board JSON) */\nMEMORY\n{\n"
                                   "  FLASH (rx) : ORIGIN = " + origin + ", LENGTH = " + std::to_string(board.flashBytes) + "\n"
                                   "  SRAM (rwx) : ORIGIN = 0x20000000, LENGTH = " + std::to_string(board.sramBytes) + "\n}\n");
    const std::vector<std::string> flags = compileFlags(dir, board, layer, options, inputCopy);
    FirmwareBuild result;
    result.inputCopy = inputCopy;
    result.flashOrigin = layer.flashOrigin;
    result.elf = (out / "firmware.elf").string();
    fs::remove(result.elf);  // never a stale image after a failed or cancelled build
    std::vector<std::string> objects;
    const std::vector<fs::path> sources = firmwareSources(dir, layer);
    const int steps = static_cast<int>(sources.size()) + 1;
    const auto step = [&](int done) {
        if (options.progress && !options.progress(done, steps)) throw Cancelled("build: cancelled");
    };
    for (const auto& src : sources) {
        step(static_cast<int>(objects.size()));
        std::vector<std::string> argv = {gcc};
        argv.insert(argv.end(), flags.begin(), flags.end());
        if (src.filename() == "model.c") argv.insert(argv.end(), {"-include", (dir / "firmware" / "profile.h").string()});
        const std::string object = (out / (src.parent_path().filename().string() + "_" + src.stem().string() + ".o")).string();
        argv.insert(argv.end(), {"-c", src.string(), "-o", object});
        const ProcessResult r = runProcess(argv, "", 600);
        result.log += r.output;
        if (r.exitCode != 0) throw Error(src.string() + ": " + board.core + " build failed:\n" + r.output);
        objects.push_back(object);
    }
    step(steps - 1);
    std::vector<std::string> argv = {gcc};
    const auto core = coreFlags(board, layer);
    argv.insert(argv.end(), core.begin(), core.end());
    argv.insert(argv.end(), {"-nostartfiles", "--specs=nano.specs", "--specs=nosys.specs", "-Wl,--gc-sections",
                             "-L", out.string(), "-T", (dir / "firmware" / "firmware.ld").string(),
                             "-Wl,-Map=" + (out / "firmware.map").string(), "-o", result.elf});
    argv.insert(argv.end(), objects.begin(), objects.end());
    argv.push_back("-lm");  // expf: MLPerf's softmax probabilities (mlperf.c)
    const ProcessResult link = runProcess(argv, "", 600);
    result.log += link.output;
    if (link.exitCode != 0) throw linkError(board, link.output);
    const MemoryUse use = memoryUse(readElf(result.elf), kSramOrigin);
    result.flashBytes = use.flashBytes;
    result.sramBytes = use.sramBytes;
    result.arenaBytes = use.arenaBytes;
    return result;
}

}  // namespace

bool hasFirmwareLayer(const Board& board) {
    const auto layer = layerFor(board);
    return layer && layer->core == board.core;
}

FirmwareBuild buildFirmware(const std::string& generatedDir, const Board& board, const FirmwareOptions& options) {
    requireLayer(board);
    checkOptions(options);
    try {
        return buildOnce(generatedDir, board, options, true);
    } catch (const Error& e) {
        if (std::string(e.what()).find("SRAM over by") == std::string::npos) throw;
    }
    return buildOnce(generatedDir, board, options, false);  // a last chance: the arena alone may fit
}

}  // namespace mcunet::board
