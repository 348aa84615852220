#pragma once
// A .tflite file read into plain structs, checked before anything else looks
// at it (docs/tflite-import.md): the flatbuffer is verified (every offset and
// size inside the file) before the first access, then every index (tensor,
// buffer, operator code) is range-checked, every constant buffer's size is
// checked against its tensor's shape and type, and absurd shapes are refused.
// Nothing here decides whether the model is supported: that is the coverage
// report's job (tflite_lowering.h); this only guarantees that what it hands on
// is internally consistent, so later stages index without further checks.
//
// Every problem is an mcunet::Error whose message starts with the file's
// name and names the field ("m.tflite: tensor 7 \"conv/w\": shape[2] = -3").
#include <cstdint>
#include <string>
#include <vector>

namespace mcunet::interop::tflite {

// The largest file read (a microcontroller model is far smaller; the largest
// boards have 2 MB of Flash).
inline constexpr std::size_t kMaxFileBytes = std::size_t(64) << 20;
// A tensor dimension above this (16M) or an element count above kMaxElements
// is refused as absurd before any size is computed from it.
inline constexpr std::int64_t kMaxDimension = std::int64_t(1) << 24;
inline constexpr std::int64_t kMaxElements = (std::int64_t(1) << 31) - 1;

struct Quantization {
    std::vector<float> scales;            // empty: not quantized
    std::vector<std::int64_t> zeroPoints; // as many as scales
    int quantizedDimension = 0;           // the axis per-channel scales run along
};

struct Tensor {
    std::string name;
    std::vector<int> shape;   // every dimension in [0, kMaxDimension]
    int type = 0;             // TF Lite TensorType (tflite_names.h)
    int buffer = 0;           // index into File::buffers (0: the empty sentinel)
    Quantization quant;
    bool isVariable = false;
    std::int64_t elements() const;
};

// Fused activations and padding keep TF Lite's codes.
enum class Padding { Same = 0, Valid = 1 };
inline constexpr int kActNone = 0, kActRelu = 1, kActReluN1To1 = 2, kActRelu6 = 3;

// The builtin options the importer reads, flattened. `present` is false when
// the operator carries no options table of the type its op code needs.
struct Options {
    bool present = false;
    int padding = 0;          // Padding code as stored (other values are reported)
    int strideW = 1, strideH = 1;
    int dilationW = 1, dilationH = 1;
    int depthMultiplier = 1;
    int filterW = 0, filterH = 0;
    int activation = kActNone;
    int weightsFormat = 0;    // FULLY_CONNECTED: 0 default, 1 shuffled
    bool keepNumDims = false;
    bool keepDims = false;    // MEAN and the other reducers
    float beta = 1.0f;        // SOFTMAX
    int axis = 0;             // CONCATENATION
    std::vector<int> newShape;  // RESHAPE
};

struct Operator {
    int builtin = 0;          // BuiltinOperator code (the larger of the file's two fields)
    std::string customCode;   // CUSTOM ops only
    int version = 1;
    std::vector<int> inputs;  // tensor indices; -1 marks an optional input left out
    std::vector<int> outputs; // tensor indices, never -1
    Options options;
};

struct File {
    std::string name;         // the path or name errors and reports use
    std::uint32_t schemaVersion = 3;
    std::string description;
    int subgraphs = 1;        // only subgraph 0 is read
    std::vector<Tensor> tensors;
    std::vector<std::vector<std::uint8_t>> buffers;  // constant data (little-endian); [0] is empty
    std::vector<Operator> operators;                 // in execution order
    std::vector<int> inputs, outputs;                // subgraph 0's

    // The tensor's constant data (empty for activations).
    const std::vector<std::uint8_t>& data(int tensor) const;
    bool isConstant(int tensor) const { return !data(tensor).empty(); }
};

// Checks the indices of a File built or edited elsewhere (every tensor,
// buffer and operator reference in range, constant data the right size):
// what parseTflite guarantees. Throws mcunet::Error naming the field.
void checkFile(const File& f);

// Parses and checks `bytes`; `name` prefixes every error message.
File parseTflite(const std::vector<std::uint8_t>& bytes, const std::string& name);
// Reads the file (at most kMaxFileBytes; a directory, an empty file or a
// device is refused by name) and parses it.
File readTflite(const std::string& path);
// The file's bytes, read the same bounded way (for callers that keep them).
std::vector<std::uint8_t> readTfliteBytes(const std::string& path);

}  // namespace mcunet::interop::tflite
