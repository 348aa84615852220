#pragma once
// What a demo runs when the user has no camera and no trained model yet
// (docs/demo.md): the bundled fashion-MNIST model and a sample clip of
// fashion-MNIST test images. The name "sample" stands for them in
// `mcunet demo --model sample --source sample` and in the studio. No Qt.
#include <string>
#include <vector>

namespace mcunet::demo {

inline constexpr const char* kSample = "sample";
// The wake-word sample: a keyword network and a recording it never heard.
inline constexpr const char* kKeywordSample = "sample-kws";

// resourceDir()/models/fashion-mnist: mbv2-w0.1-r32 trained on fashion-MNIST.
std::string sampleModelDir();

struct SampleClipInfo {
    int images = 60;          // the first N test images, in the test set's order
    int framesPerImage = 10;  // each shown for one second at 10 fps
    double fps = 10;
    int size = 112;           // 28 x 28 enlarged 4x (nearest), gray as RGB
};

// The sample clip's file, written once into the user's cache folder
// (cacheDir()/demo/fashion-mnist-clip-v1.mkv) from Debian's
// dataset-fashion-mnist: written beside and renamed into place, so a
// half-written clip is never used. Throws mcunet::Error when the data set is
// missing (naming the package) or no cache folder can be written.
std::string ensureSampleClip();

// Where a sample made on first use is kept: cacheDir()/demo/`file`, its
// folder created. `exists` says whether a complete one is there already.
// Throws mcunet::Error naming `what` when there is no cache folder.
std::string sampleCachePath(const std::string& file, const std::string& what, bool& exists);

// The test-set labels shown by the clip, one per image (to check a demo).
std::vector<int> sampleClipLabels();

// resourceDir()/models/keywords: ds-cnn-s trained on the synthesized keyword
// dataset (tools/make-kws-dataset.sh).
std::string sampleKeywordModelDir();

// A model or source argument with "sample" and "sample-kws" resolved (the
// recording: demo/speech.h).
std::string resolveModel(const std::string& model);
std::string resolveSource(const std::string& source);

}  // namespace mcunet::demo
