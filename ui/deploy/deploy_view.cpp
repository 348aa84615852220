#include "deploy/deploy_view.h"

#include <map>

#include <nlohmann/json.hpp>

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "common/format.h"
#include "common/json_read.h"
#include "deploy/buffer_table_model.h"
#include "deploy/layer_cost_model.h"
#include "deploy/plan_json.h"
#include "document/project_document.h"
#include "jobs/job_runner.h"
#include "plot/plot_panel.h"
#include "plot/plot_style.h"
#include "plot/qcustomplot_include.h"

namespace mcunet::ui {

namespace {
QTableView* makeTable(QAbstractItemModel* model) {
    auto* t = new QTableView;
    t->setModel(model);
    t->setAlternatingRowColors(true);
    t->setShowGrid(false);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->verticalHeader()->setVisible(false);
    t->verticalHeader()->setDefaultSectionSize(t->fontMetrics().height() + 6);
    t->horizontalHeader()->setStretchLastSection(true);
    t->setWordWrap(false);
    return t;
}
}  // namespace

DeployView::DeployView(ProjectDocument* document, QWidget* parent)
    : QWidget(parent), document_(document), jobs_(new JobRunner(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 10, 10, 6);

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Memory plan of")));
    planner_ = new QComboBox;
    for (memory::Planner p : memory::allPlanners())
        planner_->addItem(QString::fromLatin1(memory::plannerName(p)), static_cast<int>(p));
    top->addWidget(planner_);
    arena_ = new QLabel;
    arena_->setTextFormat(Qt::RichText);
    top->addWidget(arena_, 1);
    exportButton_ = new QPushButton(tr("Export plan as JSON…"));
    top->addWidget(exportButton_);
    layout->addLayout(top);

    buffers_ = new BufferTableModel(this);
    layers_ = new LayerCostModel(this);
    auto* split = new QSplitter(Qt::Horizontal);
    auto* bufferBox = new QGroupBox(tr("Arena buffers (what the generated code declares)"));
    auto* bl = new QVBoxLayout(bufferBox);
    bufferTable_ = makeTable(buffers_);
    bl->addWidget(bufferTable_);
    split->addWidget(bufferBox);
    auto* right = new QSplitter(Qt::Vertical);
    auto* layerBox = new QGroupBox(tr("Per-layer estimate"));
    auto* ll = new QVBoxLayout(layerBox);
    layerTable_ = makeTable(layers_);
    ll->addWidget(layerTable_);
    right->addWidget(layerBox);
    chart_ = new plot::PlotPanel(tr("Estimated latency per layer"));
    chart_->plot()->xAxis->setLabel(tr("layer (execution order)"));
    chart_->plot()->yAxis->setLabel(tr("estimated latency (ms)"));
    chart_->plot()->xAxis->grid()->setVisible(false);
    chart_->plot()->legend->setVisible(true);
    chart_->plot()->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    connect(chart_, &plot::PlotPanel::fitRequested, this, [this] {
        chart_->plot()->rescaleAxes();
        chart_->plot()->replot();
    });
    right->addWidget(chart_);
    right->setStretchFactor(0, 1);
    right->setStretchFactor(1, 1);
    split->addWidget(right);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);

    auto* jobsBox = new QGroupBox(tr("Jobs"));
    auto* jl = new QVBoxLayout(jobsBox);
    auto* progressRow = new QHBoxLayout;
    jobLabel_ = new QLabel(tr("Idle. Code generation, build, flash and on-device profiling run here as jobs "
                              "when they arrive."));
    progress_ = new QProgressBar;
    progress_->setRange(0, 1000);
    progress_->setVisible(false);
    cancel_ = new QPushButton(tr("Cancel"));
    cancel_->setVisible(false);
    progressRow->addWidget(jobLabel_, 1);
    progressRow->addWidget(progress_, 1);
    progressRow->addWidget(cancel_);
    jl->addLayout(progressRow);
    log_ = new QPlainTextEdit;
    log_->setReadOnly(true);
    log_->setMaximumBlockCount(5000);
    log_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    log_->setFixedHeight(80);
    jl->addWidget(log_);
    layout->addWidget(jobsBox);

    connect(planner_, &QComboBox::activated, this, [this](int i) {
        document_->editPlanner(static_cast<memory::Planner>(planner_->itemData(i).toInt()));
    });
    connect(exportButton_, &QPushButton::clicked, this, [this] {
        const QString base = QString::fromStdString(document_->project().architecture.name) + QStringLiteral("-plan-") +
                             QString::fromLatin1(memory::plannerName(document_->planner())) + QStringLiteral(".json");
        const QString dir = document_->filePath().isEmpty() ? QDir::homePath() : QFileInfo(document_->filePath()).absolutePath();
        const QString path = QFileDialog::getSaveFileName(this, tr("Export memory plan"), QDir(dir).filePath(base),
                                                          tr("Memory plan (*.json)"));
        if (!path.isEmpty()) exportPlan(path);
    });
    connect(cancel_, &QPushButton::clicked, jobs_, &JobRunner::cancel);
    connect(jobs_, &JobRunner::started, this, [this](const QString& name) {
        jobLabel_->setText(name);
        progress_->setValue(0);
        progress_->setVisible(true);
        cancel_->setVisible(true);
        appendLog(tr("%1: started").arg(name));
    });
    connect(jobs_, &JobRunner::progress, this, [this](qint64 done, qint64 total, const QString& text) {
        progress_->setValue(total > 0 ? int(1000 * done / total) : 0);
        if (!text.isEmpty()) jobLabel_->setText(text);
    });
    connect(jobs_, &JobRunner::logged, this, &DeployView::appendLog);
    connect(jobs_, &JobRunner::finished, this, [this](const QString& name, bool ok, bool cancelled, const QString& error) {
        progress_->setVisible(false);
        cancel_->setVisible(false);
        jobLabel_->setText(tr("Idle."));
        appendLog(ok ? tr("%1: done").arg(name) : cancelled ? tr("%1: cancelled").arg(name) : tr("%1: failed: %2").arg(name, error));
    });
    connect(document_, &ProjectDocument::analysisChanged, this, &DeployView::refreshIfVisible);
    refresh();
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

void DeployView::appendLog(const QString& line) {
    log_->appendPlainText(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss  ")) + line);
}

int DeployView::latencyBarCount() const {
    int n = 0;
    for (QCPBars* b : bars_) n += b->dataCount();
    return n;
}

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

}  // namespace mcunet::ui
