#pragma once
// Wake-word demos (docs/demo.md, "Keyword spotting"): a stream of 16 kHz
// mono samples (a WAV file, or a microphone the studio reads), a sliding one
// second window every hop, its MFCC v1 features as the keyword network's
// input (what training saw: data::audioPicture), posteriors averaged over the
// last windows, and a word reported when its averaged posterior reaches a
// threshold. No Qt; the studio feeds a SampleQueue from its audio thread.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "demo/classify.h"
#include "deploy/target.h"

namespace mcunet::demo {

inline constexpr int kKeywordRate = 16000;  // samples per second the front end takes

struct KeywordSettings {
    int hopMs = 50;           // a new window every hop
    int smoothMs = 150;       // posteriors averaged over the windows ending in this span
    double threshold = 0.6;   // a word is heard when its averaged posterior reaches this
    int refractoryMs = 1000;  // after a word, the same word is not reported again for this long
};
// Throws mcunet::Error naming the setting when one is out of range.
void checkSettings(const KeywordSettings& s);

// Classes that are not words: silence, unknown, background noise (Speech
// Commands' "_silence_", "_unknown_", "_background_noise_" and the plain
// spellings, any case). Never reported as a detection.
bool isFillerClass(const std::string& name);

// The decision part, independent of where inference runs: feed it each
// window's probabilities in order, it smooths them and says when a word is
// heard. Deterministic.
class KeywordDetector {
public:
    KeywordDetector(std::vector<std::string> classes, const KeywordSettings& s);
    struct Decision {
        std::vector<double> smoothed;  // per class
        int best = -1;                 // highest smoothed word or filler
        double bestConfidence = 0;
        int detected = -1;             // a word heard in this window, else -1
    };
    // `mayDetect` false: smoothed, never reported (a window not yet full of sound).
    Decision add(double time, const std::vector<double>& probabilities, bool mayDetect = true);

private:
    std::vector<std::string> classes_;
    std::vector<bool> filler_;
    KeywordSettings s_;
    std::deque<std::pair<double, std::vector<double>>> recent_;
    std::vector<double> lastReported_;  // per class: the time of its last detection
};

// Where samples come from. read() blocks until at least one sample is there
// (or the source ends: 0). Samples are mono 16 kHz floats in [-1, 1].
class SampleSource {
public:
    virtual ~SampleSource() = default;
    virtual std::string description() const = 0;
    virtual bool isLive() const = 0;
    virtual std::size_t read(float* out, std::size_t max) = 0;
};

// A WAV file (any rate and channels: resampled and mixed to mono), read
// from the start again when `loop`.
std::unique_ptr<SampleSource> openWavSource(const std::string& path, bool loop);

// Sound that sox reads and converts to 16 kHz mono as it comes: `input` is
// sox's input ("-d": the default recording device, the microphone; or a file
// of any format sox reads). The CLI's `--source mic`. The first read throws
// mcunet::Error with sox's message when the device cannot be opened.
std::unique_ptr<SampleSource> openSoxSource(const std::string& input, const std::string& description);
inline constexpr const char* kMicrophone = "mic";

// A thread-safe queue a producer (the studio's microphone) pushes into and a
// SampleSource reads from; close() ends it. At most `maxSeconds` are kept
// (older samples are dropped: a slow target falls behind the microphone, not
// out of memory). `cancel` (may be null) ends a waiting read.
class SampleQueue : public SampleSource {
public:
    explicit SampleQueue(std::string description, double maxSeconds = 5.0, const std::atomic<bool>* cancel = nullptr);
    void push(const float* samples, std::size_t n);
    void close();
    std::size_t dropped() const;
    std::string description() const override { return description_; }
    bool isLive() const override { return true; }
    std::size_t read(float* out, std::size_t max) override;

private:
    std::string description_;
    std::size_t capacity_;
    const std::atomic<bool>* cancel_;
    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<float> samples_;
    bool closed_ = false;
    std::size_t dropped_ = 0;
};

// One window's result.
struct KeywordResult {
    double time = 0;                    // stream time (s) at the window's end
    std::vector<std::uint8_t> picture;  // what the microcontroller sees: frames x coefficients MFCC picture
    deploy::Inference inference;
    Prediction prediction;              // this window alone
    KeywordDetector::Decision decision; // smoothed, and the word heard (if any)
    std::string label;                  // the smoothed winner's class name
    std::string word;                   // the detected word, or empty
    double latencyMs = -1;              // on the microcontroller (mcuLatencyMs)
    double level = 0;                   // the window's loudness: RMS of its last hop, in [0, 1]
};

// The sliding window over a source: every hop the last second (the first
// windows are padded with digital silence before the stream's start, which
// no recording has: KeywordSession reports no word before the window is full).
class SlidingWindow {
public:
    SlidingWindow(SampleSource& source, int hopMs);
    // False when the source has ended.
    bool next(std::vector<float>& window, double& endTime);

private:
    SampleSource& source_;
    std::size_t hop_;
    std::vector<float> buffer_;  // the last second
    std::uint64_t consumed_ = 0;
};

}  // namespace mcunet::demo
