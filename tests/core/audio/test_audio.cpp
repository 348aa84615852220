// core/audio: WAV files (hostile ones refused, naming the field), resampling,
// and the MFCC front end against a plain double-precision computation of the
// same recipe (a direct DFT, no FFT library).
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <random>

#include "audio/mfcc.h"
#include "audio/wav.h"
#include "common/error.h"
#include "common/process.h"

using namespace mcunet;

namespace {

const double kPi = std::acos(-1.0);

std::vector<float> tone(double hz, double seconds, int rate, double amplitude = 0.5) {
    std::vector<float> s(std::size_t(seconds * rate));
    for (std::size_t i = 0; i < s.size(); ++i) s[i] = float(amplitude * std::sin(2 * kPi * hz * double(i) / rate));
    return s;
}

// The recipe of docs/audio.md written out plainly, in double.
std::vector<double> plainMfcc(const float* x, const audio::MfccOptions& o) {
    const int bins = o.fftSize / 2 + 1;
    std::vector<double> mag(static_cast<std::size_t>(bins));
    for (int k = 0; k < bins; ++k) {
        double re = 0, im = 0;
        for (int n = 0; n < o.windowSamples; ++n) {
            const double v = x[n] * (0.5 - 0.5 * std::cos(2 * kPi * n / o.windowSamples));
            re += v * std::cos(2 * kPi * k * n / o.fftSize);
            im -= v * std::sin(2 * kPi * k * n / o.fftSize);
        }
        mag[std::size_t(k)] = std::sqrt(re * re + im * im);
    }
    auto mel = [](double hz) { return 1127.0 * std::log(1.0 + hz / 700.0); };
    std::vector<double> logMel(std::size_t(o.melBands));
    for (int m = 0; m < o.melBands; ++m) {
        const double step = (mel(o.highHz) - mel(o.lowHz)) / (o.melBands + 1);
        const double l = mel(o.lowHz) + step * m, c = l + step, r = c + step;
        double e = 0;
        for (int k = 1; k < bins; ++k) {
            const double f = mel(o.sampleRate / 2.0 * k / (bins - 1));
            e += std::max(0.0, std::min((f - l) / (c - l), (r - f) / (r - c))) * mag[std::size_t(k)];
        }
        logMel[std::size_t(m)] = std::log(e + 1e-6);
    }
    std::vector<double> out(std::size_t(o.coefficients));
    for (int k = 0; k < o.coefficients; ++k)
        for (int n = 0; n < o.melBands; ++n)
            out[std::size_t(k)] += std::sqrt(2.0 / o.melBands) * std::cos(kPi * k * (2 * n + 1) / (2.0 * o.melBands)) *
                                   logMel[std::size_t(n)];
    return out;
}

std::vector<std::uint8_t> wavBytes(std::uint16_t tag, std::uint16_t channels, std::uint32_t rate, std::uint16_t bits,
                                   const std::vector<std::uint8_t>& data, int blockAlign = -1) {
    std::vector<std::uint8_t> b;
    auto put = [&](std::uint32_t v, int n) {
        for (int i = 0; i < n; ++i) b.push_back(std::uint8_t(v >> (8 * i)));
    };
    auto tag4 = [&](const char* t) {
        for (int i = 0; i < 4; ++i) b.push_back(std::uint8_t(t[i]));
    };
    tag4("RIFF");
    put(std::uint32_t(36 + data.size()), 4);
    tag4("WAVE");
    tag4("fmt ");
    put(16, 4);
    put(tag, 2);
    put(channels, 2);
    put(rate, 4);
    put(rate * channels * bits / 8, 4);
    put(std::uint32_t(blockAlign >= 0 ? blockAlign : channels * bits / 8), 2);
    put(bits, 2);
    tag4("data");
    put(std::uint32_t(data.size()), 4);
    for (std::uint8_t v : data) b.push_back(v);
    return b;
}

}  // namespace

class TestAudio : public QObject {
    Q_OBJECT
private slots:
    void oneSecondIs49By10() {
        const audio::Mfcc mfcc;
        QCOMPARE(mfcc.options().framesIn(16000), 49);
        QCOMPARE(mfcc.options().framesIn(479), 0);
        QCOMPARE(mfcc.compute(tone(1000, 1.0, 16000)).size(), std::size_t(490));
    }

    // kissfft's float result equals the plain double computation to 1e-4
    // on tones, noise and silence.
    void mfccMatchesThePlainRecipe() {
        const audio::Mfcc mfcc;
        std::mt19937 rng(3);
        std::normal_distribution<float> noise(0.0f, 0.1f);
        std::vector<std::vector<float>> inputs = {tone(440, 0.05, 16000), tone(3000, 0.05, 16000, 0.9),
                                                   std::vector<float>(800, 0.0f), std::vector<float>(800)};
        for (float& v : inputs.back()) v = noise(rng);
        // Tones with a little noise: every band holds energy (a band that holds
        // almost none is log(1e-6 + tiny), where float and double rightly differ).
        for (std::size_t i = 0; i < 2; ++i)
            for (float& v : inputs[i]) v += noise(rng) * 0.1f;
        for (const auto& s : inputs) {
            std::vector<float> got(10);
            mfcc.frame(s.data(), got.data());
            const std::vector<double> want = plainMfcc(s.data(), mfcc.options());
            for (int k = 0; k < 10; ++k)
                QVERIFY2(std::abs(got[std::size_t(k)] - want[std::size_t(k)]) <= 1e-4 * std::max(1.0, std::abs(want[std::size_t(k)])),
                         qPrintable(QString("coefficient %1: %2 against %3").arg(k).arg(got[std::size_t(k)]).arg(want[std::size_t(k)])));
        }
    }

    // The bands cover 20 Hz .. 4 kHz: a 6 kHz tone reaches none of them (the
    // spectrum's window leakage aside) and a 1 kHz tone lands in the band
    // whose centre is nearest.
    void melBandsCoverTheSpeechRange() {
        const audio::Mfcc mfcc;
        const auto& w = mfcc.melWeights();
        const int bins = 257;
        for (int k = 0; k < bins; ++k) {
            double sum = 0;
            for (int m = 0; m < 40; ++m) sum += w[std::size_t(m * bins + k)];
            const double hz = 8000.0 * k / (bins - 1);
            if (hz > 4000.0 || k == 0) QCOMPARE(sum, 0.0);
            if (hz > 60.0 && hz < 3950.0) QVERIFY2(sum > 0.1, qPrintable(QString("bin %1 (%2 Hz) in no band").arg(k).arg(hz)));
        }
        const auto loud = mfcc.compute(tone(1000, 0.03, 16000, 0.5)), quiet = mfcc.compute(tone(1000, 0.03, 16000, 0.25));
        // Half the amplitude: every band's log energy falls by log 2, so the
        // first coefficient by sqrt(2 / 40) * 40 * log 2 and the others stay.
        QVERIFY(std::abs((loud[0] - quiet[0]) - std::sqrt(2.0 / 40) * 40 * std::log(2.0)) < 0.05);
        for (int k = 1; k < 10; ++k) QVERIFY(std::abs(loud[std::size_t(k)] - quiet[std::size_t(k)]) < 0.05);
    }

    void badOptionsNameTheField() {
        audio::MfccOptions o;
        o.fftSize = 500;
        QVERIFY_THROWS_EXCEPTION(Error, audio::Mfcc{o});
        try {
            o.validate();
        } catch (const Error& e) {
            QVERIFY(std::string(e.what()).find("fft_size") != std::string::npos);
        }
        o = {};
        o.highHz = 9000;
        QVERIFY_THROWS_EXCEPTION(Error, audio::Mfcc{o});
    }

    void wavRoundTrip() {
        QTemporaryDir tmp;
        const std::string path = tmp.filePath("a.wav").toStdString();
        audio::Clip clip;
        clip.samples = tone(440, 0.5, 16000);
        audio::writeWav(path, clip);
        const audio::Clip back = audio::readWav(path);
        QCOMPARE(back.sampleRate, 16000);
        QCOMPARE(back.samples.size(), clip.samples.size());
        for (std::size_t i = 0; i < clip.samples.size(); ++i) QVERIFY(std::abs(back.samples[i] - clip.samples[i]) <= 1.0f / 32767);
    }

    // 8, 16, 24 and 32-bit PCM, 32-bit float, stereo averaged to mono.
    void wavFormats() {
        QCOMPARE(audio::parseWav(wavBytes(1, 1, 8000, 8, {0, 128, 255}), "u8").samples,
                 (std::vector<float>{-1.0f, 0.0f, 127.0f / 128}));
        QCOMPARE(audio::parseWav(wavBytes(1, 1, 8000, 16, {0x00, 0x80, 0xFF, 0x7F}), "s16").samples,
                 (std::vector<float>{-1.0f, 32767.0f / 32768}));
        QCOMPARE(audio::parseWav(wavBytes(1, 1, 8000, 24, {0x00, 0x00, 0xC0}), "s24").samples, (std::vector<float>{-0.5f}));
        QCOMPARE(audio::parseWav(wavBytes(1, 1, 8000, 32, {0, 0, 0, 0x40}), "s32").samples, (std::vector<float>{0.5f}));
        std::vector<std::uint8_t> f(4);
        const float quarter = 0.25f;
        std::memcpy(f.data(), &quarter, 4);
        QCOMPARE(audio::parseWav(wavBytes(3, 1, 8000, 32, f), "f32").samples, (std::vector<float>{0.25f}));
        QCOMPARE(audio::parseWav(wavBytes(1, 2, 8000, 16, {0x00, 0x40, 0x00, 0xC0, 0x00, 0x40, 0x00, 0x20}), "stereo").samples,
                 (std::vector<float>{0.0f, 0.375f}));
        // A recording whose data chunk was cut short is read to the end.
        auto cut = wavBytes(1, 1, 8000, 16, {1, 0, 2, 0, 3, 0});
        cut.resize(cut.size() - 2);
        QCOMPARE(audio::parseWav(cut, "cut").samples.size(), std::size_t(2));
    }

    void hostileWavFilesNameTheField_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("message");
        auto qb = [](const std::vector<std::uint8_t>& v) { return QByteArray(reinterpret_cast<const char*>(v.data()), int(v.size())); };
        QTest::newRow("empty") << QByteArray() << "not a WAV file";
        QTest::newRow("text") << QByteArray("hello, this is not audio") << "not a WAV file";
        QTest::newRow("mp3-like") << QByteArray("ID3\x03\x00\x00\x00\x00\x00\x00RIFF") << "not a WAV file";
        QTest::newRow("zero channels") << qb(wavBytes(1, 0, 8000, 16, {0, 0})) << "channels 0";
        QTest::newRow("rate 0") << qb(wavBytes(1, 1, 0, 16, {0, 0})) << "sample rate 0";
        QTest::newRow("12 bits") << qb(wavBytes(1, 1, 8000, 12, {0, 0})) << "12 bits per sample";
        QTest::newRow("a-law") << qb(wavBytes(6, 1, 8000, 8, {0})) << "format 6";
        QTest::newRow("block align") << qb(wavBytes(1, 1, 8000, 16, {0, 0}, 7)) << "block align 7";
        auto noFmt = wavBytes(1, 1, 8000, 16, {0, 0});
        std::memcpy(noFmt.data() + 12, "LIST", 4);
        QTest::newRow("no fmt") << qb(noFmt) << "data chunk before the fmt chunk";
        auto huge = wavBytes(1, 1, 8000, 16, {0, 0});
        huge[16] = 0xFF, huge[17] = 0xFF, huge[18] = 0xFF, huge[19] = 0x7F;
        QTest::newRow("fmt larger than the file") << qb(huge) << "chunk 'fmt ' says";
        auto shortFmt = wavBytes(1, 1, 8000, 16, {0, 0});
        shortFmt[16] = 8;
        QTest::newRow("fmt of 8 bytes") << qb(shortFmt) << "fmt chunk: is 8 bytes";
        auto headerOnly = wavBytes(1, 1, 8000, 16, {});
        headerOnly.resize(36);
        QTest::newRow("no data") << qb(headerOnly) << "no data chunk";
        // 11 minutes of 8 kHz 8-bit mono: more than a clip is allowed to be.
        QTest::newRow("too long") << qb(wavBytes(1, 1, 8000, 8, std::vector<std::uint8_t>(8000 * 660, 128))) << "at most 600 s";
    }
    void hostileWavFilesNameTheField() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, message);
        const std::vector<std::uint8_t> v(bytes.begin(), bytes.end());
        try {
            audio::parseWav(v, "clip.wav");
            QFAIL("accepted");
        } catch (const Error& e) {
            const std::string what = e.what();
            QVERIFY2(what.rfind("clip.wav: ", 0) == 0 && what.find(message.toStdString()) != std::string::npos, e.what());
        }
    }

    void missingFileIsAnError() {
        QVERIFY_THROWS_EXCEPTION(Error, audio::readWav("/nonexistent/x.wav"));
        QTemporaryDir tmp;
        QVERIFY_THROWS_EXCEPTION(Error, audio::readWav(tmp.path().toStdString()));
    }

    // 44.1 kHz to 16 kHz keeps a 440 Hz tone at 440 Hz and the length in seconds.
    void resampleKeepsThePitch() {
        audio::Clip clip;
        clip.sampleRate = 44100;
        clip.samples = tone(440, 1.0, 44100);
        const audio::Clip out = audio::resample(clip, 16000);
        QCOMPARE(out.sampleRate, 16000);
        QVERIFY(std::abs(int(out.samples.size()) - 16000) <= 2);
        int crossings = 0;
        for (std::size_t i = 1000; i + 1 < 15000; ++i) crossings += (out.samples[i] < 0) != (out.samples[i + 1] < 0);
        QVERIFY2(std::abs(crossings - 2 * 440 * 14000 / 16000) <= 2, qPrintable(QString::number(crossings)));
    }

    // tools/make-kws-dataset.sh with 5 speakers and one take: the Speech
    // Commands layout, one-second 16 kHz clips, test speakers apart from the
    // training ones, a keyword louder than silence; an existing folder with
    // files in it is refused (exit 2) and left as it was.
    void synthesizedDatasetHasTheLayout() {
        QTemporaryDir tmp;
        const std::string out = tmp.filePath("kws").toStdString();
        const ProcessResult r = runProcess({"bash", MCUNET_SOURCE_DIR "/tools/make-kws-dataset.sh", out, "--takes", "1",
                                            "--speakers", "5", "--seed", "3"}, "", 300);
        QVERIFY2(r.exitCode == 0, r.output.c_str());
        const QStringList classes = {"yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go", "_silence_", "_unknown_"};
        QDir train(QString::fromStdString(out + "/train")), test(QString::fromStdString(out + "/test"));
        QStringList found = train.entryList(QDir::Dirs | QDir::NoDotAndDotDot), expected = classes;
        found.sort();
        expected.sort();
        QCOMPARE(found, expected);
        QStringList trainSpeakers, testSpeakers;
        for (const QString& c : classes) {
            QCOMPARE(QDir(train.filePath(c)).entryList({"*.wav"}).size(), 4);
            QCOMPARE(QDir(test.filePath(c)).entryList({"*.wav"}).size(), 1);
            for (const QString& f : QDir(train.filePath(c)).entryList({"*.wav"})) trainSpeakers << f.section('_', 0, 1);
            for (const QString& f : QDir(test.filePath(c)).entryList({"*.wav"})) testSpeakers << f.section('_', 0, 1);
        }
        for (const QString& s : testSpeakers) QVERIFY2(!trainSpeakers.contains(s), qPrintable(s + " speaks in both splits"));
        const audio::Mfcc mfcc;
        double yes = 0, silence = 0;
        for (const QString& c : {QString("yes"), QString("_silence_")}) {
            const QString file = QDir(test.filePath(c)).entryList({"*.wav"}).first();
            const audio::Clip clip = audio::readWav(QDir(test.filePath(c)).filePath(file).toStdString());
            QCOMPARE(clip.sampleRate, 16000);
            QCOMPARE(clip.samples.size(), std::size_t(16000));
            QCOMPARE(mfcc.compute(clip.samples).size(), std::size_t(490));
            double energy = 0;
            for (float v : clip.samples) energy += double(v) * v;
            (c == "yes" ? yes : silence) = energy;
        }
        QVERIFY2(yes > 2 * silence, qPrintable(QString("yes %1, silence %2").arg(yes).arg(silence)));
        const ProcessResult again = runProcess({"bash", MCUNET_SOURCE_DIR "/tools/make-kws-dataset.sh", out}, "", 60);
        QCOMPARE(again.exitCode, 2);
        QVERIFY(again.output.find("not empty") != std::string::npos);
        QVERIFY(QFile::exists(QString::fromStdString(out + "/dataset.json")));
        QCOMPARE(runProcess({"bash", MCUNET_SOURCE_DIR "/tools/make-kws-dataset.sh", out + "2", "--takes", "x"}, "", 60).exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestAudio)
#include "test_audio.moc"
