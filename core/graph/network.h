#pragma once
// What a trained model is, as a description its layer graph is built from:
// an MBConv architecture (the family the search explores, arch::Architecture)
// or a keyword-spotting DS-CNN (graph/ds_cnn.h) over MFCC features. Every
// layer after the description (training, quantization, code generation,
// planners, boards) works on the graph; only the few places that need to know
// the family (the search, the input's kind) ask it. JSON:
// docs/model-format.md ("network").
#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json_fwd.hpp>

#include "arch/architecture.h"
#include "graph/ds_cnn.h"
#include "graph/graph.h"

namespace mcunet::graph {

// What the input tensor holds: an 8-bit picture, or MFCC v1 features as an
// 8-bit picture of frames x coefficients (docs/audio.md).
enum class InputKind { Image, Mfcc };

class Network {
public:
    Network() = default;
    Network(arch::Architecture a);  // NOLINT(google-explicit-constructor): an architecture is a network
    static Network dsCnn(const DsCnnShape& shape, std::string name);

    // "mbconv" or "ds-cnn".
    std::string family() const;
    bool isArchitecture() const { return std::holds_alternative<arch::Architecture>(spec_); }
    // The MBConv architecture; throws mcunet::Error naming the family when it is another.
    const arch::Architecture& architecture() const;
    arch::Architecture& architecture();
    const DsCnnShape* dsCnnShape() const { return std::get_if<DsCnnShape>(&spec_); }

    const std::string& name() const;
    void setName(const std::string& name);
    int inputHeight() const;
    int inputWidth() const;
    int inputChannels() const;
    InputKind inputKind() const;
    int numClasses() const;
    void setNumClasses(int classes);

    // The layer graph (throws mcunet::Error for a description out of range).
    Graph build() const;
    // Throws mcunet::Error naming the first bad field.
    void validate() const;

    bool operator==(const Network& o) const { return spec_ == o.spec_ && dsName_ == o.dsName_; }

private:
    std::variant<arch::Architecture, DsCnnShape> spec_;
    std::string dsName_;  // the DS-CNN's name (an architecture carries its own)
};

// {"family": "mbconv", "architecture": {...}} or
// {"family": "ds-cnn", "name": ..., "frames": 49, "coefficients": 10,
//  "kernel_h": 10, "kernel_w": 4, "filters": 64, "blocks": 4, "classes": 12}.
nlohmann::json toJson(const Network& n);
// Validates; errors name the JSON path under `path` ("network.filters: ...").
Network networkFromJson(const nlohmann::json& j, const std::string& path);

// The named keyword-spotting networks (`mcunet train --preset`): "ds-cnn"
// (MLPerf Tiny's: 64 filters, 4 blocks) and "ds-cnn-s" (32 filters, 3 blocks),
// for `classes` classes. nullopt for another name.
std::optional<Network> keywordPreset(const std::string& name, int classes = 12);
std::string keywordPresetNames();  // "ds-cnn, ds-cnn-s"

std::string inputKindName(InputKind k);  // "image", "mfcc-v1"

}  // namespace mcunet::graph
