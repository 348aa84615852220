// The wake-word demo (issue 22, docs/demo.md): the detector's smoothing,
// threshold and refractory time; the sliding window's timing; the sample
// queue the studio's microphone fills; sox as a sound source (the CLI's
// microphone route, driven here from a file). Then the bundled keyword model
// on speech synthesized by a voice it never heard: every word is heard once,
// between its start and 200 ms after its end; noise alone is never a word;
// the virtual board gives the host's output window by window.
#include <QtTest>

#include <filesystem>
#include <thread>

#include "audio/wav.h"
#include "board/board.h"
#include "common/error.h"
#include "common/process.h"
#include "data/dataset.h"
#include "demo/keyword.h"
#include "demo/samples.h"
#include "demo/session.h"
#include "demo/speech.h"
#include "quant/interpreter.h"

using namespace mcunet;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kClasses{"yes", "no", "_silence_", "_unknown_"};

// A source of given samples, delivered `chunk` at a time.
class VectorSource : public demo::SampleSource {
public:
    VectorSource(std::vector<float> s, std::size_t chunk) : s_(std::move(s)), chunk_(chunk) {}
    std::string description() const override { return "test samples"; }
    bool isLive() const override { return false; }
    std::size_t read(float* out, std::size_t max) override {
        const std::size_t n = std::min({max, chunk_, s_.size() - at_});
        std::copy_n(s_.begin() + std::ptrdiff_t(at_), n, out);
        at_ += n;
        return n;
    }

private:
    std::vector<float> s_;
    std::size_t chunk_, at_ = 0;
};

struct Heard {
    std::string word;
    double time;
};

// The words a session hears in a WAV file, and every window's int8 output.
std::vector<Heard> listen(const std::string& wav, const std::string& target, std::vector<std::vector<std::int8_t>>* outputs = nullptr,
                          int maxWindows = 0) {
    QTemporaryDir work;
    demo::SessionRequest r;
    r.modelDir = demo::kKeywordSample;
    r.source = wav;
    r.target = target;
    r.workDir = work.path().toStdString();
    r.catalog = &board::Catalog::builtIn();
    demo::KeywordSession s(r, demo::KeywordSettings{}, [](const std::string&) {});
    std::vector<Heard> heard;
    demo::KeywordResult k;
    while ((maxWindows == 0 || s.windows() < maxWindows) && s.next(k)) {
        if (!k.word.empty()) heard.push_back({k.word, k.time});
        if (outputs) outputs->push_back(k.inference.output);
    }
    return heard;
}

}  // namespace

class TestKeyword : public QObject {
    Q_OBJECT
private slots:
    // Smoothing averages the windows of the last smoothMs; a word is heard
    // once its average reaches the threshold, not again within the
    // refractory time; silence and unknown are never words.
    void detectorSmoothsThresholdsAndHolds() {
        demo::KeywordSettings s;
        s.hopMs = 50;
        s.smoothMs = 150;
        s.threshold = 0.6;
        s.refractoryMs = 1000;
        demo::KeywordDetector d(kClasses, s);
        const std::vector<double> yes{0.9, 0.05, 0.03, 0.02}, quiet{0.0, 0.0, 1.0, 0.0}, unknown{0.1, 0.0, 0.0, 0.9};
        QCOMPARE(d.add(0.05, quiet).detected, -1);
        QCOMPARE(d.add(0.10, quiet).detected, -1);
        // One confident window among two quiet ones: 0.3 on average, not heard.
        auto a = d.add(0.15, yes);
        QCOMPARE(a.detected, -1);
        QVERIFY(std::abs(a.smoothed[0] - 0.3) < 1e-12);
        QCOMPARE(a.best, 2);
        // Two of three: 0.6, heard.
        a = d.add(0.20, yes);
        QVERIFY(std::abs(a.smoothed[0] - 0.6) < 1e-12);
        QCOMPARE(a.detected, 0);
        // Still "yes" but within the refractory second: not again.
        for (double t = 0.25; t < 1.2; t += 0.05) QCOMPARE(d.add(t, yes).detected, -1);
        QCOMPARE(d.add(1.20, yes).detected, 0);  // a second after the first
        // Confident unknown or silence: never a word.
        demo::KeywordDetector e(kClasses, s);
        for (double t = 0.05; t < 3; t += 0.05) {
            QCOMPARE(e.add(t, unknown).detected, -1);
            QCOMPARE(e.add(t + 0.01, quiet).detected, -1);
        }
        QVERIFY_THROWS_EXCEPTION(Error, e.add(4, {1.0}));
        // A window not yet full of sound: smoothed, never reported.
        demo::KeywordDetector f(kClasses, s);
        QCOMPARE(f.add(0.5, yes, false).detected, -1);
        QCOMPARE(f.add(0.55, yes, false).best, 0);
        QCOMPARE(f.add(1.0, yes).detected, 0);
        s.threshold = 1.5;
        QVERIFY_THROWS_EXCEPTION(Error, demo::KeywordDetector(kClasses, s));
        QVERIFY(demo::isFillerClass("_background_noise_") && demo::isFillerClass("Silence") && !demo::isFillerClass("yes"));
    }

    // Every hop a window of the last second ends; the first are padded with
    // silence before the start; a last partial hop is no window.
    void slidingWindowTiming() {
        std::vector<float> s(16000 * 2 + 500, 0.0f);
        s[8000] = 0.5f;  // at 0.5 s
        VectorSource src(s, 777);
        demo::SlidingWindow w(src, 100);
        std::vector<float> window;
        double end = 0;
        int n = 0;
        while (w.next(window, end)) {
            ++n;
            QCOMPARE(window.size(), std::size_t(16000));
            QVERIFY(std::abs(end - n * 0.1) < 1e-9);
            // The impulse sits at 0.5 s: in the window while it ends within (0.5, 1.5].
            const auto at = std::find(window.begin(), window.end(), 0.5f);
            if (end > 0.5 && end <= 1.5) {
                QVERIFY(at != window.end());
                QCOMPARE(std::size_t(at - window.begin()), std::size_t(16000 - std::lround((end - 0.5) * 16000)));
            } else {
                QVERIFY(at == window.end());
            }
        }
        QCOMPARE(n, 20);  // 2.03 s: 20 whole hops
    }

    // The queue the studio's audio thread pushes into: order kept, the
    // oldest dropped beyond its capacity, close() ends a waiting read.
    void sampleQueue() {
        demo::SampleQueue q("test", 0.1);  // 1,600 samples
        std::vector<float> a(1000), b(1000);
        for (int i = 0; i < 1000; ++i) a[std::size_t(i)] = float(i), b[std::size_t(i)] = float(1000 + i);
        q.push(a.data(), a.size());
        q.push(b.data(), b.size());
        QCOMPARE(q.dropped(), std::size_t(400));
        std::vector<float> out(2000);
        QCOMPARE(q.read(out.data(), out.size()), std::size_t(1600));
        QCOMPARE(out[0], 400.0f);
        QCOMPARE(out[1599], 1999.0f);
        std::thread producer([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            q.push(a.data(), 10);
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            q.close();
        });
        QCOMPARE(q.read(out.data(), out.size()), std::size_t(10));  // waited for the push
        QCOMPARE(q.read(out.data(), out.size()), std::size_t(0));   // closed
        producer.join();
    }

    // sox as a source (what --source mic runs with "-d"): the samples of a
    // 16 kHz file come back within one 16-bit step; a missing input is an
    // error naming the source, not a hang.
    void soxSourceReadsWhatTheFileHolds() {
        QTemporaryDir dir;
        audio::Clip c;
        c.sampleRate = 16000;
        for (int i = 0; i < 8000; ++i) c.samples.push_back(0.5f * std::sin(float(i) * 0.05f));
        const std::string path = dir.filePath("tone.wav").toStdString();
        audio::writeWav(path, c);
        const auto src = demo::openSoxSource(path, "tone");
        std::vector<float> got(10000);
        std::size_t n = 0;
        while (std::size_t k = src->read(got.data() + n, got.size() - n)) n += k;
        QCOMPARE(n, std::size_t(8000));
        for (std::size_t i = 0; i < n; ++i) QVERIFY(std::abs(got[i] - c.samples[i]) <= 1.0f / 32768 + 1e-6f);
        const auto missing = demo::openSoxSource(dir.filePath("none.wav").toStdString(), "missing input");
        float x[16];
        try {
            missing->read(x, 16);
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find("missing input") != std::string::npos, e.what());
        }
    }

    // Words said by a voice the bundled model never heard (a test speaker of
    // the synthesized dataset), 1.5 s apart in noise: each is heard exactly
    // once, no earlier than its start and no later than 200 ms after its end.
    void wordsAreHeardOnTime() {
        if (findProgram("espeak-ng").empty()) QSKIP("espeak-ng is not installed");
        QTemporaryDir dir;
        demo::SpeechRequest sr;
        sr.words = {"yes", "stop", "left", "go", "no", "down"};
        sr.voice = "en-us+m5";
        sr.speed = 160;
        sr.noiseLevel = 0.01;
        const demo::Recording rec = demo::synthesizeSpeech(sr);
        const std::string wav = dir.filePath("words.wav").toStdString();
        audio::writeWav(wav, audio::Clip{16000, rec.samples});
        const std::vector<Heard> heard = listen(wav, "host");
        QString report;
        for (const Heard& h : heard) report += QString("%1 at %2 s; ").arg(QString::fromStdString(h.word)).arg(h.time);
        qInfo("heard: %s", qPrintable(report));
        for (const demo::SpokenWord& w : rec.words) qInfo("said %s from %.2f to %.2f s", w.word.c_str(), w.start, w.end);
        QCOMPARE(int(heard.size()), int(rec.words.size()));
        for (std::size_t i = 0; i < heard.size(); ++i) {
            const demo::SpokenWord& w = rec.words[i];
            QCOMPARE(heard[i].word, w.word);
            QVERIFY2(heard[i].time >= w.start && heard[i].time <= w.end + 0.2,
                     qPrintable(QString("%1 heard at %2 s, said %3-%4 s").arg(QString::fromStdString(w.word)).arg(heard[i].time).arg(w.start).arg(w.end)));
        }
    }

    // Noise alone, quiet and loud: never a word.
    void noiseAloneIsNoWord() {
        QTemporaryDir dir;
        for (double level : {0.003, 0.03, 0.1}) {
            demo::SpeechRequest sr;
            sr.tailSeconds = 10;
            sr.noiseLevel = level;
            sr.seed = 5;
            const std::string wav = dir.filePath(QString("noise-%1.wav").arg(level)).toStdString();
            audio::writeWav(wav, audio::Clip{16000, demo::synthesizeSpeech(sr).samples});
            const std::vector<Heard> heard = listen(wav, "host");
            QVERIFY2(heard.empty(), qPrintable(QString("noise at %1 heard as %2").arg(level).arg(heard.empty() ? "" : QString::fromStdString(heard[0].word))));
        }
    }

    // The virtual board (the real firmware in QEMU) gives the host's output
    // for every window (the host runner equals the reference interpreter:
    // test_demo).
    void virtualBoardEqualsHostWindowByWindow() {
        if (findProgram("espeak-ng").empty()) QSKIP("espeak-ng is not installed");
        QTemporaryDir dir;
        demo::SpeechRequest sr;
        sr.words = {"yes"};
        sr.voice = "en-us+m5";
        sr.leadSeconds = 0.5;
        sr.tailSeconds = 0.5;
        const std::string wav = dir.filePath("yes.wav").toStdString();
        audio::writeWav(wav, audio::Clip{16000, demo::synthesizeSpeech(sr).samples});
        std::vector<std::vector<std::int8_t>> host, board;
        const auto heardHost = listen(wav, "host", &host);
        const auto heardBoard = listen(wav, "virtual-m4", &board);
        QVERIFY2(host.size() >= 25, qPrintable(QString::number(host.size())));  // about 1.4 s, a window every 50 ms
        QVERIFY(host == board);
        QCOMPARE(heardHost.size(), heardBoard.size());
    }

    // A keyword session refuses a picture model, and a picture session a keyword model.
    void modelsAndSourcesOfTheOtherKind() {
        QTemporaryDir work;
        demo::SessionRequest r;
        r.modelDir = demo::kSample;  // fashion-MNIST pictures
        r.source = "x.wav";
        r.workDir = work.path().toStdString();
        r.catalog = &board::Catalog::builtIn();
        try {
            demo::KeywordSession s(r, {}, [](const std::string&) {});
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find("keyword network") != std::string::npos, e.what());
        }
        r.modelDir = demo::kKeywordSample;
        r.source = demo::kSample;
        try {
            demo::Session s(r, [](const std::string&) {});
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find("sound") != std::string::npos, e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestKeyword)
#include "test_keyword.moc"
