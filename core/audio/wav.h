#pragma once
// WAV files (RIFF WAVE): read as mono float samples in [-1, 1], written as
// 16-bit PCM mono. Reads PCM of 8, 16, 24 or 32 bits and IEEE float of 32
// bits (WAVE_FORMAT_PCM, WAVE_FORMAT_IEEE_FLOAT, or EXTENSIBLE with either),
// any number of channels (averaged to mono), any rate; docs/audio.md.
// Hostile files are refused with a message naming the file and the field.
#include <cstdint>
#include <string>
#include <vector>

namespace mcunet::audio {

struct Clip {
    int sampleRate = 16000;
    std::vector<float> samples;  // mono, [-1, 1]
    double seconds() const { return sampleRate > 0 ? double(samples.size()) / sampleRate : 0.0; }
};

// Longest clip read: 10 minutes (a keyword clip is 1 s; a demo recording a few).
inline constexpr double kMaxWavSeconds = 600.0;

// Throws mcunet::InputError naming `path` and the field (exit code 2 in the CLI).
Clip readWav(const std::string& path);
// Parses the bytes of a WAV file; `name` is what messages call it.
Clip parseWav(const std::vector<std::uint8_t>& bytes, const std::string& name);
// 16-bit PCM mono at clip.sampleRate (samples clamped to [-1, 1]); written
// atomically (a temporary file renamed over `path`).
void writeWav(const std::string& path, const Clip& clip);

// The clip at another rate (libsoxr, its high quality setting); unchanged
// when the rates agree.
Clip resample(const Clip& clip, int sampleRate);

}  // namespace mcunet::audio
