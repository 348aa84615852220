// core/demo and core/video: a video file written here (fashion-MNIST test
// images, lossless FFV1) is read frame by frame, each frame prepared as
// training prepares pictures (data::frameToImage) and quantized; the host
// runner (a helper process) and the virtual board (the real firmware in
// QEMU) give, frame for frame, exactly the reference interpreter's output.
// Bad sources and targets are refused with their names; a helper that dies
// is an error naming it, not a hang or a SIGPIPE.
#include <QtTest>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "board/board.h"
#include "board/flashed_state.h"
#include "common/error.h"
#include "common/process.h"
#include "data/dataset.h"
#include "demo/classify.h"
#include "deploy/target.h"
#include "graph/build.h"
#include "quant/interpreter.h"
#include "quant/model.h"
#include "space/search_space.h"
#include "data/frame_source.h"

using namespace mcunet;
namespace fs = std::filesystem;

namespace {

// A 32x32 gray network with seeded weights, quantized as trained models are
// (input scale 1/128, zero point 0).
quant::QuantizedModel grayModel() {
    std::mt19937_64 rng(11);
    space::SearchSpace s = space::mcunetSpace(10);
    s.inputChannels = 1;
    const graph::Graph g = graph::buildGraph(space::smallest(s, 32, 0.3));
    const quant::FloatModel f = quant::initializeWeights(g, 5);
    std::vector<std::vector<float>> calibration;
    std::uniform_real_distribution<float> u(-1, 1);
    for (int i = 0; i < 4; ++i) {
        std::vector<float> v(32 * 32);
        for (float& x : v) x = u(rng);
        calibration.push_back(v);
    }
    return quant::quantize(f, calibration, quant::TensorQuant{1.0f / 128, 0});
}

// The first `n` fashion-MNIST test images, each enlarged 4x (nearest) to
// 112x112, as a lossless FFV1 video at 10 frames per second.
std::vector<cv::Mat> writeVideo(const std::string& path, int n) {
    const data::ImageSet test = data::loadFashionMnist(data::Part::Test);
    cv::VideoWriter w(path, cv::VideoWriter::fourcc('F', 'F', 'V', '1'), 10, cv::Size(112, 112), true);
    if (!w.isOpened()) return {};
    std::vector<cv::Mat> frames;
    for (int i = 0; i < n; ++i) {
        const cv::Mat gray(28, 28, CV_8UC1, const_cast<std::uint8_t*>(test.image(i)));
        cv::Mat big, bgr;
        cv::resize(gray, big, cv::Size(112, 112), 0, 0, cv::INTER_NEAREST);
        cv::cvtColor(big, bgr, cv::COLOR_GRAY2BGR);
        w.write(bgr);
        frames.push_back(gray.clone());
    }
    return frames;
}

}  // namespace

class TestDemo : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        qputenv("XDG_STATE_HOME", tmp_.filePath("state").toUtf8());  // a flash through the device layer is recorded here
        video_ = tmp_.filePath("fashion.mkv").toStdString();
        originals_ = writeVideo(video_, kFrames);
        QCOMPARE(int(originals_.size()), kFrames);
    }

    // The file reads back as the frames written (lossless), and a frame
    // enlarged 4x becomes the original 28x28 picture again.
    void videoFramesComeBackExactly() {
        const auto source = video::openFrameSource(video_);
        QVERIFY(!source->isCamera());
        QCOMPARE(source->framesPerSecond(), 10.0);
        QVERIFY2(source->description().find("112x112") != std::string::npos, source->description().c_str());
        video::Frame f;
        int n = 0;
        while (source->read(f)) {
            QCOMPARE(f.index, n);
            QCOMPARE(f.width, 112);
            QCOMPARE(f.seconds, n / 10.0);
            const std::vector<std::uint8_t> picture = data::frameToImage(f.rgb.data(), f.width, f.height, 28, 1);
            QVERIFY(std::equal(picture.begin(), picture.end(), originals_[std::size_t(n)].data));
            ++n;
        }
        QCOMPARE(n, kFrames);
        QVERIFY(!source->read(f));  // stays at the end
    }

    // Host runner and virtual board: each frame's output equals the reference
    // interpreter's; the board reports its instruction count. The virtual
    // board also as real boards are driven: through the device layer
    // (flashed, then every input over its UART link, no semihosting).
    void targetsEqualTheInterpreterFrameByFrame_data() {
        QTest::addColumn<QString>("target");
        QTest::addColumn<bool>("throughDevice");
        QTest::newRow("host") << "host" << false;
        QTest::newRow("virtual-m4") << "virtual-m4" << false;
        QTest::newRow("virtual-m4 through the device layer") << "virtual-m4" << true;
    }
    void targetsEqualTheInterpreterFrameByFrame() {
        QFETCH(QString, target);
        QFETCH(bool, throughDevice);
        const quant::QuantizedModel m = grayModel();
        QTemporaryDir work;
        deploy::TargetRequest r;
        r.model = &m;
        r.modelName = "demo_test";
        r.target = target.toStdString();
        r.workDir = work.path().toStdString();
        r.catalog = &board::Catalog::builtIn();
        r.throughDeviceLayer = throughDevice;
        const auto t = deploy::openTarget(r);
        QCOMPARE(QString::fromStdString(t->name()), target);
        if (throughDevice) QCOMPARE(board::readFlashedState(target.toStdString()).model, std::string("demo_test"));
        const auto source = video::openFrameSource(video_);
        video::Frame f;
        int frames = 0;
        while (source->read(f)) {
            const auto input = demo::quantizeInput(m, data::frameToImage(f.rgb.data(), f.width, f.height, 32, 1));
            const deploy::Inference inf = t->infer(input);
            QCOMPARE(inf.output, quant::runReferenceOutput(m, input));
            if (target == "host") QCOMPARE(inf.deviceCount, std::uint64_t(0));
            else QVERIFY(inf.unit == "instructions" && inf.deviceCount > 10000);
            const demo::Prediction p = demo::predict(m, inf.output);
            QVERIFY(p.label >= 0 && p.label < 10);
            QVERIFY(p.confidence > 0 && p.confidence <= 1);
            ++frames;
        }
        QCOMPARE(frames, kFrames);
        QVERIFY_THROWS_EXCEPTION(Error, t->infer(std::vector<std::int8_t>(5)));
    }

    // Pixels to int8: pixel - 128 for trained models' input quantization.
    void inputQuantization() {
        const quant::QuantizedModel m = grayModel();
        std::vector<std::uint8_t> pixels(32 * 32);
        for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<std::uint8_t>(i % 256);
        const auto q = demo::quantizeInput(m, pixels);
        for (std::size_t i = 0; i < pixels.size(); ++i) QCOMPARE(int(q[i]), int(pixels[i]) - 128);
        QVERIFY_THROWS_EXCEPTION(Error, demo::quantizeInput(m, std::vector<std::uint8_t>(10)));
    }

    void badSourcesAndTargetsAreNamed() {
        auto message = [](const std::function<void()>& f) {
            try {
                f();
            } catch (const Error& e) {
                return std::string(e.what());
            }
            return std::string("no error");
        };
        const std::string missing = tmp_.filePath("missing.mp4").toStdString();
        QVERIFY(message([&] { video::openFrameSource(missing); }).find("missing.mp4") != std::string::npos);
        const std::string text = tmp_.filePath("notes.mp4").toStdString();
        std::ofstream(text) << "not a video\n";
        QVERIFY(message([&] { video::openFrameSource(text); }).find("notes.mp4") != std::string::npos);
        const std::string fifo = tmp_.filePath("pipe.mp4").toStdString();
        QCOMPARE(mkfifo(fifo.c_str(), 0600), 0);
        QElapsedTimer clock;
        clock.start();
        QVERIFY(message([&] { video::openFrameSource(fifo); }).find("pipe.mp4") != std::string::npos);
        QVERIFY(clock.elapsed() < 2000);  // refused, not opened and waited on
        QVERIFY(message([] { video::openFrameSource("camera:99"); }).find("camera:N") != std::string::npos);
        QVERIFY(message([] { video::openFrameSource("camera:63"); }).find("/dev/video63") != std::string::npos);

        const quant::QuantizedModel m = grayModel();
        deploy::TargetRequest r;
        r.model = &m;
        r.workDir = tmp_.filePath("w").toStdString();
        r.catalog = &board::Catalog::builtIn();
        r.target = "toaster";
        const std::string unknown = message([&] { deploy::openTarget(r); });
        QVERIFY2(unknown.find("toaster") != std::string::npos && unknown.find("virtual-m7") != std::string::npos, unknown.c_str());
        // A real board with firmware is a target: looked for before any build.
        const auto names = deploy::targetNames(board::Catalog::builtIn());
        QVERIFY(std::find(names.begin(), names.end(), "stm32f746g-disco") != names.end());
        QVERIFY(std::find(names.begin(), names.end(), "stm32f412-disco") == names.end());  // no firmware layer
        r.target = "stm32f746g-disco";
        QElapsedTimer looked;
        looked.start();
        const std::string absent = message([&] { deploy::openTarget(r); });
        QVERIFY2(absent.find("stm32f746g-disco") != std::string::npos && absent.find("connected") != std::string::npos, absent.c_str());
        QVERIFY(looked.elapsed() < 5000);
        QVERIFY(!QFileInfo::exists(tmp_.filePath("w/firmware.elf")));
        r.target = "stm32f412-disco";
        const std::string noLayer = message([&] { deploy::openTarget(r); });
        QVERIFY2(noLayer.find("no firmware board layer") != std::string::npos, noLayer.c_str());
    }

    // A helper that ends is an error with its exit and its stderr; writing to
    // it does not raise SIGPIPE; one that does not answer times out.
    void pipedProcessFailuresAreErrors() {
        {
            PipedProcess p({"sh", "-c", "echo broken model >&2; exit 3"});
            char c = 0;
            try {
                p.read(&c, 1, 5);
                QFAIL("read from an ended helper");
            } catch (const Error& e) {
                const std::string what = e.what();
                QVERIFY2(what.find("exit 3") != std::string::npos && what.find("broken model") != std::string::npos, what.c_str());
            }
            std::vector<char> big(1 << 20, 'x');
            QVERIFY_THROWS_EXCEPTION(Error, p.write(big.data(), big.size(), 5));
        }
        {
            PipedProcess p({"sleep", "30"});
            char c = 0;
            QElapsedTimer clock;
            clock.start();
            QVERIFY_THROWS_EXCEPTION(Error, p.read(&c, 1, 0.3));
            QVERIFY(clock.elapsed() < 3000);
        }  // killed by the destructor, not waited for 30 s
        {
            PipedProcess p({"cat"});
            const char out[] = "echo";
            char back[4] = {};
            p.write(out, 4, 5);
            p.read(back, 4, 5);
            QCOMPARE(std::string(back, 4), std::string("echo"));
        }
        QVERIFY_THROWS_EXCEPTION(Error, PipedProcess({"/nonexistent/helper"}).read(nullptr, 1, 2));
    }

private:
    static constexpr int kFrames = 12;
    QTemporaryDir tmp_;
    std::string video_;
    std::vector<cv::Mat> originals_;
};

QTEST_GUILESS_MAIN(TestDemo)
#include "test_demo.moc"
