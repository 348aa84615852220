#pragma once
// `mcunet train` (hands over to the mcunet-train program, the only one that
// loads libtorch) and `mcunet eval` (accuracy on every engine).
#include <string>
#include <vector>

namespace mcunet::cli {

// Path of mcunet-train: $MCUNET_TRAIN, beside this program (or its train/
// folder in a build tree), then PATH. Empty when not found.
std::string trainProgramPath();
// Replaces this process with mcunet-train (signals and exit codes pass
// through unchanged). Throws mcunet::Error when it cannot be started.
int trainCommand(const std::vector<std::string>& argv);
int evalCommand(const std::vector<std::string>& argv);

}  // namespace mcunet::cli
