// Image folders: listing (one subfolder per class), decoding with OpenCV,
// and the binary cache of the decoded images (format in docs/datasets.md).
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "common/error.h"
#include "common/input_file.h"
#include "common/user_dirs.h"
#include "common/safe_text.h"
#include "data/dataset.h"
#include "data/folder_listing.h"
#include "data/internal.h"

namespace mcunet::data {
namespace {

namespace fs = std::filesystem;

constexpr char kCacheMagic[8] = {'M', 'C', 'U', 'N', 'D', 'S', 'E', 'T'};
constexpr std::size_t kHeaderBytes = 48;
constexpr std::uint64_t kMaxImageFileBytes = std::uint64_t{512} << 20;
constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;

std::uint64_t fnv1a(std::uint64_t h, const void* data, std::size_t n) {
    const auto* p = static_cast<const std::uint8_t*>(data);
    for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * kFnvPrime;
    return h;
}

void put32(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xffu));
}
void put64(std::string& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xffu));
}
void putString(std::string& out, const std::string& s) {
    put32(out, static_cast<std::uint32_t>(s.size()));
    out += s;
}
std::uint32_t get32(const std::uint8_t* p) {
    return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) |
           (std::uint32_t{p[3]} << 24);
}
std::uint64_t get64(const std::uint8_t* p) {
    return std::uint64_t{get32(p)} | (std::uint64_t{get32(p + 4)} << 32);
}

std::string hex64(std::uint64_t v) {
    static const char* digits = "0123456789abcdef";
    std::string s(16, '0');
    for (int i = 15; i >= 0; --i, v >>= 4) s[static_cast<std::size_t>(i)] = digits[v & 0xf];
    return s;
}

// The cache key: everything the decoded images depend on.
std::uint64_t cacheKey(const Listing& listing, int resolution, int channels) {
    std::string b("mcunet-image-folder-cache");
    b.push_back('\0');
    put32(b, kCacheVersion);
    put32(b, static_cast<std::uint32_t>(resolution));
    put32(b, static_cast<std::uint32_t>(channels));
    put64(b, listing.classes.size());
    for (const std::string& name : listing.classes) {
        b += name;
        b.push_back('\0');
    }
    put64(b, listing.files.size());
    for (const FileEntry& f : listing.files) {
        put32(b, static_cast<std::uint32_t>(f.label));
        b += f.rel;
        b.push_back('\0');
        put64(b, f.size);
        put64(b, static_cast<std::uint64_t>(f.mtimeNs));
    }
    return fnv1a(kFnvOffset, b.data(), b.size());
}

// ---------------------------------------------------------------- decoding

// The centre square (side = the shorter side) resized to resolution x
// resolution: the same as resizing the shorter side to `resolution` and
// cropping the centre, without ever making a huge intermediate image.
cv::Mat centreSquare(const cv::Mat& image, int resolution) {
    const int side = std::min(image.rows, image.cols);
    const cv::Rect square((image.cols - side) / 2, (image.rows - side) / 2, side, side);
    cv::Mat out;
    if (side == resolution) {
        out = image(square).clone();
    } else {
        const int interpolation = side > resolution ? cv::INTER_AREA : cv::INTER_LINEAR;
        cv::resize(image(square), out, cv::Size(resolution, resolution), 0, 0, interpolation);
    }
    return out;
}

// Decodes one file at its own size (channels 1 gray, 3 RGB); an empty Mat
// and `why` set when it cannot be read or decoded.
cv::Mat decodeWhole(const fs::path& path, std::uint64_t size, int channels, std::string& why) {
    if (size > kMaxImageFileBytes) {
        why = "file too large (" + std::to_string(size >> 20) + " MiB)";
        return {};
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        why = std::string("cannot read (") + std::strerror(errno) + ")";
        return {};
    }
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (static_cast<std::uint64_t>(in.gcount()) != size || bytes.empty()) {
        why = bytes.empty() ? "empty file" : "cannot read (the file changed while reading)";
        return {};
    }
    cv::Mat image;
    try {
        image = cv::imdecode(bytes, channels == 1 ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR);
    } catch (const cv::Exception& e) {
        why = "cannot decode (" + e.msg + ")";
        return {};
    }
    if (image.empty() || image.rows < 1 || image.cols < 1) {
        why = "not a decodable image";
        return {};
    }
    if (channels == 3) cv::cvtColor(image, image, cv::COLOR_BGR2RGB);
    return image;
}

// Decodes one file to resolution x resolution x channels; an empty Mat and
// `why` set when it cannot be read or decoded.
cv::Mat decodeFile(const fs::path& path, std::uint64_t size, int resolution, int channels, std::string& why) {
    const cv::Mat image = decodeWhole(path, size, channels, why);
    return image.empty() ? image : centreSquare(image, resolution);
}

struct Decoded {
    ImageSet set;
    std::vector<std::string> skipped;  // "rel: reason"
};

Decoded decodeAll(const Listing& listing, int resolution, int channels) {
    Decoded d;
    ImageSet& set = d.set;
    set.height = set.width = resolution;
    set.channels = channels;
    set.classes = listing.classes;
    set.source = listing.dir;
    const std::size_t bytes = set.imageBytes();
    set.pixels.reserve(listing.files.size() * bytes);
    for (const FileEntry& f : listing.files) {
        std::string why;
        const cv::Mat image = decodeFile(fs::path(listing.dir) / f.rel, f.size, resolution, channels, why);
        if (image.empty()) {
            d.skipped.push_back(f.rel + ": " + why);
            continue;
        }
        for (int y = 0; y < resolution; ++y)
            set.pixels.insert(set.pixels.end(), image.ptr<std::uint8_t>(y),
                              image.ptr<std::uint8_t>(y) + resolution * channels);
        set.labels.push_back(f.label);
    }
    return d;
}

void checkDecoded(const Listing& listing, const Decoded& d) {
    if (d.set.labels.empty()) {
        if (listing.files.empty())
            throw Error(
                listing.dir +
                ": no images (expected .jpg, .jpeg, .png, .bmp, .pgm or .ppm files in the class subfolders)");
        throw Error(listing.dir + ": no images could be decoded (" + std::to_string(d.skipped.size()) +
                    " files skipped, e.g. " + d.skipped.front() + ")");
    }
    const std::vector<int> counts = classCounts(d.set, {});
    for (std::size_t c = 0; c < counts.size(); ++c)
        if (counts[c] == 0)
            throw Error(listing.dir + ": class '" + listing.classes[c] + "' has no decodable image");
}

// ---------------------------------------------------------------- cache

std::string cacheFileName(int resolution, int channels) {
    return "r" + std::to_string(resolution) + "-c" + std::to_string(channels) + ".bin";
}

// Reads a cache file; nullopt when it is missing, stale, truncated or corrupt.
std::optional<Decoded> readCache(const std::string& path, std::uint64_t key, int resolution, int channels,
                                 const Listing& listing) {
    std::error_code ec;
    const std::uint64_t fileSize = fs::file_size(path, ec);
    if (ec || fileSize < kHeaderBytes + 8) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    std::uint8_t h[kHeaderBytes];
    if (!in.read(reinterpret_cast<char*>(h), kHeaderBytes)) return std::nullopt;
    const std::uint32_t count = get32(h + 20), classCount = get32(h + 24), skippedCount = get32(h + 28);
    const std::uint64_t stringBytes = get64(h + 40);
    const std::uint64_t files = listing.files.size();
    if (std::memcmp(h, kCacheMagic, 8) != 0 || get32(h + 8) != kCacheVersion ||
        get32(h + 12) != static_cast<std::uint32_t>(resolution) ||
        get32(h + 16) != static_cast<std::uint32_t>(channels) || get64(h + 32) != key ||
        classCount != listing.classes.size() || count == 0 || count > files || skippedCount > files ||
        std::uint64_t{count} + skippedCount != files || stringBytes > fileSize)
        return std::nullopt;
    const std::uint64_t imageBytes = std::uint64_t(resolution) * resolution * channels;
    if (count > kMaxPixelBytes / imageBytes) return std::nullopt;
    if (fileSize != kHeaderBytes + stringBytes + 4ull * count + count * imageBytes + 8) return std::nullopt;

    std::vector<std::uint8_t> strings(static_cast<std::size_t>(stringBytes)), labels(4ull * count);
    Decoded d;
    ImageSet& set = d.set;
    set.pixels.resize(static_cast<std::size_t>(count * imageBytes));
    std::uint8_t trailer[8];
    in.read(reinterpret_cast<char*>(strings.data()), static_cast<std::streamsize>(strings.size()));
    in.read(reinterpret_cast<char*>(labels.data()), static_cast<std::streamsize>(labels.size()));
    in.read(reinterpret_cast<char*>(set.pixels.data()), static_cast<std::streamsize>(set.pixels.size()));
    in.read(reinterpret_cast<char*>(trailer), 8);
    if (!in) return std::nullopt;
    std::uint64_t sum = fnv1a(kFnvOffset, h, kHeaderBytes);
    sum = fnv1a(sum, strings.data(), strings.size());
    sum = fnv1a(sum, labels.data(), labels.size());
    sum = fnv1a(sum, set.pixels.data(), set.pixels.size());
    if (sum != get64(trailer)) return std::nullopt;

    std::vector<std::string> texts;
    for (std::size_t at = 0; at < strings.size();) {
        if (strings.size() - at < 4) return std::nullopt;
        const std::uint32_t n = get32(strings.data() + at);
        at += 4;
        if (n > strings.size() - at) return std::nullopt;
        texts.emplace_back(reinterpret_cast<const char*>(strings.data() + at), n);
        at += n;
    }
    if (texts.size() != std::size_t{classCount} + skippedCount) return std::nullopt;
    if (!std::equal(listing.classes.begin(), listing.classes.end(), texts.begin())) return std::nullopt;
    d.skipped.assign(texts.begin() + classCount, texts.end());
    set.labels.resize(count);
    for (std::uint32_t i = 0; i < count; ++i) {
        const std::uint32_t label = get32(labels.data() + 4 * i);
        if (label >= classCount) return std::nullopt;
        set.labels[i] = static_cast<int>(label);
    }
    set.height = set.width = resolution;
    set.channels = channels;
    set.classes = listing.classes;
    set.source = listing.dir;
    return d;
}

bool writeAll(int fd, const void* data, std::size_t n) {
    const auto* p = static_cast<const char*>(data);
    while (n > 0) {
        const ssize_t written = ::write(fd, p, n);
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) return false;
        p += written;
        n -= static_cast<std::size_t>(written);
    }
    return true;
}

// Writes the cache atomically: a unique temporary file in the same folder,
// then rename. False (and nothing left behind) when the folder is not writable.
bool writeCache(const std::string& path, std::uint64_t key, const Decoded& d) {
    const ImageSet& set = d.set;
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    if (ec) return false;
    std::string head(kCacheMagic, sizeof kCacheMagic);
    put32(head, kCacheVersion);
    put32(head, static_cast<std::uint32_t>(set.height));
    put32(head, static_cast<std::uint32_t>(set.channels));
    put32(head, static_cast<std::uint32_t>(set.size()));
    put32(head, static_cast<std::uint32_t>(set.classes.size()));
    put32(head, static_cast<std::uint32_t>(d.skipped.size()));
    put64(head, key);
    std::string strings;
    for (const std::string& s : set.classes) putString(strings, s);
    for (const std::string& s : d.skipped) putString(strings, s);
    put64(head, strings.size());
    std::string labels;
    for (int label : set.labels) put32(labels, static_cast<std::uint32_t>(label));
    std::uint64_t sum = fnv1a(kFnvOffset, head.data(), head.size());
    sum = fnv1a(sum, strings.data(), strings.size());
    sum = fnv1a(sum, labels.data(), labels.size());
    sum = fnv1a(sum, set.pixels.data(), set.pixels.size());
    std::string trailer;
    put64(trailer, sum);

    std::string temp = path + ".tmp-XXXXXX";
    const int fd = ::mkstemp(temp.data());
    if (fd < 0) return false;
    ::fchmod(fd, 0644);
    const bool ok = writeAll(fd, head.data(), head.size()) && writeAll(fd, strings.data(), strings.size()) &&
                    writeAll(fd, labels.data(), labels.size()) &&
                    writeAll(fd, set.pixels.data(), set.pixels.size()) &&
                    writeAll(fd, trailer.data(), trailer.size());
    const bool closed = ::close(fd) == 0;
    if (!ok || !closed || std::rename(temp.c_str(), path.c_str()) != 0) {
        ::unlink(temp.c_str());
        return false;
    }
    return true;
}

std::vector<std::string> withDir(const std::string& dir, const std::vector<std::string>& skipped) {
    std::vector<std::string> out;
    for (const std::string& s : skipped) out.push_back((fs::path(dir) / s).string());
    return out;
}

}  // namespace

std::string primaryCachePath(const std::string& dir, int resolution, int channels) {
    return (fs::path(dir) / ".mcunet-cache" / cacheFileName(resolution, channels)).string();
}

std::string fallbackCachePath(const std::string& dir, int resolution, int channels) {
    const std::string cache = user_dirs::cacheDir();
    if (cache.empty()) return {};
    const fs::path base(cache);
    std::error_code ec;
    fs::path absolute = fs::weakly_canonical(fs::absolute(dir, ec), ec);
    if (ec) absolute = fs::absolute(dir, ec);
    const std::string text = absolute.string();
    const std::string hash = hex64(fnv1a(kFnvOffset, text.data(), text.size()));
    return (base / "datasets" / hash / cacheFileName(resolution, channels)).string();
}

ImageSet loadImageFolder(const std::string& dir, int resolution, int channels, LoadReport* report) {
    checkShape(resolution, channels, dir);
    const Listing listing = listFolder(dir, isImageFile, "images");
    const std::uint64_t imageBytes = std::uint64_t(resolution) * resolution * channels;
    if (listing.files.size() > kMaxPixelBytes / imageBytes)
        throw Error(dir + ": " + std::to_string(listing.files.size()) + " images of " +
                    std::to_string(resolution) + " x " + std::to_string(resolution) + " x " +
                    std::to_string(channels) + " exceed the " + std::to_string(kMaxPixelBytes >> 20) +
                    " MiB limit on a dataset's pixels");
    LoadReport local;
    LoadReport& rep = report != nullptr ? *report : local;
    rep = LoadReport{};
    const std::uint64_t key = cacheKey(listing, resolution, channels);
    const std::string primary = primaryCachePath(dir, resolution, channels);
    const std::string fallback = fallbackCachePath(dir, resolution, channels);
    for (const std::string& path : {primary, fallback}) {
        if (path.empty()) continue;
        std::optional<Decoded> cached = readCache(path, key, resolution, channels, listing);
        if (!cached) continue;
        rep.fromCache = cached->set.size();
        rep.cachePath = path;
        rep.skipped = withDir(dir, cached->skipped);
        return std::move(cached->set);
    }
    Decoded d = decodeAll(listing, resolution, channels);
    rep.decoded = d.set.size();
    rep.skipped = withDir(dir, d.skipped);
    checkDecoded(listing, d);
    for (const std::string& path : {primary, fallback}) {
        if (!path.empty() && writeCache(path, key, d)) {
            rep.cacheWritten = true;
            rep.cachePath = path;
            break;
        }
    }
    return std::move(d.set);
}

std::optional<int> folderImageSide(const std::string& dir, int samples) {
    const Listing listing = listFolder(dir, isImageFile, "images");
    std::vector<int> sides;
    const std::size_t n = listing.files.size();
    const std::size_t want = std::min<std::size_t>(n, static_cast<std::size_t>(std::max(1, samples)));
    for (std::size_t k = 0; k < want; ++k) {
        const FileEntry& e = listing.files[k * n / want];  // spread over the classes
        std::string why;
        const cv::Mat image = decodeWhole(fs::path(dir) / e.rel, e.size, 1, why);
        if (!image.empty()) sides.push_back(std::min(image.rows, image.cols));
    }
    if (sides.empty()) return std::nullopt;
    std::nth_element(sides.begin(), sides.begin() + sides.size() / 2, sides.end());
    return sides[sides.size() / 2];
}

std::vector<std::uint8_t> frameToImage(const std::uint8_t* rgb, int width, int height, int resolution, int channels) {
    if (width < 1 || height < 1 || (channels != 1 && channels != 3) || resolution < 1)
        throw Error("frame: " + std::to_string(width) + "x" + std::to_string(height) + " to " + std::to_string(resolution) +
                    "x" + std::to_string(resolution) + "x" + std::to_string(channels) + " is not a conversion there is");
    const cv::Mat frame(height, width, CV_8UC3, const_cast<std::uint8_t*>(rgb));
    cv::Mat picture = frame;
    if (channels == 1) cv::cvtColor(frame, picture, cv::COLOR_RGB2GRAY);
    const cv::Mat square = centreSquare(picture, resolution);
    std::vector<std::uint8_t> out(static_cast<std::size_t>(resolution) * resolution * channels);
    for (int y = 0; y < resolution; ++y)
        std::memcpy(out.data() + static_cast<std::size_t>(y) * resolution * channels, square.ptr(y),
                    static_cast<std::size_t>(resolution) * channels);
    return out;
}

std::vector<std::uint8_t> loadImageFile(const std::string& path, int resolution, int channels) {
    if ((channels != 1 && channels != 3) || resolution < 1)
        throw Error(path + ": cannot be prepared as " + std::to_string(resolution) + "x" + std::to_string(resolution) + "x" +
                    std::to_string(channels));
    const std::uint64_t size = input_file::requireRegular(path, "an image file (PNG, JPEG)");
    std::string why;
    const cv::Mat image = decodeFile(path, size, resolution, channels, why);
    if (image.empty()) throw Error(path + ": " + why);
    std::vector<std::uint8_t> out(static_cast<std::size_t>(resolution) * resolution * channels);
    for (int y = 0; y < resolution; ++y)
        std::memcpy(out.data() + static_cast<std::size_t>(y) * resolution * channels, image.ptr(y),
                    static_cast<std::size_t>(resolution) * channels);
    return out;
}

void checkClassName(const std::string& name) {
    bool ok = !name.empty() && name.size() <= 64 && name.front() != '.';
    for (const char c : name)
        ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == ' ' || c == '-' || c == '_' || c == '.');
    if (!ok)
        throw Error("class \"" + safe_text::forTerminal(name.substr(0, 64)) +
                    "\": a class name is 1 to 64 letters, digits, spaces, '-', '_' or '.', not starting with '.'");
}

std::string addToImageFolder(const std::string& dir, const std::string& className, const std::uint8_t* frame, int width,
                             int height, int maxSide) {
    checkClassName(className);
    if (width < 1 || height < 1 || maxSide < 1) throw Error(dir + ": an empty picture for class " + className);
    const fs::path folder = fs::path(dir) / className;
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec || !fs::is_directory(folder)) throw Error(folder.string() + ": cannot create the class folder: " + ec.message());
    const cv::Mat rgb(height, width, CV_8UC3, const_cast<std::uint8_t*>(frame));
    const cv::Mat square = centreSquare(rgb, std::min({maxSide, width, height}));
    cv::Mat bgr;
    cv::cvtColor(square, bgr, cv::COLOR_RGB2BGR);
    std::vector<unsigned char> png;
    if (!cv::imencode(".png", bgr, png)) throw Error(folder.string() + ": cannot encode a PNG");
    const fs::path temp = folder / (".capture-" + std::to_string(::getpid()) + ".tmp");
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(png.data()), static_cast<std::streamsize>(png.size()));
        if (!out.flush()) {
            fs::remove(temp, ec);
            throw Error(folder.string() + ": cannot write a picture: " + std::strerror(errno));
        }
    }
    // link() never replaces: the first number whose name is free wins.
    for (int n = 1; n < 1000000; ++n) {
        char name[32];
        std::snprintf(name, sizeof name, "capture-%05d.png", n);
        const fs::path path = folder / name;
        if (::link(temp.c_str(), path.c_str()) == 0) {
            fs::remove(temp, ec);
            return path.string();
        }
        if (errno != EEXIST) break;
    }
    const std::string why = std::strerror(errno);
    fs::remove(temp, ec);
    throw Error(folder.string() + ": cannot add a picture: " + why);
}

}  // namespace mcunet::data
