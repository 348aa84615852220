#pragma once
// TF Lite's codes, as the published schema numbers them (schema version 3),
// and their names for reports: builtin operators, tensor types, fused
// activations, padding.
#include <cstdint>
#include <string>

namespace mcunet::interop::tflite {

// The builtin operators the importer maps or names a reason for.
namespace op {
inline constexpr int ADD = 0, AVERAGE_POOL_2D = 1, CONCATENATION = 2, CONV_2D = 3, DEPTHWISE_CONV_2D = 4,
                     DEQUANTIZE = 6, FULLY_CONNECTED = 9, LOGISTIC = 14, MAX_POOL_2D = 17, MUL = 18, RELU = 19,
                     RELU6 = 21, RESHAPE = 22, SOFTMAX = 25, TANH = 28, CUSTOM = 32, PAD = 34, MEAN = 40, SUB = 41,
                     SQUEEZE = 43, PADV2 = 60, QUANTIZE = 114, HARD_SWISH = 117;
}  // namespace op

// Tensor types.
namespace type {
inline constexpr int FLOAT32 = 0, FLOAT16 = 1, INT32 = 2, UINT8 = 3, INT64 = 4, STRING = 5, BOOL = 6, INT16 = 7,
                     COMPLEX64 = 8, INT8 = 9, FLOAT64 = 10, COMPLEX128 = 11, UINT64 = 12, RESOURCE = 13, VARIANT = 14,
                     UINT32 = 15, UINT16 = 16, INT4 = 17;
}  // namespace type

// "CONV_2D"; a code this table does not know is "BUILTIN_<code>".
std::string opName(int builtin);
// "INT8"; unknown codes "TYPE_<code>".
std::string typeName(int type);
// Bytes per element of a fixed-size type; 0 for types without one (STRING,
// RESOURCE, VARIANT, packed INT4) or unknown codes.
int typeBytes(int type);
bool isFloatType(int type);  // FLOAT16, FLOAT32, FLOAT64
// "NONE", "RELU", "RELU_N1_TO_1", "RELU6", "TANH", "SIGN_BIT"; else "ACTIVATION_<code>".
std::string activationName(int activation);
// "SAME", "VALID"; else "PADDING_<code>".
std::string paddingName(int padding);

}  // namespace mcunet::interop::tflite
