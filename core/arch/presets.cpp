#include "arch/presets.h"

#include <cmath>
#include <cstdio>
#include <regex>

#include "common/error.h"

namespace mcunet::arch {

namespace {

// Blocks written as DESIGN.md writes them: k7e3 = kernel 7, expand 3.
Stage stage(int channels, int stride, std::initializer_list<Block> blocks) {
    return Stage{channels, stride, std::vector<Block>(blocks)};
}

Architecture mcunetBase(const std::string& name, int resolution, double width, int classes) {
    Architecture a;
    a.name = name;
    a.resolution = resolution;
    a.width = width;
    a.numClasses = classes;
    a.stemBaseChannels = 32;
    a.firstBlockBaseChannels = 16;
    a.featureMix.reset();  // MCUNet's networks pool straight into the classifier
    return a;
}

Architecture mcunetIn3() {
    Architecture a = mcunetBase("mcunet-in3", 176, 0.5, 1000);
    a.stages = {
        stage(24, 2, {{7, 3}, {3, 5}, {7, 5}, {5, 4}}),
        stage(40, 2, {{5, 5}, {5, 5}, {5, 5}}),
        stage(80, 2, {{3, 5}, {7, 6}, {5, 4}}),
        stage(96, 1, {{5, 5}, {7, 5}, {3, 5}}),
        stage(192, 2, {{3, 6}, {7, 5}, {3, 4}}),
        stage(320, 1, {{7, 5}}),
    };
    return a;
}

Architecture mcunetVww1() {
    Architecture a = mcunetBase("mcunet-vww1", 80, 0.5, 2);
    a.stages = {
        stage(24, 2, {{3, 6}, {3, 3}, {3, 3}}),
        stage(40, 2, {{7, 3}, {3, 6}, {5, 5}}),
        stage(80, 2, {{7, 6}, {7, 6}}),
        stage(96, 1, {{3, 6}, {3, 4}}),
        stage(192, 2, {{5, 5}, {3, 5}, {3, 4}}),
        stage(320, 1, {{7, 3}}),
    };
    return a;
}

std::string formatWidth(double w) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", w);
    std::string s(buf);
    while (s.size() > 3 && s.back() == '0') s.pop_back();  // 0.50 -> 0.5, 1.00 -> 1.0
    return s;
}

}  // namespace

// Both families share the stem (32), first block (16) and a feature mix of
// 1280 scaled by W (mcunet zoo convention).
static Architecture familyBase(const std::string& family, double width, int resolution, int numClasses) {
    Architecture a = mcunetBase(family + "-w" + formatWidth(width) + "-r" + std::to_string(resolution),
                                resolution, width, numClasses);
    a.featureMix = FeatureMix{1280, true};
    return a;
}

Architecture mobileNetV2(double width, int resolution, int numClasses) {
    Architecture a = familyBase("mbv2", width, resolution, numClasses);
    auto repeat = [](int n) { return std::vector<Block>(static_cast<std::size_t>(n), Block{3, 6}); };
    a.stages = {
        Stage{24, 2, repeat(2)}, Stage{32, 2, repeat(3)},  Stage{64, 2, repeat(4)},
        Stage{96, 1, repeat(3)}, Stage{160, 2, repeat(3)}, Stage{320, 1, repeat(1)},
    };
    return a;
}

Architecture proxylessMobile(double width, int resolution, int numClasses) {
    Architecture a = familyBase("proxyless", width, resolution, numClasses);
    // ProxylessNAS-Mobile (Cai et al., ICLR 2019), its published block list
    // (proxyless_mobile.config) with the two zero (skipped) blocks of the
    // second stage left out. The zoo's width variants round 192 x 0.3 to 64
    // where make-divisible gives 56; we apply the one rule everywhere.
    a.stages = {
        stage(32, 2, {{5, 3}, {3, 3}}),
        stage(40, 2, {{7, 3}, {3, 3}, {5, 3}, {5, 3}}),
        stage(80, 2, {{7, 6}, {5, 3}, {5, 3}, {5, 3}}),
        stage(96, 1, {{5, 6}, {5, 3}, {5, 3}, {5, 3}}),
        stage(192, 2, {{7, 6}, {7, 6}, {7, 3}, {7, 3}}),
        stage(320, 1, {{7, 6}}),
    };
    return a;
}

std::vector<PresetInfo> listPresets() {
    return {
        {"mcunet-in3", "MCUNet ImageNet 320kB-1MB: R176 W0.5, 1000 classes"},
        {"mcunet-vww1", "MCUNet visual wake words: R80 W0.5, 2 classes"},
        {"mbv2-w0.35-r144", "MobileNetV2 W0.35 @144 (mcunet zoo, feature mix 448)"},
        {"mbv2-w1.0-r224", "MobileNetV2 W1.0 @224"},
        {"mbv2-w{W}-r{R}", "MobileNetV2 at any width W and resolution R"},
        {"proxyless-w0.3-r176", "ProxylessNAS-Mobile W0.3 @176 (mcunet zoo)"},
        {"proxyless-w1.0-r224", "ProxylessNAS-Mobile W1.0 @224"},
        {"proxyless-w{W}-r{R}", "ProxylessNAS-Mobile at any width W and resolution R"},
    };
}

Architecture preset(const std::string& name) {
    if (name == "mcunet-in3") return mcunetIn3();
    if (name == "mcunet-vww1") return mcunetVww1();
    static const std::regex family(R"(^(mbv2|proxyless)-w([0-9]+(\.[0-9]+)?)-r([0-9]+)$)");
    std::smatch m;
    if (std::regex_match(name, m, family)) {
        if (m[4].str().size() > 5 || m[2].str().size() > 8)
            throw Error("preset " + name.substr(0, 60) + ": resolution or width is out of range (resolution 8 to 1024, width 0.05 to 4.0)");
        const double width = std::stod(m[2].str());
        const long resolution = std::stol(m[4].str());
        Architecture a = m[1].str() == "mbv2" ? mobileNetV2(width, static_cast<int>(resolution))
                                              : proxylessMobile(width, static_cast<int>(resolution));
        a.name = name;
        try {
            validate(a);
        } catch (const Error& e) {
            throw Error("preset " + name + ": " + e.what());
        }
        return a;
    }
    throw Error("unknown preset \"" + name +
                "\" (known: mcunet-in3, mcunet-vww1, mbv2-w{W}-r{R}, proxyless-w{W}-r{R}; "
                "see `mcunet presets`)");
}

}  // namespace mcunet::arch
