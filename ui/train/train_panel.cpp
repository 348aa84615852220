#include "common/defaults.h"
#include "train/train_panel.h"

#include "common/log_view.h"

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QTemporaryDir>
#include <QUrl>
#include <QVBoxLayout>

#include "arch/architecture_json.h"
#include "common/error.h"
#include "common/format.h"
#include "document/project_document.h"
#include "plot/plot_style.h"
#include "plot/qcustomplot_include.h"
#include "train/confusion_plot.h"
#include "train/train_curves.h"
#include "common/preferences.h"

namespace mcunet::ui {

namespace {

constexpr int kFashionMnistClasses = 10;
const int kResolutions[] = {32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224};

QString duration(double seconds) {
    const long long s = static_cast<long long>(seconds + 0.5);
    if (s >= 3600) return QStringLiteral("%1:%2:%3").arg(s / 3600).arg(s / 60 % 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

QString percent(double fraction) { return QStringLiteral("%1 %").arg(100 * fraction, 0, 'f', 1); }

QSpinBox* spin(int lo, int hi, int value, const QString& special = QString()) {
    auto* s = new QSpinBox;
    s->setRange(lo, hi);
    s->setValue(value);
    if (!special.isEmpty()) s->setSpecialValueText(special);
    return s;
}

// Selects the item whose data is `value`, or the first one.
void selectData(QComboBox* box, const QVariant& value) { box->setCurrentIndex(std::max(0, box->findData(value))); }

}  // namespace

TrainPanel::TrainPanel(ProjectDocument* document, QWidget* parent)
    : QWidget(parent), document_(document), job_(new TrainJob(this)) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(buildSettings());

    auto* middle = new QWidget;
    auto* ml = new QVBoxLayout(middle);
    ml->setContentsMargins(0, 0, 0, 0);
    ml->setSpacing(4);
    auto* status = new QHBoxLayout;
    progress_ = new QProgressBar;
    progress_->setRange(0, 1);
    progress_->setValue(0);
    progress_->setFormat(tr("%p %"));
    progress_->setMaximumWidth(260);
    rate_ = new QLabel(tr("Not running."));
    status->addWidget(progress_);
    status->addWidget(rate_, 1);
    ml->addLayout(status);
    error_ = new QLabel;
    error_->setWordWrap(true);
    error_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    error_->setVisible(false);
    ml->addWidget(error_);
    auto* plots = new QSplitter(Qt::Horizontal);
    loss_ = new LossCurvePlot;
    accuracy_ = new AccuracyCurvePlot;
    plots->addWidget(loss_);
    plots->addWidget(accuracy_);
    ml->addWidget(plots, 1);
    log_ = makeLogView(tr("The child's messages appear here."));
    ml->addWidget(log_);
    layout->addWidget(middle, 1);
    layout->addWidget(buildResults());

    connectJob();
    // Before a run, the empty charts span the epochs it will have.
    auto spanEpochs = [this] {
        if (job_->isRunning() || accuracy_->train()->dataCount() > 0 || loss_->stepLoss()->dataCount() > 0) return;
        loss_->setEpochs(epochs_->value());
        accuracy_->setEpochs(epochs_->value());
    };
    connect(epochs_, &QSpinBox::valueChanged, this, spanEpochs);
    spanEpochs();
    connect(document_, &ProjectDocument::architectureChanged, this, [this] {
        updateInputChoices();
        showTrainedModel();
    });
    connect(document_, &ProjectDocument::trainedModelChanged, this, &TrainPanel::showTrainedModel);
    connect(document_, &ProjectDocument::projectReplaced, this, [this, spanEpochs] {
        // The run belongs to the project that started it: stop it (checkpoint kept) and start afresh.
        if (job_->isRunning()) {
            appendLog(tr("Another project was opened: stopping the run (its checkpoint is kept)."));
            job_->cancel();
        }
        loss_->clear();
        accuracy_->clear();
        spanEpochs();
        error_->setVisible(false);
        progress_->setRange(0, 1);
        progress_->setValue(0);
        rate_->setText(tr("Not running."));
        emit statusChanged(QString());
        showTrainedModel();
    });
    updateInputChoices();
    showTrainedModel();
    updateActions();
}

TrainPanel::~TrainPanel() {
    // Stop the child before the widgets its signals update go away (it
    // checkpoints first, so the run can be resumed from the CLI).
    job_->disconnect(this);
    delete job_;
    job_ = nullptr;
}

QWidget* TrainPanel::buildSettings() {
    auto* form = new QWidget;
    auto* f = new QFormLayout(form);
    f->setContentsMargins(2, 2, 6, 2);
    f->setVerticalSpacing(5);
    auto* dataRow = new QHBoxLayout;
    data_ = new QComboBox;
    data_->addItem(tr("Fashion-MNIST"), QStringLiteral("fashion-mnist"));
    data_->setToolTip(tr("Fashion-MNIST (Debian's dataset-fashion-mnist), or a folder with one subfolder per class"));
    data_->setMinimumContentsLength(12);
    data_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    folderButton_ = new QPushButton(tr("Folder…"));
    folderButton_->setToolTip(tr("Train on a folder of images: one subfolder per class (docs/datasets.md)"));
    dataRow->addWidget(data_, 1);
    dataRow->addWidget(folderButton_);
    f->addRow(tr("Data"), dataRow);
    epochs_ = spin(defaults::kMinTrainEpochs, defaults::kMaxTrainEpochs, defaults::kTrainEpochs);
    batch_ = spin(defaults::kMinTrainBatch, defaults::kMaxTrainBatch, defaults::kTrainBatch);
    auto* runRow = new QHBoxLayout;
    runRow->addWidget(epochs_);
    runRow->addWidget(new QLabel(tr("batch")));
    runRow->addWidget(batch_);
    f->addRow(tr("Epochs"), runRow);
    optimizer_ = new QComboBox;
    optimizer_->addItem(tr("SGD, momentum (lr 0.05)"), QStringLiteral("sgd"));
    optimizer_->addItem(tr("AdamW (lr 0.002)"), QStringLiteral("adamw"));
    f->addRow(tr("Optimizer"), optimizer_);
    auto* inputRow = new QHBoxLayout;
    resolution_ = new QComboBox;
    resolution_->addItem(QString(), 0);
    for (int r : kResolutions) resolution_->addItem(QStringLiteral("%1 × %1").arg(r), r);
    channels_ = new QComboBox;
    channels_->addItem(QString(), 0);
    channels_->addItem(tr("gray"), 1);
    channels_->addItem(tr("RGB"), 3);
    inputRow->addWidget(resolution_, 1);
    inputRow->addWidget(channels_);
    f->addRow(tr("Input"), inputRow);
    trainPerClass_ = spin(0, 1000000, 0, tr("all"));
    testPerClass_ = spin(0, 1000000, 0, tr("all"));
    auto* subsetRow = new QHBoxLayout;
    subsetRow->addWidget(trainPerClass_);
    subsetRow->addWidget(new QLabel(tr("test")));
    subsetRow->addWidget(testPerClass_);
    f->addRow(tr("Per class"), subsetRow);
    trainPerClass_->setToolTip(tr("Train on this many images of each class (0: all); a quick first run"));
    testPerClass_->setToolTip(tr("Test on this many images of each class (0: all)"));
    threads_ = spin(0, 256, preferences::trainingThreads(), tr("all cores"));
    f->addRow(tr("Threads"), threads_);
    inputNote_ = new QLabel;
    inputNote_->setWordWrap(true);
    QFont small = inputNote_->font();
    small.setPointSizeF(small.pointSizeF() * 0.92);
    inputNote_->setFont(small);
    f->addRow(inputNote_);
    auto* buttons = new QHBoxLayout;
    startButton_ = new QPushButton(tr("Start"));
    startButton_->setToolTip(tr("Train the design's network in a child process (mcunet train)"));
    cancelButton_ = new QPushButton(tr("Cancel"));
    cancelButton_->setToolTip(tr("Stop after a checkpoint; Resume continues from it"));
    resumeButton_ = new QPushButton(tr("Resume"));
    resumeButton_->setToolTip(tr("Continue the stopped run from its checkpoint, with the same settings"));
    for (QPushButton* b : {startButton_, cancelButton_, resumeButton_}) buttons->addWidget(b);
    f->addRow(buttons);

    connect(folderButton_, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Images, one subfolder per class"), QDir::homePath());
        if (dir.isEmpty()) return;
        Settings s = settings();
        s.data = dir;
        setSettings(s);
    });
    for (QComboBox* box : {data_, resolution_, channels_})
        connect(box, &QComboBox::currentIndexChanged, this, &TrainPanel::updateInputChoices);
    connect(startButton_, &QPushButton::clicked, this, &TrainPanel::start);
    connect(cancelButton_, &QPushButton::clicked, this, &TrainPanel::cancel);
    connect(resumeButton_, &QPushButton::clicked, this, &TrainPanel::resume);

    auto* scroll = new QScrollArea;
    scroll->setWidget(form);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setFixedWidth(300);
    return scroll;
}

QWidget* TrainPanel::buildResults() {
    auto* box = new QWidget;
    auto* l = new QVBoxLayout(box);
    l->setContentsMargins(0, 0, 0, 0);
    result_ = new QLabel;
    result_->setWordWrap(true);
    result_->setTextFormat(Qt::RichText);
    result_->setOpenExternalLinks(true);
    result_->setTextInteractionFlags(Qt::TextBrowserInteraction);
    result_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    l->addWidget(result_);
    adoptButton_ = new QPushButton(tr("Use the trained network in Design"));
    adoptButton_->setToolTip(tr("Set the design's classes and input to the trained model's (one undoable edit), so "
                                "Deploy generates code with the trained weights"));
    adoptButton_->setVisible(false);
    l->addWidget(adoptButton_, 0, Qt::AlignLeft);
    confusion_ = new ConfusionPlot;
    l->addWidget(confusion_, 1);
    box->setFixedWidth(420);
    connect(adoptButton_, &QPushButton::clicked, this, &TrainPanel::adoptTrainedArchitecture);
    return box;
}

void TrainPanel::connectJob() {
    connect(job_, &TrainJob::started, this, [this](bool resumed) {
        appendLog(resumed ? tr("Resumed from %1").arg(job_->request().checkpointPath())
                          : tr("Started: mcunet %1").arg(job_->request().arguments(false).join(QLatin1Char(' '))));
        rate_->setText(tr("Loading the data…"));
        emit statusChanged(tr("starting"));
        updateActions();
    });
    connect(job_, &TrainJob::messageReceived, this, &TrainPanel::appendLog);
    connect(job_, &TrainJob::trainingStarted, this, [this](const TrainStart& s) {
        loss_->setEpochs(s.epochs);
        accuracy_->setEpochs(s.epochs);
        appendLog(tr("Training %1 on %2: %3 train, %4 validation, %5 test images at %6×%6×%7; %8 epochs, batch %9, "
                     "%10 threads")
                      .arg(QString::fromStdString(s.architecture), QString::fromStdString(s.dataSource))
                      .arg(s.trainImages)
                      .arg(s.validationImages)
                      .arg(s.testImages)
                      .arg(s.resolution)
                      .arg(s.channels)
                      .arg(s.epochs)
                      .arg(s.batch)
                      .arg(s.threads));
    });
    connect(job_, &TrainJob::stepReported, this, &TrainPanel::onStep);
    connect(job_, &TrainJob::epochReported, this, &TrainPanel::onEpoch);
    connect(job_, &TrainJob::doneReported, this, &TrainPanel::onDone);
    connect(job_, &TrainJob::finished, this, &TrainPanel::onFinished);
}

// ---------------------------------------------------------------------------
// Settings and the request

TrainPanel::Settings TrainPanel::settings() const {
    Settings s;
    s.data = data_->currentData().toString();
    s.epochs = epochs_->value();
    s.batch = batch_->value();
    s.threads = threads_->value();
    s.optimizer = optimizer_->currentData().toString();
    s.resolution = resolution_->currentData().toInt();
    s.channels = channels_->currentData().toInt();
    s.trainPerClass = trainPerClass_->value();
    s.testPerClass = testPerClass_->value();
    return s;
}

void TrainPanel::setSettings(const Settings& s) {
    if (data_->findData(s.data) < 0) data_->addItem(QDir::toNativeSeparators(s.data), s.data);
    selectData(data_, s.data);
    data_->setToolTip(s.data);
    epochs_->setValue(s.epochs);
    batch_->setValue(s.batch);
    threads_->setValue(s.threads);
    selectData(optimizer_, s.optimizer);
    if (s.resolution > 0 && resolution_->findData(s.resolution) < 0)
        resolution_->addItem(QStringLiteral("%1 × %1").arg(s.resolution), s.resolution);
    selectData(resolution_, s.resolution);
    selectData(channels_, s.channels);
    trainPerClass_->setValue(s.trainPerClass);
    testPerClass_->setValue(s.testPerClass);
    updateInputChoices();
}

QString TrainPanel::modelsFolder() const {
    return modelsFolder_.isEmpty() ? document_->workFolder(QStringLiteral("models")) : modelsFolder_;
}

QString TrainPanel::newModelDirectory() const {
    QString name = QString::fromStdString(document_->project().architecture.name);
    name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]+")), QStringLiteral("_"));
    const QString base = QDir(modelsFolder()).filePath(
        name + QDateTime::currentDateTime().toString(QStringLiteral("-yyyyMMdd-HHmmss")));
    QString dir = base;
    for (int i = 2; QFileInfo::exists(dir) || QFileInfo::exists(dir + QStringLiteral(".training")); ++i)
        dir = base + QStringLiteral("-%1").arg(i);
    return dir;
}

TrainRequest TrainPanel::request() const {
    const Settings s = settings();
    const project::Project& p = document_->project();
    TrainRequest r;
    r.program = program_.isEmpty() ? findMcunetCli() : program_;
    r.data = s.data;
    r.out = newModelDirectory();
    r.board = QString::fromStdString(p.target.boardId);
    if (p.target.sramLimitBytes) r.sramKiB = double(*p.target.sramLimitBytes) / 1024.0;
    if (p.target.flashLimitBytes) r.flashKiB = double(*p.target.flashLimitBytes) / 1024.0;
    r.resolution = s.resolution;
    r.channels = s.channels;
    r.epochs = s.epochs;
    r.batch = s.batch;
    r.threads = s.threads;
    r.optimizer = s.optimizer;
    r.trainPerClass = s.trainPerClass;
    r.testPerClass = s.testPerClass;
    return r;
}

QString TrainPanel::writeArchitecture(QString* error) {
    if (!archDir_) archDir_ = std::make_unique<QTemporaryDir>(QDir::temp().filePath(QStringLiteral("mcunet-train-XXXXXX")));
    if (!archDir_->isValid()) {
        *error = tr("cannot create a temporary folder: %1").arg(archDir_->errorString());
        return {};
    }
    const arch::Architecture& a = document_->project().architecture;
    const QString path = archDir_->filePath(QStringLiteral("architecture-%1.json")
                                                .arg(QDateTime::currentMSecsSinceEpoch()));
    try {
        arch::saveArchitecture(a, path.toStdString());
    } catch (const std::exception& e) {
        *error = QString::fromStdString(e.what());
        return {};
    }
    return path;
}

// ---------------------------------------------------------------------------
// Running

bool TrainPanel::start() {
    if (job_->isRunning()) return false;
    QString error;
    TrainRequest r = request();
    r.architecture = writeArchitecture(&error);
    if (r.architecture.isEmpty() || !QDir().mkpath(modelsFolder())) {
        showError(error.isEmpty() ? tr("cannot create %1").arg(modelsFolder()) : error);
        return false;
    }
    error_->setVisible(false);
    loss_->clear();
    accuracy_->clear();
    progress_->setRange(0, 1);
    progress_->setValue(0);
    if (!job_->start(r, &error)) {
        showError(error);
        return false;
    }
    updateActions();
    return true;
}

bool TrainPanel::resume() {
    QString error;
    error_->setVisible(false);
    if (!job_->resume(&error)) {
        showError(error);
        return false;
    }
    updateActions();
    return true;
}

void TrainPanel::cancel() {
    if (!job_->isRunning()) return;
    appendLog(tr("Stopping: mcunet train writes a checkpoint, then exits…"));
    rate_->setText(tr("Stopping after a checkpoint…"));
    job_->cancel();
    updateActions();
}

void TrainPanel::onStep(const TrainStep& s) {
    loss_->addStep(s);
    progress_->setRange(0, int(std::min<long long>(s.totalSteps, 1 << 30)));
    progress_->setValue(int(std::min<long long>(s.globalStep, 1 << 30)));
    rate_->setText(tr("epoch %1 of %2 · step %3 of %4 · loss %5 · %6 images/s · ETA %7")
                       .arg(s.epoch)
                       .arg(s.epochs)
                       .arg(s.step)
                       .arg(s.steps)
                       .arg(s.loss, 0, 'f', 3)
                       .arg(withCommas(static_cast<std::int64_t>(s.imagesPerSecond)))
                       .arg(duration(s.etaSeconds)));
    emit statusChanged(tr("epoch %1/%2").arg(s.epoch).arg(s.epochs));
}

void TrainPanel::onEpoch(const TrainEpoch& e) {
    loss_->addEpoch(e);
    accuracy_->addEpoch(e);
    QString line = tr("epoch %1/%2: loss %3, train %4, validation %5")
                       .arg(e.epoch)
                       .arg(e.epochs)
                       .arg(e.trainLoss, 0, 'f', 4)
                       .arg(percent(e.trainAccuracy), percent(e.validationAccuracy));
    if (e.validationAccuracySmallest >= 0) line += tr(" (smallest subnet %1)").arg(percent(e.validationAccuracySmallest));
    appendLog(line + tr(", %1 s, %2 images/s").arg(e.seconds, 0, 'f', 1).arg(withCommas(static_cast<std::int64_t>(e.imagesPerSecond))));
}

void TrainPanel::onDone(const TrainDone& d) {
    accuracy_->setTestAccuracy(d.floatAccuracy, d.int8Accuracy);
    appendLog(tr("Done: %1 (test accuracy float %2, int8 %3 on %4 images, %5)")
                  .arg(QString::fromStdString(d.model), percent(d.floatAccuracy), percent(d.int8Accuracy))
                  .arg(d.testImages)
                  .arg(duration(d.seconds)));
    const QString dir = QFileInfo(QString::fromStdString(d.model)).absoluteFilePath();
    document_->editTrainedModel(dir, tr("Trained model %1").arg(QFileInfo(dir).fileName()));
}

void TrainPanel::onFinished(TrainJob::Outcome outcome, const QString& error) {
    switch (outcome) {
        case TrainJob::Outcome::Done:
            rate_->setText(tr("Done."));
            progress_->setValue(progress_->maximum());
            emit statusChanged(tr("done"));
            break;
        case TrainJob::Outcome::Stopped:
            appendLog(tr("Stopped: %1").arg(error));
            rate_->setText(job_->canResume() ? tr("Stopped; Resume continues from the checkpoint.") : tr("Stopped."));
            emit statusChanged(tr("stopped"));
            break;
        case TrainJob::Outcome::Failed:
            showError(error);
            rate_->setText(tr("Failed."));
            emit statusChanged(tr("failed"));
            break;
    }
    updateActions();
    emit runFinished(outcome);
}

// ---------------------------------------------------------------------------
// Showing

void TrainPanel::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    // The result line's colours follow the theme.
    if (event->type() == QEvent::PaletteChange && confusion_) showTrainedModel();
}

void TrainPanel::appendLog(const QString& line) {
    log_->appendPlainText(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss  ")) + line);
}

void TrainPanel::showError(const QString& text) {
    const QString colour = levelColor(Level::Over, plot::isDark(palette())).name();
    QString shown = text.trimmed();
    if (shown.count(QLatin1Char('\n')) > 5) shown = shown.section(QLatin1Char('\n'), 0, 5) + QStringLiteral("\n…");
    error_->setText(QStringLiteral("<span style='color:%1'><b>%2</b> %3</span>")
                        .arg(colour, tr("Training failed:"), shown.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>"))));
    error_->setVisible(true);
    appendLog(tr("Error: %1").arg(text.trimmed()));
}

void TrainPanel::updateActions() {
    const bool running = job_->isRunning();
    startButton_->setEnabled(!running);
    cancelButton_->setEnabled(job_->state() == TrainJob::State::Running);
    resumeButton_->setEnabled(job_->canResume());
    for (QWidget* w : std::initializer_list<QWidget*>{data_, folderButton_, epochs_, batch_, optimizer_, resolution_,
                                                      channels_, trainPerClass_, testPerClass_, threads_})
        w->setEnabled(!running);
}

void TrainPanel::updateInputChoices() {
    const arch::Architecture& a = document_->project().architecture;
    resolution_->setItemText(0, tr("%1 × %1 (design)").arg(a.resolution));
    channels_->setItemText(0, a.inputChannels == 1 ? tr("gray (design)") : tr("RGB (design)"));
    const Settings s = settings();
    const int r = s.resolution > 0 ? s.resolution : a.resolution;
    const int c = s.channels > 0 ? s.channels : a.inputChannels;
    QStringList changes;
    if (r != a.resolution || c != a.inputChannels) changes << tr("a %1×%1×%2 input").arg(r).arg(c);
    if (s.data == QLatin1String("fashion-mnist") && a.numClasses != kFashionMnistClasses)
        changes << tr("%1 classes").arg(kFashionMnistClasses);
    else if (s.data != QLatin1String("fashion-mnist"))
        changes << tr("as many classes as the folder has");
    inputNote_->setText(changes.isEmpty()
                            ? tr("Trains the design as it is: Deploy then uses the trained weights.")
                            : tr("The trained network gets %1; Deploy uses its weights once the design matches "
                                 "(\"Use the trained network in Design\").")
                                  .arg(changes.join(tr(" and "))));
}

void TrainPanel::showTrainedModel() {
    const QString dir = document_->trainedModelDirectory();
    const bool dark = plot::isDark(palette());
    trained_.reset();
    adoptButton_->setVisible(false);
    if (dir.isEmpty()) {
        result_->setText(tr("<b>Not trained yet.</b> Start trains the design's network; the project then keeps the "
                            "model and Deploy builds it with the trained weights."));
        confusion_->clear();
        return;
    }
    try {
        trained_ = readTrainedModelInfo(dir.toStdString());
    } catch (const std::exception& e) {
        result_->setText(QStringLiteral("<span style='color:%1'>%2</span>")
                             .arg(levelColor(Level::Over, dark).name(),
                                  tr("The project's trained model cannot be read: %1").arg(QString::fromStdString(e.what()).toHtmlEscaped())));
        confusion_->clear();
        return;
    }
    const TrainedModelInfo& t = *trained_;
    QString text = tr("<b>Trained model</b> <a href=\"%1\">%2</a><br>test accuracy: float <b>%3</b> · int8 <b>%4</b> "
                      "(%5 images)")
                       .arg(QUrl::fromLocalFile(dir).toString(), QFileInfo(dir).fileName().toHtmlEscaped(),
                            t.floatAccuracy >= 0 ? percent(t.floatAccuracy) : tr("–"),
                            t.int8Accuracy >= 0 ? percent(t.int8Accuracy) : tr("–"))
                       .arg(t.testImages);
    const auto differences = architectureDifferences(t.architecture, document_->project().architecture);
    if (differences.empty()) {
        text += QStringLiteral("<br><span style='color:%1'>%2</span>")
                    .arg(levelColor(Level::Ok, dark).name(), tr("✓ the design's network: Deploy uses these weights"));
    } else {
        QStringList d;
        for (const std::string& s : differences) d << QString::fromStdString(s).toHtmlEscaped();
        text += QStringLiteral("<br><span style='color:%1'>%2</span>")
                    .arg(levelColor(Level::Near, dark).name(),
                         tr("Not the design's network: %1. Deploy uses seeded weights until the design matches.")
                             .arg(d.join(QStringLiteral("; "))));
        adoptButton_->setVisible(true);
    }
    result_->setText(text);
    confusion_->setMatrix(t.int8Confusion, t.classes, tr("int8 reference interpreter"));
    // A project opened with a trained model: its per-epoch record stands in for the live curves.
    if (!job_->isRunning() && accuracy_->train()->dataCount() == 0 && !t.history.empty()) {
        for (const TrainEpoch& e : t.history) {
            loss_->addEpoch(e);
            accuracy_->addEpoch(e);
        }
        accuracy_->setTestAccuracy(t.floatAccuracy, t.int8Accuracy);
    }
}

bool TrainPanel::adoptTrainedArchitecture() {
    if (!trained_) return false;
    QString error;
    const arch::Architecture a = adoptTrained(trained_->architecture, document_->project().architecture);
    if (!document_->editArchitecture(a, tr("Use the trained network"), MergeKey::None, &error)) {
        showError(error);
        return false;
    }
    return true;
}

}  // namespace mcunet::ui
