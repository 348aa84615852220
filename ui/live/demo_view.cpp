#include "live/demo_view.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QShortcut>
#include <QVBoxLayout>

#include "board/board.h"
#include "demo/keyword.h"
#include "demo/samples.h"
#include "demo/session.h"
#include "quant/model_dir.h"
#include "deploy/target.h"
#include "document/project_document.h"
#include "live/classroom_window.h"
#include "live/demo_runner.h"
#include "live/teach_panel.h"

namespace mcunet::ui {

namespace {

const QString kSample = QString::fromLatin1(demo::kSample);
const QString kKeywordSample = QString::fromLatin1(demo::kKeywordSample);
const QString kMicrophone = QString::fromLatin1(demo::kMicrophone);
const QString kPickFolder = QStringLiteral("pick-folder");
const QString kPickFile = QStringLiteral("pick-file");
const QString kProjectModel = QStringLiteral("project-model");

// Cameras the system has: /dev/video0 .. /dev/video63 (V4L2 devices).
QStringList cameraSpecs() {
    QStringList out;
    const QRegularExpression name(QStringLiteral("^video([0-9]|[1-5][0-9]|6[0-3])$"));
    for (const QString& e : QDir(QStringLiteral("/dev")).entryList(QDir::System | QDir::Files | QDir::NoDotAndDotDot, QDir::Name)) {
        const auto m = name.match(e);
        if (m.hasMatch()) out << QStringLiteral("camera:") + m.captured(1);
    }
    return out;
}

QLabel* sized(QLabel* l, int points, bool bold) {
    QFont f = l->font();
    f.setPointSize(points);
    f.setBold(bold);
    l->setFont(f);
    return l;
}

}  // namespace

DemoView::DemoView(ProjectDocument* document, QWidget* parent)
    : QWidget(parent), document_(document), runner_(new DemoRunner(document->catalog(), this)), teach_(new TeachPanel) {
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(buildControls());
    layout->addWidget(buildDisplay(), 1);
    fillModels();
    fillSources();
    fillTargets();
    connect(runner_, &DemoRunner::frameReady, this, &DemoView::onFrame);
    connect(runner_, &DemoRunner::started, this, &DemoView::onStarted);
    connect(runner_, &DemoRunner::finished, this, &DemoView::onFinished);
    connect(runner_, &DemoRunner::message, this, [this](const QString& t) {
        status_->setText(t);
        if (classroom_) classroom_->setMessage(t);
    });
    const auto refill = [this] {
        fillModels();
        if (modelListens() != listens_) fillSources();
        teach_->setListening(listens_);
    };
    connect(document_, &ProjectDocument::trainedModelChanged, this, refill);
    connect(document_, &ProjectDocument::projectReplaced, this, refill);
    connect(document_, &ProjectDocument::projectReplaced, this, &DemoView::placeTeachFolders);
    placeTeachFolders();
    connect(teach_, &TeachPanel::captureRequested, this, &DemoView::capture);
    connect(teach_, &TeachPanel::cancelCaptureRequested, runner_, &DemoRunner::cancelCapture);
    connect(teach_, &TeachPanel::modelTrained, this, &DemoView::onTaught);
    connect(runner_, &DemoRunner::pictureCaptured, teach_, &TeachPanel::onPictureCaptured);
    connect(runner_, &DemoRunner::captureFinished, teach_, &TeachPanel::onCaptureFinished);
    auto* full = new QShortcut(QKeySequence(Qt::Key_F11), this);
    connect(full, &QShortcut::activated, this, [this] { setClassroomMode(true); });
}

DemoView::~DemoView() {
    runner_->stop();
    runner_->wait(30000);
    delete classroom_;
}

QWidget* DemoView::buildControls() {
    auto* box = new QGroupBox(tr("Live demo"));
    auto* form = new QHBoxLayout(box);
    model_ = new QComboBox;
    source_ = new QComboBox;
    target_ = new QComboBox;
    for (QComboBox* c : {model_, source_, target_}) c->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    model_->setToolTip(tr("The trained model: the bundled fashion-MNIST sample, this project's, or a model folder"));
    source_->setToolTip(tr("A camera, a video file, or the sample clip of fashion-MNIST test images (no camera needed); "
                           "for a keyword model the microphone, a WAV file or the sample recording"));
    target_->setToolTip(tr("Where the model runs: this computer (the generated C, compiled here) or the real firmware "
                           "on a virtual board in QEMU (no board needed)"));
    run_ = new QPushButton(tr("Start"));
    run_->setToolTip(tr("Build the model for the target and run it on the source (Space in classroom mode)"));
    classroomButton_ = new QPushButton(tr("Classroom mode"));
    classroomButton_->setToolTip(tr("Full screen in large type for a class (F11; Esc leaves)"));
    form->addWidget(new QLabel(tr("Model")));
    form->addWidget(model_);
    form->addWidget(new QLabel(tr("Source")));
    form->addWidget(source_);
    form->addWidget(new QLabel(tr("Runs on")));
    form->addWidget(target_);
    form->addStretch(1);
    form->addWidget(run_);
    form->addWidget(classroomButton_);
    connect(run_, &QPushButton::clicked, this, &DemoView::toggle);
    connect(classroomButton_, &QPushButton::clicked, this, [this] { setClassroomMode(true); });
    connect(model_, qOverload<int>(&QComboBox::activated), this, &DemoView::onModelPicked);
    connect(source_, qOverload<int>(&QComboBox::activated), this, &DemoView::onSourcePicked);
    connect(target_, qOverload<int>(&QComboBox::activated), this, [this] { restartIfRunning(); });
    return box;
}

QWidget* DemoView::buildDisplay() {
    auto* w = new QWidget;
    auto* row = new QHBoxLayout(w);
    frameView_ = new QLabel(tr("Press Start: the model runs on every frame of the source."));
    frameView_->setAlignment(Qt::AlignCenter);
    frameView_->setMinimumSize(320, 240);
    frameView_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored);
    frameView_->setFrameShape(QFrame::StyledPanel);
    row->addWidget(frameView_, 3);
    auto* side = new QVBoxLayout;
    pictureView_ = new QLabel;
    pictureView_->setFixedSize(192, 192);
    pictureView_->setAlignment(Qt::AlignCenter);
    pictureView_->setFrameShape(QFrame::StyledPanel);
    pictureCaption_ = new QLabel(tr("What the microcontroller sees"));
    pictureCaption_->setWordWrap(true);
    label_ = sized(new QLabel, 26, true);
    label_->setWordWrap(true);
    confidence_ = new QProgressBar;
    confidence_->setRange(0, 100);
    confidence_->setValue(0);
    confidence_->setFormat(tr("confidence %p%"));
    top_ = new QLabel;
    top_->setTextFormat(Qt::PlainText);
    stats_ = new QLabel;
    stats_->setWordWrap(true);
    status_ = new QLabel;
    status_->setWordWrap(true);
    error_ = new QLabel;
    error_->setWordWrap(true);
    error_->setStyleSheet(QStringLiteral("color: #c62828;"));
    error_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    for (QWidget* x : {static_cast<QWidget*>(pictureView_), static_cast<QWidget*>(pictureCaption_), static_cast<QWidget*>(label_),
                       static_cast<QWidget*>(confidence_), static_cast<QWidget*>(top_), static_cast<QWidget*>(stats_),
                       static_cast<QWidget*>(status_), static_cast<QWidget*>(error_)})
        side->addWidget(x);
    side->addStretch(1);
    side->addWidget(teach_);
    row->addLayout(side, 1);
    return w;
}

void DemoView::fillModels() {
    const QString current = model_->count() ? modelChoice() : kSample;
    model_->clear();
    model_->addItem(tr("Sample: fashion-MNIST (bundled)"), kSample);
    model_->addItem(tr("Sample: keywords (bundled wake-word model)"), kKeywordSample);
    const QString trained = document_->trainedModelDirectory();
    if (!trained.isEmpty() && QFileInfo(trained).isDir())
        model_->addItem(tr("This project's model (%1)").arg(QFileInfo(trained).fileName()), trained);
    model_->addItem(tr("Model folder\u2026"), kPickFolder);
    const int i = model_->findData(current);
    model_->setCurrentIndex(i >= 0 && current != kPickFolder ? i : (trained.isEmpty() ? 0 : 1));
    lastModelIndex_ = model_->currentIndex();
}

// A keyword model listens (microphone, WAV files, the sample recording); a
// picture model watches (cameras, video files, the sample clip). A model
// folder that cannot be read counts as a picture model: Start then says why.
bool DemoView::modelListens() const {
    try {
        return demo::isKeywordModel(quant::loadModelNetwork(demo::resolveModel(modelChoice().toStdString())));
    } catch (const std::exception&) {
        return false;
    }
}

void DemoView::fillSources() {
    listens_ = modelListens();
    source_->clear();
    if (listens_) {
        source_->addItem(tr("Sample recording (ten keywords, a voice the model never heard)"), kKeywordSample);
        source_->addItem(tr("Microphone"), kMicrophone);
        source_->addItem(tr("WAV file\u2026"), kPickFile);
    } else {
        source_->addItem(tr("Sample clip (fashion-MNIST test images)"), kSample);
        for (const QString& c : cameraSpecs()) source_->addItem(tr("Camera %1 (/dev/video%1)").arg(c.mid(7)), c);
        source_->addItem(tr("Video file\u2026"), kPickFile);
    }
    lastSourceIndex_ = 0;
}

void DemoView::fillTargets() {
    target_->clear();
    for (const std::string& t : deploy::targetNames(document_->catalog())) {
        const QString id = QString::fromStdString(t);
        const board::Board* b = document_->catalog().find(t);
        target_->addItem(t == "host"                ? tr("This computer (the generated C)")
                         : (b && b->isVirtual) ? tr("%1 (QEMU, no board needed)").arg(id)
                                               : tr("%1 (a connected board, flashed first)").arg(id),
                         id);
    }
}

QString DemoView::modelChoice() const { return model_->currentData().toString(); }
QString DemoView::sourceChoice() const { return source_->currentData().toString(); }
QString DemoView::targetChoice() const { return target_->currentData().toString(); }
QString DemoView::labelText() const { return label_->text(); }
QString DemoView::errorText() const { return error_->text(); }

// Selects the entry for `path`, adding it (named by its file name) before
// the last entry, the "pick..." one, when it is new; its index.
static int selectOrAdd(QComboBox* box, const QString& path) {
    int i = box->findData(path);
    if (i < 0) {
        i = box->count() - 1;
        box->insertItem(i, QFileInfo(path).fileName(), path);
        box->setItemData(i, path, Qt::ToolTipRole);
    }
    box->setCurrentIndex(i);
    return i;
}

void DemoView::chooseModel(const QString& folder) {
    lastModelIndex_ = selectOrAdd(model_, folder);
    modelChanged();
}

void DemoView::modelChanged() {
    if (modelListens() != listens_) fillSources();  // sound for keyword models, pictures for the others
    teach_->setListening(listens_);
    preview_ = false;  // a model picked while the source is previewed runs on it
    restartIfRunning();
}

void DemoView::chooseSource(const QString& file) {
    lastSourceIndex_ = selectOrAdd(source_, file);
    restartIfRunning();
}

void DemoView::chooseTarget(const QString& target) {
    const int i = target_->findData(target);
    if (i >= 0) target_->setCurrentIndex(i);
    restartIfRunning();
}

void DemoView::onModelPicked(int index) {
    if (model_->itemData(index).toString() != kPickFolder) {
        lastModelIndex_ = index;
        return modelChanged();
    }
    model_->setCurrentIndex(lastModelIndex_);
    const QString dir = QFileDialog::getExistingDirectory(this, tr("A trained model folder (mcunet train's output)"));
    if (!dir.isEmpty()) chooseModel(dir);
}

void DemoView::onSourcePicked(int index) {
    if (source_->itemData(index).toString() != kPickFile) {
        lastSourceIndex_ = index;
        return restartIfRunning();
    }
    source_->setCurrentIndex(lastSourceIndex_);
    const QString file = listens_ ? QFileDialog::getOpenFileName(this, tr("A WAV file"), QString(), tr("WAV files (*.wav *.WAV);;All files (*)"))
                                  : QFileDialog::getOpenFileName(this, tr("A video file"), QString(),
                                                                 tr("Videos (*.mp4 *.mkv *.avi *.webm *.mov *.ogv);;All files (*)"));
    if (!file.isEmpty()) chooseSource(file);
}

void DemoView::start() {
    if (!runner_->isRunning()) launch(false);
}

void DemoView::startPreview() {
    if (!runner_->isRunning() && !listens_) launch(true);
}

// The chosen source and target, with the chosen model or (a preview) none.
void DemoView::launch(bool preview) {
    error_->clear();
    status_->setText(preview ? tr("Opening the source\u2026") : tr("Starting\u2026"));
    preview_ = preview;
    started_ = false;  // until this run reports its start
    DemoRequest r;
    if (!preview) r.model = modelChoice();
    r.source = sourceChoice();
    r.target = targetChoice();
    runner_->start(r);
    run_->setText(tr("Stop"));
    emit runningChanged(true);
}

// Teaching: the pictures come from the running source; with nothing running
// the source is previewed first (the capture waits for its frames).
void DemoView::capture(const CaptureRequest& request) {
    if (runner_->isRunning() && !restart_ && started_) return runner_->capture(request);
    pendingCapture_ = request;
    if (!runner_->isRunning()) startPreview();
}

// A taught model runs at once on the chosen source and target.
void DemoView::onTaught(const QString& modelDir) {
    chooseModel(modelDir);
    if (!runner_->isRunning()) start();
}

// The pictures and models of teach-your-own live beside the project file
// (in the user's data folder for an unsaved project).
void DemoView::placeTeachFolders() {
    teach_->setFolder(document_->workFolder(QStringLiteral("taught")));
    teach_->setModelsFolder(document_->workFolder(QStringLiteral("models")));
}

void DemoView::stop() {
    restart_ = false;
    runner_->stop();
}

void DemoView::toggle() {
    if (runner_->isRunning()) stop();
    else start();
}

void DemoView::restartIfRunning() {
    if (!runner_->isRunning()) return;
    restart_ = true;
    runner_->stop();
}

void DemoView::onStarted(const QString& source, const QString& target, const QString& model, const QStringList& classes) {
    started_ = true;
    if (pendingCapture_) {
        runner_->capture(*pendingCapture_);
        pendingCapture_.reset();
    }
    if (model.isEmpty()) {
        status_->setText(tr("Preview of %1: no model runs yet").arg(source));
        return;
    }
    status_->setText(tr("%1 on %2: %3 (%4 classes)").arg(source, target, model).arg(classes.size()));
    if (classroom_) classroom_->setHeading(tr("%1 on %2").arg(model, target));
}

void DemoView::onFrame(const DemoFrame& f) {
    frameView_->setPixmap(QPixmap::fromImage(f.frame).scaled(frameView_->size(), Qt::KeepAspectRatio, Qt::SmoothTransformation));
    if (f.picture.isNull()) {  // a preview: no model, nothing to classify
        pictureView_->clear();
        pictureCaption_->setText(tr("Preview: no model runs. Teach one below, or pick a model and press Start."));
        label_->clear();
        confidence_->setValue(0);
        top_->clear();
        stats_->setText(tr("%1 frames/s").arg(f.framesPerSecond, 0, 'f', 1));
        emit frameShown(f);
        return;
    }
    // A wide picture (MFCC features: 49 frames across, 10 coefficients) is
    // stretched to a readable height; a camera picture keeps its shape.
    const bool wide = f.picture.width() >= 3 * f.picture.height();
    pictureView_->setPixmap(QPixmap::fromImage(f.picture).scaled(wide ? QSize(pictureView_->width(), pictureView_->height() * 2 / 3)
                                                                       : pictureView_->size(),
                                                                  wide ? Qt::IgnoreAspectRatio : Qt::KeepAspectRatio, Qt::FastTransformation));
    pictureCaption_->setText(!f.pictureCaption.isEmpty() ? f.pictureCaption
                                                         : tr("What the microcontroller sees: %1 x %2 %3, int8")
                                                               .arg(f.picture.width())
                                                               .arg(f.picture.height())
                                                               .arg(f.picture.format() == QImage::Format_Grayscale8 ? tr("gray") : tr("RGB")));
    label_->setText(f.labelName);
    confidence_->setValue(int(100 * f.confidence + 0.5));
    QStringList top;
    for (const auto& [name, p] : f.top) top << QStringLiteral("%1  %2%").arg(name).arg(100 * p, 0, 'f', 1);
    top_->setText(top.join(QLatin1Char('\n')));
    stats_->setText(demoStats(f));
    if (classroom_ && classroom_->isVisible()) classroom_->showFrame(f);
    emit frameShown(f);
}

void DemoView::onFinished(const QString& error) {
    // A demo that ended after a newer one was started (its signal queued
    // behind the start, e.g. a wait() on it) is old news.
    if (runner_->isRunning()) return;
    started_ = false;
    if (pendingCapture_ && !restart_) {  // the source never delivered: the capture cannot happen
        teach_->onCaptureFinished(pendingCapture_->className, 0, error.isEmpty() ? tr("the source did not start") : error);
        pendingCapture_.reset();
    }
    run_->setText(tr("Start"));
    if (!error.isEmpty()) showError(error);
    else status_->setText(tr("Stopped"));
    if (restart_) {
        restart_ = false;
        return preview_ ? startPreview() : start();
    }
    emit runningChanged(false);
}

void DemoView::showError(const QString& text) {
    error_->setText(tr("%1\nPick another source, model or target and press Start.").arg(text));
    status_->clear();
    if (classroom_) classroom_->setMessage(text);
}

void DemoView::cycle(QComboBox* box) {
    // The next concrete choice (never the "pick..." entries: no dialog in front of a class).
    for (int step = 1; step < box->count(); ++step) {
        const int i = (box->currentIndex() + step) % box->count();
        const QString d = box->itemData(i).toString();
        if (d == kPickFile || d == kPickFolder) continue;
        box->setCurrentIndex(i);
        if (box == source_) lastSourceIndex_ = i;
        restartIfRunning();
        if (classroom_) classroom_->setMessage(box->currentText());
        return;
    }
}

void DemoView::setClassroomMode(bool on) {
    if (!on) {
        if (classroom_) classroom_->hide();
        return;
    }
    if (!classroom_) {
        classroom_ = new ClassroomWindow;
        connect(classroom_, &ClassroomWindow::toggleRequested, this, &DemoView::toggle);
        connect(classroom_, &ClassroomWindow::nextSourceRequested, this, [this] { cycle(source_); });
        connect(classroom_, &ClassroomWindow::nextTargetRequested, this, [this] { cycle(target_); });
        connect(classroom_, &ClassroomWindow::leaveRequested, this, [this] { setClassroomMode(false); });
    }
    classroom_->setHeading(tr("%1 on %2").arg(model_->currentText(), target_->currentText()));
    classroom_->showFullScreen();
    classroom_->activateWindow();
    if (!runner_->isRunning()) start();
}

}  // namespace mcunet::ui
