#pragma once
// Helpers shared by core/data's own files (not part of its public header).
#include <string>

namespace mcunet::data {

// Throws mcunet::Error naming `what` unless 1 <= resolution <= kMaxResolution
// and channels is 1 (gray) or 3 (RGB).
void checkShape(int resolution, int channels, const std::string& what);

}  // namespace mcunet::data
