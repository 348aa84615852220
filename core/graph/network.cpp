#include "graph/network.h"

#include <nlohmann/json.hpp>

#include "arch/architecture_json.h"
#include "common/error.h"
#include "common/json_read.h"
#include "common/safe_text.h"
#include "graph/build.h"

namespace mcunet::graph {

using nlohmann::json;

Network::Network(arch::Architecture a) : spec_(std::move(a)) {}

Network Network::dsCnn(const DsCnnShape& shape, std::string name) {
    Network n;
    n.spec_ = shape;
    n.dsName_ = std::move(name);
    return n;
}

std::string Network::family() const { return isArchitecture() ? "mbconv" : "ds-cnn"; }

const arch::Architecture& Network::architecture() const {
    if (const auto* a = std::get_if<arch::Architecture>(&spec_)) return *a;
    throw Error(name() + " is a " + family() + " network, not an MBConv architecture (the search and the design editor take MBConv networks)");
}

arch::Architecture& Network::architecture() {
    return const_cast<arch::Architecture&>(static_cast<const Network*>(this)->architecture());
}

const std::string& Network::name() const {
    if (const auto* a = std::get_if<arch::Architecture>(&spec_)) return a->name;
    return dsName_;
}

void Network::setName(const std::string& name) {
    if (auto* a = std::get_if<arch::Architecture>(&spec_)) a->name = name;
    else dsName_ = name;
}

int Network::inputHeight() const {
    if (const auto* a = std::get_if<arch::Architecture>(&spec_)) return a->resolution;
    return std::get<DsCnnShape>(spec_).frames;
}

int Network::inputWidth() const {
    if (const auto* a = std::get_if<arch::Architecture>(&spec_)) return a->resolution;
    return std::get<DsCnnShape>(spec_).coefficients;
}

int Network::inputChannels() const {
    if (const auto* a = std::get_if<arch::Architecture>(&spec_)) return a->inputChannels;
    return 1;
}

InputKind Network::inputKind() const { return isArchitecture() ? InputKind::Image : InputKind::Mfcc; }

int Network::numClasses() const {
    if (const auto* a = std::get_if<arch::Architecture>(&spec_)) return a->numClasses;
    return std::get<DsCnnShape>(spec_).classes;
}

void Network::setNumClasses(int classes) {
    if (auto* a = std::get_if<arch::Architecture>(&spec_)) a->numClasses = classes;
    else std::get<DsCnnShape>(spec_).classes = classes;
}

Graph Network::build() const {
    if (const auto* a = std::get_if<arch::Architecture>(&spec_)) return buildGraph(*a);
    return buildDsCnn(std::get<DsCnnShape>(spec_));
}

void Network::validate() const {
    if (const auto* a = std::get_if<arch::Architecture>(&spec_)) return arch::validate(*a);
    safe_text::check(dsName_, "name");
    (void)buildDsCnn(std::get<DsCnnShape>(spec_));
}

json toJson(const Network& n) {
    if (n.isArchitecture()) return {{"family", "mbconv"}, {"architecture", arch::toJson(n.architecture())}};
    const DsCnnShape& s = *n.dsCnnShape();
    return {{"family", "ds-cnn"}, {"name", n.name()}, {"frames", s.frames}, {"coefficients", s.coefficients},
            {"kernel_h", s.kernelH}, {"kernel_w", s.kernelW}, {"filters", s.filters}, {"blocks", s.blocks},
            {"classes", s.classes}};
}

Network networkFromJson(const json& j, const std::string& path) {
    if (!j.is_object()) throw Error(path + ": expected an object");
    const std::string family = json_read::string(j, "family", path);
    if (family == "mbconv") {
        json_read::onlyKeys(j, {"family", "architecture"}, path);
        try {
            return Network(arch::fromJson(json_read::object(j, "architecture", path)));
        } catch (const Error& e) {
            const std::string what = e.what(), prefix = json_read::join(path, "architecture");
            throw Error(what.rfind(prefix, 0) == 0 ? what : prefix + "." + what);
        }
    }
    if (family != "ds-cnn")
        throw Error(json_read::join(path, "family") + ": \"" + safe_text::forTerminal(family.substr(0, 40)) +
                    "\" is not a network family (mbconv, ds-cnn)");
    json_read::onlyKeys(j, {"family", "name", "frames", "coefficients", "kernel_h", "kernel_w", "filters", "blocks", "classes"}, path);
    DsCnnShape s;
    auto field = [&](const char* key, int lo, int hi) { return static_cast<int>(json_read::integerIn(j, key, path, lo, hi)); };
    s.frames = field("frames", 1, 256);
    s.coefficients = field("coefficients", 1, 256);
    s.kernelH = field("kernel_h", 1, 256);
    s.kernelW = field("kernel_w", 1, 256);
    s.filters = field("filters", 1, 256);
    s.blocks = field("blocks", 0, 16);
    s.classes = field("classes", 2, 1000);
    const std::string name = json_read::string(j, "name", path);
    safe_text::check(name, json_read::join(path, "name"));
    Network n = Network::dsCnn(s, name);
    n.validate();
    return n;
}

std::optional<Network> keywordPreset(const std::string& name, int classes) {
    DsCnnShape s;
    s.classes = classes;
    if (name == "ds-cnn") return Network::dsCnn(s, name);
    if (name == "ds-cnn-s") {
        s.filters = 32;
        s.blocks = 3;
        return Network::dsCnn(s, name);
    }
    return std::nullopt;
}

std::string keywordPresetNames() { return "ds-cnn, ds-cnn-s"; }

std::string inputKindName(InputKind k) { return k == InputKind::Image ? "image" : "mfcc-v1"; }

}  // namespace mcunet::graph
