#include "arch/architecture_json.h"

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/json_read.h"

namespace mcunet::arch {

using nlohmann::json;
namespace jr = mcunet::json_read;

static constexpr const char* kFormat = "mcunet-architecture";

json toJson(const Architecture& a) {
    json stages = json::array();
    for (const Stage& s : a.stages) {
        json blocks = json::array();
        for (const Block& b : s.blocks) blocks.push_back({{"kernel", b.kernel}, {"expand", b.expand}});
        stages.push_back({{"channels", s.baseChannels}, {"stride", s.stride}, {"blocks", blocks}});
    }
    json doc = {
        {"format", kFormat},
        {"schema_version", kArchitectureSchemaVersion},
        {"name", a.name},
        {"resolution", a.resolution},
        {"width_multiplier", a.width},
        {"input_channels", a.inputChannels},
        {"num_classes", a.numClasses},
        {"stem", {{"channels", a.stemBaseChannels}, {"kernel", a.stemKernel}, {"stride", a.stemStride}}},
        {"first_block", {{"channels", a.firstBlockBaseChannels}, {"kernel", a.firstBlockKernel}}},
        {"stages", stages},
    };
    if (a.featureMix)
        doc["feature_mix"] = {{"channels", a.featureMix->baseChannels},
                              {"scale_with_width", a.featureMix->scaleWithWidth}};
    else
        doc["feature_mix"] = nullptr;
    return doc;
}

static int intField(const json& o, const std::string& key, const std::string& path) {
    std::int64_t v = jr::integer(o, key, path);
    if (v < -1000000000 || v > 1000000000)
        throw Error(jr::join(path, key) + ": " + std::to_string(v) + " is out of range");
    return static_cast<int>(v);
}

Architecture fromJson(const json& doc) {
    jr::onlyKeys(doc, {"format", "schema_version", "name", "resolution", "width_multiplier",
                       "input_channels", "num_classes", "stem", "first_block", "stages",
                       "feature_mix"},
                 "");
    if (jr::has(doc, "format") && jr::string(doc, "format", "") != kFormat)
        throw Error("format: \"" + jr::string(doc, "format", "") + "\" is not \"" + kFormat + "\"");
    const std::int64_t version = jr::integer(doc, "schema_version", "");
    if (version != kArchitectureSchemaVersion)
        throw Error("schema_version: " + std::to_string(version) +
                    " is not supported (this build reads version " +
                    std::to_string(kArchitectureSchemaVersion) + ")");
    Architecture a;
    a.name = jr::has(doc, "name") ? jr::string(doc, "name", "") : std::string();
    a.resolution = intField(doc, "resolution", "");
    a.width = jr::number(doc, "width_multiplier", "");
    a.inputChannels = jr::has(doc, "input_channels") ? intField(doc, "input_channels", "") : 3;
    a.numClasses = intField(doc, "num_classes", "");

    const json& stem = jr::object(doc, "stem", "");
    jr::onlyKeys(stem, {"channels", "kernel", "stride"}, "stem");
    a.stemBaseChannels = intField(stem, "channels", "stem");
    a.stemKernel = jr::has(stem, "kernel") ? intField(stem, "kernel", "stem") : 3;
    a.stemStride = jr::has(stem, "stride") ? intField(stem, "stride", "stem") : 2;

    const json& first = jr::object(doc, "first_block", "");
    jr::onlyKeys(first, {"channels", "kernel"}, "first_block");
    a.firstBlockBaseChannels = intField(first, "channels", "first_block");
    a.firstBlockKernel = jr::has(first, "kernel") ? intField(first, "kernel", "first_block") : 3;

    const json& stages = jr::array(doc, "stages", "");
    for (std::size_t i = 0; i < stages.size(); ++i) {
        const std::string p = jr::index("stages", i);
        jr::onlyKeys(stages[i], {"channels", "stride", "blocks"}, p);
        Stage s;
        s.baseChannels = intField(stages[i], "channels", p);
        s.stride = intField(stages[i], "stride", p);
        const json& blocks = jr::array(stages[i], "blocks", p);
        for (std::size_t j = 0; j < blocks.size(); ++j) {
            const std::string bp = jr::index(p + ".blocks", j);
            jr::onlyKeys(blocks[j], {"kernel", "expand"}, bp);
            s.blocks.push_back(Block{intField(blocks[j], "kernel", bp), intField(blocks[j], "expand", bp)});
        }
        a.stages.push_back(std::move(s));
    }
    if (jr::has(doc, "feature_mix") && !doc.at("feature_mix").is_null()) {
        const json& mix = jr::object(doc, "feature_mix", "");
        jr::onlyKeys(mix, {"channels", "scale_with_width"}, "feature_mix");
        FeatureMix m;
        m.baseChannels = intField(mix, "channels", "feature_mix");
        m.scaleWithWidth = jr::has(mix, "scale_with_width")
                               ? jr::boolean(mix, "scale_with_width", "feature_mix")
                               : true;
        a.featureMix = m;
    }
    validate(a);
    return a;
}

Architecture loadArchitecture(const std::string& filePath) {
    json doc = jr::parseFile(filePath);
    try {
        return fromJson(doc);
    } catch (const Error& e) {
        throw Error(filePath + ": " + e.what());
    }
}

void saveArchitecture(const Architecture& a, const std::string& filePath) {
    validate(a);
    jr::writeFileAtomically(filePath, toJson(a).dump(2) + "\n");
}

}  // namespace mcunet::arch
