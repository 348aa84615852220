#pragma once
// The reference interpreter: runs an int8 model op by op, plainly, with TF
// Lite's integer arithmetic (reference_integer_ops). It is the golden model
// that generated code and exported .tflite files are checked against.
#include <cstdint>
#include <vector>

#include "quant/model.h"

namespace mcunet::quant {

// Every tensor's values after a run (index = tensor).
std::vector<std::vector<std::int8_t>> runReference(const QuantizedModel& m, const std::vector<std::int8_t>& input);
// The graph output only.
std::vector<std::int8_t> runReferenceOutput(const QuantizedModel& m, const std::vector<std::int8_t>& input);

}  // namespace mcunet::quant
