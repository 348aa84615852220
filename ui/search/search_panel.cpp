#include "search/search_panel.h"

#include <algorithm>

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

#include "arch/architecture_json.h"
#include "common/error.h"
#include "common/format.h"
#include "common/log_view.h"
#include "document/project_document.h"
#include "search/front_plot.h"
#include "train/train_curves.h"
#include "train/trained_model_info.h"
#include "common/preferences.h"

namespace mcunet::ui {

using nlohmann::json;

namespace {

// The flow's steps in the order `mcunet tinynas` runs them (docs/search.md).
struct StepName {
    const char* key;
    const char* label;
};
constexpr StepName kSteps[] = {
    {"space", "Stage 1: the search space (R, W)"},  {"supernet", "Train the supernet"},
    {"search", "Evolutionary search"},              {"model", "Fine-tune the chosen network, int8"},
    {"deploy", "Generate, build, flash, profile"}, {"board", "int8 accuracy on the board"},
    {"random", "Baseline: random search"},          {"mbv2", "Baseline: scaled MobileNetV2"},
};

QString percent(double fraction) { return fraction < 0 ? QStringLiteral("–") : QStringLiteral("%1 %").arg(100 * fraction, 0, 'f', 2); }

// A run file, or nullopt when it is missing or unreadable (the reason goes to the log).
std::optional<json> runFile(const QString& run, const char* name, QString* why) {
    try {
        return readRunFile(run.toStdString(), name);
    } catch (const std::exception& e) {
        if (why) *why = QString::fromUtf8(e.what());
        return std::nullopt;
    }
}

// What `mcunet tinynas` records as its run's identity (tinynas.json).
json identityOf(const SearchRequest& r, const space::Constraints& limits) {
    return {{"data", r.data.toStdString()},       {"board", r.board.toStdString()},  {"sram_bytes", limits.sramBytes},
            {"flash_bytes", limits.flashBytes},   {"latency_ms", r.latencyMs},       {"budget", r.budget.toStdString()},
            {"seed", r.seed}};
}

bool sameRun(const json& saved, const json& wanted) {
    if (!saved.is_object()) return false;
    for (const auto& [key, value] : wanted.items())
        if (!saved.contains(key) || saved[key] != value) return false;
    return true;
}

}  // namespace

SearchPanel::SearchPanel(ProjectDocument* document, QWidget* parent)
    : QWidget(parent), document_(document), job_(new SearchJob(this)) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(buildSettings());
    auto* middle = new QWidget;
    auto* ml = new QVBoxLayout(middle);
    ml->setContentsMargins(0, 0, 0, 0);
    ml->setSpacing(4);
    status_ = new QLabel(tr("Not running."));
    ml->addWidget(status_);
    error_ = new QLabel;
    error_->setWordWrap(true);
    error_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    error_->setVisible(false);
    ml->addWidget(error_);
    auto* rows = new QSplitter(Qt::Vertical);
    auto* curves = new QSplitter(Qt::Horizontal);
    loss_ = new LossCurvePlot;
    accuracy_ = new AccuracyCurvePlot;
    generations_ = new GenerationPlot;
    curves->addWidget(loss_);
    curves->addWidget(accuracy_);
    curves->addWidget(generations_);
    rows->addWidget(curves);
    front_ = new FrontPlot;
    rows->addWidget(front_);
    rows->setStretchFactor(0, 2);
    rows->setStretchFactor(1, 3);
    ml->addWidget(rows, 1);
    log_ = makeLogView(tr("The run's messages appear here."));
    ml->addWidget(log_);
    layout->addWidget(middle, 1);
    layout->addWidget(buildResults());

    connectJob();
    connect(front_, &FrontPlot::candidateClicked, this, &SearchPanel::openInDesign);
    connect(document_, &ProjectDocument::targetChanged, this, &SearchPanel::applyLimits);
    connect(document_, &ProjectDocument::projectReplaced, this, [this] {
        // The run belongs to the project that started it; the CLI keeps its state for Start.
        if (job_->isRunning()) {
            appendLog(tr("Another project was opened: stopping the search (its state is kept)."));
            job_->cancel();
            job_->waitForFinished(30000);
        }
        applyLimits();
        showRun();
    });
    applyLimits();
    showRun();
    updateActions();
}

QWidget* SearchPanel::buildSettings() {
    auto* box = new QGroupBox(tr("TinyNAS search"));
    auto* v = new QVBoxLayout(box);
    auto* f = new QFormLayout;
    data_ = new QComboBox;
    data_->addItem(tr("Fashion-MNIST (10 classes)"), QStringLiteral("fashion-mnist"));
    auto* folder = new QPushButton(tr("Folder…"));
    folder->setToolTip(tr("Search on a folder of images: one subfolder per class (docs/datasets.md)"));
    auto* dataRow = new QHBoxLayout;
    dataRow->addWidget(data_, 1);
    dataRow->addWidget(folder);
    f->addRow(tr("Data"), dataRow);
    budget_ = new QComboBox;
    budget_->addItem(tr("quick (a smoke run, about a minute)"), QStringLiteral("quick"));
    budget_->addItem(tr("default (under an hour on 2 cores)"), QStringLiteral("default"));
    budget_->addItem(tr("thorough (hours)"), QStringLiteral("thorough"));
    budget_->setCurrentIndex(1);
    budget_->setToolTip(tr("How long the supernet trains, how many networks the search evaluates, how long the "
                           "chosen one is fine-tuned (docs/search.md has the table)"));
    f->addRow(tr("Budget"), budget_);
    limits_ = new QLabel;
    limits_->setWordWrap(true);
    f->addRow(tr("Limits"), limits_);
    latency_ = new QDoubleSpinBox;
    latency_->setRange(0, 1e6);
    latency_->setDecimals(1);
    latency_->setSuffix(tr(" ms"));
    latency_->setSpecialValueText(tr("none"));
    latency_->setToolTip(tr("Latency limit, by the board's latency model; no network over it is evaluated"));
    f->addRow(tr("Latency"), latency_);
    seed_ = new QSpinBox;
    seed_->setRange(0, 1 << 30);
    seed_->setValue(int(defaults::kSeed));
    f->addRow(tr("Seed"), seed_);
    threads_ = new QSpinBox;
    threads_->setRange(0, 256);
    threads_->setSpecialValueText(tr("all cores"));
    threads_->setValue(preferences::trainingThreads());
    f->addRow(tr("Threads"), threads_);
    v->addLayout(f);
    runFolder_ = new QLabel;
    runFolder_->setWordWrap(true);
    runFolder_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    v->addWidget(runFolder_);
    auto* buttons = new QHBoxLayout;
    startButton_ = new QPushButton(tr("Start"));
    cancelButton_ = new QPushButton(tr("Cancel"));
    buttons->addWidget(startButton_);
    buttons->addWidget(cancelButton_);
    v->addLayout(buttons);
    steps_ = new QListWidget;
    steps_->setSelectionMode(QAbstractItemView::NoSelection);
    steps_->setFocusPolicy(Qt::NoFocus);
    v->addWidget(steps_, 1);
    resetSteps();
    box->setFixedWidth(330);
    connect(folder, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Images, one subfolder per class"), QDir::homePath());
        if (dir.isEmpty()) return;
        Settings s = settings();
        s.data = dir;
        setSettings(s);
    });
    connect(startButton_, &QPushButton::clicked, this, &SearchPanel::start);
    connect(cancelButton_, &QPushButton::clicked, this, &SearchPanel::cancel);
    for (QComboBox* c : {data_, budget_}) connect(c, &QComboBox::currentIndexChanged, this, &SearchPanel::updateActions);
    connect(latency_, &QDoubleSpinBox::valueChanged, this, &SearchPanel::applyLimits);
    connect(seed_, &QSpinBox::valueChanged, this, &SearchPanel::updateActions);
    return box;
}

QWidget* SearchPanel::buildResults() {
    auto* box = new QGroupBox(tr("Result"));
    auto* v = new QVBoxLayout(box);
    result_ = new QLabel(tr("No finished search yet."));
    result_->setWordWrap(true);
    result_->setTextFormat(Qt::RichText);
    result_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    result_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    v->addWidget(result_, 1);
    useButton_ = new QPushButton(tr("Use this network"));
    useButton_->setToolTip(tr("The searched network, fine-tuned from the supernet and quantized to int8, becomes the "
                              "project's design and trained model; Deploy builds it"));
    v->addWidget(useButton_);
    box->setFixedWidth(340);
    connect(useButton_, &QPushButton::clicked, this, &SearchPanel::useSearchedNetwork);
    return box;
}

void SearchPanel::connectJob() {
    connect(job_, &SearchJob::started, this, [this] {
        appendLog(tr("Started: mcunet %1").arg(job_->request().arguments().join(QLatin1Char(' '))));
        status_->setText(tr("Loading the data…"));
        emit statusChanged(tr("starting"));
        updateActions();
    });
    connect(job_, &SearchJob::messageReceived, this, &SearchPanel::appendLog);
    connect(job_, &SearchJob::stepStarted, this, [this](const QString& step, const QString& text) {
        markStep(step, QStringLiteral("running"));
        status_->setText(text);
        appendLog(QStringLiteral("[%1] %2").arg(step, text));
        emit statusChanged(step);
    });
    connect(job_, &SearchJob::trainingStarted, this, &SearchPanel::onTrainingStarted);
    connect(job_, &SearchJob::trainingStep, this, [this](const QString& step, const TrainStep& s) {
        loss_->addStep(s);
        status_->setText(tr("%1: epoch %2 of %3 · step %4 of %5 · loss %6 · %7 images/s")
                             .arg(step)
                             .arg(s.epoch)
                             .arg(s.epochs)
                             .arg(s.step)
                             .arg(s.steps)
                             .arg(s.loss, 0, 'f', 3)
                             .arg(s.imagesPerSecond, 0, 'f', 0));
    });
    connect(job_, &SearchJob::trainingEpoch, this, &SearchPanel::onEpoch);
    connect(job_, &SearchJob::generationReported, this, &SearchPanel::onGeneration);
    connect(job_, &SearchJob::reportReady, this, &SearchPanel::onReport);
    connect(job_, &SearchJob::finished, this, &SearchPanel::onFinished);
}

// ---------------------------------------------------------------------------
// Settings and the request

SearchPanel::Settings SearchPanel::settings() const {
    Settings s;
    s.data = data_->currentData().toString();
    s.budget = budget_->currentData().toString();
    s.latencyMs = latency_->value();
    s.seed = seed_->value();
    s.threads = threads_->value();
    return s;
}

void SearchPanel::setSettings(const Settings& s) {
    if (data_->findData(s.data) < 0) data_->addItem(QDir::toNativeSeparators(s.data), s.data);
    data_->setCurrentIndex(data_->findData(s.data));
    budget_->setCurrentIndex(std::max(0, budget_->findData(s.budget)));
    latency_->setValue(s.latencyMs);
    seed_->setValue(int(std::clamp<long long>(s.seed, 0, 1 << 30)));
    threads_->setValue(s.threads);
    updateActions();
}

QString SearchPanel::runsFolder() const {
    return runsFolder_.isEmpty() ? document_->workFolder(QStringLiteral("searches")) : runsFolder_;
}

QString SearchPanel::newRunDirectory() const {
    const QString base = QDir(runsFolder()).filePath(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
    QString dir = base;
    for (int i = 2; QFileInfo::exists(dir); ++i) dir = base + QStringLiteral("-%1").arg(i);
    return dir;
}

SearchRequest SearchPanel::request() const {
    const Settings s = settings();
    const space::Constraints limits = document_->limits();
    SearchRequest r;
    r.program = program_.isEmpty() ? findMcunetCli() : program_;
    r.data = s.data;
    r.board = QString::fromStdString(document_->board().id);
    r.sramKiB = double(limits.sramBytes) / 1024.0;
    r.flashKiB = double(limits.flashBytes) / 1024.0;
    r.latencyMs = s.latencyMs;
    r.budget = s.budget;
    r.seed = s.seed;
    r.threads = s.threads;
    // Continue the project's run when it was started with these settings.
    const QString run = document_->searchRunDirectory();
    const auto saved = run.isEmpty() ? std::nullopt : runFile(run, "tinynas.json", nullptr);
    r.out = saved && sameRun(saved->value("identity", json()), identityOf(r, limits)) ? run : newRunDirectory();
    return r;
}

void SearchPanel::applyLimits() {
    const space::Constraints l = document_->limits();
    limits_->setText(tr("%1 SRAM, %2 Flash on %3 (from Target)")
                         .arg(formatKiB(l.sramBytes), formatKiB(l.flashBytes), QString::fromStdString(document_->board().id)));
    front_->setLimits({l.sramBytes, l.flashBytes, latency_->value()});
    updateActions();
}

// ---------------------------------------------------------------------------
// Running

bool SearchPanel::start() {
    error_->setVisible(false);
    if (document_->isImported()) {
        showError(tr("An imported network has no search space to search: open or create a designed project."));
        return false;
    }
    const SearchRequest r = request();
    const bool continuing = r.out == document_->searchRunDirectory() && QFileInfo::exists(r.out);
    QDir().mkpath(QFileInfo(r.out).absolutePath());
    QString error;
    if (!job_->start(r, &error)) {
        showError(error);
        return false;
    }
    if (!continuing) {
        report_.reset();
        front_->clear();
        generations_->clear();
        resetSteps();
        result_->setText(tr("Searching…"));
    }
    loss_->clear();
    accuracy_->clear();
    document_->recordSearchRun(r.out);
    updateActions();
    return true;
}

void SearchPanel::cancel() {
    if (!job_->isRunning()) return;
    appendLog(tr("Stopping: the run keeps its state; Start continues it."));
    job_->cancel();
    updateActions();
}

void SearchPanel::onTrainingStarted(const QString& step, const TrainStart& s) {
    loss_->clear();
    accuracy_->clear();
    loss_->setEpochs(s.epochs);
    accuracy_->setEpochs(s.epochs);
    loss_->setCaption(tr("%1: %2, %3 train images at %4×%4").arg(step, QString::fromStdString(s.architecture)).arg(s.trainImages).arg(s.resolution));
}

void SearchPanel::onEpoch(const QString& step, const TrainEpoch& e) {
    loss_->addEpoch(e);
    accuracy_->addEpoch(e);
    appendLog(tr("[%1] epoch %2/%3: loss %4, validation %5")
                  .arg(step)
                  .arg(e.epoch)
                  .arg(e.epochs)
                  .arg(e.trainLoss, 0, 'f', 3)
                  .arg(percent(e.validationAccuracy)));
    emit statusChanged(tr("%1 %2/%3").arg(step).arg(e.epoch).arg(e.epochs));
}

void SearchPanel::onGeneration(const FlowGeneration& g) {
    generations_->addGeneration(g);
    if (g.step == "search") front_->addCandidates(g.fresh);
    status_->setText(tr("%1: generation %2 of %3 · %4 networks evaluated · best %5")
                         .arg(QString::fromStdString(g.step))
                         .arg(g.generation)
                         .arg(g.generations)
                         .arg(g.evaluated)
                         .arg(percent(g.bestAccuracy)));
    emit statusChanged(tr("%1 %2/%3").arg(QString::fromStdString(g.step)).arg(g.generation).arg(g.generations));
}

void SearchPanel::onReport(const TinynasReport& r) {
    report_ = r;
    front_->setReport(r);
    for (const StepName& s : kSteps) markStep(QString::fromLatin1(s.key), QStringLiteral("done"));
    QString rows;
    for (const ReportModel& m : r.models) {
        const auto margin = r.margins.find(m.name);
        rows += QStringLiteral("<tr><td>%1</td><td align=right>%2</td><td align=right>%3</td><td align=right>%4</td></tr>")
                    .arg(m.name == "searched" ? tr("<b>searched</b>") : m.name == "random" ? tr("random search") : tr("scaled MobileNetV2"),
                         percent(m.int8Accuracy), formatKiB(m.peakSramBytes),
                         margin == r.margins.end() ? QStringLiteral("") : QStringLiteral("%1%2").arg(margin->second >= 0 ? "+" : "").arg(margin->second, 0, 'f', 2));
    }
    QString seconds;
    double total = 0;
    for (const auto& [step, s] : r.stepSeconds) total += s;
    for (const auto& [step, s] : r.stepSeconds)
        seconds += QStringLiteral("%1 %2 s (%3%), ").arg(QString::fromStdString(step)).arg(s, 0, 'f', 0).arg(total > 0 ? 100 * s / total : 0, 0, 'f', 0);
    result_->setText(tr("<p><b>%1</b><br>R %2, W %3; %4 networks evaluated</p>"
                        "<p>float %5 · int8 host %6 · <b>int8 on the board %7</b> (%8 images, outputs identical to the host)</p>"
                        "<p>latency %9 measured · arena %10 · Flash %11</p>"
                        "<table cellspacing=4><tr><th align=left>int8, test images</th><th>accuracy</th><th>SRAM</th><th>ahead</th></tr>%12</table>"
                        "<p><small>%13 total: %14</small></p>")
                         .arg(QString::fromStdString(r.architecture).toHtmlEscaped())
                         .arg(r.resolution)
                         .arg(r.width)
                         .arg(r.networksEvaluated)
                         .arg(percent(r.floatAccuracy), percent(r.int8HostAccuracy), percent(r.int8BoardAccuracy))
                         .arg(r.boardImages)
                         .arg(formatMs(r.measuredLatencyMs), formatKiB(r.arenaBytes), formatKiB(r.elfFlashBytes), rows)
                         .arg(QStringLiteral("%1 min").arg(total / 60, 0, 'f', 1), seconds.chopped(seconds.isEmpty() ? 0 : 2)));
    updateActions();
}

void SearchPanel::onFinished(SearchJob::Outcome outcome, const QString& error) {
    switch (outcome) {
        case SearchJob::Outcome::Done:
            status_->setText(tr("Done."));
            emit statusChanged(tr("done"));
            break;
        case SearchJob::Outcome::Stopped:
            status_->setText(error);
            emit statusChanged(tr("stopped"));
            break;
        case SearchJob::Outcome::Failed:
            markStep(currentStep_, QStringLiteral("failed"));
            showError(error);
            status_->setText(tr("Failed."));
            emit statusChanged(QString());
            break;
    }
    updateActions();
}

// ---------------------------------------------------------------------------
// Steps, the run on disk, results

void SearchPanel::resetSteps() {
    steps_->clear();
    for (const StepName& s : kSteps) {
        auto* item = new QListWidgetItem(QStringLiteral("·  ") + tr(s.label));
        item->setData(Qt::UserRole, QString::fromLatin1(s.key));
        item->setData(Qt::UserRole + 1, QStringLiteral("waiting"));
        steps_->addItem(item);
    }
    currentStep_.clear();
}

void SearchPanel::markStep(const QString& step, const QString& state) {
    if (state == QStringLiteral("running") && !currentStep_.isEmpty() && currentStep_ != step)
        markStep(currentStep_, QStringLiteral("done"));
    for (int i = 0; i < steps_->count(); ++i) {
        QListWidgetItem* item = steps_->item(i);
        if (item->data(Qt::UserRole).toString() != step) continue;
        const QString mark = state == QStringLiteral("running") ? QStringLiteral("▶  ")
                             : state == QStringLiteral("done")  ? QStringLiteral("✓  ")
                             : state == QStringLiteral("failed") ? QStringLiteral("✗  ")
                                                                  : QStringLiteral("·  ");
        item->setText(mark + tr(kSteps[i].label));
        item->setData(Qt::UserRole + 1, state);
        QFont f = item->font();
        f.setBold(state == QStringLiteral("running"));
        item->setFont(f);
    }
    if (state == QStringLiteral("running")) currentStep_ = step;
}

void SearchPanel::showRun() {
    report_.reset();
    front_->clear();
    generations_->clear();
    resetSteps();
    result_->setText(tr("No finished search yet."));
    const QString run = document_->searchRunDirectory();
    runFolder_->setText(run.isEmpty() ? tr("Runs go to %1").arg(QDir::toNativeSeparators(runsFolder()))
                                      : tr("Run folder: %1").arg(QDir::toNativeSeparators(run)));
    if (run.isEmpty()) return updateActions();
    QString why;
    if (const auto search = runFile(run, "search/search.json", &why)) {
        std::vector<SearchCandidate> all;
        for (const json& c : search->value("evaluated", json::array()))
            if (auto candidate = readCandidate(c)) all.push_back(std::move(*candidate));
        front_->addCandidates(all);
        int last = 0;
        for (const SearchCandidate& c : all) last = std::max(last, c.generation);
        for (int g = 0; g <= last && !all.empty(); ++g) {  // the best so far, generation by generation
            FlowGeneration fg;
            fg.step = "search";
            fg.generation = g;
            fg.generations = last;
            for (const SearchCandidate& c : all)
                if (c.generation <= g) fg.bestAccuracy = std::max(fg.bestAccuracy, c.accuracy);
            generations_->addGeneration(fg);
        }
    }
    if (const auto report = runFile(run, "report.json", &why)) {
        try {
            onReport(readTinynasReport(*report));
        } catch (const Error& e) {
            showError(QString::fromStdString(e.what()));
        }
    } else if (!why.isEmpty()) {
        showError(why);  // a run file that is not one (a FIFO, garbage): named, never waited on
        result_->setText(tr("The recorded run cannot be shown."));
    } else if (QFileInfo::exists(run)) {
        result_->setText(tr("The run stopped before its end: Start continues it."));
    } else {
        result_->setText(tr("The recorded run folder is gone: %1").arg(QDir::toNativeSeparators(run)));
    }
    updateActions();
}

bool SearchPanel::openInDesign(const SearchCandidate& candidate) {
    arch::Architecture a;
    try {
        a = arch::fromJson(json::parse(candidate.architectureJson));
    } catch (const std::exception& e) {
        showError(tr("This network cannot be opened: %1").arg(QString::fromUtf8(e.what())));
        return false;
    }
    QString error;
    if (!document_->editArchitecture(a, tr("Open a searched network"), MergeKey::None, &error)) {
        showError(error);
        return false;
    }
    emit designRequested(tr("From the search: %1 validation accuracy in the supernet (generation %2), %3 MACs. "
                            "Train it from scratch in Train this design, or use the fine-tuned chosen network.")
                             .arg(percent(candidate.accuracy))
                             .arg(candidate.generation)
                             .arg(formatMacs(double(candidate.macs))));
    return true;
}

bool SearchPanel::useSearchedNetwork() {
    const QString run = document_->searchRunDirectory();
    if (!report_ || run.isEmpty()) return false;
    const QString model = QDir(run).filePath(QStringLiteral("model"));
    try {
        const TrainedModelInfo info = readTrainedModelInfo(model.toStdString());
        QString error;
        if (!document_->adoptSearchResult(info.architecture, model, tr("Use the searched network"), &error)) {
            showError(error);
            return false;
        }
    } catch (const Error& e) {
        showError(QString::fromStdString(e.what()));
        return false;
    }
    appendLog(tr("The searched network is the project's design; Deploy uses its fine-tuned int8 weights."));
    emit deployRequested();
    return true;
}

void SearchPanel::appendLog(const QString& line) { log_->appendPlainText(line); }

void SearchPanel::showError(const QString& text) {
    error_->setText(QStringLiteral("<span style='color:#c0392b'>%1</span>").arg(text.toHtmlEscaped()));
    error_->setVisible(!text.isEmpty());
    appendLog(text);
}

void SearchPanel::updateActions() {
    const bool running = job_->isRunning();
    const bool imported = document_->isImported();
    startButton_->setEnabled(!running && !imported);
    cancelButton_->setEnabled(running);
    for (QWidget* w : std::initializer_list<QWidget*>{data_, budget_, latency_, seed_, threads_}) w->setEnabled(!running);
    useButton_->setEnabled(!running && report_.has_value());
    const QString run = document_->searchRunDirectory();
    const bool continues = !running && !run.isEmpty() && QFileInfo::exists(run) && !report_ && request().out == run;
    startButton_->setText(continues ? tr("Continue") : tr("Start"));
}

}  // namespace mcunet::ui
