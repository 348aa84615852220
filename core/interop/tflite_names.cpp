#include "interop/tflite_names.h"

#include <array>
#include <string_view>

namespace mcunet::interop::tflite {

namespace {

// BuiltinOperator 0..161 in schema order (the STABLEHLO_* ops after them are
// named by number: no microcontroller model uses them).
constexpr std::array<std::string_view, 162> kOpNames = {
    "ADD", "AVERAGE_POOL_2D", "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D", "DEPTH_TO_SPACE", "DEQUANTIZE",
    "EMBEDDING_LOOKUP", "FLOOR", "FULLY_CONNECTED", "HASHTABLE_LOOKUP", "L2_NORMALIZATION", "L2_POOL_2D",
    "LOCAL_RESPONSE_NORMALIZATION", "LOGISTIC", "LSH_PROJECTION", "LSTM", "MAX_POOL_2D", "MUL", "RELU",
    "RELU_N1_TO_1", "RELU6", "RESHAPE", "RESIZE_BILINEAR", "RNN", "SOFTMAX", "SPACE_TO_DEPTH", "SVDF", "TANH",
    "CONCAT_EMBEDDINGS", "SKIP_GRAM", "CALL", "CUSTOM", "EMBEDDING_LOOKUP_SPARSE", "PAD",
    "UNIDIRECTIONAL_SEQUENCE_RNN", "GATHER", "BATCH_TO_SPACE_ND", "SPACE_TO_BATCH_ND", "TRANSPOSE", "MEAN", "SUB",
    "DIV", "SQUEEZE", "UNIDIRECTIONAL_SEQUENCE_LSTM", "STRIDED_SLICE", "BIDIRECTIONAL_SEQUENCE_RNN", "EXP", "TOPK_V2",
    "SPLIT", "LOG_SOFTMAX", "DELEGATE", "BIDIRECTIONAL_SEQUENCE_LSTM", "CAST", "PRELU", "MAXIMUM", "ARG_MAX",
    "MINIMUM", "LESS", "NEG", "PADV2", "GREATER", "GREATER_EQUAL", "LESS_EQUAL", "SELECT", "SLICE", "SIN",
    "TRANSPOSE_CONV", "SPARSE_TO_DENSE", "TILE", "EXPAND_DIMS", "EQUAL", "NOT_EQUAL", "LOG", "SUM", "SQRT", "RSQRT",
    "SHAPE", "POW", "ARG_MIN", "FAKE_QUANT", "REDUCE_PROD", "REDUCE_MAX", "PACK", "LOGICAL_OR", "ONE_HOT",
    "LOGICAL_AND", "LOGICAL_NOT", "UNPACK", "REDUCE_MIN", "FLOOR_DIV", "REDUCE_ANY", "SQUARE", "ZEROS_LIKE", "FILL",
    "FLOOR_MOD", "RANGE", "RESIZE_NEAREST_NEIGHBOR", "LEAKY_RELU", "SQUARED_DIFFERENCE", "MIRROR_PAD", "ABS",
    "SPLIT_V", "UNIQUE", "CEIL", "REVERSE_V2", "ADD_N", "GATHER_ND", "COS", "WHERE", "RANK", "ELU",
    "REVERSE_SEQUENCE", "MATRIX_DIAG", "QUANTIZE", "MATRIX_SET_DIAG", "ROUND", "HARD_SWISH", "IF", "WHILE",
    "NON_MAX_SUPPRESSION_V4", "NON_MAX_SUPPRESSION_V5", "SCATTER_ND", "SELECT_V2", "DENSIFY", "SEGMENT_SUM",
    "BATCH_MATMUL", "PLACEHOLDER_FOR_GREATER_OP_CODES", "CUMSUM", "CALL_ONCE", "BROADCAST_TO", "RFFT2D", "CONV_3D",
    "IMAG", "REAL", "COMPLEX_ABS", "HASHTABLE", "HASHTABLE_FIND", "HASHTABLE_IMPORT", "HASHTABLE_SIZE", "REDUCE_ALL",
    "CONV_3D_TRANSPOSE", "VAR_HANDLE", "READ_VARIABLE", "ASSIGN_VARIABLE", "BROADCAST_ARGS", "RANDOM_STANDARD_NORMAL",
    "BUCKETIZE", "RANDOM_UNIFORM", "MULTINOMIAL", "GELU", "DYNAMIC_UPDATE_SLICE", "RELU_0_TO_1",
    "UNSORTED_SEGMENT_PROD", "UNSORTED_SEGMENT_MAX", "UNSORTED_SEGMENT_SUM", "ATAN2", "UNSORTED_SEGMENT_MIN", "SIGN",
    "BITCAST", "BITWISE_XOR", "RIGHT_SHIFT"};

struct TypeInfo {
    std::string_view name;
    int bytes;
};
constexpr std::array<TypeInfo, 18> kTypes = {{{"FLOAT32", 4},
                                              {"FLOAT16", 2},
                                              {"INT32", 4},
                                              {"UINT8", 1},
                                              {"INT64", 8},
                                              {"STRING", 0},
                                              {"BOOL", 1},
                                              {"INT16", 2},
                                              {"COMPLEX64", 8},
                                              {"INT8", 1},
                                              {"FLOAT64", 8},
                                              {"COMPLEX128", 16},
                                              {"UINT64", 8},
                                              {"RESOURCE", 0},
                                              {"VARIANT", 0},
                                              {"UINT32", 4},
                                              {"UINT16", 2},
                                              {"INT4", 0}}};

constexpr std::array<std::string_view, 6> kActivations = {"NONE", "RELU", "RELU_N1_TO_1", "RELU6", "TANH", "SIGN_BIT"};

}  // namespace

std::string opName(int builtin) {
    if (builtin >= 0 && builtin < static_cast<int>(kOpNames.size())) return std::string(kOpNames[std::size_t(builtin)]);
    return "BUILTIN_" + std::to_string(builtin);
}

std::string typeName(int t) {
    if (t >= 0 && t < static_cast<int>(kTypes.size())) return std::string(kTypes[std::size_t(t)].name);
    return "TYPE_" + std::to_string(t);
}

int typeBytes(int t) { return t >= 0 && t < static_cast<int>(kTypes.size()) ? kTypes[std::size_t(t)].bytes : 0; }

bool isFloatType(int t) { return t == type::FLOAT32 || t == type::FLOAT16 || t == type::FLOAT64; }

std::string activationName(int a) {
    if (a >= 0 && a < static_cast<int>(kActivations.size())) return std::string(kActivations[std::size_t(a)]);
    return "ACTIVATION_" + std::to_string(a);
}

std::string paddingName(int p) {
    if (p == 0) return "SAME";
    if (p == 1) return "VALID";
    return "PADDING_" + std::to_string(p);
}

}  // namespace mcunet::interop::tflite
