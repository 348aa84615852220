#pragma once
// Synthesized speech with known content, for the wake-word sample recording
// and the tests that check detections against it (docs/demo.md): words
// spoken by espeak-ng at chosen times, in seeded white noise. No Qt.
#include <cstdint>
#include <string>
#include <vector>

namespace mcunet::demo {

struct SpokenWord {
    std::string word;
    double start = 0, end = 0;  // seconds into the recording (the voice's first and last sound)
};

struct SpeechRequest {
    std::vector<std::string> words;  // said one after the other (may be empty: noise alone)
    std::string voice = "en-us+f3";  // espeak-ng's voice: accent + variant
    int speed = 150;                 // words per minute (80 to 450)
    int pitch = 50;                  // 0 to 99
    double leadSeconds = 1.0;        // noise before the first word
    double gapSeconds = 1.5;         // from one word's end to the next one's start
    double tailSeconds = 1.0;        // noise after the last word (noise alone: the whole length)
    double noiseLevel = 0.01;        // RMS of the white noise, full scale 1
    std::uint64_t seed = 1;          // of the noise
};

struct Recording {
    std::vector<float> samples;  // 16 kHz mono
    std::vector<SpokenWord> words;
    double seconds() const { return double(samples.size()) / 16000.0; }
};

// Throws mcunet::Error when espeak-ng is missing (naming the package) or a
// word cannot be said (it must be 1 to 32 letters, '-' or '\'').
Recording synthesizeSpeech(const SpeechRequest& request);

// The sample recording of the wake-word demo (`--source sample-kws`): each of
// `words` once by a voice no keyword sample model was trained on, written
// once to the user's cache folder (demo/keywords-v1.wav) and renamed into
// place; returns its path.
std::string ensureKeywordSampleRecording();
// What that recording says, and when.
std::vector<SpokenWord> keywordSampleWords();

}  // namespace mcunet::demo
