#pragma once
// MLPerf Tiny task ids (docs/mlperf.md). The firmware reports one in
// `profile%` as m-model-[ID], and MLPerf Tiny's runner picks its test by it:
// vww01 (visual wake words), ic01 (image classification), kws01 (keyword
// spotting), ad01 (anomaly detection), sww01 (streaming wake word). The id
// is compiled into the firmware as a C string (MCUNET_MLPERF_MODEL), so it is
// checked before it reaches any build.
#include <cstdint>
#include <string>
#include <vector>

namespace mcunet::board {

// The task ids MLPerf Tiny's runner knows.
const std::vector<std::string>& mlperfTasks();

// Accepts 1 to 32 characters of [a-z0-9_-] (a known task id or a model's
// own name); throws mcunet::Error naming `field` and the rule otherwise.
void checkMlperfTaskId(const std::string& id, const std::string& field = "mlperf task id");

// The task whose reference model has this input shape (h, w, c) and number of
// output values, or "" when none does: vww01 96x96x3 -> 2, ic01 32x32x3 -> 10,
// kws01 49x10x1 -> 12, ad01 640 values -> 640. sww01 (a streaming test) is
// never suggested; it can still be set.
std::string mlperfTaskFor(int h, int w, int c, std::int64_t outputs);

}  // namespace mcunet::board
