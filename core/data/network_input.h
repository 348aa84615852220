#pragma once
// The data a trained network reads: its input's kind decides how a dataset
// folder is read (pictures at the network's resolution and channels, or WAV
// clips as MFCC features), so every command that opens data for a model
// (eval, search, tinynas, the studio) opens it the same way.
#include <string>

#include "data/dataset.h"
#include "graph/network.h"

namespace mcunet::data {

// `source` ("fashion-mnist" or a folder) as the network reads it; the other
// DataSpec fields keep their defaults. Throws mcunet::Error naming the source
// when it holds the other kind of data (pictures for a keyword network, WAV
// clips for an image network).
DataSpec specFor(const graph::Network& network, const std::string& source);

}  // namespace mcunet::data
