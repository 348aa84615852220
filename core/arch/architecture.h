#pragma once
// The searchable description of an MCUNet / MobileNetV2-style network
// (shared/DESIGN.md section 3): an input resolution R, a width multiplier W,
// a stem conv, a first expand-1 block, stages of MBConv blocks, an optional
// feature-mix 1x1 conv and a classifier. Channel counts are stored as *base*
// widths (at W = 1.0); scaledChannels() applies W the way the published
// networks do, so changing W in the editor rescales every layer consistently.
#include <optional>
#include <string>
#include <vector>

namespace mcunet::arch {

struct Block {
    int kernel = 3;  // depthwise kernel: 3, 5 or 7
    int expand = 6;  // expand ratio of the 1x1 expansion conv
    bool operator==(const Block&) const = default;
};

struct Stage {
    int baseChannels = 24;  // output channels at W = 1.0
    int stride = 2;         // carried by the stage's first block
    std::vector<Block> blocks;
    bool operator==(const Stage&) const = default;
};

struct FeatureMix {
    int baseChannels = 1280;
    bool scaleWithWidth = true;  // mcunet zoo: scaled by W; MobileNetV2 paper: 1280 for W < 1
    bool operator==(const FeatureMix&) const = default;
};

struct Architecture {
    std::string name;
    int resolution = 224;
    double width = 1.0;
    int inputChannels = 3;
    int numClasses = 1000;
    int stemBaseChannels = 32;
    int stemKernel = 3;
    int stemStride = 2;
    int firstBlockBaseChannels = 16;
    int firstBlockKernel = 3;
    std::vector<Stage> stages;
    std::optional<FeatureMix> featureMix;

    int blockCount() const;  // MBConv blocks in the stages (the first block not counted)
    bool operator==(const Architecture&) const = default;
};

// Channels for a base width at multiplier W: rounded to a multiple of 8 (half
// up), never below 90% of the exact value, at least 8 (the make-divisible rule
// of MobileNetV2, ProxylessNAS, Once-for-All and MCUNet).
int scaledChannels(int baseChannels, double width);

// Concrete channel counts of an architecture, computed once.
int stemChannels(const Architecture& a);
int firstBlockChannels(const Architecture& a);
int stageChannels(const Architecture& a, int stage);
int featureMixChannels(const Architecture& a);  // 0 when there is none

// Throws mcunet::Error naming the first bad field and value.
void validate(const Architecture& a);

}  // namespace mcunet::arch
