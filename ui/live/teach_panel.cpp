#include "live/teach_panel.h"

#include <algorithm>

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "data/dataset.h"
#include "jobs/child_process.h"
#include "live/demo_runner.h"
#include "train/train_job.h"
#include "train/train_progress.h"

namespace mcunet::ui {

namespace {

// A class needs this many pictures before it is trained on (some go to validation and test).
constexpr int kMinimumPictures = 5;
// Tens of pictures per class: small batches give each epoch a few steps.
constexpr int kTeachBatch = 16;
constexpr int kTeachEpochs = 100;

// The networks offered: small enough to train in a minute and run live on a Cortex-M.
struct Offered {
    const char* preset;
    const char* text;
};
constexpr Offered kNetworks[] = {
    {"mbv2-w0.1-r32", "MobileNetV2 0.1, 32 x 32 (fastest)"},
    {"mbv2-w0.2-r48", "MobileNetV2 0.2, 48 x 48"},
    {"mbv2-w0.35-r64", "MobileNetV2 0.35, 64 x 64 (most detail)"},
};

QString pictures(int n) { return n == 1 ? QObject::tr("1 picture") : QObject::tr("%1 pictures").arg(n); }

QStringList imageFilters() {
    return {QStringLiteral("*.png"), QStringLiteral("*.jpg"), QStringLiteral("*.jpeg"), QStringLiteral("*.bmp")};
}

}  // namespace

TeachPanel::TeachPanel(QWidget* parent) : QGroupBox(tr("Teach your own classes"), parent), job_(new TrainJob(this)) {
    name_ = new QLineEdit;
    name_->setPlaceholderText(tr("a class, e.g. cup"));
    name_->setMaxLength(64);
    add_ = new QPushButton(tr("Add"));
    list_ = new QListWidget;
    list_->setMaximumHeight(110);
    pictures_ = new QSpinBox;
    pictures_->setRange(1, 1000);
    pictures_->setValue(30);
    pictures_->setSuffix(tr(" pictures"));
    every_ = new QSpinBox;
    every_->setRange(1, 100);
    every_->setValue(3);
    every_->setPrefix(tr("1 frame in "));
    every_->setToolTip(tr("Spread the pictures over time: move the object while they are taken"));
    capture_ = new QPushButton(tr("Capture"));
    capture_->setToolTip(tr("Take the next pictures of the source for the selected class"));
    network_ = new QComboBox;
    for (const Offered& o : kNetworks) network_->addItem(tr(o.text), QString::fromLatin1(o.preset));
    epochs_ = new QSpinBox;
    epochs_->setRange(1, 500);
    epochs_->setValue(kTeachEpochs);
    epochs_->setSuffix(tr(" epochs"));
    train_ = new QPushButton(tr("Train and run"));
    train_->setToolTip(tr("Train the network on the pictures in the background, then run it live on the chosen target"));
    cancel_ = new QPushButton(tr("Cancel"));
    newSet_ = new QPushButton(tr("New set"));
    newSet_->setToolTip(tr("Start again in a new folder (the pictures taken so far stay where they are)"));
    progress_ = new QProgressBar;
    progress_->setRange(0, 1);
    progress_->setValue(0);
    progress_->setVisible(false);  // shown from the first training
    folderLabel_ = new QLabel;
    folderLabel_->setWordWrap(true);
    folderLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    status_ = new QLabel;
    status_->setWordWrap(true);
    error_ = new QLabel;
    error_->setWordWrap(true);
    error_->setStyleSheet(QStringLiteral("color: #c62828;"));

    auto* layout = new QVBoxLayout(this);
    auto* addRow = new QHBoxLayout;
    addRow->addWidget(name_, 1);
    addRow->addWidget(add_);
    layout->addLayout(addRow);
    layout->addWidget(list_);
    auto* grid = new QGridLayout;
    grid->addWidget(pictures_, 0, 0);
    grid->addWidget(every_, 0, 1);
    grid->addWidget(capture_, 0, 2);
    grid->addWidget(network_, 1, 0, 1, 2);
    grid->addWidget(epochs_, 1, 2);
    grid->addWidget(train_, 2, 0);
    grid->addWidget(cancel_, 2, 1);
    grid->addWidget(newSet_, 2, 2);
    layout->addLayout(grid);
    for (QWidget* w : {static_cast<QWidget*>(progress_), static_cast<QWidget*>(status_), static_cast<QWidget*>(error_),
                       static_cast<QWidget*>(folderLabel_)})
        layout->addWidget(w);

    connect(add_, &QPushButton::clicked, this, [this] {
        if (addClass(name_->text().trimmed())) name_->clear();
    });
    connect(name_, &QLineEdit::returnPressed, add_, &QPushButton::click);
    connect(capture_, &QPushButton::clicked, this, [this] {
        if (capturing_.isEmpty()) captureSelected();
        else emit cancelCaptureRequested();
    });
    connect(train_, &QPushButton::clicked, this, [this] { train(); });
    connect(cancel_, &QPushButton::clicked, this, &TeachPanel::cancel);
    connect(newSet_, &QPushButton::clicked, this, &TeachPanel::newSet);
    connect(list_, &QListWidget::currentRowChanged, this, [this] { updateActions(); });
    connect(job_, &TrainJob::stepReported, this, &TeachPanel::onStep);
    connect(job_, &TrainJob::doneReported, this, &TeachPanel::onDone);
    connect(job_, &TrainJob::finished, this, [this](TrainJob::Outcome outcome, const QString& error) {
        if (outcome == TrainJob::Outcome::Done) {
            lastModel_ = job_->request().out;
            progress_->setValue(progress_->maximum());
            emit modelTrained(lastModel_);
        } else if (outcome == TrainJob::Outcome::Stopped) {
            status_->setText(tr("Training stopped."));
        } else {
            showError(tr("Training failed: %1").arg(error));
        }
        updateActions();
    });
    updateActions();
}

TeachPanel::~TeachPanel() = default;  // the job stops its child

void TeachPanel::setFolder(const QString& folder) {
    folder_ = folder;
    added_.clear();
    folderLabel_->setText(tr("Pictures: %1").arg(QDir::toNativeSeparators(folder)));
    refresh();
}

void TeachPanel::setPictures(int n) { pictures_->setValue(n); }
void TeachPanel::setEvery(int k) { every_->setValue(k); }
void TeachPanel::setEpochs(int epochs) { epochs_->setValue(epochs); }

QStringList TeachPanel::classes() const {
    QStringList out = QDir(folder_).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);  // hidden ones (the cache) left out
    for (const QString& c : added_)
        if (!out.contains(c)) out << c;
    return out;
}

int TeachPanel::pictureCount(const QString& className) const {
    return int(QDir(QDir(folder_).filePath(className)).entryList(imageFilters(), QDir::Files).size());
}

QString TeachPanel::currentClass() const {
    const QListWidgetItem* item = list_->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

QString TeachPanel::statusText() const { return status_->text(); }
QString TeachPanel::errorText() const { return error_->text(); }

bool TeachPanel::addClass(const QString& name) {
    error_->clear();
    try {
        data::checkClassName(name.toStdString());
    } catch (const std::exception& e) {
        showError(QString::fromStdString(e.what()));
        return false;
    }
    if (classes().contains(name)) {
        selectClass(name);
        showError(tr("There is a class %1 already: Capture adds pictures to it.").arg(name));
        return false;
    }
    added_ << name;
    refresh();
    selectClass(name);
    return true;
}

void TeachPanel::selectClass(const QString& name) {
    for (int i = 0; i < list_->count(); ++i)
        if (list_->item(i)->data(Qt::UserRole).toString() == name) list_->setCurrentRow(i);
}

bool TeachPanel::captureSelected() {
    error_->clear();
    const QString c = currentClass();
    if (c.isEmpty()) {
        showError(tr("Add a class (or select one), then Capture."));
        return false;
    }
    CaptureRequest r;
    r.folder = folder_;
    r.className = c;
    r.pictures = pictures_->value();
    r.every = every_->value();
    capturing_ = c;
    status_->setText(tr("Show %1 to the camera: capturing\u2026").arg(c));
    updateActions();
    emit captureRequested(r);
    return true;
}

void TeachPanel::onPictureCaptured(const QString& className, int taken, int wanted, const QString&) {
    status_->setText(tr("Capturing %1: %2 of %3").arg(className).arg(taken).arg(wanted));
    refresh();
}

void TeachPanel::onCaptureFinished(const QString& className, int taken, const QString& error) {
    if (className != capturing_) return;
    capturing_.clear();
    if (error.isEmpty()) status_->setText(tr("%1: %2 taken.").arg(className, pictures(taken)));
    else showError(tr("Capturing %1 stopped after %2 pictures: %3").arg(className).arg(taken).arg(error));
    refresh();
    updateActions();
}

bool TeachPanel::train() {
    error_->clear();
    QStringList ready;
    for (const QString& c : classes())
        if (pictureCount(c) >= kMinimumPictures) ready << c;
    if (ready.size() < 2) {
        showError(tr("Capture at least %1 pictures of at least two classes first.").arg(kMinimumPictures));
        return false;
    }
    const QString base = QDir(modelsFolder_).filePath(
        QStringLiteral("taught-") + QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
    QString out = base;
    for (int i = 2; QFileInfo::exists(out) || QFileInfo::exists(out + QStringLiteral(".training")); ++i)
        out = base + QStringLiteral("-%1").arg(i);
    if (!QDir().mkpath(modelsFolder_)) {
        showError(tr("Cannot create %1: choose another project folder.").arg(modelsFolder_));
        return false;
    }
    TrainRequest r;
    r.program = program_.isEmpty() ? findMcunetCli() : program_;
    r.data = folder_;
    r.preset = network_->currentData().toString();
    r.channels = 3;
    r.epochs = epochs_->value();
    r.batch = kTeachBatch;
    r.out = out;
    QString error;
    if (!job_->start(r, &error)) {
        showError(error);
        return false;
    }
    progress_->setRange(0, 1);
    progress_->setValue(0);
    progress_->setVisible(true);
    status_->setText(tr("Training on %1 classes (%2)\u2026").arg(ready.size()).arg(ready.join(QStringLiteral(", "))));
    updateActions();
    return true;
}

void TeachPanel::cancel() {
    if (job_->isRunning()) job_->cancel();
    if (!capturing_.isEmpty()) emit cancelCaptureRequested();
}

void TeachPanel::newSet() {
    const QFileInfo current(folder_);
    const QString base = current.absolutePath() + QLatin1Char('/') + current.fileName().section(QLatin1Char('~'), 0, 0);
    QString next;
    for (int i = 2;; ++i) {
        next = base + QStringLiteral("~%1").arg(i);
        if (!QFileInfo::exists(next)) break;
    }
    setFolder(next);
    status_->setText(tr("A new set: add classes and capture."));
}

void TeachPanel::setListening(bool listening) {
    listening_ = listening;
    updateActions();
}

void TeachPanel::onStep(const TrainStep& s) {
    progress_->setRange(0, int(std::min<long long>(s.totalSteps, 1 << 30)));
    progress_->setValue(int(std::min<long long>(s.globalStep, 1 << 30)));
    status_->setText(tr("Training: epoch %1 of %2 \u00b7 accuracy %3%").arg(s.epoch).arg(s.epochs).arg(100 * s.accuracy, 0, 'f', 1));
}

void TeachPanel::onDone(const TrainDone& d) {
    status_->setText(tr("Trained: %1% int8 on %2 held-out pictures. Starting it live\u2026")
                         .arg(100 * d.int8Accuracy, 0, 'f', 1)
                         .arg(d.testImages));
}

void TeachPanel::refresh() {
    const QString selected = currentClass();
    list_->clear();
    for (const QString& c : classes()) {
        auto* item = new QListWidgetItem(tr("%1 \u00b7 %2").arg(c, pictures(pictureCount(c))));
        item->setData(Qt::UserRole, c);
        list_->addItem(item);
    }
    selectClass(selected);
    updateActions();
}

void TeachPanel::updateActions() {
    const bool training = job_->isRunning();
    const bool capturing = !capturing_.isEmpty();
    setEnabled(!listening_);
    setToolTip(listening_ ? tr("Teaching works with pictures: pick a picture model or the sample clip") : QString());
    add_->setEnabled(!training);
    capture_->setEnabled(!training && (capturing || !currentClass().isEmpty()));
    capture_->setText(capturing ? tr("Stop capturing") : tr("Capture"));
    train_->setEnabled(!training && !capturing);
    cancel_->setEnabled(training || capturing);
    newSet_->setEnabled(!training && !capturing);
    network_->setEnabled(!training);
    epochs_->setEnabled(!training);
}

void TeachPanel::showError(const QString& text) {
    error_->setText(text);
    status_->clear();
}

}  // namespace mcunet::ui
