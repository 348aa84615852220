#include "arch/architecture.h"

#include "common/safe_text.h"

#include <cmath>
#include <sstream>

#include "common/error.h"

namespace mcunet::arch {

int Architecture::blockCount() const {
    int n = 0;
    for (const auto& s : stages) n += static_cast<int>(s.blocks.size());
    return n;
}

int scaledChannels(int baseChannels, double width) {
    const double exact = baseChannels * width;
    // Round half up to a multiple of 8 (the +4 then floor of make_divisible).
    int rounded = static_cast<int>(std::floor((exact + 4.0) / 8.0)) * 8;
    if (rounded < 8) rounded = 8;
    if (rounded < 0.9 * exact) rounded += 8;
    return rounded;
}

int stemChannels(const Architecture& a) { return scaledChannels(a.stemBaseChannels, a.width); }
int firstBlockChannels(const Architecture& a) {
    return scaledChannels(a.firstBlockBaseChannels, a.width);
}
int stageChannels(const Architecture& a, int stage) {
    return scaledChannels(a.stages.at(static_cast<std::size_t>(stage)).baseChannels, a.width);
}
int featureMixChannels(const Architecture& a) {
    if (!a.featureMix) return 0;
    const FeatureMix& mix = *a.featureMix;
    if (!mix.scaleWithWidth) return mix.baseChannels;
    return scaledChannels(mix.baseChannels, a.width);
}

namespace {

void require(bool ok, const std::string& field, const std::string& value,
             const std::string& expectation) {
    if (!ok) throw Error(field + ": " + value + " " + expectation);
}

std::string str(double v) {
    std::ostringstream os;
    os << v;
    return os.str();
}

void checkKernel(int k, const std::string& field) {
    require(k == 1 || k == 3 || k == 5 || k == 7, field, std::to_string(k),
            "is not a supported kernel size (1, 3, 5 or 7)");
}

}  // namespace

void validate(const Architecture& a) {
    // The name reaches generated C, plan.json and folder names.
    safe_text::check(a.name, "name");
    require(a.resolution >= 8 && a.resolution <= 1024, "resolution", std::to_string(a.resolution),
            "is out of range (8 to 1024)");
    require(std::isfinite(a.width) && a.width >= 0.05 && a.width <= 4.0, "width_multiplier",
            str(a.width), "is out of range (0.05 to 4.0)");
    require(a.inputChannels >= 1 && a.inputChannels <= 16, "input_channels",
            std::to_string(a.inputChannels), "is out of range (1 to 16)");
    require(a.numClasses >= 1 && a.numClasses <= 100000, "num_classes",
            std::to_string(a.numClasses), "is out of range (1 to 100000)");
    require(a.stemBaseChannels >= 1 && a.stemBaseChannels <= 4096, "stem.channels",
            std::to_string(a.stemBaseChannels), "is out of range (1 to 4096)");
    checkKernel(a.stemKernel, "stem.kernel");
    require(a.stemStride == 1 || a.stemStride == 2, "stem.stride", std::to_string(a.stemStride),
            "is not 1 or 2");
    require(a.firstBlockBaseChannels >= 1 && a.firstBlockBaseChannels <= 4096,
            "first_block.channels", std::to_string(a.firstBlockBaseChannels),
            "is out of range (1 to 4096)");
    checkKernel(a.firstBlockKernel, "first_block.kernel");
    require(a.firstBlockKernel != 1, "first_block.kernel", "1", "is not a depthwise kernel size");
    require(!a.stages.empty() && a.stages.size() <= 12, "stages",
            std::to_string(a.stages.size()) + " stages", "(expected 1 to 12)");
    int spatial = a.resolution;
    spatial = (spatial + a.stemStride - 1) / a.stemStride;
    for (std::size_t i = 0; i < a.stages.size(); ++i) {
        const Stage& s = a.stages[i];
        const std::string p = "stages[" + std::to_string(i) + "]";
        require(s.baseChannels >= 1 && s.baseChannels <= 8192, p + ".channels",
                std::to_string(s.baseChannels), "is out of range (1 to 8192)");
        require(s.stride == 1 || s.stride == 2, p + ".stride", std::to_string(s.stride),
                "is not 1 or 2");
        require(!s.blocks.empty() && s.blocks.size() <= 16, p + ".blocks",
                std::to_string(s.blocks.size()) + " blocks", "(expected 1 to 16)");
        for (std::size_t j = 0; j < s.blocks.size(); ++j) {
            const Block& b = s.blocks[j];
            const std::string bp = p + ".blocks[" + std::to_string(j) + "]";
            require(b.kernel == 3 || b.kernel == 5 || b.kernel == 7, bp + ".kernel",
                    std::to_string(b.kernel), "is not one of 3, 5, 7");
            require(b.expand >= 1 && b.expand <= 8, bp + ".expand", std::to_string(b.expand),
                    "is out of range (1 to 8)");
        }
        spatial = (spatial + s.stride - 1) / s.stride;
    }
    require(spatial >= 1, "resolution", std::to_string(a.resolution),
            "is too small for the strides of the stages");
    if (a.featureMix) {
        require(a.featureMix->baseChannels >= 1 && a.featureMix->baseChannels <= 8192,
                "feature_mix.channels", std::to_string(a.featureMix->baseChannels),
                "is out of range (1 to 8192)");
    }
}

}  // namespace mcunet::arch
