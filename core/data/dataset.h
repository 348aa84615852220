#pragma once
// Datasets for training (docs/datasets.md): IDX files (Fashion-MNIST from
// Debian's dataset-fashion-mnist), image folders (one subfolder per class,
// decoded once with OpenCV and cached beside the data), seeded stratified
// splits, class-balanced subsets and seeded augmentation.
//
// Plain C++ (no Qt, no OpenCV in this header). Every error is an
// mcunet::Error whose message names the file or folder and what is wrong.
// Sizes read from files are checked before anything is allocated; a dataset
// holds at most kMaxPixelBytes bytes of pixels.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mcunet::data {

inline constexpr std::uint64_t kMaxPixelBytes = std::uint64_t{1} << 31;  // 2 GiB
inline constexpr int kMaxResolution = 2048;
inline constexpr std::uint32_t kCacheVersion = 1;  // image-folder cache format (docs/datasets.md)

struct ImageSet {  // decoded images, all of one size
    int height = 0, width = 0, channels = 0;
    std::vector<std::uint8_t> pixels;  // size() * height * width * channels, HWC per image, row-major
    std::vector<int> labels;           // one per image, 0..classes.size()-1
    std::vector<std::string> classes;  // class names, index = label
    std::string source;                // human description ("fashion-mnist train", "/path/to/dir")
    int size() const;                  // number of images
    std::size_t imageBytes() const;    // height*width*channels
    const std::uint8_t* image(int i) const;
    ImageSet subset(const std::vector<int>& indices) const;  // images at indices, same classes
};

struct LoadReport {
    int decoded = 0;    // images decoded from files this time
    int fromCache = 0;  // images read from the cache
    bool cacheWritten = false;
    std::string cachePath;             // where the cache is (empty for IDX)
    std::vector<std::string> skipped;  // "path: reason" for unreadable / undecodable files
};

// IDX files (idx3-ubyte images, idx1-ubyte labels), plain or gzip-compressed
// (detected by the magic bytes 1f 8b). Checks magic numbers, dimensions, that
// the counts agree with each other and with the data; classes are named
// "0".."9" (or up to the largest label) unless `classNames` is given, in which
// case every label must be below classNames.size().
ImageSet loadIdx(const std::string& imagesPath, const std::string& labelsPath,
                 std::vector<std::string> classNames = {});

// Debian's dataset-fashion-mnist: /usr/share/datasets/fashion-mnist/
// {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz (the environment variable
// MCUNET_FASHION_MNIST overrides the folder; unpacked files without .gz are
// accepted too). Missing files: an Error naming the package to install.
enum class Part { Train, Test };
std::string fashionMnistDir();
const std::vector<std::string>& fashionMnistClasses();
ImageSet loadFashionMnist(Part part);

// An image folder: one subfolder per class (class name = subfolder name,
// sorted), image files .jpg/.jpeg/.png/.bmp/.pgm/.ppm (any case) anywhere
// inside it, any size. Each is decoded once (grayscale for channels 1, RGB for
// 3), resized so the shorter side is `resolution` and centre-cropped to a
// square. Unreadable / undecodable files are skipped and listed in
// report->skipped. Files at the top level and hidden entries are ignored.
// The decoded images are cached (<dir>/.mcunet-cache/r<R>-c<C>.bin, or under
// $XDG_CACHE_HOME/mcunet/datasets/ when the folder cannot be written) and the
// cache is used while the list of files (path, size, mtime) is unchanged.
ImageSet loadImageFolder(const std::string& dir, int resolution, int channels, LoadReport* report = nullptr);

// An audio folder (docs/audio.md): one subfolder per class (Speech Commands'
// layout; tools/make-kws-dataset.sh makes one), .wav files anywhere inside.
// Each clip, resampled to 16 kHz, is centred in `seconds` (cut, or padded
// with silence) and becomes its MFCC v1 features as an 8-bit picture of
// frames x coefficients x 1 (49 x 10 for one second; audioPicture). WAV
// files that cannot be read are skipped and listed in report->skipped.
ImageSet loadAudioFolder(const std::string& dir, LoadReport* report = nullptr, double seconds = 1.0);
// One clip (mono samples at 16 kHz) as above: value = clamp(round(2 c) + 128,
// 0, 255) for each MFCC c, i.e. c = (value - 128) / 2, half a unit per step
// over [-64, 63.5]. Throws mcunet::Error when `seconds` is not within 0.1..10.
std::vector<std::uint8_t> audioPicture(const std::vector<float>& samples16k, double seconds = 1.0);
// Frames x coefficients of that picture.
std::pair<int, int> audioPictureShape(double seconds = 1.0);

// Where loadImageFolder keeps the cache for `dir`, beside the data and in the
// user's cache folder (empty when neither $XDG_CACHE_HOME nor $HOME is set).
std::string primaryCachePath(const std::string& dir, int resolution, int channels);
std::string fallbackCachePath(const std::string& dir, int resolution, int channels);

// To an architecture's input: resize to resolution x resolution (INTER_AREA
// shrinking, INTER_LINEAR growing) and convert channels (gray -> RGB by
// replication, RGB -> gray as OpenCV's cvtColor). A plain copy when the set
// already has that shape.
ImageSet resized(const ImageSet& set, int resolution, int channels);

// A camera or video frame (RGB, rows of width x 3 bytes, any size) as a
// network input of resolution x resolution x channels, prepared as an image
// folder's pictures are for training: the centre square, resized (INTER_AREA
// shrinking, INTER_LINEAR growing), gray by OpenCV's RGB -> gray weights.
std::vector<std::uint8_t> frameToImage(const std::uint8_t* rgb, int width, int height, int resolution, int channels);

// One image file (PNG, JPEG, anything OpenCV decodes) as a network input of
// resolution x resolution x channels, prepared as an image folder's pictures
// are for training (the centre square, resized; gray or RGB). Throws
// mcunet::Error naming the file (missing, not a regular file, too large,
// not decodable).
std::vector<std::uint8_t> loadImageFile(const std::string& path, int resolution, int channels);

// Adds one picture to an image folder (the layout loadImageFolder reads):
// `dir`/`className`/capture-NNNNN.png with the first free number, so an
// existing file is never replaced. The picture is `frame` (RGB rows of
// width x 3 bytes), its centre square resized to at most `maxSide` pixels
// (never enlarged), saved as RGB PNG. The class name must be 1 to 64
// letters, digits, spaces, '-', '_' or '.', not starting with '.' (it
// becomes a folder name). Returns the file's path; throws mcunet::Error
// naming the folder or the class.
std::string addToImageFolder(const std::string& dir, const std::string& className, const std::uint8_t* frame, int width,
                             int height, int maxSide = 256);
// Throws mcunet::Error naming `name` unless it is such a class name.
void checkClassName(const std::string& name);

// Seeded, stratified split: from each class, round(fraction * count) images go
// to validation (at least 1 and at most count - 1 when the class has >= 2
// images and fraction > 0). Both lists ascending. Same seed -> same split.
// fraction must be in [0, 1).
struct SplitIndices {
    std::vector<int> train, validation;
};
SplitIndices split(const ImageSet& set, double validationFraction, std::uint64_t seed);

// A seeded, class-balanced subset of at most `perClass` (>= 1) images of each
// class, ascending.
std::vector<int> balancedSubset(const ImageSet& set, int perClass, std::uint64_t seed);

// One count per class over `indices` (empty = all images).
std::vector<int> classCounts(const ImageSet& set, const std::vector<int>& indices);

// Seeded augmentation, deterministic: the same (image, settings, seed) always
// gives the same bytes. The random draws depend on both `seed` and `i`.
struct Augmentation {
    int cropPadding = 0;  // pad by this many zero pixels, crop back to the original size at a random offset
    bool horizontalFlip = false;  // flip with probability 1/2
};
// Writes the augmented image i of `set` to out (imageBytes() bytes, must not
// overlap the set's pixels). No global state: thread-safe.
void augment(const ImageSet& set, int i, const Augmentation& aug, std::uint64_t seed, std::uint8_t* out);

// Writes one HWC image (channels 1 = gray, 3 = RGB) to an image file whose
// format follows the extension (.png, .jpg, .bmp, .pgm, .ppm). For previews,
// exports and tests.
void writeImageFile(const std::string& path, int height, int width, int channels, const std::uint8_t* pixels);

// What a dataset's samples become: pictures, or MFCC v1 features of one-second
// clips as 49 x 10 x 1 pictures (audio folders, loadAudioFolder).
enum class Features { Image, Mfcc };
// Mfcc for a folder whose class folders (or train/'s) hold WAV files and no
// images; Image otherwise (fashion-mnist, image folders, a folder with neither).
Features featuresOf(const std::string& source);

// "fashion-mnist" or a folder path, plus the shape the architecture needs;
// what `mcunet train --data` takes.
struct DataSpec {
    std::string source;  // "fashion-mnist" or a directory
    Features features = Features::Image;  // Mfcc: an audio folder; resolution and channels are not used
    int resolution = 28;
    int channels = 1;
    double validationFraction = 0.1;
    std::uint64_t seed = 1;
    int trainPerClass = 0;  // >0: keep a balanced subset of at most this many train images per class
    int testPerClass = 0;   // >0: likewise for the test set
};
struct Datasets {
    ImageSet train, validation, test;  // all already at resolution x resolution x channels (Mfcc: 49 x 10 x 1)
    bool flipMakesSense = true;        // pictures: true (the caller may switch it off); MFCC features: false
    LoadReport report;
};
// fashion-mnist: train / validation split from the 60k train images, test =
// the 10k t10k images. A folder holding train/ and test/ (or val/): those are
// used (validation split from train). Any other folder is split three ways:
// test = a stratified validationFraction share, validation = the same share of
// the rest, train = what is left. trainPerClass also limits validation, to
// max(1, round(trainPerClass * f / (1 - f))) per class (f = validationFraction).
Datasets open(const DataSpec& spec);

// The data's own resolution: 28 for fashion-mnist; for a folder the median
// shorter side of a sample of its images (train/ when it has one). A network
// input above it adds MACs and memory but no detail (TinyNAS stage 1 in
// `mcunet tinynas` stops there). nullopt when no sampled image decodes.
std::optional<int> nativeResolution(const std::string& source);

}  // namespace mcunet::data
