#pragma once
// Builds a generated project: for the host (a runner that reads an input file
// and prints the output) or, compile-only here, for a Cortex-M core with
// arm-none-eabi-gcc. Compilers run with argument lists, never a shell.
#include <string>
#include <vector>

namespace mcunet::codegen {

// The C flags every build of generated code uses (warnings are errors).
std::vector<std::string> commonCFlags();

// Compiles DIR's model, weights, kernels and host runner with the host C
// compiler into DIR/build-host/<prefix>_host; returns its path. Throws
// mcunet::Error with the compiler's output when the build fails.
std::string buildHostRunner(const std::string& directory, const std::string& prefix = "model",
                            const std::string& compiler = "cc");

// Compiles every C file of the generated model (not the host runner) for a
// Cortex-M core ("cortex-m7", "cortex-m4") into DIR/build-<cpu>/*.o; returns
// the object files. Throws mcunet::Error when arm-none-eabi-gcc is missing or
// a file does not compile cleanly.
std::vector<std::string> compileForCortexM(const std::string& directory, const std::string& cpu,
                                           const std::string& prefix = "model");

// The arm-none-eabi-gcc flags for a core (Thumb, hard float where there is an FPU).
std::vector<std::string> cortexMFlags(const std::string& cpu);

}  // namespace mcunet::codegen
