#pragma once
// A TinyNAS search space: the MBConv choices (kernel, expand, depth per
// stage) over a fixed backbone, instantiated at a resolution R and width W.
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "arch/architecture.h"

namespace mcunet::space {

struct SearchSpace {
    std::string name = "mcunet";
    int stemBaseChannels = 32;
    int firstBlockBaseChannels = 16;
    std::vector<int> stageBaseChannels = {24, 40, 80, 96, 192, 320};
    std::vector<int> stageStrides = {2, 2, 2, 1, 2, 1};
    std::vector<std::vector<int>> depthChoices = {{2, 3, 4}, {2, 3, 4}, {2, 3, 4},
                                                  {2, 3, 4}, {2, 3, 4}, {1}};
    std::vector<int> kernelChoices = {3, 5, 7};
    std::vector<int> expandChoices = {3, 4, 5, 6};
    std::optional<arch::FeatureMix> featureMix;  // none in MCUNet's space
    int numClasses = 1000;
    int inputChannels = 3;  // 1 for grayscale data (fashion-MNIST)
};

// MCUNet's space (DESIGN.md section 3).
SearchSpace mcunetSpace(int numClasses = 1000);
// MCUNet's choices with MobileNetV2's feature mix (a 1x1 convolution to
// 1280 x W channels before the pool). At small inputs (fashion-MNIST at 32 x 32)
// the last stages run at 1 x 1, and this layer is where a network turns spare
// Flash into accuracy (docs/search.md, "The spaces").
SearchSpace mcunetMixSpace(int numClasses = 1000);
// The same choices on MobileNetV2's widths (24, 32, 64, 96, 160, 320) with its
// feature mix: a second space for tests and comparisons.
SearchSpace mobileNetV2Space(int numClasses = 1000);

// The spaces by name: "mcunet", "mcunet-mix", "mbv2". Throws mcunet::Error
// naming the known ones for any other name.
SearchSpace spaceNamed(const std::string& name, int numClasses = 1000);
const std::vector<std::string>& spaceNames();

// Draws every choice uniformly.
arch::Architecture sample(const SearchSpace& s, int resolution, double width, std::mt19937_64& rng);
// The largest member (every choice at its maximum) and the smallest.
arch::Architecture largest(const SearchSpace& s, int resolution, double width);
arch::Architecture smallest(const SearchSpace& s, int resolution, double width);

}  // namespace mcunet::space
