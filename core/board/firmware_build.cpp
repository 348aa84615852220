#include "board/firmware_build.h"

#include <filesystem>
#include <regex>

#include "board/elf.h"
#include "codegen/build.h"
#include "common/error.h"
#include "common/json_read.h"
#include "common/process.h"

namespace mcunet::board {

namespace fs = std::filesystem;

static FirmwareBuild buildOnce(const std::string& generatedDir, const Board& board, bool inputCopy);

FirmwareBuild buildFirmware(const std::string& generatedDir, const Board& board) {
    try {
        return buildOnce(generatedDir, board, true);
    } catch (const Error& e) {
        if (std::string(e.what()).find("SRAM over by") == std::string::npos) throw;
    }
    return buildOnce(generatedDir, board, false);  // a last chance: the arena alone may fit
}

static FirmwareBuild buildOnce(const std::string& generatedDir, const Board& board, bool inputCopy) {
    if (!board.isVirtual || (board.qemuMachine.rfind("mps2-", 0) != 0))
        throw Error(board.id + ": the firmware has a board layer for the QEMU mps2 virtual boards only so far "
                               "(virtual-m7, virtual-m4)");
    const fs::path dir(generatedDir);
    for (const char* f : {"model.c", "model_weights.c", "firmware/main.c", "firmware/firmware.ld"})
        if (!fs::exists(dir / f))
            throw Error(generatedDir + ": not a generated project with firmware (" + std::string(f) + " missing)");
    const std::string gcc = findProgram("arm-none-eabi-gcc");
    if (gcc.empty()) throw Error("arm-none-eabi-gcc not found (install gcc-arm-none-eabi and libnewlib-arm-none-eabi)");
    const fs::path out = dir / ("build-" + board.id);
    fs::create_directories(out);
    json_read::writeFileAtomically((out / "memory.ld").string(),
                                   "/* " + board.id + " (written by MCUNet Studio) */\nMEMORY\n{\n"
                                   "  FLASH (rx) : ORIGIN = 0x00000000, LENGTH = " + std::to_string(board.flashBytes) + "\n"
                                   "  SRAM (rwx) : ORIGIN = 0x20000000, LENGTH = " + std::to_string(board.sramBytes) + "\n}\n");
    std::vector<std::string> flags = codegen::cortexMFlags(board.core);
    for (const auto& f : codegen::commonCFlags()) flags.push_back(f);
    flags.insert(flags.end(), {"-ffunction-sections", "-fdata-sections", "-I", dir.string(), "-I", (dir / "include").string(),
                               "-I", (dir / "firmware").string(), "-DMCUNET_BOARD_NAME=\"" + board.id + "\""});
    if (!inputCopy) flags.push_back("-DMCUNET_NO_INPUT_COPY");
    FirmwareBuild result;
    result.inputCopy = inputCopy;
    std::vector<std::string> objects;
    std::vector<fs::path> sources = {dir / "model.c", dir / "model_weights.c"};
    for (const char* sub : {"kernels", "firmware", "reference"})
        if (fs::is_directory(dir / sub))
            for (const auto& e : fs::directory_iterator(dir / sub))
            if (e.path().extension() == ".c" && e.path().filename() != "counter_dwt.c") sources.push_back(e.path());
    for (const auto& src : sources) {
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
    result.elf = (out / "firmware.elf").string();
    std::vector<std::string> argv = {gcc};
    const auto core = codegen::cortexMFlags(board.core);
    argv.insert(argv.end(), core.begin(), core.end());
    argv.insert(argv.end(), {"-nostartfiles", "--specs=nano.specs", "--specs=nosys.specs", "-Wl,--gc-sections",
                             "-L", out.string(), "-T", (dir / "firmware" / "firmware.ld").string(),
                             "-Wl,-Map=" + (out / "firmware.map").string(), "-o", result.elf});
    argv.insert(argv.end(), objects.begin(), objects.end());
    const ProcessResult link = runProcess(argv, "", 600);
    result.log += link.output;
    if (link.exitCode != 0) {
        std::smatch m;
        std::string sram, flash;
        const std::regex overflow("region `(\\w+)' overflowed by (\\d+) bytes");
        std::string text = link.output;
        std::string message;
        for (std::sregex_iterator it(text.begin(), text.end(), overflow), end; it != end; ++it)
            message += (message.empty() ? "" : ", ") + (*it)[1].str() + " over by " + (*it)[2].str() + " bytes";
        if (!message.empty())
            throw Error("the model does not fit " + board.id + " (" + std::to_string(board.sramBytes) + " B SRAM, " +
                        std::to_string(board.flashBytes) + " B Flash): " + message);
        throw Error("firmware link failed:\n" + link.output);
    }
    const MemoryUse use = memoryUse(readElf(result.elf));
    result.flashBytes = use.flashBytes;
    result.sramBytes = use.sramBytes;
    result.arenaBytes = use.arenaBytes;
    return result;
}

}  // namespace mcunet::board
