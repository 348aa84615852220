#include "demo/keyword.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <limits>

#include "audio/wav.h"
#include "common/error.h"
#include "common/process.h"

namespace mcunet::demo {

void checkSettings(const KeywordSettings& s) {
    auto range = [](const char* what, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi))
            throw Error(std::string(what) + ": " + std::to_string(v) + " is outside " + std::to_string(lo) + " to " + std::to_string(hi));
    };
    range("hop (ms)", s.hopMs, 10, 1000);
    range("smoothing (ms)", s.smoothMs, 0, 5000);
    range("threshold", s.threshold, 0.0, 1.0);
    range("refractory time (ms)", s.refractoryMs, 0, 60000);
}

bool isFillerClass(const std::string& name) {
    std::string n;
    for (char c : name)
        if (c != '_') n.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    return n == "silence" || n == "unknown" || n == "backgroundnoise" || n == "background" || n == "noise";
}

// ------------------------------------------------------------------ detector

KeywordDetector::KeywordDetector(std::vector<std::string> classes, const KeywordSettings& s)
    : classes_(std::move(classes)), s_(s),
      lastReported_(classes_.size(), -std::numeric_limits<double>::infinity()) {
    checkSettings(s);
    for (const std::string& c : classes_) filler_.push_back(isFillerClass(c));
}

KeywordDetector::Decision KeywordDetector::add(double time, const std::vector<double>& p, bool mayDetect) {
    if (p.size() != classes_.size())
        throw Error("keyword detector: " + std::to_string(p.size()) + " probabilities for " + std::to_string(classes_.size()) + " classes");
    recent_.emplace_back(time, p);
    // The windows ending within the last smoothMs (this one always).
    while (recent_.size() > 1 && recent_.front().first <= time - s_.smoothMs / 1000.0 + 1e-9) recent_.pop_front();
    Decision d;
    d.smoothed.assign(p.size(), 0.0);
    for (const auto& [t, values] : recent_)
        for (std::size_t c = 0; c < values.size(); ++c) d.smoothed[c] += values[c] / double(recent_.size());
    for (std::size_t c = 0; c < d.smoothed.size(); ++c)
        if (d.best < 0 || d.smoothed[c] > d.smoothed[std::size_t(d.best)]) d.best = int(c);
    if (d.best < 0) return d;
    d.bestConfidence = d.smoothed[std::size_t(d.best)];
    const std::size_t b = std::size_t(d.best);
    if (mayDetect && !filler_[b] && d.bestConfidence >= s_.threshold && time - lastReported_[b] >= s_.refractoryMs / 1000.0 - 1e-9) {
        d.detected = d.best;
        lastReported_[b] = time;
    }
    return d;
}

// ------------------------------------------------------------------ sources

namespace {

class WavSource : public SampleSource {
public:
    WavSource(const std::string& path, bool loop) : path_(path), loop_(loop) {
        samples_ = audio::resample(audio::readWav(path), kKeywordRate).samples;
        if (samples_.empty()) throw Error(path + ": no samples");
    }
    std::string description() const override { return path_; }
    bool isLive() const override { return false; }
    std::size_t read(float* out, std::size_t max) override {
        if (at_ == samples_.size()) {
            if (!loop_) return 0;
            at_ = 0;
        }
        const std::size_t n = std::min(max, samples_.size() - at_);
        std::copy_n(samples_.begin() + std::ptrdiff_t(at_), n, out);
        at_ += n;
        return n;
    }

private:
    std::string path_;
    bool loop_;
    std::vector<float> samples_;
    std::size_t at_ = 0;
};

class SoxSource : public SampleSource {
public:
    SoxSource(const std::string& input, std::string description) : description_(std::move(description)) {
        if (findProgram("sox").empty()) throw Error(description_ + ": needs sox (Debian package sox; bash packaging/install-deps.sh)");
        process_ = std::make_unique<PipedProcess>(std::vector<std::string>{
            "sox", "-q", "-V1", input, "-t", "raw", "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", "-L", "-"});
    }
    std::string description() const override { return description_; }
    bool isLive() const override { return true; }
    std::size_t read(float* out, std::size_t max) override {
        if (ended_) return 0;
        const std::size_t n = std::min<std::size_t>(max, 320);  // 20 ms at a time
        std::vector<std::uint8_t> bytes(2 * n);
        try {
            process_->read(bytes.data(), bytes.size(), 10.0);
        } catch (const Error& e) {
            ended_ = true;
            if (++reads_ == 1) throw Error(description_ + ": " + e.what());
            return 0;  // the stream ended (a file), or the device went away
        }
        ++reads_;
        for (std::size_t i = 0; i < n; ++i)
            out[i] = float(std::int16_t(std::uint16_t(bytes[2 * i] | (bytes[2 * i + 1] << 8)))) / 32768.0f;
        return n;
    }

private:
    std::string description_;
    std::unique_ptr<PipedProcess> process_;
    bool ended_ = false;
    int reads_ = 0;
};

}  // namespace

std::unique_ptr<SampleSource> openSoxSource(const std::string& input, const std::string& description) {
    return std::make_unique<SoxSource>(input, description);
}

std::unique_ptr<SampleSource> openWavSource(const std::string& path, bool loop) { return std::make_unique<WavSource>(path, loop); }

SampleQueue::SampleQueue(std::string description, double maxSeconds, const std::atomic<bool>* cancel)
    : description_(std::move(description)),
      capacity_(static_cast<std::size_t>(std::max(0.1, maxSeconds) * kKeywordRate)), cancel_(cancel) {}

void SampleQueue::push(const float* samples, std::size_t n) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (closed_) return;
        samples_.insert(samples_.end(), samples, samples + n);
        if (samples_.size() > capacity_) {
            const std::size_t drop = samples_.size() - capacity_;
            samples_.erase(samples_.begin(), samples_.begin() + std::ptrdiff_t(drop));
            dropped_ += drop;
        }
    }
    ready_.notify_all();
}

void SampleQueue::close() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        closed_ = true;
    }
    ready_.notify_all();
}

std::size_t SampleQueue::dropped() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return dropped_;
}

std::size_t SampleQueue::read(float* out, std::size_t max) {
    std::unique_lock<std::mutex> lock(mutex_);
    // Woken by push and close; the timeout lets a cancel be seen.
    while (samples_.empty() && !closed_ && !(cancel_ && cancel_->load()))
        ready_.wait_for(lock, std::chrono::milliseconds(100));
    const std::size_t n = std::min(max, samples_.size());
    std::copy_n(samples_.begin(), n, out);
    samples_.erase(samples_.begin(), samples_.begin() + std::ptrdiff_t(n));
    return n;
}

// ------------------------------------------------------------------ window

SlidingWindow::SlidingWindow(SampleSource& source, int hopMs)
    : source_(source), hop_(static_cast<std::size_t>(hopMs) * kKeywordRate / 1000), buffer_(kKeywordRate, 0.0f) {
    if (hopMs < 10 || hopMs > 1000) throw Error("hop (ms): " + std::to_string(hopMs) + " is outside 10 to 1000");
}

bool SlidingWindow::next(std::vector<float>& window, double& endTime) {
    std::vector<float> fresh(hop_);
    std::size_t got = 0;
    while (got < hop_) {
        const std::size_t n = source_.read(fresh.data() + got, hop_ - got);
        if (n == 0) break;
        got += n;
    }
    if (got < hop_) return false;  // the end (a last partial hop is not a window)
    std::move(buffer_.begin() + std::ptrdiff_t(hop_), buffer_.end(), buffer_.begin());
    std::copy(fresh.begin(), fresh.end(), buffer_.end() - std::ptrdiff_t(hop_));
    consumed_ += hop_;
    window = buffer_;
    endTime = double(consumed_) / kKeywordRate;
    return true;
}

}  // namespace mcunet::demo
