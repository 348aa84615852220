#pragma once
// MFCC features of keyword spotting (docs/audio.md, "MFCC v1"), computed as
// TensorFlow's tf.signal recipe that MLPerf Tiny's keyword-spotting network is
// trained on: frames of 30 ms every 20 ms (480 and 320 samples at 16 kHz), a
// periodic Hann window, a 512-point real FFT (kissfft), the magnitude
// spectrum, 40 triangular mel bands (HTK mel scale) from 20 Hz to 4 kHz,
// log(mel + 1e-6), a DCT-II scaled by sqrt(2 / bands), the first 10
// coefficients. One second of audio gives 49 x 10 features: the network's
// input is [frames][coefficients][1].
#include <cstddef>
#include <memory>
#include <vector>

namespace mcunet::audio {

struct MfccOptions {
    int sampleRate = 16000;
    int windowSamples = 480;  // 30 ms
    int hopSamples = 320;     // 20 ms
    int fftSize = 512;        // a power of two >= windowSamples
    int melBands = 40;
    double lowHz = 20.0, highHz = 4000.0;
    int coefficients = 10;
    // Frames in `samples` samples: 1 + (samples - window) / hop (0 when shorter than a window).
    int framesIn(std::size_t samples) const;
    // Throws mcunet::Error naming the field that is out of range.
    void validate() const;
};

class Mfcc {
public:
    explicit Mfcc(const MfccOptions& options = {});
    ~Mfcc();
    Mfcc(const Mfcc&) = delete;
    Mfcc& operator=(const Mfcc&) = delete;
    const MfccOptions& options() const { return options_; }

    // Row-major [frames][coefficients] of the mono samples (at options().sampleRate).
    std::vector<float> compute(const float* samples, std::size_t count) const;
    std::vector<float> compute(const std::vector<float>& samples) const { return compute(samples.data(), samples.size()); }
    // One frame's coefficients from options().windowSamples samples.
    void frame(const float* samples, float* out) const;

    // The mel filter bank, [bands][fftSize / 2 + 1] (for tests and docs).
    const std::vector<float>& melWeights() const { return mel_; }

private:
    MfccOptions options_;
    std::vector<float> window_, mel_, dct_;
    struct Fft;
    std::unique_ptr<Fft> fft_;
};

}  // namespace mcunet::audio
