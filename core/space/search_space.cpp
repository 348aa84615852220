#include "space/search_space.h"

#include <algorithm>
#include <cstdio>

#include "common/error.h"

namespace mcunet::space {

SearchSpace mcunetSpace(int numClasses) {
    SearchSpace s;
    s.numClasses = numClasses;
    return s;
}

SearchSpace mcunetMixSpace(int numClasses) {
    SearchSpace s = mcunetSpace(numClasses);
    s.name = "mcunet-mix";
    s.featureMix = arch::FeatureMix{1280, true};
    return s;
}

SearchSpace mobileNetV2Space(int numClasses) {
    SearchSpace s;
    s.name = "mbv2";
    s.stageBaseChannels = {24, 32, 64, 96, 160, 320};
    s.featureMix = arch::FeatureMix{1280, true};
    s.numClasses = numClasses;
    return s;
}

const std::vector<std::string>& spaceNames() {
    static const std::vector<std::string> names{"mcunet", "mcunet-mix", "mbv2"};
    return names;
}

SearchSpace spaceNamed(const std::string& name, int numClasses) {
    if (name == "mcunet") return mcunetSpace(numClasses);
    if (name == "mcunet-mix") return mcunetMixSpace(numClasses);
    if (name == "mbv2") return mobileNetV2Space(numClasses);
    throw Error("search space \"" + name.substr(0, 40) + "\" is not one of mcunet, mcunet-mix, mbv2");
}

namespace {

template <typename Pick>
arch::Architecture build(const SearchSpace& s, int resolution, double width, Pick pick) {
    arch::Architecture a;
    char name[64];
    std::snprintf(name, sizeof name, "%s-r%d-w%.2f", s.name.c_str(), resolution, width);
    a.name = name;
    a.resolution = resolution;
    a.width = width;
    a.numClasses = s.numClasses;
    a.inputChannels = s.inputChannels;
    a.stemBaseChannels = s.stemBaseChannels;
    a.firstBlockBaseChannels = s.firstBlockBaseChannels;
    a.featureMix = s.featureMix;
    a.stages.resize(s.stageBaseChannels.size());
    for (std::size_t i = 0; i < s.stageBaseChannels.size(); ++i) {
        arch::Stage& st = a.stages[i];
        st.baseChannels = s.stageBaseChannels[i];
        st.stride = s.stageStrides[i];
        const int depth = pick(s.depthChoices[i]);
        st.blocks.resize(static_cast<std::size_t>(depth));
        for (arch::Block& b : st.blocks) {
            b.kernel = pick(s.kernelChoices);
            b.expand = pick(s.expandChoices);
        }
    }
    return a;
}

}  // namespace

arch::Architecture sample(const SearchSpace& s, int resolution, double width, std::mt19937_64& rng) {
    return build(s, resolution, width, [&rng](const std::vector<int>& choices) {
        return choices[static_cast<std::size_t>(rng() % choices.size())];
    });
}

arch::Architecture largest(const SearchSpace& s, int resolution, double width) {
    return build(s, resolution, width,
                 [](const std::vector<int>& c) { return *std::max_element(c.begin(), c.end()); });
}

arch::Architecture smallest(const SearchSpace& s, int resolution, double width) {
    return build(s, resolution, width,
                 [](const std::vector<int>& c) { return *std::min_element(c.begin(), c.end()); });
}

}  // namespace mcunet::space
