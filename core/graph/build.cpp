#include "graph/build.h"

#include <string>

namespace mcunet::graph {

Graph buildGraph(const arch::Architecture& a) {
    Graph g;
    int x = g.addInput("input", Shape{a.resolution, a.resolution, a.inputChannels});
    x = g.addConv(OpKind::Conv2D, "stem", x, arch::stemChannels(a), a.stemKernel, a.stemStride,
                  Activation::ReLU6);
    // First block: depthwise + project, no expansion and (as in ProxylessNAS,
    // Once-for-All and MCUNet) no shortcut.
    x = g.addConv(OpKind::DepthwiseConv2D, "first.dw", x, g.tensor(x).shape.c, a.firstBlockKernel, 1,
                  Activation::ReLU6);
    x = g.addConv(OpKind::PointwiseConv2D, "first.project", x, arch::firstBlockChannels(a), 1, 1,
                  Activation::None);
    int blockIndex = 0;
    for (int s = 0; s < static_cast<int>(a.stages.size()); ++s) {
        const arch::Stage& stage = a.stages[static_cast<std::size_t>(s)];
        const int outChannels = arch::stageChannels(a, s);
        for (int b = 0; b < static_cast<int>(stage.blocks.size()); ++b, ++blockIndex) {
            const arch::Block& block = stage.blocks[static_cast<std::size_t>(b)];
            const int stride = b == 0 ? stage.stride : 1;
            const int inChannels = g.tensor(x).shape.c;
            const std::string prefix = "s" + std::to_string(s + 1) + ".b" + std::to_string(b + 1);
            int y = x;
            if (block.expand != 1)
                y = g.addConv(OpKind::PointwiseConv2D, prefix + ".expand", y, inChannels * block.expand,
                              1, 1, Activation::ReLU6, s, blockIndex);
            y = g.addConv(OpKind::DepthwiseConv2D, prefix + ".dw", y, g.tensor(y).shape.c,
                          block.kernel, stride, Activation::ReLU6, s, blockIndex);
            y = g.addConv(OpKind::PointwiseConv2D, prefix + ".project", y, outChannels, 1, 1,
                          Activation::None, s, blockIndex);
            if (stride == 1 && inChannels == outChannels)
                y = g.addAdd(prefix + ".add", x, y, s, blockIndex);
            x = y;
        }
    }
    if (a.featureMix)
        x = g.addConv(OpKind::PointwiseConv2D, "mix", x, arch::featureMixChannels(a), 1, 1,
                      Activation::ReLU6);
    x = g.addAveragePool("pool", x);
    x = g.addFullyConnected("classifier", x, a.numClasses);
    g.setOutput(x);
    return g;
}

}  // namespace mcunet::graph
