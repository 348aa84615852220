#include "audio/mfcc.h"

#include <kissfft/kiss_fftr.h>

#include <cmath>
#include <string>

#include "common/error.h"

namespace mcunet::audio {

namespace {

double hzToMel(double hz) { return 1127.0 * std::log(1.0 + hz / 700.0); }  // HTK

void require(bool ok, const std::string& field, double value, const std::string& range) {
    if (!ok) throw Error("mfcc: " + field + " " + std::to_string(value) + " (" + range + ")");
}

}  // namespace

struct Mfcc::Fft {
    kiss_fftr_cfg cfg = nullptr;
    ~Fft() { kiss_fftr_free(cfg); }
};

int MfccOptions::framesIn(std::size_t samples) const {
    if (samples < std::size_t(windowSamples)) return 0;
    return 1 + int((samples - std::size_t(windowSamples)) / std::size_t(hopSamples));
}

void MfccOptions::validate() const {
    require(sampleRate >= 1000 && sampleRate <= 384000, "sample_rate", sampleRate, "1000..384000");
    require(windowSamples >= 16 && windowSamples <= 65536, "window_samples", windowSamples, "16..65536");
    require(hopSamples >= 1 && hopSamples <= windowSamples, "hop_samples", hopSamples, "1..window_samples");
    require(fftSize >= windowSamples && fftSize <= 65536 && (fftSize & (fftSize - 1)) == 0, "fft_size", fftSize,
            "a power of two from window_samples to 65536");
    require(melBands >= 1 && melBands <= 256, "mel_bands", melBands, "1..256");
    require(lowHz >= 0.0 && lowHz < highHz, "low_hz", lowHz, "0 and below high_hz");
    require(highHz <= sampleRate / 2.0, "high_hz", highHz, "at most half the sample rate");
    require(coefficients >= 1 && coefficients <= melBands, "coefficients", coefficients, "1..mel_bands");
}

Mfcc::Mfcc(const MfccOptions& options) : options_(options), fft_(std::make_unique<Fft>()) {
    options_.validate();
    const MfccOptions& o = options_;
    const double pi = std::acos(-1.0);
    window_.resize(std::size_t(o.windowSamples));
    for (int n = 0; n < o.windowSamples; ++n)  // periodic Hann
        window_[std::size_t(n)] = float(0.5 - 0.5 * std::cos(2.0 * pi * n / o.windowSamples));
    // Triangles on the mel scale over the spectrum's bins (bin 0, DC, excluded).
    const int bins = o.fftSize / 2 + 1;
    const double lo = hzToMel(o.lowHz), hi = hzToMel(o.highHz), nyquist = o.sampleRate / 2.0;
    mel_.assign(std::size_t(o.melBands) * std::size_t(bins), 0.0f);
    for (int m = 0; m < o.melBands; ++m) {
        const double left = lo + (hi - lo) * m / (o.melBands + 1), centre = lo + (hi - lo) * (m + 1) / (o.melBands + 1),
                     right = lo + (hi - lo) * (m + 2) / (o.melBands + 1);
        for (int k = 1; k < bins; ++k) {
            const double mel = hzToMel(nyquist * k / (bins - 1));
            const double w = std::min((mel - left) / (centre - left), (right - mel) / (right - centre));
            mel_[std::size_t(m) * std::size_t(bins) + std::size_t(k)] = float(std::max(0.0, w));
        }
    }
    // DCT-II of the log mel energies, scaled by sqrt(2 / bands).
    dct_.resize(std::size_t(o.coefficients) * std::size_t(o.melBands));
    for (int k = 0; k < o.coefficients; ++k)
        for (int n = 0; n < o.melBands; ++n)
            dct_[std::size_t(k) * std::size_t(o.melBands) + std::size_t(n)] =
                float(std::sqrt(2.0 / o.melBands) * std::cos(pi * k * (2 * n + 1) / (2.0 * o.melBands)));
    fft_->cfg = kiss_fftr_alloc(o.fftSize, 0, nullptr, nullptr);
    if (!fft_->cfg) throw Error("mfcc: cannot allocate a " + std::to_string(o.fftSize) + "-point FFT");
}

Mfcc::~Mfcc() = default;

void Mfcc::frame(const float* samples, float* out) const {
    const MfccOptions& o = options_;
    const int bins = o.fftSize / 2 + 1;
    std::vector<kiss_fft_scalar> in(std::size_t(o.fftSize), 0.0f);
    for (int n = 0; n < o.windowSamples; ++n) in[std::size_t(n)] = samples[n] * window_[std::size_t(n)];
    std::vector<kiss_fft_cpx> spectrum(static_cast<std::size_t>(bins));
    kiss_fftr(fft_->cfg, in.data(), spectrum.data());
    std::vector<float> magnitude(static_cast<std::size_t>(bins));
    for (int k = 0; k < bins; ++k)
        magnitude[std::size_t(k)] = std::hypot(spectrum[std::size_t(k)].r, spectrum[std::size_t(k)].i);
    std::vector<float> logMel(std::size_t(o.melBands));
    for (int m = 0; m < o.melBands; ++m) {
        double energy = 0.0;
        const float* w = mel_.data() + std::size_t(m) * std::size_t(bins);
        for (int k = 0; k < bins; ++k) energy += double(w[k]) * magnitude[std::size_t(k)];
        logMel[std::size_t(m)] = float(std::log(energy + 1e-6));
    }
    for (int k = 0; k < o.coefficients; ++k) {
        double sum = 0.0;
        const float* d = dct_.data() + std::size_t(k) * std::size_t(o.melBands);
        for (int n = 0; n < o.melBands; ++n) sum += double(d[n]) * logMel[std::size_t(n)];
        out[k] = float(sum);
    }
}

std::vector<float> Mfcc::compute(const float* samples, std::size_t count) const {
    const int frames = options_.framesIn(count);
    std::vector<float> out(std::size_t(frames) * std::size_t(options_.coefficients));
    for (int f = 0; f < frames; ++f)
        frame(samples + std::size_t(f) * std::size_t(options_.hopSamples), out.data() + std::size_t(f) * std::size_t(options_.coefficients));
    return out;
}

}  // namespace mcunet::audio
