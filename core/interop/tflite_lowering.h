#pragma once
// How each TF Lite operator becomes part of the layer graph, or exactly why
// it cannot yet (docs/tflite-import.md). One function per builtin op, found
// through one table (tflite_lowering.cpp, `kLowerings`): it checks everything
// the op depends on (types, shapes, options, quantization, fused activation)
// and, when the op fits, says which graph op it becomes with its weights
// already in our layout. The coverage report and the graph builder both read
// its result, so what the report calls supported is exactly what is built.
#include <optional>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "interop/tflite_file.h"
#include "quant/model.h"

namespace mcunet::interop::tflite {

// What one operator becomes.
struct Lowered {
    enum class Form {
        Unsupported,  // `detail` says why (every reason found, "; "-separated)
        Layer,        // one graph op, below
        Alias,        // no op: the output is the input's data unchanged (a flattening RESHAPE)
        Edge,         // QUANTIZE of the model's float/uint8 input, DEQUANTIZE to its float output:
                      // the int8 side becomes the graph's input or output (inputs[0] -> output)
    };
    Form form = Form::Unsupported;
    std::string detail;  // supported: what it maps to and how; unsupported: why not
    // Layer:
    graph::OpKind kind = graph::OpKind::Conv2D;
    int outChannels = 1;
    graph::PoolWindow window;  // convolutions (kernel, strides, SAME or VALID), MaxPool, AveragePool2D
    int padTop = 0, padBottom = 0, padLeft = 0, padRight = 0;  // Pad
    bool keepDims = true;                            // Mean
    graph::Activation activation = graph::Activation::None;
    std::vector<int> inputs;  // file tensors the graph op reads (Alias: inputs[0] is the source)
    int output = -1;          // file tensor it writes
    // Weights in our layout (quant/model.h), int32 bias, weight scales and the
    // output clamp; the requantization multipliers are derived from the scales
    // once the whole model is built (quant::deriveRequantization).
    quant::OpQuant quant;
};

// The whole model: one entry per file operator, and what blocks or qualifies
// the model as a whole.
struct Analysis {
    std::vector<Lowered> ops;
    // The file tensors that become the graph's input and output: the model's
    // own, or the int8 side of a QUANTIZE / DEQUANTIZE at the edge.
    int input = -1, output = -1;
    std::vector<std::string> modelIssues;  // blocking problems not tied to one operator
    std::vector<std::string> notes;        // facts that block nothing
};

Analysis analyze(const File& f);

// Throws mcunet::Error naming the file when the model computes in float (a
// float model or a dynamic-range one): it must be quantized to int8 first,
// and the message says how.
void requireInt8(const File& f);

// A tensor as one of the graph's activations: int8, quantized per tensor,
// batch 1, rank 1, 2 or 4 (NHWC). Empty, with the reason in `why`, otherwise.
struct ActivationTensor {
    graph::Shape hwc;
    quant::TensorQuant quant;
};
std::optional<ActivationTensor> activationTensor(const File& f, int tensor, std::string& why);

}  // namespace mcunet::interop::tflite
