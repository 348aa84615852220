#include "codegen/build.h"

#include <filesystem>

#include "common/error.h"
#include "common/process.h"

namespace mcunet::codegen {

namespace fs = std::filesystem;

std::vector<std::string> commonCFlags() {
    return {"-std=c99", "-O3", "-Wall", "-Wextra", "-Werror", "-pedantic", "-fno-strict-aliasing"};
}

std::vector<std::string> cortexMFlags(const std::string& cpu) {
    if (cpu == "cortex-m7") return {"-mcpu=cortex-m7", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv5-d16"};
    if (cpu == "cortex-m4") return {"-mcpu=cortex-m4", "-mtune=cortex-m7", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"};
    throw Error("unsupported core \"" + cpu + "\" (cortex-m7 or cortex-m4)");
}

namespace {

std::vector<fs::path> sources(const fs::path& dir, const std::string& prefix, bool withRunner) {
    std::vector<fs::path> files = {dir / (prefix + ".c"), dir / (prefix + "_weights.c")};
    if (withRunner) files.push_back(dir / (prefix + "_host.c"));
    std::error_code ec;
    if (!fs::is_directory(dir / "kernels", ec))
        throw Error(dir.string() + ": not a generated project (kernels/ missing: generate it again with mcunet codegen)");
    for (const auto& entry : fs::directory_iterator(dir / "kernels"))
        if (entry.path().extension() == ".c") files.push_back(entry.path());
    if (withRunner && fs::is_directory(dir / "reference", ec))  // host: the reference kernels (Options::referenceKernels)
        for (const auto& entry : fs::directory_iterator(dir / "reference"))
            if (entry.path().extension() == ".c") files.push_back(entry.path());
    for (const auto& f : files)
        if (!fs::exists(f)) throw Error(dir.string() + ": not a generated project (" + f.filename().string() + " missing)");
    return files;
}

// The build folder inside the project, or a message naming it (a read-only
// project, a file in the way).
void makeBuildDirectory(const fs::path& out) {
    std::error_code ec;
    fs::create_directories(out, ec);
    if (ec) throw Error(out.string() + ": cannot create the build folder: " + ec.message() +
                        " (copy the project somewhere writable)");
}

}  // namespace

std::string buildHostRunner(const std::string& directory, const std::string& prefix, const std::string& compiler) {
    const fs::path dir(directory);
    if (!fs::is_directory(dir)) throw Error(directory + ": no such directory");
    const std::string cc = findProgram(compiler);
    if (cc.empty()) throw Error("host C compiler \"" + compiler + "\" not found");
    const fs::path out = dir / "build-host";
    makeBuildDirectory(out);
    std::vector<std::string> argv = {cc};
    for (const auto& f : commonCFlags()) argv.push_back(f);
    for (const auto& f : sources(dir, prefix, true)) argv.push_back(f.string());
    const std::string exe = (out / (prefix + "_host")).string();
    argv.insert(argv.end(), {"-I", dir.string(), "-I", (dir / "include").string(), "-o", exe});
    const ProcessResult r = runProcess(argv, "", 600);
    if (r.exitCode != 0) throw Error(directory + ": host build failed:\n" + r.output);
    return exe;
}

std::vector<std::string> compileForCortexM(const std::string& directory, const std::string& cpu,
                                           const std::string& prefix) {
    const fs::path dir(directory);
    const std::string gcc = findProgram("arm-none-eabi-gcc");
    if (gcc.empty()) throw Error("arm-none-eabi-gcc not found (install gcc-arm-none-eabi)");
    const fs::path out = dir / ("build-" + cpu);
    makeBuildDirectory(out);
    std::vector<std::string> objects;
    for (const auto& src : sources(dir, prefix, false)) {
        std::vector<std::string> argv = {gcc};
        for (const auto& f : cortexMFlags(cpu)) argv.push_back(f);
        for (const auto& f : commonCFlags()) argv.push_back(f);
        const std::string object = (out / (src.stem().string() + ".o")).string();
        argv.insert(argv.end(), {"-ffunction-sections", "-fdata-sections", "-I", dir.string(), "-I",
                                 (dir / "include").string(), "-c", src.string(), "-o", object});
        const ProcessResult r = runProcess(argv, "", 600);
        if (r.exitCode != 0) throw Error(src.string() + ": " + cpu + " build failed:\n" + r.output);
        objects.push_back(object);
    }
    return objects;
}

}  // namespace mcunet::codegen
