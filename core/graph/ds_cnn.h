#pragma once
// The depthwise-separable CNN of keyword spotting (Zhang et al., "Hello Edge",
// 2017; MLPerf Tiny's kws01 reference network): a k_h x k_w convolution with
// stride 2 over the MFCC features (time x coefficients, one channel), then
// blocks of a 3x3 depthwise and a 1x1 convolution, a global average pool, a
// fully connected layer and softmax. BatchNorm is folded; every convolution
// ends in ReLU as in the reference network.
#include "graph/graph.h"

#include <string>

namespace mcunet::graph {

struct DsCnnShape {
    int frames = 49, coefficients = 10;  // the input: 49 frames of 10 MFCCs (1 s of audio, 20 ms hop)
    int kernelH = 10, kernelW = 4;       // the first convolution's window (stride 2 x 2)
    int filters = 64;                    // channels of every layer
    int blocks = 4;                      // depthwise-separable blocks
    int classes = 12;                    // yes, no, up, down, left, right, on, off, stop, go, silence, unknown
    bool operator==(const DsCnnShape&) const = default;
};

// Throws mcunet::Error when a field is out of range (each 1..256, blocks
// 0..16, classes 2..1000), naming the field.
Graph buildDsCnn(const DsCnnShape& shape = {});

}  // namespace mcunet::graph
