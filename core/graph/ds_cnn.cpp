#include "graph/ds_cnn.h"

#include "common/error.h"

namespace mcunet::graph {

namespace {

void requireRange(int value, int lo, int hi, const char* field) {
    if (value < lo || value > hi)
        throw Error(std::string("ds-cnn: ") + field + " " + std::to_string(value) + " is not within " + std::to_string(lo) +
                    ".." + std::to_string(hi));
}

}  // namespace

Graph buildDsCnn(const DsCnnShape& s) {
    requireRange(s.frames, 1, 256, "frames");
    requireRange(s.coefficients, 1, 256, "coefficients");
    requireRange(s.kernelH, 1, 256, "kernel_h");
    requireRange(s.kernelW, 1, 256, "kernel_w");
    requireRange(s.filters, 1, 256, "filters");
    requireRange(s.blocks, 0, 16, "blocks");
    requireRange(s.classes, 2, 1000, "classes");
    Graph g;
    int x = g.addInput("mfcc", {s.frames, s.coefficients, 1});
    x = g.addConv(OpKind::Conv2D, "conv", x, s.filters, PoolWindow{s.kernelH, s.kernelW, 2, 2, Padding::Same},
                  Activation::ReLU);
    for (int b = 0; b < s.blocks; ++b) {
        const std::string n = "block" + std::to_string(b + 1);
        x = g.addConv(OpKind::DepthwiseConv2D, n + ".dw", x, s.filters, 3, 1, Activation::ReLU, -1, b);
        x = g.addConv(OpKind::PointwiseConv2D, n + ".pw", x, s.filters, 1, 1, Activation::ReLU, -1, b);
    }
    x = g.addAveragePool("pool", x);
    x = g.addFullyConnected("fc", x, s.classes);
    g.setOutput(g.addSoftmax("softmax", x));
    g.validate();
    return g;
}

}  // namespace mcunet::graph
