#include "data/network_input.h"

#include "common/error.h"

namespace mcunet::data {

DataSpec specFor(const graph::Network& n, const std::string& source) {
    DataSpec spec;
    spec.source = source;
    spec.features = featuresOf(source);
    const bool audio = spec.features == Features::Mfcc;
    if (audio && n.inputKind() != graph::InputKind::Mfcc)
        throw Error(source + ": an audio folder (WAV clips in class folders), and " + n.name() +
                    " takes pictures; train a keyword-spotting network on it: --preset " + graph::keywordPresetNames() +
                    " (docs/audio.md)");
    if (!audio && n.inputKind() == graph::InputKind::Mfcc)
        throw Error(source + ": holds pictures, and " + n.name() +
                    " is a keyword-spotting network: it takes an audio folder (WAV clips in class folders; "
                    "tools/make-kws-dataset.sh makes one)");
    if (audio) {
        const auto [frames, coefficients] = audioPictureShape(1.0);
        if (n.inputHeight() != frames || n.inputWidth() != coefficients)
            throw Error(n.name() + ": its input is " + std::to_string(n.inputHeight()) + " x " + std::to_string(n.inputWidth()) +
                        ", one second of MFCC features is " + std::to_string(frames) + " x " + std::to_string(coefficients));
    }
    spec.resolution = n.inputHeight();
    spec.channels = n.inputChannels();
    return spec;
}

}  // namespace mcunet::data
