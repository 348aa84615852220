#include "quant/calibration.h"

#include <algorithm>
#include <limits>

#include "common/error.h"
#include "quant/model.h"

namespace mcunet::quant {

Calibrated calibrate(const FloatModel& m, const std::vector<std::vector<float>>& calibration) {
    if (calibration.empty()) throw Error("quantize: no calibration input");
    const graph::Graph& g = m.graph;
    Calibrated r;
    r.tensors.resize(g.tensors().size());
    r.channels.resize(g.tensors().size());
    for (std::size_t t = 0; t < r.channels.size(); ++t) {
        const auto channels = static_cast<std::size_t>(std::max(1, g.tensor(static_cast<int>(t)).shape.c));
        r.channels[t].assign(channels, Range{std::numeric_limits<float>::max(), std::numeric_limits<float>::lowest()});
    }
    for (const auto& input : calibration) {
        const auto values = runFloat(m, input);
        for (std::size_t t = 0; t < values.size(); ++t) {
            auto& ch = r.channels[t];
            Range& whole = r.tensors[t];
            for (std::size_t k = 0; k < values[t].size(); ++k) {
                const float v = values[t][k];
                Range& c = ch[k % ch.size()];
                c.lo = std::min(c.lo, v);
                c.hi = std::max(c.hi, v);
                whole.lo = std::min(whole.lo, v);
                whole.hi = std::max(whole.hi, v);
            }
        }
    }
    return r;
}

}  // namespace mcunet::quant
