#include "demo/speech.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>

#include "audio/wav.h"
#include "common/atomic_file.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "common/process.h"
#include "demo/samples.h"

namespace mcunet::demo {

namespace fs = std::filesystem;

namespace {

constexpr int kRate = 16000;

void checkWord(const std::string& w) {
    const bool ok = !w.empty() && w.size() <= 32 &&
                    std::all_of(w.begin(), w.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '-' || c == '\''; });
    if (!ok) throw Error("speech: \"" + w.substr(0, 40) + "\" is not a word (1 to 32 letters, '-' or ')");
}

// The word as espeak-ng says it, at 16 kHz, without the silence around it
// (sound starts and ends where the signal first and last reaches 1% of full scale).
std::vector<float> sayWord(const SpeechRequest& r, const std::string& word, const std::string& dir) {
    checkWord(word);
    const std::string path = (fs::path(dir) / "word.wav").string();
    const ProcessResult p = runProcess({"espeak-ng", "-v", r.voice, "-s", std::to_string(r.speed), "-p", std::to_string(r.pitch),
                                        "-w", path, word},
                                       dir, 60.0);
    if (!p.started) throw Error("speech: espeak-ng is not installed (Debian package espeak-ng; bash packaging/install-deps.sh)");
    if (p.exitCode != 0) throw Error("speech: espeak-ng failed for \"" + word + "\" with voice " + r.voice + ": " + p.output.substr(0, 300));
    std::vector<float> s = audio::resample(audio::readWav(path), kRate).samples;
    auto loud = [](float v) { return std::fabs(v) >= 0.01f; };
    const auto first = std::find_if(s.begin(), s.end(), loud);
    const auto last = std::find_if(s.rbegin(), s.rend(), loud).base();
    if (first >= last) throw Error("speech: espeak-ng said nothing for \"" + word + "\"");
    return {first, last};
}

}  // namespace

Recording synthesizeSpeech(const SpeechRequest& r) {
    if (r.speed < 80 || r.speed > 450 || r.pitch < 0 || r.pitch > 99)
        throw Error("speech: speed 80 to 450 and pitch 0 to 99 (got " + std::to_string(r.speed) + ", " + std::to_string(r.pitch) + ")");
    for (double v : {r.leadSeconds, r.gapSeconds, r.tailSeconds})
        if (!(v >= 0 && v <= 60)) throw Error("speech: silences are 0 to 60 s");
    if (!(r.noiseLevel >= 0 && r.noiseLevel <= 0.5)) throw Error("speech: noise level 0 to 0.5");
    Recording out;
    std::vector<std::vector<float>> said;
    if (!r.words.empty()) {
        const cleanup::ScopedDirectory work([] { return atomic_file::makeTempDirectory("speech"); });
        for (const std::string& w : r.words) said.push_back(sayWord(r, w, work.path()));
    }
    auto samples = [](double seconds) { return static_cast<std::size_t>(std::lround(seconds * kRate)); };
    std::size_t at = samples(r.leadSeconds);
    for (std::size_t i = 0; i < said.size(); ++i) {
        if (i > 0) at += samples(r.gapSeconds);
        out.words.push_back({r.words[i], double(at) / kRate, double(at + said[i].size()) / kRate});
        out.samples.resize(at + said[i].size(), 0.0f);
        std::copy(said[i].begin(), said[i].end(), out.samples.begin() + std::ptrdiff_t(at));
        at += said[i].size();
    }
    out.samples.resize(at + samples(r.tailSeconds), 0.0f);
    std::mt19937_64 rng(r.seed);
    std::normal_distribution<float> noise(0.0f, static_cast<float>(r.noiseLevel));
    for (float& v : out.samples) v = std::clamp(v + noise(rng), -1.0f, 1.0f);
    return out;
}

namespace {

SpeechRequest sampleRequest() {
    SpeechRequest r;
    r.words = {"yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"};
    r.voice = "en-us+f3";  // a test speaker of tools/make-kws-dataset.sh: never in its training set
    r.seed = 1;
    return r;
}

}  // namespace

std::string ensureKeywordSampleRecording() {
    bool exists = false;
    const std::string path = sampleCachePath("keywords-v1.wav", "the sample recording", exists);
    if (exists) return path;
    const Recording rec = synthesizeSpeech(sampleRequest());
    audio::writeWav(path, audio::Clip{kRate, rec.samples});  // atomic: a temporary file renamed into place
    return path;
}

std::vector<SpokenWord> keywordSampleWords() { return synthesizeSpeech(sampleRequest()).words; }

}  // namespace mcunet::demo
