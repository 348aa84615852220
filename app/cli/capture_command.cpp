// `mcunet sample-images`: an image folder to try `--data DIR` with, written
// from fashion-MNIST's training pictures (DIR/CLASS/capture-NNNNN.png).
// `mcunet capture`: pictures for teaching a model your own classes
// (docs/demo.md): N frames of a camera or a video file, added to an image
// folder under one class (DIR/CLASS/capture-NNNNN.png, never replacing a
// file), ready for `mcunet train --data DIR`.
#include <cstdio>
#include <iostream>
#include <optional>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/options.h"
#include "common/error.h"
#include "common/safe_text.h"
#include "data/dataset.h"
#include "demo/samples.h"
#include "demo/session.h"

namespace mcunet::cli {

namespace {

struct CaptureOptions {
    std::optional<std::string> source, className, out;
    int frames = 30, every = 1, size = 256;
    bool json = false;
};

int captureCommand(const CaptureOptions& o) {
    if (!o.source || !o.className || !o.out)
        throw Error("needs --source camera:N|VIDEO, --class NAME and --out DIR (mcunet capture --help)");
    const demo::Messages say = [&](const std::string& t) {
        if (o.json) std::cout << nlohmann::json{{"event", "message"}, {"text", t}}.dump() << "\n" << std::flush;
        else std::printf("%s\n", safe_text::forTerminal(t).c_str());
    };
    demo::FrameStream frames(demo::resolveSource(*o.source), false);
    video::Frame f;
    int saved = 0, seen = 0;
    while (saved < o.frames && frames.next(f, say)) {
        if (seen++ % o.every != 0) continue;
        const std::string path = data::addToImageFolder(*o.out, *o.className, f.rgb.data(), f.width, f.height, o.size);
        ++saved;
        if (o.json)
            std::cout << nlohmann::json{{"event", "picture"}, {"class", *o.className}, {"path", path}, {"frame", f.index}}.dump() << "\n"
                      << std::flush;
    }
    if (saved < o.frames)
        say(frames.description() + " ended after " + std::to_string(saved) + " of " + std::to_string(o.frames) + " pictures");
    if (o.json)
        std::cout << nlohmann::json{{"event", "done"}, {"class", *o.className}, {"pictures", saved}}.dump() << "\n";
    else
        std::printf("%d pictures of class %s added to %s\n", saved, safe_text::forTerminal(*o.className).c_str(),
                    safe_text::forTerminal(*o.out).c_str());
    return saved > 0 ? 0 : 2;
}

struct SampleImagesOptions {
    std::optional<std::string> out;
    int perClass = 50;
    std::uint64_t seed = 1;
    bool json = false;
};

// fashion-MNIST's class names as folder names ("T-shirt/top" -> "T-shirt-top").
std::string folderName(std::string name) {
    for (char& c : name)
        if (c == '/') c = '-';
    return name;
}

int sampleImagesCommand(const SampleImagesOptions& o) {
    if (!o.out) throw Error("needs --out DIR (the image folder to write)");
    const data::ImageSet train = data::loadFashionMnist(data::Part::Train);
    const std::vector<int> chosen = data::balancedSubset(train, o.perClass, o.seed);
    std::vector<std::uint8_t> rgb(static_cast<std::size_t>(train.width) * train.height * 3);
    for (int i : chosen) {
        const std::uint8_t* gray = train.image(i);
        for (std::size_t p = 0; p < rgb.size() / 3; ++p) rgb[3 * p] = rgb[3 * p + 1] = rgb[3 * p + 2] = gray[p];
        const std::string cls = folderName(train.classes[std::size_t(train.labels[std::size_t(i)])]);
        data::addToImageFolder(*o.out, cls, rgb.data(), train.width, train.height, train.width);
    }
    if (o.json)
        std::cout << nlohmann::json{{"out", *o.out}, {"classes", train.classes.size()}, {"pictures", chosen.size()}}.dump() << "\n";
    else
        std::printf("%zu fashion-MNIST pictures (%zu classes, %d each) added to %s: mcunet train --data %s ...\n",
                    chosen.size(), train.classes.size(), o.perClass, safe_text::forTerminal(*o.out).c_str(),
                    safe_text::forTerminal(*o.out).c_str());
    return 0;
}

}  // namespace

Runner defineSampleImages(CLI::App& app) {
    auto o = std::make_shared<SampleImagesOptions>();
    app.add_option("--out", o->out, "the image folder to add them to, one subfolder per class (created if missing; no "
                                    "file is ever replaced)")
        ->type_name("DIR");
    addNumber(app, "--per-class", o->perClass, 1, 6000, "pictures of each class");
    addNumber<std::int64_t>(app, "--seed", o->seed, 0, INT64_MAX, "which pictures");
    addJsonFlag(app, o->json);
    return [o] { return sampleImagesCommand(*o); };
}

Runner defineCapture(CLI::App& app) {
    auto o = std::make_shared<CaptureOptions>();
    app.add_option("--source", o->source, "camera:N (/dev/videoN), a video file, or sample")->type_name("SOURCE");
    app.add_option("--class", o->className, "the class these pictures show (a folder name)")->type_name("NAME");
    app.add_option("--out", o->out, "the image folder to add them to (created if missing; no file is ever replaced)")
        ->type_name("DIR");
    addNumber(app, "--frames", o->frames, 1, 100000, "pictures to take", "30");
    addNumber(app, "--every", o->every, 1, 10000, "take one frame in this many", "1: every frame");
    addNumber(app, "--size", o->size, 16, 2048, "the pictures' side in pixels at most (the frame's centre square)", "256");
    addJsonFlag(app, o->json)->description("one JSON line per picture");
    return [o] { return captureCommand(*o); };
}

}  // namespace mcunet::cli
