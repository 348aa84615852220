#pragma once
// Runs a program with an argument list (never through a shell), capturing
// its output, with a time limit after which it is killed. Used to build and
// run generated code (host gcc, arm-none-eabi-gcc, QEMU).
#include <cstddef>
#include <functional>
#include <memory>
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

// A long-lived child whose stdin and stdout are pipes to this process: a
// helper that answers requests (the demo's host runner). It runs under the
// same keeper as runProcess's children (its process group dies with this
// program, SIGKILL included) with a private TMPDIR; its stderr is kept for
// the message when it fails.
class PipedProcess {
public:
    // Throws mcunet::Error when the program cannot be started.
    explicit PipedProcess(const std::vector<std::string>& argv, const std::string& workingDir = "");
    ~PipedProcess();  // kills its process group and waits for it
    PipedProcess(const PipedProcess&) = delete;
    PipedProcess& operator=(const PipedProcess&) = delete;
    // Both throw mcunet::Error naming the program when it has ended (its
    // exit and the end of its stderr) or after `timeoutSeconds`.
    void write(const void* data, std::size_t bytes, double timeoutSeconds);
    void read(void* data, std::size_t bytes, double timeoutSeconds);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Looks a program up on PATH; empty when missing.
std::string findProgram(const std::string& name);

}  // namespace mcunet
