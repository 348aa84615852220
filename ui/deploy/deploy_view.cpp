#include "common/defaults.h"
#include "deploy/deploy_view.h"

#include "common/error.h"
#include "common/output_dir.h"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include <QComboBox>
#include <QSignalBlocker>
#include <QDateTime>
#include <QDir>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QFrame>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QUrl>
#include <QVBoxLayout>

#include "common/format.h"
#include "common/json_read.h"
#include "deploy/board_accuracy.h"
#include "deploy/buffer_table_model.h"
#include "deploy/deploy_widgets.h"
#include "deploy/c_highlighter.h"
#include "deploy/layer_cost_model.h"
#include "deploy/plan_json.h"
#include "deploy/profile_plot.h"
#include "deploy/profile_table_model.h"
#include "search/search_progress.h"
#include "document/project_document.h"
#include "device/board_device.h"
#include "jobs/job_runner.h"
#include "target/usb_boards_model.h"
#include "plot/plot_panel.h"
#include "plot/plot_style.h"
#include "plot/qcustomplot_include.h"

namespace mcunet::ui {

using namespace deploy_widgets;

namespace {
int indexOf(deploy::Stage s) { return static_cast<int>(s); }

// Why build, flash and profile are off for `b` ("" when they are on): the
// device layer's answer (device::boardSupport), the one place that knows.
QString usbNote(const board::Board& b) {
    const device::BoardSupport support = device::boardSupport(b);
    if (support.deployable()) return {};
    return QObject::tr("%1. Generate works for every board.").arg(QString::fromStdString(support.whyNot));
}
}  // namespace


DeployView::DeployView(ProjectDocument* document, QWidget* parent)
    : QWidget(parent), document_(document), jobs_(new JobRunner(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 10, 10, 6);

    // Actions: one click each, and all four.
    auto* actions = new QHBoxLayout;
    deployButton_ = new QPushButton(tr("Deploy and profile"));
    deployButton_->setToolTip(tr("Generate, build, flash to the board and profile, one after the other"));
    QFont bold = deployButton_->font();
    bold.setBold(true);
    deployButton_->setFont(bold);
    deployButton_->setDefault(true);
    actions->addWidget(deployButton_);
    actions->addSpacing(12);
    const char* labels[] = {"1 Generate", "2 Build", "3 Flash", "4 Profile"};
    const char* tips[] = {"Write the C project (model.c, weights, kernels, firmware, plan.json)",
                          "Cross-build the firmware with arm-none-eabi-gcc (generates first if needed)",
                          "Flash the firmware onto the board (the virtual board boots it) and check it answers (builds first if needed)",
                          "Run the model on the board, read per-layer counts and compare the output with the "
                          "reference interpreter (flashes first if needed)"};
    for (deploy::Stage s : deploy::allStages()) {
        auto* b = new QPushButton(tr(labels[indexOf(s)]));
        b->setToolTip(tr(tips[indexOf(s)]));
        stepButtons_[indexOf(s)] = b;
        actions->addWidget(b);
        connect(b, &QPushButton::clicked, this, [this, s] { runStep(s); });
    }
    actions->addSpacing(12);
    actions->addWidget(new QLabel(tr("Runs")));
    runs_ = new QSpinBox;
    runs_->setRange(defaults::kMinProfileRuns, defaults::kMaxProfileRuns);
    runs_->setValue(defaults::kProfileRuns);
    runs_->setToolTip(tr("Inferences per profile; each layer's count is the minimum over the runs"));
    actions->addWidget(runs_);
    actions->addStretch(1);
    folderLabel_ = new QLabel;
    folderLabel_->setTextFormat(Qt::RichText);
    folderLabel_->setOpenExternalLinks(true);
    folderLabel_->setTextInteractionFlags(Qt::TextBrowserInteraction);
    actions->addWidget(folderLabel_);
    folderButton_ = new QPushButton(tr("Generate to folder…"));
    folderButton_->setToolTip(tr("Write the generated project into a folder of your choice (kept) instead of a "
                                 "temporary one"));
    actions->addWidget(folderButton_);
    layout->addLayout(actions);

    boardNote_ = new QLabel;
    boardNote_->setWordWrap(true);
    boardNote_->setVisible(false);
    layout->addWidget(boardNote_);
    auto* deviceRow = new QHBoxLayout;
    deviceRow->addWidget(new QLabel(tr("Board")));
    deviceBox_ = new QComboBox;
    deviceBox_->setObjectName(QStringLiteral("deviceBox"));
    deviceBox_->setToolTip(tr("Where Flash and Profile go: the virtual board, or one of the boards connected over USB "
                              "that can be this project's board"));
    deviceRow->addWidget(deviceBox_, 1);
    layout->addLayout(deviceRow);
    usbBoards_ = new UsbBoardsModel(this);
    connect(usbBoards_, &UsbBoardsModel::devicesChanged, this, &DeployView::refreshDevices);
    weights_ = new QLabel;
    weights_->setWordWrap(true);
    weights_->setTextFormat(Qt::RichText);
    weights_->setOpenExternalLinks(true);
    weights_->setTextInteractionFlags(Qt::TextBrowserInteraction);
    layout->addWidget(weights_);
    boardAccuracy_ = new BoardAccuracyRow;
    layout->addWidget(boardAccuracy_);

    auto* status = new QHBoxLayout;
    for (deploy::Stage s : deploy::allStages()) {
        auto* l = new QLabel;
        l->setTextFormat(Qt::RichText);
        l->setFrameShape(QFrame::StyledPanel);
        l->setMargin(6);
        l->setWordWrap(true);
        l->setAlignment(Qt::AlignLeft | Qt::AlignTop);
        l->setMinimumHeight(3 * l->fontMetrics().height() + 12);
        l->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
        stepStatus_[indexOf(s)] = l;
        status->addWidget(l, 1);
    }
    layout->addLayout(status);

    tabs_ = new QTabWidget;
    tabs_->addTab(buildPlanTab(), tr("Memory plan and estimate"));
    tabs_->addTab(buildCodeTab(), tr("Generated code"));
    tabs_->addTab(buildBuildTab(), tr("Build and flash"));
    tabs_->addTab(buildProfileTab(), tr("On-device profile"));
    layout->addWidget(tabs_, 1);

    auto* jobsBox = new QGroupBox(tr("Jobs"));
    auto* jl = new QVBoxLayout(jobsBox);
    auto* progressRow = new QHBoxLayout;
    jobLabel_ = new QLabel(tr("Idle."));
    progress_ = new QProgressBar;
    progress_->setRange(0, 1000);
    progress_->setVisible(false);
    cancel_ = new QPushButton(tr("Cancel"));
    cancel_->setVisible(false);
    progressRow->addWidget(jobLabel_, 1);
    progressRow->addWidget(progress_, 1);
    progressRow->addWidget(cancel_);
    jl->addLayout(progressRow);
    log_ = makeText(5000);
    log_->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    log_->setFixedHeight(84);
    jl->addWidget(log_);
    layout->addWidget(jobsBox);

    connect(deployButton_, &QPushButton::clicked, this, &DeployView::deployAndProfile);
    connect(folderButton_, &QPushButton::clicked, this, [this] {
        const QString start = userDirectory_.isEmpty()
                                  ? (document_->filePath().isEmpty() ? QDir::homePath()
                                                                     : QFileInfo(document_->filePath()).absolutePath())
                                  : userDirectory_;
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Generate the C project into"), start);
        if (!dir.isEmpty() && !generateTo(dir) && !lastRefusal_.isEmpty())
            QMessageBox::warning(this, tr("Choose another folder"),
                                 tr("%1\n\nChoose a new or empty folder, or one MCUNet Studio generated a project into before.")
                                     .arg(lastRefusal_));
        lastRefusal_.clear();
    });
    connect(cancel_, &QPushButton::clicked, this, &DeployView::cancel);
    connect(jobs_, &JobRunner::started, this, [this](const QString& name) {
        jobLabel_->setText(name);
        progress_->setValue(0);
        progress_->setVisible(true);
        cancel_->setVisible(true);
        appendLog(tr("%1: started").arg(name));
        updateActions();
    });
    connect(jobs_, &JobRunner::progress, this, [this](qint64 done, qint64 total, const QString& text) {
        progress_->setValue(total > 0 ? int(1000 * done / total) : 0);
        if (!text.isEmpty()) jobLabel_->setText(stepRunning_ ? tr("%1 (%2 of %3): %4")
                                                                   .arg(tr(deployStepName(current_)))
                                                                   .arg(stepIndex_)
                                                                   .arg(stepTotal_)
                                                                   .arg(text)
                                                             : text);
    });
    connect(jobs_, &JobRunner::logged, this, &DeployView::appendLog);
    connect(jobs_, &JobRunner::finished, this, &DeployView::onJobFinished);
    connect(document_, &ProjectDocument::analysisChanged, this, [this] {
        refreshIfVisible();
        refreshDevices();
        updateActions();
        updateWeights();
        updateStatus();
    });
    connect(document_, &ProjectDocument::trainedModelChanged, this, [this] {
        readTrainedModel();
        updateWeights();
        updateStatus();
    });
    readTrainedModel();
    updateWeights();
    refresh();
    refreshDevices();
    updateActions();
    updateStatus();
}

DeployView::~DeployView() {
    // Stop a running step first (its QEMU is killed by the cancel), while the
    // temporary folder it may be writing into still exists.
    pending_.clear();
    disconnect(jobs_, nullptr, this, nullptr);
    jobs_->cancel();
    jobs_->wait(60000);
}

void DeployView::refreshIfVisible() {
    // Tables of every buffer and layer are the costliest part of an update:
    // while the tab is hidden, edits only mark them stale.
    if (isVisible()) refresh();
    else stale_ = true;
}

void DeployView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (stale_) refresh();
}

void DeployView::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && profilePlot_) {  // built: every widget exists
        highlighter_->setDark(plot::isDark(palette()));
        updateActions();
        updateWeights();
        updateStatus();
        showBuilt();
        showProfile();
    }
}

void DeployView::appendLog(const QString& line) {
    log_->appendPlainText(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss  ")) + line);
}

int DeployView::latencyBarCount() const {
    int n = 0;
    for (QCPBars* b : bars_) n += b->dataCount();
    return n;
}

QPushButton* DeployView::actionButton(deploy::Stage step) const { return stepButtons_[indexOf(step)]; }

QLabel* DeployView::stageStatus(deploy::Stage step) const { return stepStatus_[indexOf(step)]; }

void DeployView::refresh() {
    stale_ = false;
    const auto a = document_->analysis();
    const memory::Planner planner = a->selectedPlanner;
    planner_->setCurrentIndex(planner_->findData(static_cast<int>(planner)));
    buffers_->setPlan(a, planner);
    layers_->setAnalysis(a);
    for (QTableView* t : {bufferTable_, layerTable_}) t->resizeColumnsToContents();
    const memory::Plan& p = a->plan(planner);
    const Level level = levelOf(double(p.arenaBytes), double(a->limits.sramBytes));
    arena_->setText(tr("&nbsp;&nbsp;arena <b style='color:%1'>%2 B</b> (%3) of %4 SRAM · %5 buffers · lower bound %6 B%7")
                        .arg(levelColor(level, plot::isDark(palette())).name(), withCommas(p.arenaBytes),
                             formatKiB(p.arenaBytes), formatKiB(a->limits.sramBytes))
                        .arg(p.placements.size())
                        .arg(withCommas(p.lowerBound))
                        .arg(p.strategy.empty() ? QString() : tr(" · placement: %1").arg(QString::fromStdString(p.strategy))));

    // Latency bars, one series per op kind.
    QCustomPlot* plot = chart_->plot();
    for (QCPBars* b : bars_) plot->removePlottable(b);
    bars_.clear();
    std::map<graph::OpKind, std::pair<QVector<double>, QVector<double>>> series;
    for (int i = 0; i < a->graph.opCount(); ++i) {
        auto& s = series[a->graph.op(i).kind];
        s.first.push_back(i);
        s.second.push_back(a->layerLatencyMs(i));
    }
    int colour = 0;
    for (auto& [kind, points] : series) {
        auto* b = new QCPBars(plot->xAxis, plot->yAxis);
        b->setName(QString::fromLatin1(graph::opKindName(kind)));
        b->setData(points.first, points.second, true);
        b->setBrush(plot::categorical(colour++));
        b->setPen(Qt::NoPen);
        b->setWidth(0.8);
        bars_.push_back(b);
    }
    plot->rescaleAxes();
    plot->xAxis->setRange(-1, a->graph.opCount());
    plot->yAxis->setRangeLower(0);
    plot->yAxis->setRangeUpper(plot->yAxis->range().upper * 1.1);
    chart_->setCaption(tr("Total %1 on %2 at %3 MHz (from the board's latency table; on-device profiles will calibrate it).")
                           .arg(formatMs(a->cost.latencyMs), QString::fromStdString(a->board.id))
                           .arg(a->board.clockHz / 1000000));
    plot->replot(QCustomPlot::rpQueuedReplot);
}

bool DeployView::exportPlan(const QString& filePath) {
    if (stale_) refresh();
    const auto a = document_->analysis();
    const memory::Planner planner = a->selectedPlanner;
    const std::string path = filePath.toStdString();
    return jobs_->run<QString>(
        tr("Export %1 plan").arg(QString::fromLatin1(memory::plannerName(planner))),
        [a, planner, path](JobContext& job) {
            const nlohmann::json doc = planToJson(*a, planner);
            job.progress(1, 2);
            json_read::writeFileAtomically(path, doc.dump(2) + "\n");
            job.progress(2, 2);
            return QStringLiteral("wrote %1 (%2 buffers, arena %3 B)")
                .arg(QString::fromStdString(path))
                .arg(doc["buffers"].size())
                .arg(withCommas(doc["arena_bytes"].get<std::int64_t>()));
        },
        [this](QString message) { appendLog(message); });
}

// ---------------------------------------------------------------------------
// The pipeline

QString DeployView::outputDirectory() const {
    if (!userDirectory_.isEmpty()) return userDirectory_;
    if (!tempDir_) return QString();
    const auto a = document_->analysis();
    QString name = QString::fromStdString(a->architecture.name + "-" + a->board.id);
    name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]+")), QStringLiteral("_"));
    return QDir(tempDir_->path()).filePath(name);
}

bool DeployView::generatedIsCurrent() const {
    if (!generated_) return false;
    const auto a = document_->analysis();
    const DesignAnalysis& g = *generated_->analysis;
    // The limits too: Build links against them (DesignAnalysis::deployBoard).
    const bool sameLimits = g.limits.sramBytes == a->limits.sramBytes && g.limits.flashBytes == a->limits.flashBytes;
    return g.architecture == a->architecture && g.board.id == a->board.id && sameLimits && generated_->planner == a->selectedPlanner &&
           generated_->trainedModel == trainedModelForDeploy().toStdString();
}

void DeployView::readTrainedModel() {
    trained_.reset();
    trainedError_.clear();
    const QString dir = document_->trainedModelDirectory();
    if (dir.isEmpty()) return;
    try {
        trained_ = readTrainedModelInfo(dir.toStdString());
    } catch (const std::exception& e) {
        trainedError_ = QString::fromStdString(e.what());
    }
}

QString DeployView::trainedModelForDeploy() const {
    if (document_->isImported() || !trained_ || !architectureDifferences(trained_->architecture, document_->project().architecture).empty())
        return {};
    return QString::fromStdString(trained_->directory);
}

// The trained model the board can measure; the search run's figure when the
// model is that run's fine-tuned network.
void DeployView::updateBoardAccuracy() {
    const QString dir = trainedModelForDeploy();
    if (dir.isEmpty()) return boardAccuracy_->setModel(std::nullopt);
    BoardAccuracyRow::Model m;
    m.directory = dir;
    m.dataSource = QString::fromStdString(trained_->dataSource);
    m.board = QString::fromStdString(document_->board().id);
    m.sramKiB = double(document_->limits().sramBytes) / 1024.0;
    m.flashKiB = double(document_->limits().flashBytes) / 1024.0;
    const QString run = document_->searchRunDirectory();
    if (!run.isEmpty() && QFileInfo(QDir(run).filePath(QStringLiteral("model"))).canonicalFilePath() == QFileInfo(dir).canonicalFilePath()) {
        try {
            if (const auto doc = readRunFile(run.toStdString(), "report.json")) {
                const TinynasReport r = readTinynasReport(*doc);
                if (r.int8BoardAccuracy >= 0 && doc->value("identity", nlohmann::json::object()).value("board", "") == m.board.toStdString()) {
                    m.measuredAccuracy = r.int8BoardAccuracy;
                    m.measuredImages = r.boardImages;
                }
            }
        } catch (const std::exception&) {
            // An unreadable report (the Search step names it): the row offers the measurement instead.
        }
    }
    boardAccuracy_->setModel(m);
}

void DeployView::updateWeights() {
    const bool dark = plot::isDark(palette());
    const QString dir = document_->trainedModelDirectory();
    auto link = [&dir] {
        return QStringLiteral("<a href=\"%1\">%2</a>").arg(QUrl::fromLocalFile(dir).toString(), dir.toHtmlEscaped());
    };
    QString text;
    if (document_->isImported()) {
        const QString file = document_->importedModelPath();
        text = document_->importedModel()
                   ? tr("<b>weights: imported</b> (%1, its own int8 weights and quantization)").arg(file.toHtmlEscaped())
                   : tr("<b>the imported model cannot be read</b>: %1").arg(document_->importProblem().toHtmlEscaped());
    } else if (!trainedModelForDeploy().isEmpty()) {
        text = tr("<b>weights: trained</b> (%1, int8 accuracy %2)")
                   .arg(link(), trained_->int8Accuracy >= 0 ? QStringLiteral("%1 %").arg(100 * trained_->int8Accuracy, 0, 'f', 1)
                                                            : tr("not recorded"));
    } else {
        text = tr("<b>weights: seeded random (not trained)</b>");
        QString why;
        if (!trainedError_.isEmpty())
            why = tr("the project's trained model cannot be read: %1").arg(trainedError_.toHtmlEscaped());
        else if (trained_) {
            QStringList d;
            for (const std::string& s : architectureDifferences(trained_->architecture, document_->project().architecture))
                d << QString::fromStdString(s).toHtmlEscaped();
            why = tr("the project's trained model %1 is not this network: %2. Train & search > Train this design > "
                     "\"Use the trained network in Design\" makes the design match it.")
                      .arg(link(), d.join(QStringLiteral("; ")));
        } else {
            why = tr("search or train in the Train & search step to deploy learned weights");
        }
        text += QStringLiteral(" · <span style='color:%1'>%2</span>")
                    .arg(trained_ || !trainedError_.isEmpty() ? levelColor(Level::Near, dark).name()
                                                              : palette().color(QPalette::PlaceholderText).name(),
                         why);
    }
    weights_->setText(text);
    updateBoardAccuracy();
}

GenerateRequest DeployView::generateRequest() {
    if (userDirectory_.isEmpty() && !tempDir_) {
        tempDir_ = std::make_unique<QTemporaryDir>(QDir::temp().filePath(QStringLiteral("mcunet-studio-XXXXXX")));
        if (!tempDir_->isValid()) appendLog(tr("cannot create a temporary folder: %1").arg(tempDir_->errorString()));
    }
    GenerateRequest r;
    r.analysis = document_->analysis();
    r.directory = outputDirectory().toStdString();
    r.clearDirectory = userDirectory_.isEmpty();  // our own folder only; never delete the user's files
    r.seed = defaults::kSeed;
    r.trainedModel = trainedModelForDeploy().toStdString();
    return r;
}

bool DeployView::generateTo(const QString& directory) {
    if (jobs_->isRunning()) return false;
    // A folder of the user's is never written into (common/output_dir.h):
    // refused here, before any job, and the previous folder kept.
    const std::string path = QDir(directory).absolutePath().toStdString();
    try {
        output_dir::check(path, output_dir::inspect(path, output_dir::kGeneratedProject), output_dir::kGeneratedProject, true);
    } catch (const Error& e) {
        lastRefusal_ = QString::fromStdString(e.what());
        appendLog(tr("Generate to folder: %1").arg(lastRefusal_));
        return false;
    }
    userDirectory_ = QDir(directory).absolutePath();
    appendLog(tr("Generated projects go to %1 from now on").arg(userDirectory_));
    return runStep(deploy::Stage::Generate);
}

bool DeployView::deployAndProfile() { return startPipeline(deploy::stagesAfresh(deploy::Stage::Profile)); }

deploy::StageState DeployView::stageState() const {
    deploy::StageState s;
    s.generated = generatedIsCurrent();
    s.built = s.generated && built_ != nullptr;
    s.flashed = s.built && flashed_ != nullptr;
    s.profiled = s.flashed && profiled_ != nullptr && profiledFrom_ == generated_;
    return s;
}

bool DeployView::runStep(deploy::Stage step) { return startPipeline(deploy::stagesFor(step, stageState())); }

bool DeployView::startPipeline(const std::vector<deploy::Stage>& stages) {
    if (jobs_->isRunning() || stages.empty()) return false;
    if (stages.back() > deploy::Stage::Generate && !device::boardSupport(document_->board()).deployable()) {
        appendLog(usbNote(document_->board()));
        return false;
    }
    pending_.assign(stages.begin(), stages.end());
    for (deploy::Stage s : stages) failure_[indexOf(s)].clear();
    stepTotal_ = int(pending_.size());
    stepIndex_ = 0;
    last_ = stages.back();
    running_ = true;
    startNext();
    return true;
}

void DeployView::startNext() {
    if (pending_.empty()) return;
    current_ = pending_.front();
    pending_.pop_front();
    ++stepIndex_;
    stepRunning_ = true;
    const QString name = stepTotal_ > 1 ? tr("%1 (%2 of %3)").arg(tr(deployStepName(current_))).arg(stepIndex_).arg(stepTotal_)
                                        : tr(deployStepName(current_));
    bool started = false;
    const auto gen = generated_;
    switch (current_) {
        case deploy::Stage::Generate: {
            const GenerateRequest request = generateRequest();
            started = jobs_->run<std::shared_ptr<const GeneratedProject>>(
                name, [request](JobContext& job) { return generateProject(request, job); },
                [this](std::shared_ptr<const GeneratedProject> r) {
                    generated_ = std::move(r);
                    built_.reset();
                    flashed_.reset();
                    showGenerated();
                });
            break;
        }
        case deploy::Stage::Build:
            started = jobs_->run<std::shared_ptr<const BuiltFirmware>>(
                name, [gen](JobContext& job) { return buildProject(*gen, job); },
                [this](std::shared_ptr<const BuiltFirmware> r) {
                    built_ = std::move(r);
                    flashed_.reset();
                    showBuilt();
                });
            break;
        case deploy::Stage::Flash: {
            const std::string elf = built_->firmware.elf;
            started = jobs_->run<std::shared_ptr<const FlashedBoard>>(
                name, [gen, elf, serial = selectedSerial()](JobContext& job) { return flashBoard(*gen, elf, serial, job); },
                [this](std::shared_ptr<const FlashedBoard> r) {
                    flashed_ = std::move(r);
                    showBuilt();
                });
            break;
        }
        case deploy::Stage::Profile: {
            const int runs = runs_->value();
            started = jobs_->run<std::shared_ptr<const ProfileRun>>(
                name, [gen, runs, serial = selectedSerial()](JobContext& job) { return profileBoard(*gen, runs, serial, job); },
                [this, gen](std::shared_ptr<const ProfileRun> r) {
                    profiled_ = std::move(r);
                    profiledFrom_ = gen;
                    showProfile();
                });
            break;
        }
    }
    if (!started) {  // cannot happen: the runner was idle
        stepRunning_ = false;
        running_ = false;
        pending_.clear();
    }
    updateStatus();
    updateActions();
}

void DeployView::onJobFinished(const QString& name, bool ok, bool cancelled, const QString& error) {
    progress_->setVisible(false);
    cancel_->setVisible(false);
    jobLabel_->setText(tr("Idle."));
    appendLog(ok ? tr("%1: done").arg(name) : cancelled ? tr("%1: cancelled").arg(name) : tr("%1: failed: %2").arg(name, error));
    if (stepRunning_) {
        stepRunning_ = false;
        if (!ok) {
            failure_[indexOf(current_)] = cancelled ? tr("cancelled") : error;
            pending_.clear();
            running_ = false;
            if (!cancelled && current_ == deploy::Stage::Build) {
                buildLog_->setPlainText(error);
                tabs_->setCurrentIndex(BuildTab);
            }
            updateStatus();
            updateActions();
            emit pipelineFinished(false);
            return;
        }
        if (!pending_.empty()) {
            startNext();
            return;
        }
        running_ = false;
        switch (last_) {
            case deploy::Stage::Generate: tabs_->setCurrentIndex(CodeTab); break;
            case deploy::Stage::Build:
            case deploy::Stage::Flash: tabs_->setCurrentIndex(BuildTab); break;
            case deploy::Stage::Profile: tabs_->setCurrentIndex(ProfileTab); break;
        }
        updateStatus();
        updateActions();
        emit pipelineFinished(true);
        return;
    }
    updateActions();
}

void DeployView::cancel() {
    pending_.clear();
    jobs_->cancel();
}

// ---------------------------------------------------------------------------
// Showing the results

void DeployView::updateActions() {
    const bool busy = jobs_->isRunning();
    const board::Board& b = document_->board();
    // An imported project whose .tflite cannot be read has nothing to deploy.
    const bool unreadable = document_->isImported() && !document_->importedModel();
    const QString note = unreadable ? tr("the imported model cannot be read: %1").arg(document_->importProblem())
                                    : usbNote(b);
    const bool canRun = note.isEmpty();
    deployButton_->setEnabled(!busy && canRun);
    deployButton_->setToolTip(canRun ? tr("Generate, build, flash to the board and profile, one after the other") : note);
    stepButtons_[0]->setEnabled(!busy && !unreadable);
    const char* tips[] = {"", "Cross-build the firmware with arm-none-eabi-gcc (generates first if needed)",
                          "Flash the firmware onto the board (the virtual board boots it) and check it answers (builds first if needed)",
                          "Run the model on the board, read per-layer counts and compare the output with the "
                          "reference interpreter (flashes first if needed)"};
    for (int i = 1; i < 4; ++i) {
        stepButtons_[i]->setEnabled(!busy && canRun);
        stepButtons_[i]->setToolTip(canRun ? tr(tips[i]) : note);
    }
    runs_->setEnabled(!busy && canRun);
    folderButton_->setEnabled(!busy);
    exportButton_->setEnabled(!busy);
    boardNote_->setText(QStringLiteral("<span style='color:%1'>%2</span>")
                            .arg(levelColor(Level::Near, plot::isDark(palette())).name(), note.toHtmlEscaped()));
    boardNote_->setVisible(!canRun);
    const QString dir = outputDirectory();
    if (userDirectory_.isEmpty())
        folderLabel_->setText(dir.isEmpty() ? tr("Output: a temporary folder (removed on exit)")
                                            : tr("Output: <a href=\"%1\">temporary folder</a> (removed on exit)")
                                                  .arg(QUrl::fromLocalFile(dir).toString()));
    else
        folderLabel_->setText(tr("Output: <a href=\"%1\">%2</a>").arg(QUrl::fromLocalFile(dir).toString(), dir.toHtmlEscaped()));
    folderLabel_->setToolTip(dir);
}

void DeployView::updateStatus() {
    const bool dark = plot::isDark(palette());
    const QString ok = levelColor(Level::Ok, dark).name(), bad = levelColor(Level::Over, dark).name(),
                  warn = levelColor(Level::Near, dark).name();
    const deploy::StageState state = stageState();
    const bool current = state.generated;  // the generated project is the current design's
    const board::Board& board = document_->board();
    const board::Board limited = document_->analysis()->deployBoard();  // what Build links against
    for (deploy::Stage s : deploy::allStages()) {
        const int i = indexOf(s);
        QString body;
        const bool queued = running_ && std::find(pending_.begin(), pending_.end(), s) != pending_.end();
        if (stepRunning_ && current_ == s) {
            body = tr("<i>running…</i>");
        } else if (queued) {
            body = tr("<i>queued</i>");
        } else if (!failure_[i].isEmpty()) {
            body = QStringLiteral("<span style='color:%1'>%2</span>").arg(bad, firstLine(failure_[i]));
        } else {
            switch (s) {
                case deploy::Stage::Generate:
                    if (generated_)
                        body = tr("✓ %1 files, arena %2 B (%3), %4 weights · %5")
                                   .arg(generated_->generated.files.size())
                                   .arg(withCommas(generated_->generated.arenaBytes),
                                        QString::fromLatin1(memory::plannerName(generated_->planner)),
                                        generated_->analysis->importedModel ? tr("imported")
                                        : generated_->trainedModel.empty()  ? tr("seeded")
                                                                            : tr("trained"),
                                        seconds(generated_->seconds));
                    break;
                case deploy::Stage::Build:
                    if (built_) {
                        const auto& fw = built_->firmware;
                        body = tr("✓ Flash %1 of %2 · SRAM %3 of %4 · %5")
                                   .arg(formatKiB(fw.flashBytes), formatKiB(limited.flashBytes), formatKiB(fw.sramBytes),
                                        formatKiB(limited.sramBytes), seconds(built_->seconds));
                    }
                    break;
                case deploy::Stage::Flash:
                    if (flashed_)
                        body = tr("✓ %1 answers: %2, %3 layers · %4")
                                   .arg(QString::fromStdString(flashed_->hello.board),
                                        QString::fromStdString(flashed_->hello.model))
                                   .arg(flashed_->hello.layers)
                                   .arg(seconds(flashed_->seconds));
                    break;
                case deploy::Stage::Profile:
                    if (profiled_) {
                        const auto& p = profiled_->profile;
                        body = tr("%1 %2 %3 · %4 MACs/%5 · <span style='color:%6'>%7</span> · %8")
                                   .arg(profiled_->matchesReference ? QStringLiteral("✓") : QStringLiteral("✗"),
                                        formatMacs(double(p.total)), QString::fromStdString(p.unit()))
                                   .arg(p.total ? double(p.macs) / double(p.total) : 0.0, 0, 'f', 3)
                                   .arg(p.instructions ? tr("instruction") : tr("cycle"))
                                   .arg(profiled_->matchesReference ? ok : bad,
                                        profiled_->matchesReference ? tr("output = reference") : tr("output differs"),
                                        seconds(profiled_->seconds));
                    }
                    break;
            }
            if (body.isEmpty()) body = tr("<i>not run yet</i>");
            else if (!current)
                body += QStringLiteral("<br><span style='color:%1'>%2</span>")
                            .arg(warn, tr("out of date: the design, board, limits, planner or weights changed"));
            else if (!state.done(s))
                body += tr("<br><i>from an earlier build</i>");
        }
        if (s != deploy::Stage::Generate && !usbNote(board).isEmpty() && !stepRunning_)
            body = QStringLiteral("<span style='color:%1'>%2</span>").arg(warn, tr("not available for this board"));
        stepStatus_[i]->setText(QStringLiteral("<b>%1 %2</b><br>%3").arg(i + 1).arg(tr(deployStepName(s)), body));
    }
}

// The Board list: the virtual board, or the connected USB devices that may be
// the project's board (by their catalog USB IDs), chosen by serial number.
void DeployView::refreshDevices() {
    const board::Board& b = document_->board();
    const QString keep = deviceBox_->currentData().toString();
    const QSignalBlocker block(deviceBox_);
    deviceBox_->clear();
    if (b.isVirtual) {
        deviceBox_->addItem(tr("%1: QEMU %2 (virtual board)").arg(QString::fromStdString(b.id), QString::fromStdString(b.qemuMachine)),
                            QString());
    } else {
        for (const device::UsbDeviceInfo& d : usbBoards_->devicesFor(b.id))
            deviceBox_->addItem(QString::fromStdString(device::describe(d)), QString::fromStdString(d.serial));
        if (deviceBox_->count() == 0) {
            const device::BoardSupport support = device::boardSupport(b);
            deviceBox_->addItem(tr("no %1 connected (looks for USB %2)")
                                    .arg(QString::fromStdString(b.id),
                                         QString::fromStdString(support.usbIds.empty() ? std::string("-") : support.usbIds.front()) +
                                             (support.usbIds.size() > 1 ? tr(" and others") : QString())),
                                QString());
        }
    }
    if (const int i = deviceBox_->findData(keep); i >= 0) deviceBox_->setCurrentIndex(i);
    deviceBox_->setEnabled(deviceBox_->count() > 1);
}

std::string DeployView::selectedSerial() const { return deviceBox_->currentData().toString().toStdString(); }

}  // namespace mcunet::ui
