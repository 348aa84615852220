#pragma once
// One live camera demo (docs/demo.md): frames from a camera or a video file,
// prepared as in training, run on a target, turned into a label. The CLI
// (`mcunet demo`) and the studio's Demo step both drive this; the studio from
// a worker thread. No Qt.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "board/board.h"
#include "demo/classify.h"
#include "demo/keyword.h"
#include "deploy/target.h"
#include "quant/model_dir.h"
#include "data/frame_source.h"

namespace mcunet::demo {

// The square gray or RGB picture a frame becomes for this model. Throws
// mcunet::Error naming `modelDir` when the model's input is not one.
struct CameraInput {
    int resolution = 0, channels = 0;
};
CameraInput cameraInput(const quant::QuantizedModel& model, const std::string& modelDir);

// The microcontroller's latency of one inference in ms: the target's count x
// the board's cycles per count / its clock; negative when unknown (the host,
// or a board without a clock).
double mcuLatencyMs(const board::Board* board, const deploy::Inference& inference);

using Messages = std::function<void(const std::string&)>;

// A camera's or a file's frames, reopened when a file ends (`loop`) or a
// camera stops delivering (unplugged: tried again for reconnectSeconds, then
// an Error saying so). `cancel` (may be null) ends the wait early with
// board::Cancelled.
class FrameStream {
public:
    FrameStream(std::string spec, bool loop, const std::atomic<bool>* cancel = nullptr, int reconnectSeconds = 10);
    std::string description() const { return source_->description(); }
    bool isCamera() const { return source_->isCamera(); }
    double framesPerSecond() const { return source_->framesPerSecond(); }  // the file's or camera's rate; 0 unknown
    // False at the end of a file without `loop`.
    bool next(video::Frame& frame, const Messages& message);

private:
    std::string spec_;
    bool loop_;
    const std::atomic<bool>* cancel_;
    int reconnectSeconds_;
    std::unique_ptr<video::FrameSource> source_;
};

struct FrameResult {
    video::Frame frame;
    std::vector<std::uint8_t> picture;  // what the microcontroller sees: resolution x resolution x channels
    deploy::Inference inference;
    Prediction prediction;
    std::string label;                  // the class's name from model.json
    double latencyMs = -1;              // on the microcontroller (mcuLatencyMs)
    double framesPerSecond = 0;         // frames done since the first / wall time
};

struct SessionRequest {
    std::string modelDir;          // or "sample" (demo/samples.h)
    std::string source;            // "camera:N", a video file or "sample"
    bool loop = false;
    std::string target = "host";   // "host", a virtual board's id or a real board's (deploy/target.h)
    device::DeviceSelector device; // which connected board, over which link (real boards)
    std::string workDir;           // an empty folder of ours for the build
    const board::Catalog* catalog = nullptr;
    const std::atomic<bool>* cancel = nullptr;
};

class Session {
public:
    // Loads the model, opens the source (its errors come first: they are the
    // user's to fix), then builds and starts the target (seconds).
    Session(const SessionRequest& request, const Messages& message);
    ~Session();
    // The next frame's result; false when the source has ended.
    bool next(FrameResult& result, const Messages& message);

    const quant::TrainedModel& model() const { return model_; }
    CameraInput input() const { return input_; }
    std::string sourceDescription() const { return frames_->description(); }
    bool sourceIsCamera() const { return frames_->isCamera(); }
    double sourceFramesPerSecond() const { return frames_->framesPerSecond(); }
    std::string targetName() const { return target_->name(); }
    const board::Board* board() const { return board_; }
    int frames() const { return done_; }
    double wallSeconds() const;
    double meanTargetSeconds() const { return done_ ? targetSeconds_ / done_ : 0.0; }

private:
    quant::TrainedModel model_;
    CameraInput input_;
    std::unique_ptr<FrameStream> frames_;
    std::unique_ptr<deploy::Target> target_;
    const board::Board* board_ = nullptr;
    int done_ = 0;
    double targetSeconds_ = 0;
    double start_ = -1;  // steady clock seconds of the first frame
};

// A wake-word demo (docs/demo.md, "Keyword spotting"): a keyword network
// (its input MFCC features) on a target, over a WAV file or the samples a
// caller pushes (the studio's microphone).
class KeywordSession {
public:
    // Loads the model (it must be a keyword network), opens the source (the
    // request's WAV file, "sample-kws" the sample recording, or `injected`
    // when given: then the request's source only names it), then builds and
    // starts the target.
    KeywordSession(const SessionRequest& request, const KeywordSettings& settings, const Messages& message,
                   std::unique_ptr<SampleSource> injected = nullptr);
    ~KeywordSession();
    // The next window's result; false when the source has ended.
    bool next(KeywordResult& result);

    const quant::TrainedModel& model() const { return model_; }
    const KeywordSettings& settings() const { return settings_; }
    std::string sourceDescription() const { return source_->description(); }
    bool sourceIsLive() const { return source_->isLive(); }
    std::string targetName() const { return target_->name(); }
    const board::Board* board() const { return board_; }
    int windows() const { return done_; }
    double meanTargetSeconds() const { return done_ ? targetSeconds_ / done_ : 0.0; }

private:
    quant::TrainedModel model_;
    KeywordSettings settings_;
    std::unique_ptr<SampleSource> source_;
    std::unique_ptr<SlidingWindow> window_;
    std::unique_ptr<KeywordDetector> detector_;
    std::unique_ptr<deploy::Target> target_;
    const board::Board* board_ = nullptr;
    int done_ = 0;
    double targetSeconds_ = 0;
};

// True when the model directory's network takes MFCC features (a keyword
// network: KeywordSession), false for pictures (Session).
bool isKeywordModel(const quant::TrainedModel& m);
bool isKeywordModel(const graph::Network& n);

}  // namespace mcunet::demo
