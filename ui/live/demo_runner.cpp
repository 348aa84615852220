#include "live/demo_runner.h"

#include <algorithm>
#include <chrono>

#include <QMetaObject>

#include "board/board.h"
#include "board/cancel.h"
#include "common/atomic_file.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "common/format.h"
#include "data/dataset.h"
#include "demo/samples.h"
#include "demo/session.h"
#include "live/keyword_frames.h"
#include "live/microphone.h"
#include "quant/model_dir.h"

namespace mcunet::ui {

namespace {

using Clock = std::chrono::steady_clock;

QImage toImage(const std::vector<std::uint8_t>& px, int w, int h, int channels) {
    const QImage view(px.data(), w, h, w * channels, channels == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888);
    return view.copy();  // owns its pixels once the vector is gone
}

DemoFrame toDemoFrame(const demo::FrameResult& r, const demo::Session& s) {
    DemoFrame f;
    f.index = r.frame.index;
    f.frame = toImage(r.frame.rgb, r.frame.width, r.frame.height, 3);
    f.picture = toImage(r.picture, s.input().resolution, s.input().resolution, s.input().channels);
    f.label = r.prediction.label;
    f.labelName = QString::fromStdString(r.label);
    f.confidence = r.prediction.confidence;
    std::vector<int> order(r.prediction.values.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = int(i);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return r.prediction.values[std::size_t(a)] > r.prediction.values[std::size_t(b)]; });
    const auto& classes = s.model().classes;
    for (std::size_t k = 0; k < std::min<std::size_t>(3, order.size()); ++k) {
        const int c = order[k];
        f.top.append({c < int(classes.size()) ? QString::fromStdString(classes[std::size_t(c)]) : QString::number(c),
                      r.prediction.values[std::size_t(c)]});
    }
    f.framesPerSecond = r.framesPerSecond;
    f.latencyMs = r.latencyMs;
    f.deviceCount = r.inference.deviceCount;
    f.unit = QString::fromStdString(r.inference.unit);
    f.targetMs = 1000 * r.inference.seconds;
    return f;
}

// A file plays at its own rate (at most 60 frames per second; 30 when it
// names none), never catching up when slower; a camera as it delivers.
class Pacer {
public:
    Pacer(bool camera, double rate)
        : camera_(camera), interval_(std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(1.0 / (rate > 0 ? std::min(rate, 60.0) : 30.0)))) {}
    void wait(const std::atomic<bool>& cancel) {
        if (camera_) return;
        due_ += interval_;
        if (due_ < Clock::now()) due_ = Clock::now();
        while (!cancel && Clock::now() < due_) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }

private:
    bool camera_;
    Clock::duration interval_;
    Clock::time_point due_ = Clock::now();
};

}  // namespace

QString demoStats(const DemoFrame& f) {
    QString s = QStringLiteral("%1 %2").arg(f.framesPerSecond, 0, 'f', 1).arg(f.rateUnit.isEmpty() ? QStringLiteral("frames/s") : f.rateUnit);
    if (f.latencyMs >= 0)
        s += QStringLiteral(" \u00b7 %1 ms on the MCU (%2 %3)").arg(f.latencyMs, 0, 'f', 2).arg(withCommas(std::int64_t(f.deviceCount)), f.unit);
    else if (f.deviceCount > 0)
        s += QStringLiteral(" \u00b7 %1 %2").arg(withCommas(std::int64_t(f.deviceCount)), f.unit);
    s += QStringLiteral(" \u00b7 %1 ms per request").arg(f.targetMs, 0, 'f', f.targetMs < 10 ? 2 : 1);
    return s;
}

DemoRunner::DemoRunner(const board::Catalog& catalog, QObject* parent) : QObject(parent), catalog_(catalog) {
    qRegisterMetaType<DemoFrame>();
}

DemoRunner::~DemoRunner() {
    stop();
    if (thread_.joinable()) thread_.join();
}

bool DemoRunner::start(const DemoRequest& request) {
    if (running_) return false;
    if (thread_.joinable()) thread_.join();
    delete microphone_;  // the previous demo's (its queue is closed)
    microphone_ = nullptr;
    cancel_ = false;
    std::shared_ptr<demo::SampleQueue> queue;
    if (request.source == QLatin1String(demo::kMicrophone)) {
        // Recording starts here, in the GUI thread, whose event loop delivers the samples.
        queue = std::make_shared<demo::SampleQueue>("the microphone", 5.0, &cancel_);
        microphone_ = new Microphone(queue, this);
        QString error;
        if (!microphone_->start(&error)) {
            delete microphone_;
            microphone_ = nullptr;
            running_ = false;
            QMetaObject::invokeMethod(this, [this, error] { emit finished(error); }, Qt::QueuedConnection);
            return true;
        }
        connect(microphone_, &Microphone::failed, this, &DemoRunner::message);
    }
    running_ = true;
    thread_ = std::thread([this, request, queue] {
        QString error;
        try {
            const cleanup::ScopedDirectory dir([] { return atomic_file::makeTempDirectory("demo"); });
            const demo::Messages say = [this](const std::string& t) { emit message(QString::fromStdString(t)); };
            demo::SessionRequest r;
            r.modelDir = request.model.toStdString();
            r.source = request.source.toStdString();
            r.loop = request.loop;
            r.target = request.target.toStdString();
            r.workDir = dir.path();
            r.catalog = &catalog_;
            r.cancel = &cancel_;
            if (request.model.isEmpty()) workOnPreview(r, say);
            else if (demo::isKeywordModel(quant::loadModelNetwork(demo::resolveModel(r.modelDir)))) workOnSound(r, say, queue);
            else workOnPictures(r, say);
        } catch (const board::Cancelled&) {
        } catch (const std::exception& e) {
            if (!cancel_) error = QString::fromStdString(e.what());
        }
        endCapture(error.isEmpty() ? tr("the demo stopped") : error);
        running_ = false;
        emit finished(error);
    });
    return true;
}

void DemoRunner::stop() { cancel_ = true; }

bool DemoRunner::wait(int timeoutMs) {
    const auto until = Clock::now() + std::chrono::milliseconds(timeoutMs);
    while (running_ && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (running_) return false;
    if (thread_.joinable()) thread_.join();
    return true;
}

// Pictures: a session, then frames until stopped or the source ends.
// Signals are queued to the GUI thread; frames are captured as they pass.
void DemoRunner::workOnPictures(const demo::SessionRequest& r, const demo::Messages& say) {
    demo::Session session(r, say);
    QStringList classes;
    for (const std::string& c : session.model().classes) classes << QString::fromStdString(c);
    emit started(QString::fromStdString(session.sourceDescription()), QString::fromStdString(session.targetName()),
                 QString::fromStdString(session.model().network.name()), classes);
    Pacer pacer(session.sourceIsCamera(), session.sourceFramesPerSecond());
    demo::FrameResult result;
    while (!cancel_ && session.next(result, say)) {
        emit frameReady(toDemoFrame(result, session));
        captureFrom(result.frame);
        pacer.wait(cancel_);
    }
}

// A preview: the source's frames with no model (teaching a model that does
// not exist yet starts here).
void DemoRunner::workOnPreview(const demo::SessionRequest& r, const demo::Messages& say) {
    demo::FrameStream frames(demo::resolveSource(r.source), r.loop, r.cancel);
    emit started(QString::fromStdString(frames.description()), QString(), QString(), {});
    Pacer pacer(frames.isCamera(), frames.framesPerSecond());
    const auto start = Clock::now();
    video::Frame f;
    int shown = 0;
    while (!cancel_ && frames.next(f, say)) {
        DemoFrame d;
        d.index = f.index;
        d.frame = toImage(f.rgb, f.width, f.height, 3);
        d.framesPerSecond = ++shown / std::max(1e-3, std::chrono::duration<double>(Clock::now() - start).count());
        emit frameReady(d);
        captureFrom(f);
        pacer.wait(cancel_);
    }
}

void DemoRunner::capture(const CaptureRequest& request) {
    std::optional<Capturing> replaced;
    {
        const std::lock_guard<std::mutex> lock(captureMutex_);
        replaced.swap(capture_);
        capture_ = Capturing{request, 0, 0, ++nextCaptureId_};
    }
    if (replaced) emit captureFinished(replaced->request.className, replaced->taken, tr("replaced by another capture"));
}

void DemoRunner::cancelCapture() { endCapture(tr("cancelled")); }

bool DemoRunner::isCapturing() const {
    const std::lock_guard<std::mutex> lock(captureMutex_);
    return capture_.has_value();
}

void DemoRunner::endCapture(const QString& why) {
    std::optional<Capturing> ended;
    {
        const std::lock_guard<std::mutex> lock(captureMutex_);
        ended.swap(capture_);
    }
    if (ended) emit captureFinished(ended->request.className, ended->taken, why);
}

// On the worker thread, after each frame: one frame in `every` is written
// until the capture has its pictures.
void DemoRunner::captureFrom(const video::Frame& frame) {
    CaptureRequest request;
    int taken = 0;
    unsigned id = 0;
    {
        const std::lock_guard<std::mutex> lock(captureMutex_);
        if (!capture_ || capture_->seen++ % std::max(1, capture_->request.every) != 0) return;
        request = capture_->request;
        taken = capture_->taken;
        id = capture_->id;
    }
    QString path, error;
    try {
        path = QString::fromStdString(data::addToImageFolder(request.folder.toStdString(), request.className.toStdString(),
                                                             frame.rgb.data(), frame.width, frame.height, request.size));
    } catch (const std::exception& e) {
        error = QString::fromStdString(e.what());
    }
    bool done = !error.isEmpty();
    {
        const std::lock_guard<std::mutex> lock(captureMutex_);
        if (!capture_ || capture_->id != id) return;  // cancelled or replaced meanwhile: the picture stays, uncounted
        if (error.isEmpty()) taken = ++capture_->taken;
        done = done || taken >= request.pictures;
        if (done) capture_.reset();
    }
    if (!path.isEmpty()) emit pictureCaptured(request.className, taken, request.pictures, path);
    if (done) emit captureFinished(request.className, taken, error);
}

// Sound: a keyword session over the microphone's queue or a file, a window
// every hop. A file plays in real time (a window per hop of wall time), the
// microphone as its samples come.
void DemoRunner::workOnSound(const demo::SessionRequest& r, const demo::Messages& say, std::shared_ptr<demo::SampleQueue> microphone) {
    struct QueueReader : demo::SampleSource {  // the session's view of the shared queue
        std::shared_ptr<demo::SampleQueue> q;
        std::string description() const override { return q->description(); }
        bool isLive() const override { return true; }
        std::size_t read(float* out, std::size_t max) override { return q->read(out, max); }
    };
    std::unique_ptr<demo::SampleSource> injected;
    if (microphone) {
        auto reader = std::make_unique<QueueReader>();
        reader->q = microphone;
        injected = std::move(reader);
    }
    demo::KeywordSession session(r, demo::KeywordSettings{}, say, std::move(injected));
    const std::vector<std::string>& names = session.model().classes;
    QStringList classes;
    for (const std::string& c : names) classes << QString::fromStdString(c);
    emit started(QString::fromStdString(session.sourceDescription()), QString::fromStdString(session.targetName()),
                 QString::fromStdString(session.model().network.name()), classes);
    KeywordTimeline timeline(names, session.settings().threshold);
    const bool live = session.sourceIsLive();
    const auto hop = std::chrono::duration<double>(session.settings().hopMs / 1000.0);
    const auto start = Clock::now();
    auto due = start;
    demo::KeywordResult result;
    while (!cancel_ && session.next(result)) {
        timeline.add(result);
        const double wall = std::chrono::duration<double>(Clock::now() - start).count();
        emit frameReady(keywordFrame(result, timeline, names, session.windows() / std::max(wall, 1e-3)));
        if (live) continue;
        due += std::chrono::duration_cast<Clock::duration>(hop);
        if (due < Clock::now()) due = Clock::now();
        while (!cancel_ && Clock::now() < due) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

}  // namespace mcunet::ui
