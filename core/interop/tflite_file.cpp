#include "interop/tflite_file.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "common/input_file.h"
#include "common/safe_text.h"
#include "interop/tflite_names.h"
#include "tflite_read_generated.h"

namespace mcunet::interop::tflite {

namespace fb = mcunet::tflite_read;

namespace {

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

// Names and texts from the file end up in reports, terminals and generated C
// (graph op names): anything safe_text refuses is made printable ASCII.
std::string cleanText(const flatbuffers::String* s) {
    if (!s) return {};
    std::string text = s->str();
    if (!safe_text::problem(text)) return text;
    text = safe_text::forComment(text);
    if (text.size() > safe_text::kMaxLength) text.resize(safe_text::kMaxLength);
    return text;
}

// "tensor 7 "conv/w"" for messages.
std::string tensorLabel(int index, const std::string& name) {
    return "tensor " + std::to_string(index) + (name.empty() ? "" : " " + quoted(name));
}

class Reader {
public:
    Reader(const std::vector<std::uint8_t>& bytes, std::string name) : bytes_(bytes) { file_.name = std::move(name); }

    File read() {
        verify();
        const fb::Model* model = fb::GetModel(bytes_.data());
        file_.schemaVersion = model->version();
        if (file_.schemaVersion != 3)
            fail("schema version " + std::to_string(file_.schemaVersion) + " (TF Lite files are version 3)");
        file_.description = cleanText(model->description());
        readBuffers(model);
        const auto* subgraphs = model->subgraphs();
        if (!subgraphs || subgraphs->size() == 0) fail("no subgraph (the model has no operators)");
        file_.subgraphs = static_cast<int>(subgraphs->size());
        const fb::SubGraph* sg = subgraphs->Get(0);
        readTensors(sg);
        file_.inputs = tensorList(sg->inputs(), "subgraph inputs", false);
        file_.outputs = tensorList(sg->outputs(), "subgraph outputs", false);
        readOperators(model, sg);
        return std::move(file_);
    }

private:
    [[noreturn]] void fail(const std::string& what) const { throw Error(file_.name + ": " + what); }

    void verify() {
        if (bytes_.empty()) fail("empty file, not a .tflite model");
        // The identifier sits at bytes 4..7; a shorter file has none.
        if (bytes_.size() < 8 || !fb::ModelBufferHasIdentifier(bytes_.data()))
            fail("not a .tflite file (no TFL3 identifier at byte 4)");
        // Every offset, vector length and string in the file must lie inside
        // it before any accessor below runs (flatbuffers' own verifier).
        flatbuffers::Verifier verifier(bytes_.data(), bytes_.size());
        if (!fb::VerifyModelBuffer(verifier))
            fail("corrupt .tflite file (flatbuffer verification failed: an offset or a length points outside the file, "
                 "or the file is truncated)");
    }

    void readBuffers(const fb::Model* model) {
        const auto* buffers = model->buffers();
        if (!buffers || buffers->size() == 0) {
            file_.buffers.emplace_back();  // the empty sentinel every model should have
            return;
        }
        file_.buffers.reserve(buffers->size());
        for (flatbuffers::uoffset_t i = 0; i < buffers->size(); ++i) {
            const fb::Buffer* b = buffers->Get(i);
            if (b->offset() > 1)
                fail("buffer " + std::to_string(i) +
                     ": data stored outside the flatbuffer (the layout of models over 2 GB) is not supported");
            const auto* data = b->data();
            file_.buffers.emplace_back(data ? std::vector<std::uint8_t>(data->begin(), data->end())
                                            : std::vector<std::uint8_t>());
        }
    }

    std::vector<int> shapeOf(const flatbuffers::Vector<std::int32_t>* shape, const std::string& who) const {
        std::vector<int> out;
        if (!shape) return out;
        if (shape->size() > 8) fail(who + ": " + std::to_string(shape->size()) + " dimensions (at most 8)");
        std::int64_t elements = 1;
        for (flatbuffers::uoffset_t d = 0; d < shape->size(); ++d) {
            const std::int64_t v = shape->Get(d);
            const std::string at = who + ": shape[" + std::to_string(d) + "] = " + std::to_string(v);
            if (v < 0) fail(at + " is negative");
            if (v > kMaxDimension) fail(at + " is absurd (more than " + std::to_string(kMaxDimension) + ")");
            elements *= v;  // both factors <= 2^31: no overflow in 64 bits
            if (elements > kMaxElements)
                fail(who + ": shape has more than " + std::to_string(kMaxElements) + " elements (absurd)");
            out.push_back(static_cast<int>(v));
        }
        return out;
    }

    Quantization quantOf(const fb::QuantizationParameters* q, const std::string& who) const {
        Quantization out;
        if (!q) return out;
        if (q->details_type() != fb::QuantizationDetails_NONE)
            fail(who + ": custom quantization (QuantizationDetails) is not supported");
        const auto* scales = q->scale();
        const auto* zeros = q->zero_point();
        const std::size_t n = scales ? scales->size() : 0;
        const std::size_t z = zeros ? zeros->size() : 0;
        if (z != n && !(n > 0 && z == 0))
            fail(who + ": " + std::to_string(n) + " quantization scales but " + std::to_string(z) + " zero points");
        for (std::size_t i = 0; i < n; ++i) {
            const float s = scales->Get(static_cast<flatbuffers::uoffset_t>(i));
            if (!std::isfinite(s) || s < 0.0f)
                fail(who + ": quantization scale[" + std::to_string(i) + "] = " + std::to_string(s) +
                     " (must be finite and not negative)");
            out.scales.push_back(s);
            // The verifier checks a vector's 4-byte alignment only: an int64
            // element is copied out, not loaded from a possibly odd address.
            std::int64_t zp = 0;
            if (z) std::memcpy(&zp, zeros->Data() + i * sizeof zp, sizeof zp);
            zp = flatbuffers::EndianScalar(zp);
            if (zp < INT32_MIN || zp > INT32_MAX)
                fail(who + ": zero point[" + std::to_string(i) + "] = " + std::to_string(zp) + " is out of range");
            out.zeroPoints.push_back(zp);
        }
        out.quantizedDimension = q->quantized_dimension();
        return out;
    }

    void readTensors(const fb::SubGraph* sg) {
        const auto* tensors = sg->tensors();
        if (!tensors) return;
        for (flatbuffers::uoffset_t i = 0; i < tensors->size(); ++i) {
            const fb::Tensor* t = tensors->Get(i);
            Tensor out;
            out.name = cleanText(t->name());
            const std::string who = tensorLabel(static_cast<int>(i), out.name);
            if (t->sparsity()) fail(who + ": sparse tensors are not supported");
            out.shape = shapeOf(t->shape(), who);
            out.type = t->type();
            out.quant = quantOf(t->quantization(), who);
            out.isVariable = t->is_variable();
            if (t->buffer() >= file_.buffers.size())
                fail(who + ": buffer " + std::to_string(t->buffer()) + " is out of range (the file has " +
                     std::to_string(file_.buffers.size()) + " buffers)");
            out.buffer = static_cast<int>(t->buffer());
            checkBufferSize(out, who);
            file_.tensors.push_back(std::move(out));
        }
    }

    // A constant tensor's data must be exactly its shape times its type's size.
    void checkBufferSize(const Tensor& t, const std::string& who) const {
        const std::size_t have = file_.buffers[static_cast<std::size_t>(t.buffer)].size();
        if (have == 0) return;  // no data: an activation (or a variable)
        const int bytes = typeBytes(t.type);
        if (bytes == 0) {
            if (t.type == type::STRING || t.type == type::INT4) return;  // variable-size / packed: never used as weights
            fail(who + ": constant data of type " + typeName(t.type) + " is not supported");
        }
        const std::int64_t need = t.elements() * bytes;
        if (std::int64_t(have) != need)
            fail(who + ": buffer " + std::to_string(t.buffer) + " holds " + std::to_string(have) + " bytes, its shape and " +
                 typeName(t.type) + " type need " + std::to_string(need));
    }

    int tensorIndex(std::int32_t index, const std::string& who, bool optional) const {
        if (optional && index == -1) return -1;
        if (index < 0 || index >= static_cast<std::int32_t>(file_.tensors.size()))
            fail(who + ": tensor index " + std::to_string(index) + " is out of range (the subgraph has " +
                 std::to_string(file_.tensors.size()) + " tensors)");
        return index;
    }

    std::vector<int> tensorList(const flatbuffers::Vector<std::int32_t>* list, const std::string& who,
                                bool optional) const {
        std::vector<int> out;
        if (!list) return out;
        for (flatbuffers::uoffset_t i = 0; i < list->size(); ++i)
            out.push_back(tensorIndex(list->Get(i), who + "[" + std::to_string(i) + "]", optional));
        return out;
    }

    void readOperators(const fb::Model* model, const fb::SubGraph* sg) {
        const auto* codes = model->operator_codes();
        const auto* ops = sg->operators();
        if (!ops) return;
        for (flatbuffers::uoffset_t i = 0; i < ops->size(); ++i) {
            const fb::Operator* op = ops->Get(i);
            const std::string who = "operator " + std::to_string(i);
            if (!codes || op->opcode_index() >= codes->size())
                fail(who + ": operator code " + std::to_string(op->opcode_index()) + " is out of range (the file has " +
                     std::to_string(codes ? codes->size() : 0) + ")");
            const fb::OperatorCode* code = codes->Get(op->opcode_index());
            Operator out;
            // TF Lite's rule: codes past 127 live only in builtin_code, older
            // files only set the deprecated byte; the op is the larger.
            out.builtin = std::max<int>(code->deprecated_builtin_code(), code->builtin_code());
            out.customCode = cleanText(code->custom_code());
            out.version = code->version();
            out.inputs = tensorList(op->inputs(), who + " (" + opName(out.builtin) + ") input", true);
            out.outputs = tensorList(op->outputs(), who + " (" + opName(out.builtin) + ") output", false);
            out.options = optionsOf(op, out.builtin);
            file_.operators.push_back(std::move(out));
        }
    }

    static Options optionsOf(const fb::Operator* op, int builtin);

    const std::vector<std::uint8_t>& bytes_;
    File file_;
};

// The options table the op code calls for (absent or of another type:
// `present` stays false and the coverage report says so).
Options Reader::optionsOf(const fb::Operator* op, int builtin) {
    Options o;
    auto conv = [&](const auto* c) {
        o.present = true;
        o.padding = c->padding();
        o.strideW = c->stride_w();
        o.strideH = c->stride_h();
        o.activation = c->fused_activation_function();
        o.dilationW = c->dilation_w_factor();
        o.dilationH = c->dilation_h_factor();
    };
    switch (builtin) {
        case op::CONV_2D:
            if (const auto* c = op->builtin_options_as_Conv2DOptions()) conv(c);
            break;
        case op::DEPTHWISE_CONV_2D:
            if (const auto* c = op->builtin_options_as_DepthwiseConv2DOptions()) {
                conv(c);
                o.depthMultiplier = c->depth_multiplier();
            }
            break;
        case op::AVERAGE_POOL_2D:
        case op::MAX_POOL_2D:
            if (const auto* p = op->builtin_options_as_Pool2DOptions()) {
                o.present = true;
                o.padding = p->padding();
                o.strideW = p->stride_w();
                o.strideH = p->stride_h();
                o.filterW = p->filter_width();
                o.filterH = p->filter_height();
                o.activation = p->fused_activation_function();
            }
            break;
        case op::FULLY_CONNECTED:
            if (const auto* f = op->builtin_options_as_FullyConnectedOptions()) {
                o.present = true;
                o.activation = f->fused_activation_function();
                o.weightsFormat = f->weights_format();
                o.keepNumDims = f->keep_num_dims();
            }
            break;
        case op::ADD:
            if (const auto* a = op->builtin_options_as_AddOptions()) {
                o.present = true;
                o.activation = a->fused_activation_function();
            }
            break;
        case op::MUL:
            if (const auto* m = op->builtin_options_as_MulOptions()) {
                o.present = true;
                o.activation = m->fused_activation_function();
            }
            break;
        case op::RESHAPE:
            if (const auto* r = op->builtin_options_as_ReshapeOptions()) {
                o.present = true;
                if (r->new_shape()) o.newShape.assign(r->new_shape()->begin(), r->new_shape()->end());
            }
            break;
        case op::SOFTMAX:
            if (const auto* s = op->builtin_options_as_SoftmaxOptions()) {
                o.present = true;
                o.beta = s->beta();
            }
            break;
        case op::CONCATENATION:
            if (const auto* c = op->builtin_options_as_ConcatenationOptions()) {
                o.present = true;
                o.axis = c->axis();
                o.activation = c->fused_activation_function();
            }
            break;
        case op::PAD:
            o.present = op->builtin_options_as_PadOptions() != nullptr;
            break;
        case op::MEAN:
            if (const auto* r = op->builtin_options_as_ReducerOptions()) {
                o.present = true;
                o.keepDims = r->keep_dims();
            }
            break;
        default: break;
    }
    return o;
}

}  // namespace

std::int64_t Tensor::elements() const {
    std::int64_t n = 1;
    for (int d : shape) n *= d;  // bounded by the reader (kMaxElements)
    return n;
}

const std::vector<std::uint8_t>& File::data(int tensor) const {
    return buffers[static_cast<std::size_t>(tensors[static_cast<std::size_t>(tensor)].buffer)];
}

void checkFile(const File& f) {
    auto fail = [&](const std::string& what) { throw Error(f.name + ": " + what); };
    const auto tensors = static_cast<int>(f.tensors.size());
    auto inRange = [&](int t, bool optional) { return (optional && t == -1) || (t >= 0 && t < tensors); };
    for (std::size_t i = 0; i < f.tensors.size(); ++i) {
        const Tensor& t = f.tensors[i];
        if (t.buffer < 0 || t.buffer >= static_cast<int>(f.buffers.size()))
            fail(tensorLabel(static_cast<int>(i), t.name) + ": buffer " + std::to_string(t.buffer) + " is out of range");
        const std::size_t have = f.buffers[static_cast<std::size_t>(t.buffer)].size();
        if (have != 0 && typeBytes(t.type) > 0 && std::int64_t(have) != t.elements() * typeBytes(t.type))
            fail(tensorLabel(static_cast<int>(i), t.name) + ": buffer size does not match its shape and type");
        if (t.quant.zeroPoints.size() != t.quant.scales.size())
            fail(tensorLabel(static_cast<int>(i), t.name) + ": as many zero points as scales are needed");
    }
    for (std::size_t i = 0; i < f.operators.size(); ++i) {
        for (int t : f.operators[i].inputs)
            if (!inRange(t, true)) fail("operator " + std::to_string(i) + ": input tensor " + std::to_string(t) + " is out of range");
        for (int t : f.operators[i].outputs)
            if (!inRange(t, false)) fail("operator " + std::to_string(i) + ": output tensor " + std::to_string(t) + " is out of range");
    }
    for (const auto* list : {&f.inputs, &f.outputs})
        for (int t : *list)
            if (!inRange(t, false)) fail("model input or output tensor " + std::to_string(t) + " is out of range");
}

File parseTflite(const std::vector<std::uint8_t>& bytes, const std::string& name) { return Reader(bytes, name).read(); }

std::vector<std::uint8_t> readTfliteBytes(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) throw Error(path + ": cannot open (no such file)");
    if (fs::is_directory(status)) throw Error(path + ": is a directory, expected a .tflite file");
    if (!fs::is_regular_file(status)) throw Error(path + ": not a regular file, expected a .tflite file");
    const auto tooLarge = [&] {
        return Error(path + ": larger than " + std::to_string(kMaxFileBytes >> 20) +
                     " MB, far above any microcontroller model; not read");
    };
    const auto size = fs::file_size(path, ec);
    if (!ec && size > kMaxFileBytes) throw tooLarge();
    // Bounded and never blocking: the size on disk is not trusted (it may
    // change while reading), nor the file's kind (swapped for a FIFO).
    const std::string text = input_file::read(path, kMaxFileBytes, "a .tflite file");
    return std::vector<std::uint8_t>(text.begin(), text.end());
}

File readTflite(const std::string& path) { return parseTflite(readTfliteBytes(path), path); }

}  // namespace mcunet::interop::tflite
