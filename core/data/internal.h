#pragma once
// Helpers shared by core/data's own files (not part of its public header).
#include <optional>
#include <string>

namespace mcunet::data {

// Throws mcunet::Error naming `what` unless 1 <= resolution <= kMaxResolution
// and channels is 1 (gray) or 3 (RGB).
void checkShape(int resolution, int channels, const std::string& what);

// The median shorter side of up to `samples` images spread over the folder's
// classes (one subfolder per class); nullopt when none decodes.
std::optional<int> folderImageSide(const std::string& dir, int samples);

}  // namespace mcunet::data
