#pragma once
// Runs a program with an argument list (never through a shell), capturing
// its output, with a time limit after which it is killed. Used to build and
// run generated code (host gcc, arm-none-eabi-gcc, QEMU).
#include <functional>
#include <string>
#include <vector>

namespace mcunet {

struct ProcessResult {
    int exitCode = -1;      // -1 when it did not exit normally
    bool timedOut = false;
    bool started = false;   // false: the program could not be started
    std::string output;     // stdout and stderr, interleaved
};

// `onLine`, when given, receives each complete line of output as it arrives
// (without its newline), on the calling thread; the output is kept as well.
ProcessResult runProcess(const std::vector<std::string>& argv, const std::string& workingDir = "",
                         double timeoutSeconds = 300.0,
                         const std::function<void(const std::string&)>& onLine = {});

// Looks a program up on PATH; empty when missing.
std::string findProgram(const std::string& name);

}  // namespace mcunet
