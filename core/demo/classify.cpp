#include "demo/classify.h"

#include <algorithm>
#include <cmath>

#include "common/error.h"

namespace mcunet::demo {

std::vector<std::int8_t> quantizeInput(const quant::QuantizedModel& model, const std::vector<std::uint8_t>& pixels) {
    const int in = model.graph.input();
    const std::size_t want = static_cast<std::size_t>(model.graph.tensor(in).bytes());
    if (pixels.size() != want)
        throw Error("demo: a picture of " + std::to_string(pixels.size()) + " bytes for a model input of " + std::to_string(want));
    const quant::TensorQuant& q = model.tensors[static_cast<std::size_t>(in)];
    std::vector<std::int8_t> out(pixels.size());
    for (std::size_t i = 0; i < pixels.size(); ++i) {
        const double real = (double(pixels[i]) - 128.0) / 128.0;
        const long v = std::lround(real / double(q.scale)) + q.zeroPoint;
        out[i] = static_cast<std::int8_t>(std::clamp<long>(v, -128, 127));
    }
    return out;
}

Prediction predict(const quant::QuantizedModel& model, const std::vector<std::int8_t>& output) {
    const quant::TensorQuant& q = model.tensors[static_cast<std::size_t>(model.graph.output())];
    Prediction p;
    for (std::size_t i = 0; i < output.size(); ++i) {
        p.values.push_back((double(output[i]) - q.zeroPoint) * double(q.scale));
        if (p.label < 0 || output[i] > output[static_cast<std::size_t>(p.label)]) p.label = static_cast<int>(i);
    }
    // A network that ends in its classifier gives logits: its probabilities
    // are their softmax (what a SOFTMAX layer would have computed).
    const graph::Graph& g = model.graph;
    const bool probabilities = g.opCount() > 0 && g.op(g.opCount() - 1).kind == graph::OpKind::Softmax;
    if (!probabilities && !p.values.empty()) {
        const double top = *std::max_element(p.values.begin(), p.values.end());
        double sum = 0;
        for (double& v : p.values) sum += (v = std::exp(v - top));
        for (double& v : p.values) v /= sum;
    }
    if (p.label >= 0) p.confidence = p.values[static_cast<std::size_t>(p.label)];
    return p;
}

}  // namespace mcunet::demo
