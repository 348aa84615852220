// Clips for the teach-your-own benchmark (bench/teach.sh, issue 22): what a
// camera pointed at three kinds of objects would give, made from
// fashion-MNIST's test set so that the result is repeatable. For each of
// three classes (trouser, sneaker, bag) a "camera" clip of 30 different
// images of that class, each held for 3 frames at 10 fps (the 90 frames that
// `mcunet capture --frames 30 --every 3` reads); then a held-out clip of the
// next 40 images of each class, interleaved, one frame each, with its true
// class per frame in held-out.txt. Frames are 112 x 112 RGB (28 x 28 enlarged
// 4x, gray in R, G and B), lossless FFV1.
// Usage: bench_teach_clips OUTDIR
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/video_writer.h"

using namespace mcunet;

namespace {

constexpr int kScale = 4;
struct Taught {
    int label;
    const char* name;
};
constexpr Taught kClasses[] = {{1, "trouser"}, {7, "sneaker"}, {8, "bag"}};
constexpr int kCaptured = 30, kHeldOut = 40, kHold = 3;

std::vector<std::uint8_t> frameOf(const data::ImageSet& set, int i) {
    const int side = set.width * kScale;
    std::vector<std::uint8_t> rgb(std::size_t(side) * side * 3);
    const std::uint8_t* px = set.image(i);
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x)
            for (int k = 0; k < 3; ++k) rgb[(std::size_t(y) * side + x) * 3 + k] = px[(y / kScale) * set.width + x / kScale];
    return rgb;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: bench_teach_clips OUTDIR\n");
        return 2;
    }
    const std::filesystem::path out = argv[1];
    std::filesystem::create_directories(out);
    const data::ImageSet test = data::loadFashionMnist(data::Part::Test);
    const int side = test.width * kScale;
    std::vector<std::vector<int>> byClass(std::size(kClasses));
    for (int i = 0; i < test.size(); ++i)
        for (std::size_t c = 0; c < std::size(kClasses); ++c)
            if (test.labels[std::size_t(i)] == kClasses[c].label) byClass[c].push_back(i);
    for (std::size_t c = 0; c < std::size(kClasses); ++c) {
        video::VideoWriter w((out / (std::string(kClasses[c].name) + ".mkv")).string(), side, side, 10);
        for (int k = 0; k < kCaptured; ++k)
            for (int h = 0; h < kHold; ++h) w.write(frameOf(test, byClass[c][std::size_t(k)]));
    }
    video::VideoWriter held((out / "held-out.mkv").string(), side, side, 10);
    std::ofstream truth(out / "held-out.txt");
    for (int k = 0; k < kHeldOut; ++k)
        for (std::size_t c = 0; c < std::size(kClasses); ++c) {
            held.write(frameOf(test, byClass[c][std::size_t(kCaptured + k)]));
            truth << kClasses[c].name << "\n";
        }
    std::printf("clips of %d x %d frames in %s\n", side, side, out.c_str());
    return 0;
}
