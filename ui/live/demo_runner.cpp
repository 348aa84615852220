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
            if (demo::isKeywordModel(quant::loadModelNetwork(demo::resolveModel(r.modelDir)))) workOnSound(r, say, queue);
            else workOnPictures(r, say);
        } catch (const board::Cancelled&) {
        } catch (const std::exception& e) {
            if (!cancel_) error = QString::fromStdString(e.what());
        }
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
// Signals are queued to the GUI thread; a file plays at its rate (at most
// 60 frames per second; 30 when it names none).
void DemoRunner::workOnPictures(const demo::SessionRequest& r, const demo::Messages& say) {
    demo::Session session(r, say);
    QStringList classes;
    for (const std::string& c : session.model().classes) classes << QString::fromStdString(c);
    emit started(QString::fromStdString(session.sourceDescription()), QString::fromStdString(session.targetName()),
                 QString::fromStdString(session.model().network.name()), classes);
    const bool camera = session.sourceIsCamera();
    const double rate = session.sourceFramesPerSecond();
    const auto interval = std::chrono::duration<double>(1.0 / (rate > 0 ? std::min(rate, 60.0) : 30.0));
    auto due = Clock::now();
    demo::FrameResult result;
    while (!cancel_ && session.next(result, say)) {
        emit frameReady(toDemoFrame(result, session));
        if (camera) continue;
        due += std::chrono::duration_cast<Clock::duration>(interval);
        if (due < Clock::now()) due = Clock::now();  // slower than the file: no catching up
        while (!cancel_ && Clock::now() < due) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
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
