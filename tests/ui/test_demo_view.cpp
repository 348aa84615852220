// ui/live: the Demo step offscreen. The bundled fashion-MNIST model runs on
// the sample clip (fashion-MNIST's first test images, one per second) on the
// host build of the generated C: every label shown equals the reference
// interpreter's on the picture shown, and most frames name the image's true
// class. A missing video gives a message in the view and the next start
// works; classroom mode shows the same results full screen and its keys
// switch the source and stop the demo. Teach-your-own: pictures of three
// classes captured from three recorded videos, a network trained on them by
// the real `mcunet train` in a child process, then live on each video with
// the right class on most frames.
#include <random>

#include <QApplication>
#include <QElapsedTimer>
#include <QKeyEvent>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "board/board.h"
#include "demo/classify.h"
#include "audio/wav.h"
#include "demo/samples.h"
#include "demo/keyword.h"
#include "demo/speech.h"
#include "document/project_document.h"
#include "live/classroom_window.h"
#include "live/demo_runner.h"
#include "live/demo_view.h"
#include "live/teach_panel.h"
#include "data/video_writer.h"
#include "train/train_job.h"
#include "quant/interpreter.h"
#include "quant/model_dir.h"

using namespace mcunet;
using namespace mcunet::ui;

class TestDemoView : public QObject {
    Q_OBJECT
    QTemporaryDir cache_;
    ProjectDocument* document_ = nullptr;
    DemoView* view_ = nullptr;

    // Frames shown until `n` have arrived (or the demo ended).
    void run(int n, QList<DemoFrame>& frames) {
        auto c = connect(view_, &DemoView::frameShown, this, [&](const DemoFrame& f) { frames << f; });
        view_->start();
        QTRY_VERIFY_WITH_TIMEOUT(frames.size() >= n || !view_->runner()->isRunning(), 120000);
        view_->stop();
        QVERIFY(view_->runner()->wait(30000));
        QApplication::processEvents();
        disconnect(c);
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        qputenv("XDG_CACHE_HOME", cache_.path().toUtf8());  // the sample clip is written here, not in ~/.cache
        document_ = new ProjectDocument(board::Catalog::builtIn(), this);
        view_ = new DemoView(document_);
        view_->resize(1200, 700);
    }
    void cleanupTestCase() { delete view_; }

    void choicesDefaultToTheSamples() {
        QCOMPARE(view_->modelChoice(), QStringLiteral("sample"));
        QCOMPARE(view_->sourceChoice(), QStringLiteral("sample"));
        QCOMPARE(view_->targetChoice(), QStringLiteral("host"));
    }

    void sampleClipOnTheHostEqualsTheInterpreter() {
        QList<DemoFrame> frames;
        run(40, frames);
        QVERIFY2(frames.size() >= 40, qPrintable(view_->errorText()));
        QVERIFY(view_->errorText().isEmpty());
        const quant::TrainedModel m = quant::loadTrainedModel(demo::sampleModelDir());
        const std::vector<int> truth = demo::sampleClipLabels();
        const demo::SampleClipInfo clip;
        int right = 0;
        for (const DemoFrame& f : frames) {
            QCOMPARE(f.picture.size(), QSize(32, 32));
            QCOMPARE(f.picture.format(), QImage::Format_Grayscale8);
            std::vector<std::uint8_t> px;
            for (int y = 0; y < 32; ++y) px.insert(px.end(), f.picture.constScanLine(y), f.picture.constScanLine(y) + 32);
            const auto p = demo::predict(m.int8, quant::runReferenceOutput(m.int8, demo::quantizeInput(m.int8, px)));
            QCOMPARE(f.label, p.label);
            QCOMPARE(f.labelName, QString::fromStdString(m.classes[std::size_t(p.label)]));
            QVERIFY(f.confidence > 0 && f.confidence <= 1);
            QCOMPARE(f.top.size(), 3);
            QCOMPARE(f.top.front().second, f.confidence);
            QCOMPARE(f.unit, QString());  // the host counts nothing
            right += f.label == truth[std::size_t(f.index / clip.framesPerImage)];
        }
        // The model scores 88.4% on the whole test set; these are 4+ images.
        QVERIFY2(right >= frames.size() * 7 / 10, qPrintable(QStringLiteral("%1 of %2 right").arg(right).arg(frames.size())));
        QVERIFY(!view_->labelText().isEmpty());
        // A video plays at its own rate (10 fps), not as fast as the host runs.
        QVERIFY2(frames.back().framesPerSecond < 13, qPrintable(QString::number(frames.back().framesPerSecond)));
    }

    void aMissingVideoIsAMessageAndTheNextStartWorks() {
        view_->chooseSource(cache_.filePath(QStringLiteral("no-such-clip.mp4")));
        QSignalSpy finished(view_->runner(), &DemoRunner::finished);
        view_->start();
        QVERIFY(finished.wait(30000));
        QVERIFY2(view_->errorText().contains(QStringLiteral("no-such-clip.mp4")), qPrintable(view_->errorText()));
        view_->chooseSource(QStringLiteral("sample"));
        QList<DemoFrame> frames;
        run(3, frames);
        QVERIFY(frames.size() >= 3);
        QVERIFY(view_->errorText().isEmpty());
    }

    // A keyword model listens: the sources become the sample recording, the
    // microphone and WAV files. A synthesized "yes" in a WAV file plays in
    // real time and is shown as the word heard; the picture is the MFCC
    // features (time across); the timeline is drawn. The microphone, where
    // there is none (this machine), is a message in the view, not a crash.
    void aKeywordModelListens() {
        view_->chooseModel(QString::fromLatin1(demo::kKeywordSample));
        QCOMPARE(view_->sourceChoice(), QString::fromLatin1(demo::kKeywordSample));
        QTemporaryDir dir;
        demo::SpeechRequest sr;
        sr.words = {"yes"};
        sr.voice = "en-us+m5";
        sr.leadSeconds = 0.8;
        sr.tailSeconds = 0.7;
        const demo::Recording rec = demo::synthesizeSpeech(sr);
        const QString wav = dir.filePath(QStringLiteral("yes.wav"));
        audio::writeWav(wav.toStdString(), audio::Clip{16000, rec.samples});
        view_->chooseSource(wav);
        QList<DemoFrame> frames;
        QElapsedTimer t;
        t.start();
        const int windows = int(rec.seconds() / 0.05);
        run(windows, frames);  // the file once (the studio loops it)
        QVERIFY2(view_->errorText().isEmpty(), qPrintable(view_->errorText()));
        QVERIFY(frames.size() >= windows);
        frames = frames.mid(0, windows);
        QVERIFY2(double(t.elapsed()) >= 1000 * (rec.seconds() - 0.3), qPrintable(QString::number(t.elapsed())));  // real time, not faster
        int heard = 0;
        for (const DemoFrame& f : frames) {
            QCOMPARE(f.picture.size(), QSize(49, 10));
            QCOMPARE(f.rateUnit, QStringLiteral("windows/s"));
            QVERIFY(!f.frame.isNull());
            if (!f.heardWord.isEmpty()) {
                QCOMPARE(f.heardWord, QStringLiteral("yes"));
                QCOMPARE(f.labelName, QStringLiteral("\u201cyes\u201d"));
                ++heard;
            }
        }
        QCOMPARE(heard, 1);
        QVERIFY(view_->labelText().contains(QStringLiteral("yes")));

        QSignalSpy finished(view_->runner(), &DemoRunner::finished);
        view_->chooseSource(QString::fromLatin1(demo::kMicrophone));
        view_->start();
        finished.wait(5000);  // a machine with a microphone keeps listening: stopped below
        qInfo("microphone: %s", qPrintable(view_->errorText()));
        if (!view_->errorText().isEmpty()) {  // no microphone here: said so
            QVERIFY2(view_->errorText().contains(QStringLiteral("microphone"), Qt::CaseInsensitive), qPrintable(view_->errorText()));
        }
        view_->stop();
        QVERIFY(view_->runner()->wait(30000));
        view_->chooseModel(QString::fromLatin1(demo::kSample));
        QCOMPARE(view_->sourceChoice(), QStringLiteral("sample"));
    }

    // Teach-your-own: three classes, each captured from its own video (a
    // coloured background with noise and a moving square: what a camera
    // pointed at three objects would give), the network trained in the
    // background, then the new model running at once on the host; on each
    // video most frames get that video's class. A class name that cannot be
    // a folder, training with one class, and a capture from a missing video
    // are messages; no picture is ever replaced.
    void teachYourOwnClasses() {
        QTemporaryDir dir;
        const QStringList names{QStringLiteral("red cup"), QStringLiteral("green-pen"), QStringLiteral("blue_ball")};
        const int colours[3][3] = {{200, 40, 40}, {40, 190, 60}, {40, 60, 200}};
        QStringList videos;
        std::mt19937 random(7);
        for (int c = 0; c < 3; ++c) {
            videos << dir.filePath(QStringLiteral("class-%1.mkv").arg(c));
            video::VideoWriter w(videos.back().toStdString(), 96, 72, 10);
            for (int i = 0; i < 40; ++i) {
                std::vector<std::uint8_t> rgb(96 * 72 * 3);
                for (int y = 0; y < 72; ++y)
                    for (int x = 0; x < 96; ++x)
                        for (int k = 0; k < 3; ++k) {
                            const bool square = x >= 10 + i && x < 30 + i && y >= 20 && y < 40;
                            const int v = (square ? 230 : colours[c][k]) + int(random() % 41) - 20;
                            rgb[std::size_t((y * 96 + x) * 3 + k)] = std::uint8_t(std::clamp(v, 0, 255));
                        }
                w.write(rgb);
            }
        }
        view_->chooseModel(QString::fromLatin1(demo::kSample));
        view_->chooseTarget(QStringLiteral("host"));
        TeachPanel* teach = view_->teach();
        QVERIFY(teach->isEnabled());
        teach->setFolder(dir.filePath(QStringLiteral("taught")));
        teach->setModelsFolder(dir.filePath(QStringLiteral("models")));
        teach->setProgram(QStringLiteral(MCUNET_CLI_PATH));
        teach->setPictures(16);
        teach->setEvery(2);
        QVERIFY(!teach->addClass(QStringLiteral("../up")));
        QVERIFY2(teach->errorText().contains(QStringLiteral("class name")), qPrintable(teach->errorText()));

        // A video that is not there: the capture ends with the reason.
        QSignalSpy captured(view_->runner(), &DemoRunner::captureFinished);
        view_->chooseSource(dir.filePath(QStringLiteral("missing.mkv")));
        QVERIFY(teach->addClass(names[0]));
        QVERIFY(teach->captureSelected());
        QTRY_VERIFY2_WITH_TIMEOUT(teach->errorText().contains(QStringLiteral("missing.mkv")), qPrintable(teach->errorText()), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(!view_->runner()->isRunning(), 30000);
        QCOMPARE(teach->pictureCount(names[0]), 0);

        for (int c = 0; c < 3; ++c) {
            view_->chooseSource(videos[c]);  // restarts the preview on it
            if (c > 0) QVERIFY(teach->addClass(names[c]));
            else teach->selectClass(names[0]);
            QVERIFY(teach->captureSelected());
            QTRY_VERIFY2_WITH_TIMEOUT(teach->pictureCount(names[c]) == 16 && teach->statusText().contains(QStringLiteral("taken")),
                                      qPrintable(teach->statusText() + teach->errorText()), 60000);
            QVERIFY(view_->isPreviewing());
            QVERIFY2(teach->errorText().isEmpty(), qPrintable(teach->errorText()));
        }
        QCOMPARE(teach->classes(), QStringList({names[2], names[1], names[0]}));  // folder order (sorted)
        // Capturing again adds pictures; none is replaced.
        teach->setPictures(3);
        teach->selectClass(names[2]);
        QVERIFY(teach->captureSelected());
        QTRY_VERIFY_WITH_TIMEOUT(teach->pictureCount(names[2]) == 19, 60000);

        QSignalSpy trained(teach, &TeachPanel::modelTrained);
        QVERIFY2(teach->train(), qPrintable(teach->errorText()));
        QVERIFY2(trained.wait(300000), qPrintable(teach->errorText() + teach->job()->standardError()));
        const QString model = trained.first().first().toString();
        QVERIFY(QFileInfo(model + QStringLiteral("/model.json")).isFile());
        QCOMPARE(view_->modelChoice(), model);
        // The new model runs at once (the preview becomes the demo): most
        // frames of each video get its class.
        for (int c = 2; c >= 0; --c) {
            bool restarted = c == 2;  // the model started on this video; the others restart it
            auto onStart = connect(view_->runner(), &DemoRunner::started, this, [&] { restarted = true; });
            if (c < 2) view_->chooseSource(videos[c]);
            QList<DemoFrame> frames;
            auto conn = connect(view_, &DemoView::frameShown, this, [&](const DemoFrame& f) {
                if (restarted && !f.picture.isNull()) frames << f;
            });
            QTRY_VERIFY2_WITH_TIMEOUT(frames.size() >= 20, qPrintable(view_->errorText()), 120000);
            disconnect(conn);
            disconnect(onStart);
            int right = 0;
            for (const DemoFrame& f : frames) right += f.labelName == names[c];
            qInfo("%s: %d of %lld frames", qPrintable(names[c]), right, static_cast<long long>(frames.size()));
            QVERIFY2(right * 10 >= int(frames.size()) * 8, qPrintable(names[c]));
            QVERIFY(!view_->isPreviewing());
        }
        view_->stop();
        QVERIFY(view_->runner()->wait(30000));
        view_->chooseModel(QString::fromLatin1(demo::kSample));
        view_->chooseSource(QStringLiteral("sample"));
    }

    void classroomModeShowsTheDemoAndItsKeysWork() {
        view_->setClassroomMode(true);  // starts the demo
        ClassroomWindow* room = view_->classroom();
        QVERIFY(room && room->isVisible());
        QTRY_VERIFY2_WITH_TIMEOUT(!room->labelText().isEmpty(), qPrintable(view_->errorText()), 60000);
        const QString before = view_->targetChoice();
        QTest::keyClick(room, Qt::Key_T);  // the next target: a virtual board
        QVERIFY(view_->targetChoice() != before);
        QTest::keyClick(room, Qt::Key_T);  // the other virtual board (then real boards, which need one connected)
        view_->chooseTarget(QStringLiteral("host"));
        QTest::keyClick(room, Qt::Key_Space);  // stop
        QTRY_VERIFY_WITH_TIMEOUT(!view_->runner()->isRunning(), 60000);
        QTest::keyClick(room, Qt::Key_Escape);
        QVERIFY(!room->isVisible());
    }
};

QTEST_MAIN(TestDemoView)
#include "test_demo_view.moc"
