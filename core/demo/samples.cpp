#include "demo/samples.h"

#include <filesystem>
#include <system_error>
#include <unistd.h>

#include "board/board.h"
#include "common/error.h"
#include "common/user_dirs.h"
#include "data/dataset.h"
#include "data/video_writer.h"
#include "demo/speech.h"

namespace mcunet::demo {

namespace fs = std::filesystem;

std::string sampleModelDir() { return (fs::path(board::resourceDir()) / "models" / "fashion-mnist").string(); }

namespace {

// Image i of the set as the clip's RGB frame: each pixel a square of
// `scale` x `scale`, gray replicated to R, G and B.
std::vector<std::uint8_t> enlarged(const data::ImageSet& set, int i, int scale) {
    const int w = set.width * scale, h = set.height * scale;
    std::vector<std::uint8_t> rgb(static_cast<std::size_t>(w) * h * 3);
    const std::uint8_t* px = set.image(i);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const std::uint8_t v = px[(y / scale) * set.width + x / scale];
            std::uint8_t* o = &rgb[(static_cast<std::size_t>(y) * w + x) * 3];
            o[0] = o[1] = o[2] = v;
        }
    return rgb;
}

}  // namespace

std::string sampleCachePath(const std::string& file, const std::string& what, bool& exists) {
    const std::string cache = user_dirs::cacheDir();
    if (cache.empty()) throw Error(what + ": neither XDG_CACHE_HOME nor HOME is set, so there is no cache folder to write it to");
    const fs::path path = fs::path(cache) / "demo" / file;
    std::error_code ec;
    exists = fs::is_regular_file(path, ec) && fs::file_size(path, ec) > 0;
    if (exists) return path.string();
    fs::create_directories(path.parent_path(), ec);
    if (ec) throw Error(path.parent_path().string() + ": cannot create the folder for " + what + ": " + ec.message());
    return path.string();
}

std::string ensureSampleClip() {
    bool exists = false;
    const fs::path path = sampleCachePath("fashion-mnist-clip-v1.mkv", "the sample clip", exists);
    if (exists) return path.string();
    std::error_code ec;
    const SampleClipInfo info;
    const data::ImageSet test = data::loadFashionMnist(data::Part::Test);
    const int scale = info.size / test.width;
    if (test.width != test.height || scale < 1 || test.channels != 1 || test.size() < info.images)
        throw Error(test.source + ": not 28 x 28 gray images; the sample clip needs fashion-MNIST's test set");
    const fs::path partial = path.parent_path() / ("fashion-mnist-clip-v1.partial-" + std::to_string(::getpid()) + ".mkv");
    try {
        video::VideoWriter writer(partial.string(), test.width * scale, test.height * scale, info.fps);
        for (int i = 0; i < info.images; ++i) {
            const std::vector<std::uint8_t> frame = enlarged(test, i, scale);
            for (int k = 0; k < info.framesPerImage; ++k) writer.write(frame);
        }
        writer.close();
    } catch (...) {
        fs::remove(partial, ec);
        throw;
    }
    fs::rename(partial, path, ec);
    if (ec) {
        fs::remove(partial, ec);
        throw Error(path.string() + ": cannot put the sample clip in place: " + ec.message());
    }
    return path.string();
}

std::vector<int> sampleClipLabels() {
    const data::ImageSet test = data::loadFashionMnist(data::Part::Test);
    const SampleClipInfo info;
    return {test.labels.begin(), test.labels.begin() + std::min(info.images, test.size())};
}

std::string sampleKeywordModelDir() { return (fs::path(board::resourceDir()) / "models" / "keywords").string(); }

std::string resolveModel(const std::string& model) {
    if (model == kSample) return sampleModelDir();
    if (model == kKeywordSample) return sampleKeywordModelDir();
    return model;
}

std::string resolveSource(const std::string& source) {
    if (source == kSample) return ensureSampleClip();
    if (source == kKeywordSample) return ensureKeywordSampleRecording();
    return source;
}

}  // namespace mcunet::demo
