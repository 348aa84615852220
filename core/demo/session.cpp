#include "demo/session.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include "board/cancel.h"
#include "common/error.h"
#include "data/dataset.h"
#include "demo/samples.h"

namespace mcunet::demo {

namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

}  // namespace

CameraInput cameraInput(const quant::QuantizedModel& m, const std::string& modelDir) {
    const graph::Shape s = m.graph.tensor(m.graph.input()).shape;
    if (s.h != s.w || (s.c != 1 && s.c != 3))
        throw Error(modelDir + ": its input is " + std::to_string(s.h) + "x" + std::to_string(s.w) + "x" + std::to_string(s.c) +
                    "; camera and video demos need a square gray or RGB input (HxHx1 or HxHx3)");
    return {s.h, s.c};
}

double mcuLatencyMs(const board::Board* b, const deploy::Inference& inf) {
    if (!b || b->clockHz <= 0 || inf.unit.empty()) return -1;
    const double perCount = inf.unit == "cycles" ? 1.0 : b->latency.cyclesPerInstruction;
    return 1000.0 * double(inf.deviceCount) * perCount / double(b->clockHz);
}

FrameStream::FrameStream(std::string spec, bool loop, const std::atomic<bool>* cancel, int reconnectSeconds)
    : spec_(std::move(spec)), loop_(loop), cancel_(cancel), reconnectSeconds_(reconnectSeconds),
      source_(video::openFrameSource(spec_)) {}

bool FrameStream::next(video::Frame& f, const Messages& message) {
    if (source_->read(f)) return true;
    if (!source_->isCamera()) {
        if (!loop_) return false;
        source_ = video::openFrameSource(spec_);
        message("end of " + source_->description() + ": from the start again");
        return source_->read(f);
    }
    message(spec_ + " stopped delivering frames (unplugged?): trying to reopen it");
    const double until = now() + reconnectSeconds_;
    while (now() < until) {
        board::throwIfCancelled(cancel_, spec_);
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
        try {
            source_ = video::openFrameSource(spec_);
            if (source_->read(f)) {
                message(spec_ + " is back");
                return true;
            }
        } catch (const board::Cancelled&) {
            throw;
        } catch (const Error&) {
        }
    }
    throw Error(spec_ + ": no frames for " + std::to_string(reconnectSeconds_) + " s; is the camera connected?");
}

namespace {
std::unique_ptr<deploy::Target> openSessionTarget(const SessionRequest& r, const quant::TrainedModel& m, const Messages& message);
}  // namespace

Session::Session(const SessionRequest& r, const Messages& message) : model_(quant::loadTrainedModel(resolveModel(r.modelDir))) {
    if (isKeywordModel(model_))
        throw Error(resolveModel(r.modelDir) + ": " + model_.network.name() +
                    " is a keyword network: give it sound (a WAV file or the microphone), not pictures");
    input_ = cameraInput(model_.int8, resolveModel(r.modelDir));
    if (r.source == kSample) message("the sample clip: fashion-MNIST's first test images, one per second");
    frames_ = std::make_unique<FrameStream>(resolveSource(r.source), r.loop, r.cancel);
    target_ = openSessionTarget(r, model_, message);
    board_ = r.catalog ? r.catalog->find(r.target) : nullptr;
}

Session::~Session() = default;

double Session::wallSeconds() const { return start_ < 0 ? 0.0 : now() - start_; }

bool Session::next(FrameResult& out, const Messages& message) {
    if (!frames_->next(out.frame, message)) return false;
    if (start_ < 0) start_ = now();
    out.picture = data::frameToImage(out.frame.rgb.data(), out.frame.width, out.frame.height, input_.resolution, input_.channels);
    out.inference = target_->infer(quantizeInput(model_.int8, out.picture));
    out.prediction = predict(model_.int8, out.inference.output);
    const int c = out.prediction.label;
    out.label = c >= 0 && c < int(model_.classes.size()) ? model_.classes[std::size_t(c)] : std::to_string(c);
    out.latencyMs = mcuLatencyMs(board_, out.inference);
    ++done_;
    targetSeconds_ += out.inference.seconds;
    out.framesPerSecond = done_ / std::max(1e-9, now() - start_);
    return true;
}

bool isKeywordModel(const graph::Network& n) { return n.inputKind() == graph::InputKind::Mfcc; }
bool isKeywordModel(const quant::TrainedModel& m) { return isKeywordModel(m.network); }

namespace {

std::unique_ptr<deploy::Target> openSessionTarget(const SessionRequest& r, const quant::TrainedModel& m, const Messages& message) {
    message("building the model for " + r.target);
    board::throwIfCancelled(r.cancel, "demo");
    deploy::TargetRequest t;
    t.model = &m.int8;
    t.modelName = m.network.name();
    t.target = r.target;
    t.workDir = r.workDir;
    t.catalog = r.catalog;
    t.device = r.device;
    t.cancel = r.cancel;
    return deploy::openTarget(t);
}

}  // namespace

KeywordSession::KeywordSession(const SessionRequest& r, const KeywordSettings& settings, const Messages& message,
                               std::unique_ptr<SampleSource> injected)
    : model_(quant::loadTrainedModel(resolveModel(r.modelDir))), settings_(settings) {
    checkSettings(settings);
    if (!isKeywordModel(model_))
        throw Error(resolveModel(r.modelDir) + ": " + model_.network.name() +
                    " takes pictures; a wake-word demo needs a keyword network (mcunet train --preset ds-cnn on an audio folder)");
    const auto [frames, coefficients] = data::audioPictureShape(1.0);
    if (model_.network.inputHeight() != frames || model_.network.inputWidth() != coefficients)
        throw Error(resolveModel(r.modelDir) + ": its input is not one second of MFCC features (" + std::to_string(frames) + " x " +
                    std::to_string(coefficients) + ")");
    if (injected) {
        source_ = std::move(injected);
    } else {
        if (r.source == kKeywordSample) message("the sample recording: words spoken by a synthesized voice the model never heard, in noise");
        source_ = r.source == kMicrophone ? openSoxSource("-d", "the microphone (the default recording device)")
                                          : openWavSource(resolveSource(r.source), r.loop);
    }
    window_ = std::make_unique<SlidingWindow>(*source_, settings.hopMs);
    detector_ = std::make_unique<KeywordDetector>(model_.classes, settings);
    target_ = openSessionTarget(r, model_, message);
    board_ = r.catalog ? r.catalog->find(r.target) : nullptr;
}

KeywordSession::~KeywordSession() = default;

bool KeywordSession::next(KeywordResult& out) {
    std::vector<float> window;
    if (!window_->next(window, out.time)) return false;
    const std::size_t hop = static_cast<std::size_t>(settings_.hopMs) * kKeywordRate / 1000;
    double energy = 0;
    for (std::size_t i = window.size() - hop; i < window.size(); ++i) energy += double(window[i]) * window[i];
    out.level = std::sqrt(energy / double(hop));
    out.picture = data::audioPicture(window, 1.0);
    out.inference = target_->infer(quantizeInput(model_.int8, out.picture));
    out.prediction = predict(model_.int8, out.inference.output);
    // Before a whole second has come, part of the window is padding: no word yet.
    out.decision = detector_->add(out.time, out.prediction.values, out.time >= 1.0 - 1e-9);
    auto name = [&](int c) { return c >= 0 && c < int(model_.classes.size()) ? model_.classes[std::size_t(c)] : std::to_string(c); };
    out.label = name(out.decision.best);
    out.word = out.decision.detected >= 0 ? name(out.decision.detected) : std::string();
    out.latencyMs = mcuLatencyMs(board_, out.inference);
    ++done_;
    targetSeconds_ += out.inference.seconds;
    return true;
}

}  // namespace mcunet::demo
