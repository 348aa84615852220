#pragma once
// The version of MCUNet Studio and the git revision it was built from
// (`mcunet --version`, `mcunet-studio --version`, the studio's About box).
#include <string>

namespace mcunet::version {

// "0.1.0": the project's version (CMakeLists.txt, the Debian package's).
const char* number();
// "afb23a6", "afb23a6-dirty" (uncommitted changes), or "unknown" (built
// outside a git checkout).
const char* revision();
// "0.1.0 (git afb23a6)".
std::string text();

}  // namespace mcunet::version
