// `mcunet demo`: a trained model live on camera or video frames, running
// where the user chooses (docs/demo.md): the generated C on this computer or
// the real firmware on a virtual board. One line per frame (JSON with --json).
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "board/board.h"
#include "cli/command.h"
#include "cli/format.h"
#include "cli/options.h"
#include "common/atomic_file.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "common/safe_text.h"
#include "data/dataset.h"
#include "demo/classify.h"
#include "demo/target.h"
#include "quant/model_dir.h"
#include "video/frame_source.h"

namespace mcunet::cli {

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct DemoOptions {
    std::optional<std::string> model, source;
    std::string target = "host";
    int frames = 0;  // 0: until the source ends
    bool loop = false, json = false;
};

// The camera's or file's frames, reopened when a file ends (--loop) or a
// camera stops delivering (unplugged: tried again for kReconnectSeconds).
class Frames {
public:
    Frames(std::string spec, bool loop) : spec_(std::move(spec)), loop_(loop), source_(video::openFrameSource(spec_)) {}
    std::string description() const { return source_->description(); }
    // False at the end; `message` receives what happened on the way.
    bool next(video::Frame& f, const std::function<void(const std::string&)>& message) {
        if (source_->read(f)) return true;
        if (!source_->isCamera()) {
            if (!loop_) return false;
            source_ = video::openFrameSource(spec_);
            message("end of " + source_->description() + ": from the start again");
            return source_->read(f);
        }
        message(spec_ + " stopped delivering frames (unplugged?): trying to reopen it");
        const auto until = Clock::now() + std::chrono::seconds(kReconnectSeconds);
        while (Clock::now() < until) {
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
            try {
                source_ = video::openFrameSource(spec_);
                if (source_->read(f)) {
                    message(spec_ + " is back");
                    return true;
                }
            } catch (const Error&) {
            }
        }
        throw Error(spec_ + ": no frames for " + std::to_string(kReconnectSeconds) + " s; is the camera connected?");
    }

private:
    static constexpr int kReconnectSeconds = 10;
    std::string spec_;
    bool loop_;
    std::unique_ptr<video::FrameSource> source_;
};

// The model's input as a square picture a frame can become.
struct InputShape {
    int resolution = 0, channels = 0;
};

InputShape cameraInput(const quant::QuantizedModel& m, const std::string& modelDir) {
    const graph::Shape s = m.graph.tensor(m.graph.input()).shape;
    if (s.h != s.w || (s.c != 1 && s.c != 3))
        throw Error(modelDir + ": its input is " + std::to_string(s.h) + "x" + std::to_string(s.w) + "x" + std::to_string(s.c) +
                    "; camera and video demos need a square gray or RGB input (HxHx1 or HxHx3)");
    return {s.h, s.c};
}

json frameJson(const video::Frame& f, const demo::Prediction& p, const demo::Inference& inf, const std::vector<std::string>& classes,
               double fps, const board::Board* b) {
    json e = {{"event", "frame"}, {"frame", f.index}, {"source_seconds", f.seconds}, {"class", p.label},
              {"label", p.label >= 0 && p.label < int(classes.size()) ? classes[std::size_t(p.label)] : std::to_string(p.label)},
              {"confidence", p.confidence}, {"target_seconds", inf.seconds}, {"frames_per_second", fps}};
    if (!inf.unit.empty()) e[inf.unit] = inf.deviceCount;
    if (b && b->clockHz > 0 && !inf.unit.empty())  // the microcontroller's latency: count x cycles per count / clock
        e["latency_ms"] = 1000.0 * double(inf.deviceCount) * (inf.unit == "cycles" ? 1.0 : b->latency.cyclesPerInstruction) / double(b->clockHz);
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

int demoCommand(const DemoOptions& o) {
    if (!o.model || !o.source) throw Error("needs --model DIR and --source camera:N|VIDEO (mcunet demo --help)");
    const quant::TrainedModel m = quant::loadTrainedModel(*o.model);
    const InputShape shape = cameraInput(m.int8, *o.model);
    Frames frames(*o.source, o.loop);
    auto say = [&](const json& e) {
        if (o.json) std::cout << e.dump() << "\n" << std::flush;
        else if (e["event"] == "message") std::printf("%s\n", safe_text::forTerminal(e["text"].get<std::string>()).c_str());
    };
    say({{"event", "message"}, {"text", "building the model for " + o.target}});
    const cleanup::ScopedDirectory work([] { return atomic_file::makeTempDirectory("demo"); });
    demo::TargetRequest request;
    request.model = &m.int8;
    request.modelName = m.architecture.name;
    request.target = o.target;
    request.workDir = work.path();
    request.catalog = &board::Catalog::builtIn();
    const std::unique_ptr<demo::Target> target = demo::openTarget(request);
    say({{"event", "start"}, {"source", frames.description()}, {"target", target->name()}, {"model", *o.model},
         {"input", {{"resolution", shape.resolution}, {"channels", shape.channels}}}, {"classes", m.classes}});
    if (!o.json)
        std::printf("%s on %s: %s\n", safe_text::forTerminal(frames.description()).c_str(), target->name().c_str(),
                    safe_text::forTerminal(m.architecture.name).c_str());
    const auto t0 = Clock::now();
    int done = 0;
    double targetSeconds = 0;
    video::Frame f;
    while ((o.frames == 0 || done < o.frames) &&
           frames.next(f, [&](const std::string& text) { say({{"event", "message"}, {"text", text}}); })) {
        const std::vector<std::uint8_t> picture = data::frameToImage(f.rgb.data(), f.width, f.height, shape.resolution, shape.channels);
        const demo::Inference inf = target->infer(demo::quantizeInput(m.int8, picture));
        const demo::Prediction p = demo::predict(m.int8, inf.output);
        ++done;
        targetSeconds += inf.seconds;
        const double fps = done / std::max(1e-9, std::chrono::duration<double>(Clock::now() - t0).count());
        const json e = frameJson(f, p, inf, m.classes, fps, request.catalog->find(o.target));
        if (o.json) std::cout << e.dump() << "\n" << std::flush;
        else printFrame(e);
    }
    const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    const json end = {{"event", "done"}, {"frames", done}, {"seconds", wall}, {"frames_per_second", done / std::max(1e-9, wall)},
                      {"mean_target_seconds", done ? targetSeconds / done : 0.0}};
    if (o.json) std::cout << end.dump() << "\n";
    else
        std::printf("%d frames in %.1f s: %.1f frames per second, %.2f ms per inference on %s\n", done, wall,
                    end["frames_per_second"].get<double>(), 1000 * end["mean_target_seconds"].get<double>(), target->name().c_str());
    return 0;
}

}  // namespace

Runner defineDemo(CLI::App& app) {
    auto o = std::make_shared<DemoOptions>();
    app.add_option("--model", o->model, "a trained model directory (mcunet train)")->type_name("DIR");
    app.add_option("--source", o->source, "camera:N (/dev/videoN) or a video file")->type_name("SOURCE");
    app.add_option("--target", o->target, "where the model runs: host (the generated C here) or a virtual board")
        ->type_name("TARGET")
        ->default_str("host");
    addNumber(app, "--frames", o->frames, 0, INT32_MAX, "stop after this many frames", "0: until the source ends");
    app.add_flag("--loop", o->loop, "start a video file again when it ends")->disable_flag_override();
    addJsonFlag(app, o->json)->description("one JSON line per frame (docs/demo.md)");
    return [o] { return demoCommand(*o); };
}

}  // namespace mcunet::cli
