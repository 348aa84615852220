// `mcunet demo`: a trained model live on camera or video frames, running
// where the user chooses (docs/demo.md): the generated C on this computer or
// the real firmware on a virtual board. One line per frame (JSON with --json).
#include <cstdio>
#include <iostream>
#include <optional>

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
#include "demo/session.h"

namespace mcunet::cli {

namespace {

using nlohmann::json;

struct DemoOptions {
    std::optional<std::string> model, source;
    std::string target = "host";
    int frames = 0;  // 0: until the source ends
    bool loop = false, json = false;
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

int demoCommand(const DemoOptions& o) {
    if (!o.model || !o.source) throw Error("needs --model DIR and --source camera:N|VIDEO (mcunet demo --help)");
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
    demo::Session session(request, message);
    const demo::CameraInput in = session.input();
    say({{"event", "start"}, {"source", session.sourceDescription()}, {"target", session.targetName()}, {"model", *o.model},
         {"input", {{"resolution", in.resolution}, {"channels", in.channels}}}, {"classes", session.model().classes}});
    if (!o.json)
        std::printf("%s on %s: %s\n", safe_text::forTerminal(session.sourceDescription()).c_str(), session.targetName().c_str(),
                    safe_text::forTerminal(session.model().architecture.name).c_str());
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
    app.add_option("--model", o->model, "a trained model directory (mcunet train), or sample (the bundled one)")->type_name("DIR");
    app.add_option("--source", o->source, "camera:N (/dev/videoN), a video file, or sample (a clip of fashion-MNIST)")->type_name("SOURCE");
    app.add_option("--target", o->target, "where the model runs: host (the generated C here) or a virtual board")
        ->type_name("TARGET")
        ->default_str("host");
    addNumber(app, "--frames", o->frames, 0, INT32_MAX, "stop after this many frames", "0: until the source ends");
    app.add_flag("--loop", o->loop, "start a video file again when it ends")->disable_flag_override();
    addJsonFlag(app, o->json)->description("one JSON line per frame (docs/demo.md)");
    return [o] { return demoCommand(*o); };
}

}  // namespace mcunet::cli
