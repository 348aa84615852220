// ImageSet, seeded splits and subsets, augmentation, reshaping and open().
#include "data/dataset.h"
#include "data/internal.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <tuple>
#include <utility>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "common/error.h"
#include "data/folder_listing.h"

namespace mcunet::data {
namespace {

namespace fs = std::filesystem;

// splitmix64: small, fast, and the same sequence on every platform (unlike
// std::shuffle and the std distributions, whose algorithms are unspecified).
class Rng {
public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }

private:
    std::uint64_t state_;
};

// A seed for one stream (class c of a split, image i of augmentation, ...).
std::uint64_t streamSeed(std::uint64_t seed, std::uint64_t purpose, std::uint64_t item) {
    Rng a(seed ^ purpose);
    Rng b(a.next() ^ item);
    return b.next();
}

constexpr std::uint64_t kSplitStream = 0x73706c6974000000ULL;    // "split"
constexpr std::uint64_t kSubsetStream = 0x7375627365740000ULL;   // "subset"
constexpr std::uint64_t kAugmentStream = 0x6175676d656e7400ULL;  // "augment"

void shuffle(std::vector<int>& v, Rng& rng) {
    for (int i = static_cast<int>(v.size()) - 1; i > 0; --i)
        std::swap(v[static_cast<std::size_t>(i)], v[static_cast<std::size_t>(rng.below(i + 1))]);
}

std::vector<std::vector<int>> indicesByClass(const ImageSet& set) {
    std::vector<std::vector<int>> byClass(set.classes.size());
    for (int i = 0; i < set.size(); ++i) {
        const int label = set.labels[static_cast<std::size_t>(i)];
        if (label < 0 || label >= static_cast<int>(set.classes.size()))
            throw Error(set.source + ": image " + std::to_string(i) + " has label " + std::to_string(label) +
                        " outside 0.." + std::to_string(static_cast<int>(set.classes.size()) - 1));
        byClass[static_cast<std::size_t>(label)].push_back(i);
    }
    return byClass;
}


bool hasShape(const ImageSet& set, int resolution, int channels) {
    return set.height == resolution && set.width == resolution && set.channels == channels;
}

}  // namespace

void checkShape(int resolution, int channels, const std::string& what) {
    if (resolution < 1 || resolution > kMaxResolution)
        throw Error(what + ": resolution " + std::to_string(resolution) + " is outside 1.." +
                    std::to_string(kMaxResolution));
    if (channels != 1 && channels != 3)
        throw Error(what + ": channels " + std::to_string(channels) + " must be 1 (gray) or 3 (RGB)");
}

// ---------------------------------------------------------------- ImageSet

int ImageSet::size() const {
    return static_cast<int>(labels.size());
}

std::size_t ImageSet::imageBytes() const {
    return static_cast<std::size_t>(height) * static_cast<std::size_t>(width) *
           static_cast<std::size_t>(channels);
}

const std::uint8_t* ImageSet::image(int i) const {
    if (i < 0 || i >= size())
        throw Error(source + ": image index " + std::to_string(i) + " outside 0.." +
                    std::to_string(size() - 1));
    return pixels.data() + static_cast<std::size_t>(i) * imageBytes();
}

ImageSet ImageSet::subset(const std::vector<int>& indices) const {
    ImageSet out;
    out.height = height;
    out.width = width;
    out.channels = channels;
    out.classes = classes;
    out.source = source;
    out.labels.reserve(indices.size());
    out.pixels.reserve(indices.size() * imageBytes());
    for (int i : indices) {
        const std::uint8_t* p = image(i);
        out.pixels.insert(out.pixels.end(), p, p + imageBytes());
        out.labels.push_back(labels[static_cast<std::size_t>(i)]);
    }
    return out;
}

// ---------------------------------------------------------------- splits and subsets

SplitIndices split(const ImageSet& set, double validationFraction, std::uint64_t seed) {
    if (!(validationFraction >= 0.0 && validationFraction < 1.0))
        throw Error(set.source + ": validation fraction " + std::to_string(validationFraction) +
                    " must be in [0, 1)");
    const std::vector<std::vector<int>> byClass = indicesByClass(set);
    SplitIndices out;
    for (std::size_t c = 0; c < byClass.size(); ++c) {
        std::vector<int> indices = byClass[c];
        const int n = static_cast<int>(indices.size());
        int take = static_cast<int>(std::llround(validationFraction * n));
        if (validationFraction > 0.0 && n >= 2) take = std::clamp(take, 1, n - 1);
        if (n < 2) take = 0;
        Rng rng(streamSeed(seed, kSplitStream, c));
        shuffle(indices, rng);
        out.validation.insert(out.validation.end(), indices.begin(), indices.begin() + take);
        out.train.insert(out.train.end(), indices.begin() + take, indices.end());
    }
    std::sort(out.train.begin(), out.train.end());
    std::sort(out.validation.begin(), out.validation.end());
    return out;
}

std::vector<int> balancedSubset(const ImageSet& set, int perClass, std::uint64_t seed) {
    if (perClass < 1)
        throw Error(set.source + ": images per class " + std::to_string(perClass) + " must be at least 1");
    const std::vector<std::vector<int>> byClass = indicesByClass(set);
    std::vector<int> out;
    for (std::size_t c = 0; c < byClass.size(); ++c) {
        std::vector<int> indices = byClass[c];
        Rng rng(streamSeed(seed, kSubsetStream, c));
        shuffle(indices, rng);
        const std::size_t take = std::min(indices.size(), static_cast<std::size_t>(perClass));
        out.insert(out.end(), indices.begin(), indices.begin() + static_cast<std::ptrdiff_t>(take));
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<int> classCounts(const ImageSet& set, const std::vector<int>& indices) {
    std::vector<int> counts(set.classes.size(), 0);
    auto count = [&](int i) {
        if (i < 0 || i >= set.size())
            throw Error(set.source + ": image index " + std::to_string(i) + " outside 0.." +
                        std::to_string(set.size() - 1));
        const int label = set.labels[static_cast<std::size_t>(i)];
        if (label < 0 || label >= static_cast<int>(counts.size()))
            throw Error(set.source + ": image " + std::to_string(i) + " has label " + std::to_string(label) +
                        " outside the " + std::to_string(counts.size()) + " classes");
        ++counts[static_cast<std::size_t>(label)];
    };
    if (indices.empty())
        for (int i = 0; i < set.size(); ++i) count(i);
    for (int i : indices) count(i);
    return counts;
}

// ---------------------------------------------------------------- augmentation

void augment(const ImageSet& set, int i, const Augmentation& aug, std::uint64_t seed, std::uint8_t* out) {
    const std::uint8_t* in = set.image(i);
    const int h = set.height, w = set.width, ch = set.channels;
    const int pad = aug.cropPadding;
    if (pad < 0 || pad > std::max(h, w))
        throw Error(set.source + ": crop padding " + std::to_string(pad) + " outside 0.." +
                    std::to_string(std::max(h, w)));
    if (out == nullptr) throw Error(set.source + ": augment: no output buffer");
    Rng rng(streamSeed(seed, kAugmentStream, static_cast<std::uint64_t>(i)));
    // The crop's top-left corner in padded coordinates is (dy, dx) in
    // [0, 2 * pad]; output pixel (y, x) comes from input (y + dy - pad, x + dx - pad).
    const int dy = pad > 0 ? rng.below(2 * pad + 1) : pad;
    const int dx = pad > 0 ? rng.below(2 * pad + 1) : pad;
    const bool flip = aug.horizontalFlip && (rng.next() >> 63) != 0;
    const std::size_t pixel = static_cast<std::size_t>(ch);
    for (int y = 0; y < h; ++y) {
        const int sy = y + dy - pad;
        for (int x = 0; x < w; ++x) {
            const int sx = (flip ? w - 1 - x : x) + dx - pad;
            std::uint8_t* o = out + (static_cast<std::size_t>(y) * static_cast<std::size_t>(w) +
                                     static_cast<std::size_t>(x)) *
                                        pixel;
            if (sy < 0 || sy >= h || sx < 0 || sx >= w) {
                std::fill(o, o + pixel, std::uint8_t{0});
            } else {
                const std::uint8_t* s = in + (static_cast<std::size_t>(sy) * static_cast<std::size_t>(w) +
                                              static_cast<std::size_t>(sx)) *
                                                 pixel;
                std::copy(s, s + pixel, o);
            }
        }
    }
}

// ---------------------------------------------------------------- reshaping

ImageSet resized(const ImageSet& set, int resolution, int channels) {
    checkShape(resolution, channels, set.source);
    if (set.channels != 1 && set.channels != 3)
        throw Error(set.source + ": cannot convert images with " + std::to_string(set.channels) +
                    " channels");
    if (hasShape(set, resolution, channels)) return set;
    ImageSet out;
    out.height = out.width = resolution;
    out.channels = channels;
    out.labels = set.labels;
    out.classes = set.classes;
    out.source = set.source;
    out.pixels.resize(static_cast<std::size_t>(set.size()) * out.imageBytes());
    const bool shrinking = std::int64_t{resolution} * resolution < std::int64_t{set.height} * set.width;
    const int interpolation = shrinking ? cv::INTER_AREA : cv::INTER_LINEAR;
    for (int i = 0; i < set.size(); ++i) {
        // Read-only view of the input (OpenCV has no const Mat over external data).
        const cv::Mat source(set.height, set.width, CV_8UC(set.channels),
                             const_cast<std::uint8_t*>(set.image(i)));
        cv::Mat image = source, step;
        if (set.channels == 3 && channels == 1) {
            cv::cvtColor(image, step, cv::COLOR_RGB2GRAY);
            image = step;
        }
        if (image.rows != resolution || image.cols != resolution) {
            cv::Mat scaled;
            cv::resize(image, scaled, cv::Size(resolution, resolution), 0, 0, interpolation);
            image = scaled;
        }
        if (set.channels == 1 && channels == 3) {
            cv::Mat rgb;
            cv::cvtColor(image, rgb, cv::COLOR_GRAY2RGB);
            image = rgb;
        }
        cv::Mat target(resolution, resolution, CV_8UC(channels),
                       out.pixels.data() + static_cast<std::size_t>(i) * out.imageBytes());
        image.copyTo(target);
    }
    return out;
}

void writeImageFile(const std::string& path, int height, int width, int channels,
                    const std::uint8_t* pixels) {
    if (height < 1 || width < 1 || (channels != 1 && channels != 3) || pixels == nullptr)
        throw Error(path + ": cannot write a " + std::to_string(height) + " x " + std::to_string(width) +
                    " x " + std::to_string(channels) + " image");
    cv::Mat image(height, width, CV_8UC(channels), const_cast<std::uint8_t*>(pixels));
    cv::Mat bgr;
    if (channels == 3)
        cv::cvtColor(image, bgr, cv::COLOR_RGB2BGR);
    else
        bgr = image;
    bool ok = false;
    try {
        ok = cv::imwrite(path, bgr);
    } catch (const cv::Exception& e) {
        throw Error(path + ": cannot write (" + e.msg + ")");
    }
    if (!ok) throw Error(path + ": cannot write");
}

// ---------------------------------------------------------------- open()

namespace {

void checkSpec(const DataSpec& spec) {
    if (spec.source.empty()) throw Error("--data: empty (expected fashion-mnist or a folder)");
    if (spec.features == Features::Mfcc && spec.source == "fashion-mnist")
        throw Error("fashion-mnist: pictures, not audio (MFCC features need a folder of WAV clips)");
    if (spec.features == Features::Image) checkShape(spec.resolution, spec.channels, spec.source);
    if (!(spec.validationFraction >= 0.0 && spec.validationFraction < 1.0))
        throw Error(spec.source + ": validation fraction " + std::to_string(spec.validationFraction) +
                    " must be in [0, 1)");
    if (spec.trainPerClass < 0 || spec.testPerClass < 0)
        throw Error(spec.source + ": images per class must not be negative");
}

void merge(LoadReport& into, const LoadReport& from) {
    into.decoded += from.decoded;
    into.fromCache += from.fromCache;
    into.cacheWritten = into.cacheWritten || from.cacheWritten;
    if (into.cachePath.empty()) into.cachePath = from.cachePath;
    into.skipped.insert(into.skipped.end(), from.skipped.begin(), from.skipped.end());
}

// Splits `from` into (rest, share): share = a stratified `fraction` of it.
std::pair<ImageSet, ImageSet> splitOff(const ImageSet& from, double fraction, std::uint64_t seed) {
    const SplitIndices s = split(from, fraction, seed);
    return {from.subset(s.train), from.subset(s.validation)};
}

void openFolder(const DataSpec& spec, Datasets& out) {
    const fs::path root(spec.source);
    std::error_code ec;
    const bool hasTrain = fs::is_directory(root / "train", ec);
    const char* testName = fs::is_directory(root / "test", ec)  ? "test"
                           : fs::is_directory(root / "val", ec) ? "val"
                                                                : nullptr;
    auto load = [&](const std::string& dir, LoadReport* report) {
        return spec.features == Features::Mfcc ? loadAudioFolder(dir, report)
                                               : loadImageFolder(dir, spec.resolution, spec.channels, report);
    };
    if (hasTrain && testName != nullptr) {
        LoadReport trainReport, testReport;
        ImageSet train = load((root / "train").string(), &trainReport);
        out.test = load((root / testName).string(), &testReport);
        if (out.test.classes != train.classes)
            throw Error(spec.source + ": the classes of " + testName + "/ (" +
                        std::to_string(out.test.classes.size()) + ") differ from those of train/ (" +
                        std::to_string(train.classes.size()) + "); both need the same class subfolders");
        merge(out.report, trainReport);
        merge(out.report, testReport);
        std::tie(out.train, out.validation) = splitOff(train, spec.validationFraction, spec.seed);
        return;
    }
    const ImageSet all = load(spec.source, &out.report);
    ImageSet rest;
    std::tie(rest, out.test) = splitOff(all, spec.validationFraction, spec.seed);
    std::tie(out.train, out.validation) = splitOff(rest, spec.validationFraction, spec.seed + 1);
}

void keepBalanced(ImageSet& set, int perClass, std::uint64_t seed) {
    if (perClass > 0 && set.size() > 0) set = set.subset(balancedSubset(set, perClass, seed));
}

void toShape(ImageSet& set, int resolution, int channels) {
    if (!hasShape(set, resolution, channels)) set = resized(set, resolution, channels);
}

}  // namespace

Datasets open(const DataSpec& spec) {
    checkSpec(spec);
    Datasets out;
    std::string name = spec.source;
    if (spec.source == "fashion-mnist") {
        ImageSet train = loadFashionMnist(Part::Train);
        out.test = loadFashionMnist(Part::Test);
        out.report.decoded = train.size() + out.test.size();
        std::tie(out.train, out.validation) = splitOff(train, spec.validationFraction, spec.seed);
    } else {
        openFolder(spec, out);
    }
    // Subsets first (cheap), then the architecture's shape.
    const double f = spec.validationFraction;
    keepBalanced(out.train, spec.trainPerClass, streamSeed(spec.seed, kSubsetStream, 1));
    if (spec.trainPerClass > 0) {
        const int perClass = std::max(1, static_cast<int>(std::lround(spec.trainPerClass * f / (1.0 - f))));
        keepBalanced(out.validation, perClass, streamSeed(spec.seed, kSubsetStream, 2));
    }
    keepBalanced(out.test, spec.testPerClass, streamSeed(spec.seed, kSubsetStream, 3));
    if (spec.features == Features::Image) {
        toShape(out.train, spec.resolution, spec.channels);
        toShape(out.validation, spec.resolution, spec.channels);
        toShape(out.test, spec.resolution, spec.channels);
    }
    out.train.source = name + " train";
    out.validation.source = name + " validation";
    out.test.source = name + " test";
    out.flipMakesSense = spec.features == Features::Image;  // a flip would reverse time (and the coefficients)
    return out;
}

Features featuresOf(const std::string& source) {
    if (source == "fashion-mnist") return Features::Image;
    std::error_code ec;
    fs::path root(source);
    if (fs::is_directory(root / "train", ec)) root /= "train";
    if (!fs::is_directory(root, ec)) return Features::Image;
    // A look at the first files is enough: a dataset is one kind or the other.
    int wav = 0, images = 0, seen = 0;
    for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end && seen < 2000; it.increment(ec), ++seen) {
        if (it.depth() > 4) it.disable_recursion_pending();
        if (!it->is_regular_file(ec)) continue;
        if (isWavFile(it->path())) ++wav;
        else if (isImageFile(it->path())) ++images;
        if (wav + images >= 20) break;
    }
    return wav > 0 && images == 0 ? Features::Mfcc : Features::Image;
}

std::optional<int> nativeResolution(const std::string& source) {
    if (source == "fashion-mnist") return 28;
    std::error_code ec;
    const fs::path root(source);
    const bool split = fs::is_directory(root / "train", ec);
    return folderImageSide(split ? (root / "train").string() : source, 32);
}

}  // namespace mcunet::data
