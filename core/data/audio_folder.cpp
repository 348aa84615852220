// Audio folders: WAV clips to MFCC pictures (docs/audio.md).
#include <algorithm>
#include <cmath>
#include <filesystem>

#include "audio/mfcc.h"
#include "audio/wav.h"
#include "common/error.h"
#include "data/dataset.h"
#include "data/folder_listing.h"

namespace mcunet::data {

namespace {

namespace fs = std::filesystem;
constexpr int kRate = 16000;

std::size_t clipSamples(double seconds) {
    if (!(seconds >= 0.1 && seconds <= 10.0))
        throw Error("audio clip length " + std::to_string(seconds) + " s (0.1 to 10 s)");
    return static_cast<std::size_t>(std::lround(seconds * kRate));
}

const audio::Mfcc& mfcc() {
    static const audio::Mfcc m;  // MFCC v1 defaults; immutable, safe to share
    return m;
}

}  // namespace

std::pair<int, int> audioPictureShape(double seconds) {
    return {mfcc().options().framesIn(clipSamples(seconds)), mfcc().options().coefficients};
}

std::vector<std::uint8_t> audioPicture(const std::vector<float>& samples16k, double seconds) {
    const std::size_t n = clipSamples(seconds);
    // Centred: a longer clip loses as much at each end; a shorter one is
    // padded with silence on both sides.
    std::vector<float> clip(n, 0.0f);
    if (samples16k.size() >= n)
        std::copy_n(samples16k.begin() + std::ptrdiff_t((samples16k.size() - n) / 2), n, clip.begin());
    else
        std::copy(samples16k.begin(), samples16k.end(), clip.begin() + std::ptrdiff_t((n - samples16k.size()) / 2));
    const std::vector<float> features = mfcc().compute(clip);
    std::vector<std::uint8_t> picture(features.size());
    for (std::size_t i = 0; i < features.size(); ++i)
        picture[i] = static_cast<std::uint8_t>(std::clamp<long>(std::lround(2.0f * features[i]) + 128, 0, 255));
    return picture;
}

ImageSet loadAudioFolder(const std::string& dir, LoadReport* report, double seconds) {
    const auto [frames, coefficients] = audioPictureShape(seconds);
    const Listing listing = listFolder(dir, isWavFile, "WAV files");
    ImageSet set;
    set.height = frames;
    set.width = coefficients;
    set.channels = 1;
    set.classes = listing.classes;
    set.source = dir;
    LoadReport local;
    LoadReport& r = report ? *report : local;
    for (const FileEntry& f : listing.files) {
        const std::string path = (fs::path(dir) / f.rel).string();
        try {
            const audio::Clip clip = audio::resample(audio::readWav(path), kRate);
            const std::vector<std::uint8_t> picture = audioPicture(clip.samples, seconds);
            set.pixels.insert(set.pixels.end(), picture.begin(), picture.end());
            set.labels.push_back(f.label);
            ++r.decoded;
        } catch (const Error& e) {
            r.skipped.push_back(e.what());
        }
    }
    if (set.labels.empty()) throw Error(dir + ": no readable WAV file in its class folders");
    return set;
}

}  // namespace mcunet::data
