#pragma once
// Writes small .tflite files for the import tests: any tensors, buffers and
// operators, including the wrong ones (bad indices, short buffers, float
// models, ops the layer graph lacks), through the importer's own reading
// schema (core/interop/tflite_read.fbs, which keeps TF Lite's field order).
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "tflite_read_generated.h"

namespace tflite_test {

namespace fbr = mcunet::tflite_read;

// TF Lite codes used by the tests.
inline constexpr int kFloat32 = 0, kInt32 = 2, kUint8 = 3, kInt8 = 9;
inline constexpr int kNone = 0, kRelu = 1, kRelu6 = 3, kTanh = 4;
inline constexpr int kSame = 0, kValid = 1;

struct QuantSpec {
    std::vector<float> scales;
    std::vector<std::int64_t> zeroPoints;
    int dimension = 0;
};

class TfliteBuilder {
public:
    TfliteBuilder() { buffers_.push_back(fbr::CreateBuffer(fb_)); }

    // A tensor with constant data (`data` empty: an activation).
    int tensor(const std::string& name, const std::vector<int>& shape, int type, const QuantSpec& q,
               const std::vector<std::uint8_t>& data = {}, int bufferOverride = -1) {
        std::uint32_t buffer = 0;
        if (!data.empty()) {
            buffers_.push_back(fbr::CreateBuffer(fb_, fb_.CreateVector(data)));
            buffer = static_cast<std::uint32_t>(buffers_.size() - 1);
        }
        if (bufferOverride >= 0) buffer = static_cast<std::uint32_t>(bufferOverride);
        flatbuffers::Offset<fbr::QuantizationParameters> quant = 0;
        if (!q.scales.empty())
            quant = fbr::CreateQuantizationParameters(fb_, 0, 0, fb_.CreateVector(q.scales),
                                                      fb_.CreateVector(q.zeroPoints), fbr::QuantizationDetails_NONE, 0,
                                                      q.dimension);
        tensors_.push_back(fbr::CreateTensor(fb_, fb_.CreateVector(shape), static_cast<std::int8_t>(type), buffer,
                                             fb_.CreateString(name), quant));
        return static_cast<int>(tensors_.size()) - 1;
    }

    // An int8 activation quantized per tensor.
    int activation(const std::string& name, const std::vector<int>& shape, float scale, int zeroPoint) {
        return tensor(name, shape, kInt8, {{scale}, {zeroPoint}, 0});
    }

    int opcode(int builtin, const std::string& custom = "") {
        opcodes_.push_back(fbr::CreateOperatorCode(fb_, static_cast<std::int8_t>(builtin < 127 ? builtin : 127),
                                                   custom.empty() ? 0 : fb_.CreateString(custom), 1, builtin));
        return static_cast<int>(opcodes_.size()) - 1;
    }

    void op(int builtin, const std::vector<int>& inputs, const std::vector<int>& outputs,
            fbr::BuiltinOptions type = fbr::BuiltinOptions_NONE, flatbuffers::Offset<void> options = 0,
            int opcodeOverride = -1) {
        const int code = opcodeOverride >= 0 ? opcodeOverride : opcode(builtin);
        operators_.push_back(fbr::CreateOperator(fb_, static_cast<std::uint32_t>(code), fb_.CreateVector(inputs),
                                                 fb_.CreateVector(outputs), type, options));
    }

    flatbuffers::FlatBufferBuilder& fb() { return fb_; }

    std::vector<std::uint8_t> finish(const std::vector<int>& inputs, const std::vector<int>& outputs,
                                     std::uint32_t version = 3) {
        const auto sg = fbr::CreateSubGraph(fb_, fb_.CreateVector(tensors_), fb_.CreateVector(inputs),
                                            fb_.CreateVector(outputs), fb_.CreateVector(operators_));
        const auto model = fbr::CreateModel(fb_, version, fb_.CreateVector(opcodes_),
                                            fb_.CreateVector(std::vector<flatbuffers::Offset<fbr::SubGraph>>{sg}),
                                            fb_.CreateString("test"), fb_.CreateVector(buffers_));
        fbr::FinishModelBuffer(fb_, model);
        return {fb_.GetBufferPointer(), fb_.GetBufferPointer() + fb_.GetSize()};
    }

private:
    flatbuffers::FlatBufferBuilder fb_;
    std::vector<flatbuffers::Offset<fbr::Tensor>> tensors_;
    std::vector<flatbuffers::Offset<fbr::Buffer>> buffers_;
    std::vector<flatbuffers::Offset<fbr::OperatorCode>> opcodes_;
    std::vector<flatbuffers::Offset<fbr::Operator>> operators_;
};

inline std::vector<std::uint8_t> int8Bytes(const std::vector<std::int8_t>& v) {
    return std::vector<std::uint8_t>(v.begin(), v.end());
}

inline std::vector<std::uint8_t> int32Bytes(const std::vector<std::int32_t>& v) {
    std::vector<std::uint8_t> out;
    for (std::int32_t x : v)
        for (int b = 0; b < 4; ++b) out.push_back(static_cast<std::uint8_t>(std::uint32_t(x) >> (8 * b)));
    return out;
}

inline std::vector<std::uint8_t> floatBytes(const std::vector<float>& v) {
    std::vector<std::uint8_t> out(v.size() * 4);
    for (std::size_t i = 0; i < v.size(); ++i) std::memcpy(&out[4 * i], &v[i], 4);
    return out;
}

}  // namespace tflite_test
