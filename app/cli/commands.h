#pragma once
// The `mcunet` commands. Each returns the process exit code: 0 on success,
// 2 on bad input (after printing a message naming the problem).
#include <string>
#include <vector>

namespace mcunet::cli {

int run(const std::vector<std::string>& args);

}  // namespace mcunet::cli
