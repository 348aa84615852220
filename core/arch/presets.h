#pragma once
// Built-in architectures: the published MCUNet networks exactly as
// shared/DESIGN.md gives them, and the parametric families
// `mbv2-w{W}-r{R}` (MobileNetV2, mcunet zoo convention: feature mix scaled by W)
// and `proxyless-w{W}-r{R}` (ProxylessNAS-Mobile) for any W and R.
#include <string>
#include <vector>

#include "arch/architecture.h"

namespace mcunet::arch {

struct PresetInfo {
    std::string name;
    std::string description;
};

// The named presets `mcunet presets` lists (families shown with example W/R).
std::vector<PresetInfo> listPresets();

// Resolves a preset name; throws mcunet::Error naming the problem.
Architecture preset(const std::string& name);

Architecture mobileNetV2(double width, int resolution, int numClasses = 1000);
Architecture proxylessMobile(double width, int resolution, int numClasses = 1000);

}  // namespace mcunet::arch
