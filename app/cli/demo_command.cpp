// `mcunet demo`: a trained model live on camera or video frames, running
// where the user chooses (docs/demo.md): the generated C on this computer or
// the real firmware on a virtual board. One line per frame (JSON with --json).
#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <optional>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "board/board.h"
#include "cli/command.h"
#include "cli/device_options.h"
#include "cli/format.h"
#include "cli/options.h"
#include "common/atomic_file.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "common/safe_text.h"
#include "demo/samples.h"
#include "demo/session.h"
#include "quant/model_dir.h"

namespace mcunet::cli {

namespace {

using nlohmann::json;

struct DemoOptions {
    std::optional<std::string> model, source;
    std::string target = "host";
    int frames = 0;  // 0: until the source ends
    bool loop = false, json = false;
    DeviceOptions device;  // a real board as the target
    demo::KeywordSettings keyword;
};

json frameJson(const demo::FrameResult& r) {
    json e = {{"event", "frame"}, {"frame", r.frame.index}, {"source_seconds", r.frame.seconds}, {"class", r.prediction.label},
              {"label", r.label}, {"confidence", r.prediction.confidence}, {"target_seconds", r.inference.seconds},
              {"frames_per_second", r.framesPerSecond}};
    if (!r.inference.unit.empty()) e[r.inference.unit] = r.inference.deviceCount;
    if (r.latencyMs >= 0) e["latency_ms"] = r.latencyMs;
    return e;
}

void printFrame(const json& e) {
    std::printf("frame %5d  %-14s %5.1f%%  %7.2f ms", e["frame"].get<int>(),
                safe_text::forTerminal(e["label"].get<std::string>()).c_str(), 100 * e["confidence"].get<double>(),
                1000 * e["target_seconds"].get<double>());
    if (e.contains("instructions")) std::printf("  %s instructions", withCommas(e["instructions"].get<std::int64_t>()).c_str());
    if (e.contains("cycles")) std::printf("  %s cycles", withCommas(e["cycles"].get<std::int64_t>()).c_str());
    if (e.contains("latency_ms")) std::printf(" (%.2f ms on the MCU)", e["latency_ms"].get<double>());
    std::printf("  %.1f fps\n", e["frames_per_second"].get<double>());
    std::fflush(stdout);
}

std::string wordList(const std::vector<std::string>& classes) {
    std::string s;
    for (const std::string& c : classes)
        if (!demo::isFillerClass(c)) s += (s.empty() ? "" : ", ") + c;
    return s;
}

json windowJson(const demo::KeywordResult& r, const std::vector<std::string>& classes) {
    json e = {{"event", "window"}, {"time", r.time}, {"class", r.decision.best}, {"label", r.label},
              {"confidence", r.decision.bestConfidence}, {"raw_label", classes.at(std::size_t(r.prediction.label))},
              {"raw_confidence", r.prediction.confidence}, {"level", r.level}, {"target_seconds", r.inference.seconds}};
    if (!r.inference.unit.empty()) e[r.inference.unit] = r.inference.deviceCount;
    if (r.latencyMs >= 0) e["latency_ms"] = r.latencyMs;
    return e;
}

// A keyword network over sound: one line per window with --json (and one per
// word heard); the words heard in text.
int keywordDemo(const DemoOptions& o, const demo::SessionRequest& request, const demo::Messages& message,
                const std::function<void(const json&)>& say) {
    demo::KeywordSession session(request, o.keyword, message);
    const std::vector<std::string>& classes = session.model().classes;
    const demo::KeywordSettings& k = session.settings();
    say({{"event", "start"}, {"source", session.sourceDescription()}, {"target", session.targetName()}, {"model", *o.model},
         {"input", {{"features", "mfcc-v1"}, {"frames", session.model().network.inputHeight()},
                    {"coefficients", session.model().network.inputWidth()}}},
         {"classes", classes}, {"hop_ms", k.hopMs}, {"smooth_ms", k.smoothMs}, {"threshold", k.threshold},
         {"refractory_ms", k.refractoryMs}});
    if (!o.json)
        std::printf("%s on %s: %s, listening for %s\n", safe_text::forTerminal(session.sourceDescription()).c_str(),
                    session.targetName().c_str(), safe_text::forTerminal(session.model().network.name()).c_str(),
                    safe_text::forTerminal(wordList(classes)).c_str());
    demo::KeywordResult r;
    int words = 0;
    const auto started = std::chrono::steady_clock::now();
    while ((o.frames == 0 || session.windows() < o.frames) && session.next(r)) {
        if (o.json) std::cout << windowJson(r, classes).dump() << "\n";
        if (!r.word.empty()) {
            ++words;
            const json w = {{"event", "word"}, {"word", r.word}, {"time", r.time}, {"confidence", r.decision.bestConfidence}};
            if (o.json) std::cout << w.dump() << "\n";
            else std::printf("%8.2f s  %-10s %5.1f%%\n", r.time, safe_text::forTerminal(r.word).c_str(), 100 * r.decision.bestConfidence);
        }
        std::cout << std::flush;
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const json end = {{"event", "done"}, {"windows", session.windows()}, {"words", words}, {"seconds", wall},
                      {"sound_seconds", r.time}, {"mean_target_seconds", session.meanTargetSeconds()}};
    if (o.json) std::cout << end.dump() << "\n";
    else
        std::printf("%d words in %.1f s of sound (%d windows in %.1f s, %.2f ms per inference on %s)\n", words, r.time,
                    session.windows(), wall, 1000 * session.meanTargetSeconds(), session.targetName().c_str());
    return 0;
}

int demoCommand(const DemoOptions& o) {
    if (!o.model || !o.source) throw Error("needs --model DIR and --source camera:N|VIDEO|mic|FILE.wav (mcunet demo --help)");
    auto say = [&](const json& e) {
        if (o.json) std::cout << e.dump() << "\n" << std::flush;
        else if (e["event"] == "message") std::printf("%s\n", safe_text::forTerminal(e["text"].get<std::string>()).c_str());
    };
    const demo::Messages message = [&](const std::string& text) { say({{"event", "message"}, {"text", text}}); };
    const cleanup::ScopedDirectory work([] { return atomic_file::makeTempDirectory("demo"); });
    demo::SessionRequest request;
    request.modelDir = *o.model;
    request.source = *o.source;
    request.loop = o.loop;
    request.target = o.target;
    request.workDir = work.path();
    request.catalog = &board::Catalog::builtIn();
    request.device = o.device.selector();
    if (demo::isKeywordModel(quant::loadTrainedModel(demo::resolveModel(*o.model))))
        return keywordDemo(o, request, message, say);
    demo::Session session(request, message);
    const demo::CameraInput in = session.input();
    say({{"event", "start"}, {"source", session.sourceDescription()}, {"target", session.targetName()}, {"model", *o.model},
         {"input", {{"resolution", in.resolution}, {"channels", in.channels}}}, {"classes", session.model().classes}});
    if (!o.json)
        std::printf("%s on %s: %s\n", safe_text::forTerminal(session.sourceDescription()).c_str(), session.targetName().c_str(),
                    safe_text::forTerminal(session.model().network.name()).c_str());
    demo::FrameResult r;
    while ((o.frames == 0 || session.frames() < o.frames) && session.next(r, message)) {
        const json e = frameJson(r);
        if (o.json) std::cout << e.dump() << "\n" << std::flush;
        else printFrame(e);
    }
    const double wall = session.wallSeconds();
    const int done = session.frames();
    const json end = {{"event", "done"}, {"frames", done}, {"seconds", wall}, {"frames_per_second", done / std::max(1e-9, wall)},
                      {"mean_target_seconds", session.meanTargetSeconds()}};
    if (o.json) std::cout << end.dump() << "\n";
    else
        std::printf("%d frames in %.1f s: %.1f frames per second, %.2f ms per inference on %s\n", done, wall,
                    end["frames_per_second"].get<double>(), 1000 * end["mean_target_seconds"].get<double>(),
                    session.targetName().c_str());
    return 0;
}

}  // namespace

Runner defineDemo(CLI::App& app) {
    auto o = std::make_shared<DemoOptions>();
    app.add_option("--model", o->model,
                   "a trained model directory (mcunet train), or sample (the bundled picture model), sample-kws (the bundled keyword model)")
        ->type_name("DIR");
    app.add_option("--source", o->source,
                   "pictures: camera:N (/dev/videoN), a video file, or sample (a clip of fashion-MNIST); "
                   "sound (keyword models): mic, a WAV file, or sample-kws (a synthesized recording)")
        ->type_name("SOURCE");
    app.add_option("--target", o->target,
                   "where the model runs: host (the generated C here), a virtual board, or a connected board (flashed first; "
                   "--serial, --port and --link choose it)")
        ->type_name("TARGET")
        ->default_str("host");
    addNumber(app, "--frames", o->frames, 0, INT32_MAX, "stop after this many frames (keyword models: windows)", "0: until the source ends");
    app.add_flag("--loop", o->loop, "start a video or WAV file again when it ends")->disable_flag_override();
    addNumber(app, "--hop-ms", o->keyword.hopMs, 10, 1000, "keyword models: a one-second window every this many ms");
    addNumber(app, "--smooth-ms", o->keyword.smoothMs, 0, 5000, "keyword models: posteriors averaged over this span");
    addNumber(app, "--threshold", o->keyword.threshold, 0.0, 1.0, "keyword models: a word is heard at this averaged posterior");
    addNumber(app, "--refractory-ms", o->keyword.refractoryMs, 0, 60000, "keyword models: the same word is not reported again within this");
    addDeviceOptions(app, o->device);
    addJsonFlag(app, o->json)->description("one JSON line per frame (docs/demo.md)");
    return [o] { return demoCommand(*o); };
}

}  // namespace mcunet::cli
