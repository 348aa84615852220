// IDX files (LeCun's MNIST format), plain or gzip-compressed, and Debian's
// Fashion-MNIST. Every size in a header is checked against the caps and the
// data actually present before it is trusted.
#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>

#include <zlib.h>

#include "common/error.h"
#include "data/dataset.h"

namespace mcunet::data {
namespace {

namespace fs = std::filesystem;

constexpr std::uint32_t kImagesMagic = 0x00000803;  // unsigned byte, 3 dimensions
constexpr std::uint32_t kLabelsMagic = 0x00000801;  // unsigned byte, 1 dimension
constexpr std::uint32_t kMaxSide = 1u << 16;
constexpr std::size_t kChunk = std::size_t{1} << 20;

std::string hex32(std::uint32_t v) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08x", v);
    return text;
}

bool isGzip(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    unsigned char magic[2] = {0, 0};
    in.read(reinterpret_cast<char*>(magic), 2);
    return in.gcount() == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

// Reads a file through zlib, which passes plain files through unchanged.
class Reader {
public:
    explicit Reader(const std::string& path) : path_(path) {
        std::error_code ec;
        if (!fs::exists(path, ec)) throw Error(path + ": file not found");
        if (!fs::is_regular_file(path, ec)) throw Error(path + ": not a regular file");
        gzip_ = isGzip(path);
        if (!gzip_) plainSize_ = fs::file_size(path, ec);
        file_ = gzopen(path.c_str(), "rb");
        if (file_ == nullptr) throw Error(path + ": cannot open");
    }
    ~Reader() { gzclose(file_); }
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;

    bool gzip() const { return gzip_; }
    std::uint64_t plainSize() const { return plainSize_; }

    // Reads up to n bytes; returns how many were read (fewer only at the end).
    std::size_t read(std::uint8_t* out, std::size_t n) {
        std::size_t done = 0;
        while (done < n) {
            const auto want = static_cast<unsigned>(std::min(kChunk, n - done));
            const int got = gzread(file_, out + done, want);
            if (got < 0) {
                int code = 0;
                const char* message = gzerror(file_, &code);
                throw Error(path_ + ": corrupt gzip data (" + (message ? message : "zlib error") + ")");
            }
            if (got == 0) break;
            done += static_cast<std::size_t>(got);
        }
        return done;
    }

    std::uint32_t bigEndian32(const char* what) {
        std::array<std::uint8_t, 4> b{};
        if (read(b.data(), 4) != 4)
            throw Error(path_ + ": truncated: the file ends inside the header (" + what + ")");
        return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
    }

    // Reads exactly n bytes, growing the buffer only as data arrives (a header
    // lying about the count cannot make us allocate more than the file holds).
    std::vector<std::uint8_t> exactly(std::uint64_t n, const std::string& what) {
        std::vector<std::uint8_t> out;
        out.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(n, std::uint64_t{64} << 20)));
        while (out.size() < n) {
            const std::size_t before = out.size();
            const std::size_t chunk = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, n - before));
            out.resize(before + chunk);
            const std::size_t got = read(out.data() + before, chunk);
            if (got < chunk)
                throw Error(path_ + ": truncated: expected " + std::to_string(n) + " bytes of " + what +
                            ", the file ends after " + std::to_string(before + got));
        }
        std::uint8_t extra = 0;
        if (read(&extra, 1) != 0)
            throw Error(path_ + ": more data than the header says (" + what + ": " + std::to_string(n) +
                        " bytes expected)");
        return out;
    }

    // For plain files, checks the length before reading the payload.
    void expectLength(std::uint64_t headerBytes, std::uint64_t payload, const std::string& what) const {
        if (gzip_ || plainSize_ == headerBytes + payload) return;
        throw Error(path_ + ": file is " + std::to_string(plainSize_) + " bytes, the header says " +
                    std::to_string(headerBytes + payload) + " (" + what + ")");
    }

private:
    std::string path_;
    gzFile file_ = nullptr;
    bool gzip_ = false;
    std::uint64_t plainSize_ = 0;
};

void checkMagic(std::uint32_t magic, std::uint32_t expected, const std::string& path, const char* what) {
    if (magic != expected)
        throw Error(path + ": bad magic " + hex32(magic) + ", expected " + hex32(expected) + " (" + what +
                    ")");
}

struct IdxImages {
    int count = 0, height = 0, width = 0;
    std::vector<std::uint8_t> pixels;
};

IdxImages readImages(const std::string& path) {
    Reader in(path);
    checkMagic(in.bigEndian32("magic"), kImagesMagic, path, "IDX images");
    const std::uint32_t count = in.bigEndian32("image count");
    const std::uint32_t rows = in.bigEndian32("rows");
    const std::uint32_t cols = in.bigEndian32("columns");
    if (count == 0) throw Error(path + ": holds no images (count 0)");
    if (count > static_cast<std::uint32_t>(std::numeric_limits<int>::max()))
        throw Error(path + ": absurd image count " + std::to_string(count));
    if (rows == 0 || cols == 0 || rows > kMaxSide || cols > kMaxSide)
        throw Error(path + ": absurd image size " + std::to_string(rows) + " x " + std::to_string(cols));
    const std::uint64_t perImage = std::uint64_t{rows} * cols;
    if (count > kMaxPixelBytes / perImage)
        throw Error(path + ": " + std::to_string(count) + " images of " + std::to_string(rows) + " x " +
                    std::to_string(cols) + " exceed the " + std::to_string(kMaxPixelBytes >> 20) +
                    " MiB limit on a dataset's pixels");
    const std::uint64_t payload = perImage * count;
    const std::string what =
        std::to_string(count) + " images of " + std::to_string(rows) + " x " + std::to_string(cols);
    in.expectLength(16, payload, what);
    IdxImages images;
    images.count = static_cast<int>(count);
    images.height = static_cast<int>(rows);
    images.width = static_cast<int>(cols);
    images.pixels = in.exactly(payload, "pixels (" + what + ")");
    return images;
}

std::vector<std::uint8_t> readLabels(const std::string& path) {
    Reader in(path);
    checkMagic(in.bigEndian32("magic"), kLabelsMagic, path, "IDX labels");
    const std::uint32_t count = in.bigEndian32("label count");
    if (count == 0) throw Error(path + ": holds no labels (count 0)");
    if (count > static_cast<std::uint32_t>(std::numeric_limits<int>::max()))
        throw Error(path + ": absurd label count " + std::to_string(count));
    in.expectLength(8, count, std::to_string(count) + " labels");
    return in.exactly(count, "labels");
}

}  // namespace

ImageSet loadIdx(const std::string& imagesPath, const std::string& labelsPath,
                 std::vector<std::string> classNames) {
    const std::vector<std::uint8_t> labels = readLabels(labelsPath);
    IdxImages images = readImages(imagesPath);
    if (labels.size() != static_cast<std::size_t>(images.count))
        throw Error(imagesPath + " holds " + std::to_string(images.count) + " images but " + labelsPath +
                    " holds " + std::to_string(labels.size()) + " labels");
    const int maxLabel = *std::max_element(labels.begin(), labels.end());
    if (classNames.empty()) {
        for (int c = 0; c < std::max(10, maxLabel + 1); ++c) classNames.push_back(std::to_string(c));
    } else if (maxLabel >= static_cast<int>(classNames.size())) {
        throw Error(labelsPath + ": label " + std::to_string(maxLabel) + " but only " +
                    std::to_string(classNames.size()) + " class names");
    }
    ImageSet set;
    set.height = images.height;
    set.width = images.width;
    set.channels = 1;
    set.pixels = std::move(images.pixels);
    set.labels.assign(labels.begin(), labels.end());
    set.classes = std::move(classNames);
    set.source = imagesPath;
    return set;
}

std::string fashionMnistDir() {
    const char* env = std::getenv("MCUNET_FASHION_MNIST");
    if (env != nullptr && *env != '\0') return env;
    return "/usr/share/datasets/fashion-mnist";
}

const std::vector<std::string>& fashionMnistClasses() {
    static const std::vector<std::string> names = {"T-shirt/top", "Trouser",   "Pullover", "Dress",
                                                   "Coat",        "Sandal",    "Shirt",    "Sneaker",
                                                   "Bag",         "Ankle boot"};
    return names;
}

ImageSet loadFashionMnist(Part part) {
    const std::string dir = fashionMnistDir();
    const std::string prefix = part == Part::Train ? "train" : "t10k";
    auto find = [&](const std::string& kind) {
        const std::string base = dir + "/" + prefix + "-" + kind + "-ubyte";
        std::error_code ec;
        if (fs::is_regular_file(base + ".gz", ec)) return base + ".gz";
        if (fs::is_regular_file(base, ec)) return base;
        throw Error("fashion-mnist: " + base +
                    ".gz not found; install Debian's dataset-fashion-mnist package "
                    "(apt-get install dataset-fashion-mnist) or point MCUNET_FASHION_MNIST at a folder "
                    "holding the four IDX files");
    };
    const std::string images = find("images-idx3");
    const std::string labels = find("labels-idx1");
    ImageSet set = loadIdx(images, labels, fashionMnistClasses());
    set.source = std::string("fashion-mnist ") + (part == Part::Train ? "train" : "test");
    return set;
}

}  // namespace mcunet::data
