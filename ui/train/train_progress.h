#pragma once
// The progress lines `mcunet train --json` writes on stdout, one JSON object
// per line with an "event" field, turned into typed events. Plain C++ (no
// Qt): the logic is tested on recorded lines apart from any widget.
//
// The parser is fed whatever bytes the pipe delivers: a line may arrive in
// pieces, several at once, or not end before the child exits (finish()).
// Lines that are not JSON, not an object, or lack fields are not errors: they
// come back as RawLine events (the panel logs them), so a stray print in the
// child never stops the studio from following the run.
#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "jobs/line_splitter.h"

namespace mcunet::ui {

struct TrainMessage {  // "message": informational text
    std::string text;
};

struct TrainStart {  // "start": the run's shape
    std::string architecture;
    bool supernet = false;
    std::string dataSource;
    long long trainImages = 0, validationImages = 0, testImages = 0;
    int resolution = 0, channels = 0;
    int epochs = 0, batch = 0, threads = 0, ranks = 1;
};

struct TrainStep {  // "step": at most every 0.5 s and at each epoch's last step
    int epoch = 0, epochs = 0;  // epoch counts from 1
    long long step = 0, steps = 0, globalStep = 0, totalSteps = 0;
    double loss = 0, accuracy = 0, learningRate = 0, imagesPerSecond = 0, etaSeconds = 0;
    // Position in epochs (1.0 = the end of the first epoch): the x of the loss curve.
    double epochPosition() const;
};

struct TrainEpoch {  // "epoch": one finished epoch
    int epoch = 0, epochs = 0;
    double trainLoss = 0, trainAccuracy = 0, validationAccuracy = 0;
    double validationAccuracySmallest = -1;  // supernets only; -1 when absent
    double seconds = 0, imagesPerSecond = 0;
};

struct TrainStopped {  // "stopped": a checkpoint was written after SIGINT / SIGTERM
    std::string text;
};

struct EngineAccuracy {
    std::string engine;  // "float", "int8-reference", ...
    long long images = 0, correct = 0;
    double accuracy = 0;
    std::vector<std::vector<long long>> confusion;  // [true class][predicted class]
};

struct TrainDone {  // "done": the model directory is written
    std::string model, architecture;
    double floatAccuracy = 0, int8Accuracy = 0, validationAccuracy = 0, seconds = 0;
    long long testImages = 0;
    std::vector<EngineAccuracy> accuracy;
    const EngineAccuracy* engine(std::string_view name) const;  // nullptr when absent
};

struct RawLine {  // anything else: not JSON, an unknown event, a malformed record
    std::string text;
    std::string why;  // "not JSON", "unknown event \"x\"", "step: missing \"loss\"", ...
};

using TrainEvent = std::variant<TrainMessage, TrainStart, TrainStep, TrainEpoch, TrainStopped, TrainDone, RawLine>;

// One complete line (without its newline) to an event.
TrainEvent parseTrainLine(std::string_view line);

class TrainProgressParser {
public:
    // A line longer than this is dropped (as a RawLine naming its length)
    // instead of growing the buffer without bound.
    static constexpr std::size_t kMaxLineBytes = LineSplitter::kMaxLineBytes;
    // Appends bytes; returns the events of the lines they complete.
    std::vector<TrainEvent> feed(std::string_view bytes);
    // The stream ended: the last line, if it had no newline.
    std::vector<TrainEvent> finish();
    std::size_t pendingBytes() const { return lines_.pendingBytes(); }

private:
    static std::vector<TrainEvent> toEvents(const std::vector<SplitLine>& lines);
    LineSplitter lines_;
};

}  // namespace mcunet::ui
