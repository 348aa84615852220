#include "interop/tflite_export.h"

#include <map>

#include "common/error.h"
#include "common/json_read.h"
#include "tflite_subset_generated.h"

namespace mcunet::interop {

namespace tfl = mcunet::tflite;
using graph::OpKind;

namespace {

class Writer {
public:
    explicit Writer(const quant::QuantizedModel& m) : m_(m) {
        buffers_.push_back(tfl::CreateBuffer(fb_));  // buffer 0: the empty sentinel TF Lite expects
    }

    // Index of the .tflite tensor for graph tensor t (activations, no data).
    int activation(int t) {
        auto it = activationIndex_.find(t);
        if (it != activationIndex_.end()) return it->second;
        const graph::Tensor& tensor = m_.graph.tensor(t);
        const quant::TensorQuant q = m_.tensors[static_cast<std::size_t>(t)];
        const std::vector<int> shape = flat(t) ? std::vector<int>{1, tensor.shape.c}
                                               : std::vector<int>{1, tensor.shape.h, tensor.shape.w, tensor.shape.c};
        const int index = add(tensor.name, shape, tfl::TensorType_INT8, 0, {q.scale}, {q.zeroPoint}, 0);
        activationIndex_[t] = index;
        return index;
    }

    // Written as [1, C]: a fully connected layer's output, and a softmax of
    // such a tensor (TF Lite's softmax keeps its input's shape).
    bool flat(int t) const {
        const graph::Tensor& tensor = m_.graph.tensor(t);
        if (tensor.shape.h != 1 || tensor.shape.w != 1 || tensor.producer < 0) return false;
        const graph::Op& producer = m_.graph.op(tensor.producer);
        if (producer.kind == OpKind::FullyConnected) return true;
        if (producer.kind == OpKind::Mean) return !producer.keepDims;  // MEAN without keep_dims: [1, C]
        return producer.kind == OpKind::Softmax && flat(producer.inputs[0]);
    }

    int constant(const std::string& name, const std::vector<int>& shape, tfl::TensorType type, const void* data,
                 std::size_t bytes, const std::vector<float>& scales, int quantizedDimension) {
        const auto vec = fb_.CreateVector(static_cast<const std::uint8_t*>(data), bytes);
        buffers_.push_back(tfl::CreateBuffer(fb_, vec));
        return add(name, shape, type, static_cast<std::uint32_t>(buffers_.size() - 1), scales,
                   std::vector<std::int64_t>(scales.size(), 0), quantizedDimension);
    }

    int plain(const std::string& name, const std::vector<int>& shape, quant::TensorQuant q) {
        return add(name, shape, tfl::TensorType_INT8, 0, {q.scale}, {q.zeroPoint}, 0);
    }

    int opcode(tfl::BuiltinOperator op, int version) {
        const auto key = std::make_pair(static_cast<int>(op), version);
        auto it = opcodeIndex_.find(key);
        if (it != opcodeIndex_.end()) return it->second;
        // Old readers (Arm NN 20.08) read only the deprecated byte; set both.
        opcodes_.push_back(tfl::CreateOperatorCode(fb_, static_cast<std::int8_t>(op), 0, version, op));
        const int index = static_cast<int>(opcodes_.size()) - 1;
        opcodeIndex_[key] = index;
        return index;
    }

    void op(tfl::BuiltinOperator code, int version, const std::vector<int>& inputs, const std::vector<int>& outputs,
            tfl::BuiltinOptions type, flatbuffers::Offset<void> options) {
        operators_.push_back(tfl::CreateOperator(fb_, static_cast<std::uint32_t>(opcode(code, version)),
                                                 fb_.CreateVector(inputs), fb_.CreateVector(outputs), type, options));
    }

    // Emits graph op i, reading `in` and writing `out` (tflite tensor indices).
    void emit(int i) {
        const graph::Graph& g = m_.graph;
        const graph::Op& op = g.op(i);
        const quant::OpQuant& q = m_.ops[static_cast<std::size_t>(i)];
        const graph::Shape is = g.tensor(op.inputs[0]).shape;
        const graph::Shape os = g.tensor(op.output).shape;
        const quant::TensorQuant tin = m_.tensors[static_cast<std::size_t>(op.inputs[0])];
        const auto act = op.activation == graph::Activation::ReLU6 ? tfl::ActivationFunctionType_RELU6
                         : op.activation == graph::Activation::ReLU ? tfl::ActivationFunctionType_RELU
                                                                    : tfl::ActivationFunctionType_NONE;
        auto biasTensor = [&](const std::vector<float>& weightScales) {
            std::vector<float> scales;
            for (float ws : weightScales) scales.push_back(tin.scale * ws);  // exactly s_in * s_w
            std::vector<float> perChannel = scales;
            if (perChannel.size() == 1 && q.bias.size() > 1) perChannel.assign(q.bias.size(), scales[0]);
            return constant(op.name + "/bias", {static_cast<int>(q.bias.size())}, tfl::TensorType_INT32,
                            q.bias.data(), q.bias.size() * 4, scales.size() == 1 ? scales : perChannel, 0);
        };
        // A convolution is SAME unless its output is VALID's (smaller whenever SAME pads).
        const tfl::Padding convPadding =
            os.h == graph::sameOutputSize(is.h, op.stride) && os.w == graph::sameOutputSize(is.w, op.strideW)
                ? tfl::Padding_SAME
                : tfl::Padding_VALID;
        switch (op.kind) {
            case OpKind::Conv2D:
            case OpKind::PointwiseConv2D: {
                const int w = constant(op.name + "/weights", {os.c, op.kernel, op.kernelW, is.c}, tfl::TensorType_INT8,
                                       q.weights.data(), q.weights.size(), q.weightScales, 0);
                const int b = biasTensor(q.weightScales);
                const auto options = tfl::CreateConv2DOptions(fb_, convPadding, op.strideW, op.stride, act);
                this->op(tfl::BuiltinOperator_CONV_2D, 3, {activation(op.inputs[0]), w, b}, {activation(op.output)},
                         tfl::BuiltinOptions_Conv2DOptions, options.Union());
                break;
            }
            case OpKind::DepthwiseConv2D: {
                const int w = constant(op.name + "/weights", {1, op.kernel, op.kernelW, os.c}, tfl::TensorType_INT8,
                                       q.weights.data(), q.weights.size(), q.weightScales, 3);
                const int b = biasTensor(q.weightScales);
                const auto options =
                    tfl::CreateDepthwiseConv2DOptions(fb_, convPadding, op.strideW, op.stride, os.c / is.c, act);
                this->op(tfl::BuiltinOperator_DEPTHWISE_CONV_2D, 3, {activation(op.inputs[0]), w, b},
                         {activation(op.output)}, tfl::BuiltinOptions_DepthwiseConv2DOptions, options.Union());
                break;
            }
            case OpKind::Add: {
                const auto options = tfl::CreateAddOptions(fb_, act);
                this->op(tfl::BuiltinOperator_ADD, 2, {activation(op.inputs[0]), activation(op.inputs[1])},
                         {activation(op.output)}, tfl::BuiltinOptions_AddOptions, options.Union());
                break;
            }
            case OpKind::AveragePool: {
                const auto options =
                    tfl::CreatePool2DOptions(fb_, tfl::Padding_VALID, 1, 1, is.w, is.h, tfl::ActivationFunctionType_NONE);
                this->op(tfl::BuiltinOperator_AVERAGE_POOL_2D, 2, {activation(op.inputs[0])}, {activation(op.output)},
                         tfl::BuiltinOptions_Pool2DOptions, options.Union());
                break;
            }
            case OpKind::FullyConnected: {
                // [1,1,1,C] -> [1,C] first: every reader takes a 2-D input.
                const int n = static_cast<int>(is.elements());
                const int flat = plain(op.name + "/flatten", {1, n}, tin);
                const auto reshape = tfl::CreateReshapeOptions(fb_, fb_.CreateVector(std::vector<int>{1, n}));
                this->op(tfl::BuiltinOperator_RESHAPE, 1, {activation(op.inputs[0])}, {flat},
                         tfl::BuiltinOptions_ReshapeOptions, reshape.Union());
                const int w = constant(op.name + "/weights", {os.c, n}, tfl::TensorType_INT8, q.weights.data(),
                                       q.weights.size(), q.weightScales, 0);
                const int b = biasTensor(q.weightScales);
                const auto options = tfl::CreateFullyConnectedOptions(fb_, act);
                this->op(tfl::BuiltinOperator_FULLY_CONNECTED, 4, {flat, w, b}, {activation(op.output)},
                         tfl::BuiltinOptions_FullyConnectedOptions, options.Union());
                break;
            }
            case OpKind::Softmax: {
                const auto options = tfl::CreateSoftmaxOptions(fb_, 1.0f);
                this->op(tfl::BuiltinOperator_SOFTMAX, 1, {activation(op.inputs[0])}, {activation(op.output)},
                         tfl::BuiltinOptions_SoftmaxOptions, options.Union());
                break;
            }
            case OpKind::MaxPool:
            case OpKind::AveragePool2D:
            case OpKind::Mean:
            case OpKind::Pad:
            case OpKind::Concatenation:
            case OpKind::Mul: emitSimple(op, act); break;
        }
    }

    // The ops without weights of issue 12 (int8 versions: 2 each).
    void emitSimple(const graph::Op& op, tfl::ActivationFunctionType act) {
        const graph::Graph& g = m_.graph;
        const graph::Shape is = g.tensor(op.inputs[0]).shape;
        const graph::Shape os = g.tensor(op.output).shape;
        const int x = activation(op.inputs[0]), y = activation(op.output);
        switch (op.kind) {
            case OpKind::MaxPool:
            case OpKind::AveragePool2D: {
                // VALID when the graph pads nothing and keeps whole windows only
                // (where SAME gives the same output, the windows are the same), else SAME.
                const bool valid = op.padTop == 0 && op.padLeft == 0 && is.h >= op.kernel && is.w >= op.kernelW &&
                                   (is.h - op.kernel) / op.stride + 1 == os.h &&
                                   (is.w - op.kernelW) / op.strideW + 1 == os.w;
                const bool same = !valid;
                const auto options = tfl::CreatePool2DOptions(fb_, same ? tfl::Padding_SAME : tfl::Padding_VALID,
                                                              op.strideW, op.stride, op.kernelW, op.kernel, act);
                this->op(op.kind == OpKind::MaxPool ? tfl::BuiltinOperator_MAX_POOL_2D : tfl::BuiltinOperator_AVERAGE_POOL_2D,
                         2, {x}, {y}, tfl::BuiltinOptions_Pool2DOptions, options.Union());
                break;
            }
            case OpKind::Mean: {
                const std::vector<std::int32_t> axis{1, 2};
                const int a = constant(op.name + "/axis", {2}, tfl::TensorType_INT32, axis.data(), 8, {}, 0);
                const auto options = tfl::CreateReducerOptions(fb_, op.keepDims);
                this->op(tfl::BuiltinOperator_MEAN, 2, {x, a}, {y}, tfl::BuiltinOptions_ReducerOptions, options.Union());
                break;
            }
            case OpKind::Pad: {
                const std::vector<std::int32_t> pads{0, 0, op.padTop, os.h - is.h - op.padTop, op.padLeft,
                                                     os.w - is.w - op.padLeft, 0, 0};
                const int p = constant(op.name + "/paddings", {4, 2}, tfl::TensorType_INT32, pads.data(), 32, {}, 0);
                this->op(tfl::BuiltinOperator_PAD, 2, {x, p}, {y}, tfl::BuiltinOptions_PadOptions,
                         tfl::CreatePadOptions(fb_).Union());
                break;
            }
            case OpKind::Concatenation: {
                std::vector<int> inputs;
                for (int t : op.inputs) inputs.push_back(activation(t));
                const auto options = tfl::CreateConcatenationOptions(fb_, 3, tfl::ActivationFunctionType_NONE);
                this->op(tfl::BuiltinOperator_CONCATENATION, 2, inputs, {y}, tfl::BuiltinOptions_ConcatenationOptions,
                         options.Union());
                break;
            }
            case OpKind::Mul: {
                const auto options = tfl::CreateMulOptions(fb_, act);
                this->op(tfl::BuiltinOperator_MUL, 2, {x, activation(op.inputs[1])}, {y}, tfl::BuiltinOptions_MulOptions,
                         options.Union());
                break;
            }
            case OpKind::Conv2D:
            case OpKind::DepthwiseConv2D:
            case OpKind::PointwiseConv2D:
            case OpKind::Add:
            case OpKind::AveragePool:
            case OpKind::FullyConnected:
            case OpKind::Softmax: throw Error("export: " + op.name + ": not an op without weights");
        }
    }

    std::vector<std::uint8_t> finish(const std::vector<int>& inputs, const std::vector<int>& outputs,
                                     const std::string& description) {
        const auto subgraph = tfl::CreateSubGraph(fb_, fb_.CreateVector(tensors_), fb_.CreateVector(inputs),
                                                  fb_.CreateVector(outputs), fb_.CreateVector(operators_),
                                                  fb_.CreateString("main"));
        const auto model = tfl::CreateModel(fb_, 3, fb_.CreateVector(opcodes_),
                                            fb_.CreateVector(std::vector<flatbuffers::Offset<tfl::SubGraph>>{subgraph}),
                                            fb_.CreateString(description), fb_.CreateVector(buffers_));
        tfl::FinishModelBuffer(fb_, model);
        return {fb_.GetBufferPointer(), fb_.GetBufferPointer() + fb_.GetSize()};
    }

private:
    int add(const std::string& name, const std::vector<int>& shape, tfl::TensorType type, std::uint32_t buffer,
            const std::vector<float>& scales, const std::vector<std::int64_t>& zeroPoints, int quantizedDimension) {
        const auto quant = tfl::CreateQuantizationParameters(fb_, 0, 0, fb_.CreateVector(scales),
                                                             fb_.CreateVector(zeroPoints), tfl::QuantizationDetails_NONE,
                                                             0, quantizedDimension);
        tensors_.push_back(tfl::CreateTensor(fb_, fb_.CreateVector(shape), type, buffer, fb_.CreateString(name), quant));
        return static_cast<int>(tensors_.size()) - 1;
    }

    const quant::QuantizedModel& m_;
    flatbuffers::FlatBufferBuilder fb_{1 << 20};
    std::vector<flatbuffers::Offset<tfl::Tensor>> tensors_;
    std::vector<flatbuffers::Offset<tfl::Buffer>> buffers_;
    std::vector<flatbuffers::Offset<tfl::Operator>> operators_;
    std::vector<flatbuffers::Offset<tfl::OperatorCode>> opcodes_;
    std::map<std::pair<int, int>, int> opcodeIndex_;
    std::map<int, int> activationIndex_;
};

}  // namespace

std::vector<std::uint8_t> exportTflite(const quant::QuantizedModel& m, const std::string& description) {
    Writer w(m);
    const int input = w.activation(m.graph.input());
    for (int i = 0; i < m.graph.opCount(); ++i) w.emit(i);
    return w.finish({input}, {w.activation(m.graph.output())},
                    description.empty() ? std::string("MCUNet Studio int8 model") : description);
}

std::vector<std::uint8_t> exportTfliteLayer(const quant::QuantizedModel& m, int op) {
    if (op < 0 || op >= m.graph.opCount()) throw Error("export: no op " + std::to_string(op));
    Writer w(m);
    std::vector<int> inputs;
    for (int t : m.graph.op(op).inputs) inputs.push_back(w.activation(t));
    w.emit(op);
    return w.finish(inputs, {w.activation(m.graph.op(op).output)}, m.graph.op(op).name);
}

void writeTflite(const quant::QuantizedModel& m, const std::string& path) {
    const auto bytes = exportTflite(m);
    json_read::writeFileAtomically(path, std::string(bytes.begin(), bytes.end()));
}

TfliteSummary inspectTflite(const std::vector<std::uint8_t>& bytes) {
    flatbuffers::Verifier verifier(bytes.data(), bytes.size());
    if (bytes.size() < 8 || !tfl::ModelBufferHasIdentifier(bytes.data()))
        throw Error("not a .tflite file (no TFL3 identifier)");
    if (!tfl::VerifyModelBuffer(verifier)) throw Error("corrupt .tflite file (flatbuffer verification failed)");
    const tfl::Model* model = tfl::GetModel(bytes.data());
    if (!model->subgraphs() || model->subgraphs()->size() != 1) throw Error(".tflite: expected one subgraph");
    const tfl::SubGraph* sg = model->subgraphs()->Get(0);
    TfliteSummary s;
    s.operators = sg->operators() ? static_cast<int>(sg->operators()->size()) : 0;
    s.tensors = sg->tensors() ? static_cast<int>(sg->tensors()->size()) : 0;
    auto shapes = [&](const flatbuffers::Vector<std::int32_t>* indices, std::vector<std::vector<int>>& out) {
        if (!indices) return;
        for (std::int32_t t : *indices) {
            if (t < 0 || t >= s.tensors) throw Error(".tflite: tensor index out of range");
            const auto* shape = sg->tensors()->Get(static_cast<flatbuffers::uoffset_t>(t))->shape();
            out.emplace_back(shape ? std::vector<int>(shape->begin(), shape->end()) : std::vector<int>{});
        }
    };
    shapes(sg->inputs(), s.inputShapes);
    shapes(sg->outputs(), s.outputShapes);
    if (sg->operators())
        for (const auto* op : *sg->operators()) {
            const auto* codes = model->operator_codes();
            if (!codes || op->opcode_index() >= codes->size()) throw Error(".tflite: operator code out of range");
            s.opNames.push_back(tfl::EnumNameBuiltinOperator(codes->Get(op->opcode_index())->builtin_code()));
        }
    return s;
}

}  // namespace mcunet::interop
