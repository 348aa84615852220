#include "common/user_dirs.h"

#include <cstdlib>
#include <filesystem>

namespace mcunet::user_dirs {

std::string cacheDir() {
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    const char* home = std::getenv("HOME");
    if (xdg != nullptr && *xdg == '/') return (std::filesystem::path(xdg) / "mcunet").string();
    if (home != nullptr && *home != '\0') return (std::filesystem::path(home) / ".cache" / "mcunet").string();
    return {};
}

}  // namespace mcunet::user_dirs
