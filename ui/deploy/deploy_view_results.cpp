// The Deploy view's result tabs: the memory plan, the generated code, the
// build (ELF sizes) and the profile, and how each shows a finished job.
#include "deploy/deploy_view.h"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
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
#include "deploy/buffer_table_model.h"
#include "deploy/deploy_widgets.h"
#include "deploy/c_highlighter.h"
#include "deploy/layer_cost_model.h"
#include "deploy/plan_json.h"
#include "deploy/profile_plot.h"
#include "deploy/profile_table_model.h"
#include "document/project_document.h"
#include "jobs/job_runner.h"
#include "plot/plot_panel.h"
#include "plot/plot_style.h"
#include "plot/qcustomplot_include.h"

namespace mcunet::ui {

using namespace deploy_widgets;

QWidget* DeployView::buildPlanTab() {
    auto* page = new QWidget;
    auto* layout = new QVBoxLayout(page);
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
    return page;
}

QWidget* DeployView::buildCodeTab() {
    auto* page = new QWidget;
    auto* layout = new QVBoxLayout(page);
    auto* top = new QHBoxLayout;
    planSummary_ = new QLabel(tr("Nothing generated yet: Generate writes the C project and its plan.json."));
    planSummary_->setTextFormat(Qt::RichText);
    planSummary_->setWordWrap(true);
    planSummary_->setOpenExternalLinks(true);
    planSummary_->setTextInteractionFlags(Qt::TextBrowserInteraction);
    top->addWidget(planSummary_, 1);
    top->addWidget(new QLabel(tr("Show")));
    sourceFile_ = new QComboBox;
    sourceFile_->addItems({QStringLiteral("model.c"), QStringLiteral("model.h"), QStringLiteral("plan.json")});
    top->addWidget(sourceFile_);
    layout->addLayout(top);
    code_ = makeText();
    code_->setPlaceholderText(tr("The generated model.c appears here (read only)."));
    highlighter_ = new CHighlighter(code_->document(), plot::isDark(palette()));
    layout->addWidget(code_, 1);
    connect(sourceFile_, &QComboBox::currentTextChanged, this, &DeployView::showSource);
    return page;
}

QWidget* DeployView::buildBuildTab() {
    auto* page = new QWidget;
    auto* layout = new QVBoxLayout(page);
    buildSummary_ = new QLabel(tr("Not built yet: Build cross-compiles the generated project for the board."));
    buildSummary_->setTextFormat(Qt::RichText);
    buildSummary_->setWordWrap(true);
    buildSummary_->setTextInteractionFlags(Qt::TextBrowserInteraction);
    layout->addWidget(buildSummary_);
    buildTable_ = new QTableWidget(3, 5);
    buildTable_->setHorizontalHeaderLabels(
        {tr("From the ELF"), tr("Estimate"), tr("Board limit"), tr("Use of the limit"), tr("Note")});
    buildTable_->setVerticalHeaderLabels({tr("Flash"), tr("SRAM"), tr("Arena")});
    buildTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    buildTable_->setSelectionMode(QAbstractItemView::NoSelection);
    buildTable_->horizontalHeader()->setStretchLastSection(true);
    buildTable_->setShowGrid(false);
    buildTable_->setAlternatingRowColors(true);
    buildTable_->setMaximumHeight(4 * (buildTable_->fontMetrics().height() + 12) + 8);
    layout->addWidget(buildTable_);
    layout->addWidget(new QLabel(tr("Compiler and linker output")));
    buildLog_ = makeText(20000);
    layout->addWidget(buildLog_, 1);
    return page;
}

QWidget* DeployView::buildProfileTab() {
    auto* page = new QWidget;
    auto* layout = new QVBoxLayout(page);
    auto* top = new QHBoxLayout;
    profileSummary_ = new QLabel(tr("No profile yet: Profile runs the model on the virtual board and reads the executed "
                                    "instructions of every layer."));
    profileSummary_->setTextFormat(Qt::RichText);
    profileSummary_->setWordWrap(true);
    top->addWidget(profileSummary_, 1);
    verdict_ = new QLabel;
    verdict_->setTextFormat(Qt::RichText);
    top->addWidget(verdict_);
    layout->addLayout(top);
    auto* split = new QSplitter(Qt::Horizontal);
    profileModel_ = new ProfileTableModel(this);
    profileTable_ = makeTable(profileModel_);
    split->addWidget(profileTable_);
    profilePlot_ = new ProfilePlot;
    split->addWidget(profilePlot_);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);
    return page;
}


void DeployView::showGenerated() {
    if (!generated_) return;
    const GeneratedProject& g = *generated_;
    const nlohmann::json& plan = g.plan;
    const QString dir = QString::fromStdString(g.directory);
    planSummary_->setText(
        tr("<b>plan.json</b>: arena <b>%1 B</b> · planner <b>%2</b> · <b>%3</b> buffers · %4 layers · %5 MACs · "
           "%6 kernel variants · %7 files in <a href=\"%8\">%9</a>")
            .arg(withCommas(plan.value("arena_bytes", std::int64_t(0))),
                 QString::fromStdString(plan.value("planner", std::string("?"))))
            .arg(plan.contains("buffers") ? plan["buffers"].size() : 0)
            .arg(plan.contains("layers") ? plan["layers"].size() : 0)
            .arg(formatMacs(double(plan.value("macs", std::int64_t(0)))))
            .arg(g.generated.kernelVariants.size())
            .arg(g.generated.files.size())
            .arg(QUrl::fromLocalFile(dir).toString(), dir.toHtmlEscaped()));
    showSource(sourceFile_->currentText());
    updateActions();
}

void DeployView::showSource(const QString& file) {
    if (!generated_) return;
    const auto it = generated_->sources.find(file.toStdString());
    code_->setPlainText(it == generated_->sources.end() ? QString() : QString::fromStdString(it->second));
}

void DeployView::showBuilt() {
    if (!built_) return;
    const bool dark = plot::isDark(palette());
    const auto& fw = built_->firmware;
    const board::Board b = generated_->analysis->deployBoard();  // the limits the linker enforced
    auto cell = [this](int row, int col, const QString& text, const QColor& colour = QColor()) {
        auto* item = new QTableWidgetItem(text);
        item->setTextAlignment(col < 4 ? (Qt::AlignRight | Qt::AlignVCenter) : (Qt::AlignLeft | Qt::AlignVCenter));
        if (colour.isValid()) item->setForeground(colour);
        buildTable_->setItem(row, col, item);
    };
    auto use = [&](int row, std::int64_t value, std::int64_t limit) {
        const Level level = levelOf(double(value), double(limit));
        cell(row, 3, QStringLiteral("%1 %").arg(100.0 * double(value) / double(std::max<std::int64_t>(limit, 1)), 0, 'f', 1),
             levelColor(level, dark));
    };
    cell(0, 0, withCommas(fw.flashBytes) + QStringLiteral(" B"));
    cell(0, 1, withCommas(built_->estimatedFlashBytes) + QStringLiteral(" B"));
    cell(0, 2, withCommas(b.flashBytes) + QStringLiteral(" B"));
    use(0, fw.flashBytes, b.flashBytes);
    cell(0, 4, tr("text, rodata, vectors, data initializers; the estimate: int8 weights, biases, requantization and "
                  "the board's runtime allowance"));
    cell(1, 0, withCommas(fw.sramBytes) + QStringLiteral(" B"));
    cell(1, 1, withCommas(built_->plannedArenaBytes) + QStringLiteral(" B"));
    cell(1, 2, withCommas(b.sramBytes) + QStringLiteral(" B"));
    use(1, fw.sramBytes, b.sramBytes);
    cell(1, 4, fw.inputCopy ? tr("data, bss (arena, input copy), stack; the estimate is the planned arena")
                            : tr("data, bss (arena), stack; no room for an input copy: the host rewrites the input "
                                 "before every run"));
    const bool same = fw.arenaBytes == built_->plannedArenaBytes;
    cell(2, 0, withCommas(fw.arenaBytes) + QStringLiteral(" B"));
    cell(2, 1, withCommas(built_->plannedArenaBytes) + QStringLiteral(" B"));
    cell(2, 2, QStringLiteral("–"));
    cell(2, 3, same ? tr("= plan ✓") : tr("≠ plan"), levelColor(same ? Level::Ok : Level::Over, dark));
    cell(2, 4, tr("the model's static arena symbol in the ELF against plan.json's arena_bytes"));
    buildTable_->resizeColumnsToContents();

    QString text = tr("<b>%1</b> for %2 (%3), built in %4.")
                       .arg(QString::fromStdString(fw.elf).toHtmlEscaped(), QString::fromStdString(b.id),
                            QString::fromStdString(b.core), seconds(built_->seconds));
    const board::Board& own = generated_->analysis->board;
    if (own.sramBytes != b.sramBytes || own.flashBytes != b.flashBytes)
        text += tr(" Built to the project's limits, SRAM %1 B and Flash %2 B (the board has %3 B and %4 B): the "
                   "linker enforces them.")
                    .arg(withCommas(b.sramBytes), withCommas(b.flashBytes), withCommas(own.sramBytes), withCommas(own.flashBytes));
    if (flashed_)
        text += tr("<br>Flashed: %1 boots it and answers over the link: model <b>%2</b>, %3 layers, arena %4 B, counts "
                   "%5 (protocol %6), in %7.")
                    .arg(QString::fromStdString(flashed_->hello.board), QString::fromStdString(flashed_->hello.model))
                    .arg(flashed_->hello.layers)
                    .arg(withCommas(flashed_->hello.arenaBytes),
                         flashed_->hello.countsInstructions ? tr("executed instructions") : tr("cycles"))
                    .arg(flashed_->hello.protocolVersion)
                    .arg(seconds(flashed_->seconds));
    buildSummary_->setText(text);
    const QString log = QString::fromStdString(fw.log).trimmed();
    buildLog_->setPlainText(log.isEmpty() ? tr("(no output: the compiler and the linker had nothing to say)") : log);
    updateStatus();
}

void DeployView::showProfile() {
    if (!profiled_) {
        profileModel_->setProfile(nullptr);
        profilePlot_->setProfile(nullptr);
        verdict_->clear();
        return;
    }
    const bool dark = plot::isDark(palette());
    std::shared_ptr<const board::Profile> p(profiled_, &profiled_->profile);
    profileModel_->setProfile(p);
    profilePlot_->setProfile(p);
    profileTable_->resizeColumnsToContents();
    auto values = [](const std::vector<std::int8_t>& v) {
        QStringList s;
        for (std::size_t i = 0; i < v.size() && i < 12; ++i) s << QString::number(int(v[i]));
        if (v.size() > 12) s << QStringLiteral("…");
        return s.join(QStringLiteral(", "));
    };
    if (profiled_->matchesReference)
        verdict_->setText(QStringLiteral("<b style='color:%1'>✓ %2</b>")
                              .arg(levelColor(Level::Ok, dark).name(), tr("output identical to the reference interpreter")));
    else
        verdict_->setText(QStringLiteral("<b style='color:%1'>✗ %2</b><br>board [%3]<br>reference [%4]")
                              .arg(levelColor(Level::Over, dark).name(),
                                   tr("the board's output differs from the reference interpreter"),
                                   values(p->output), values(profiled_->reference)));
    verdict_->setToolTip(tr("Output [%1] for a seeded random input (seed %2), against the reference interpreter's [%3]")
                             .arg(values(p->output))
                             .arg(profiledFrom_ ? profiledFrom_->seed + 1 : 0)
                             .arg(values(profiled_->reference)));
    const QString unit = QString::fromStdString(p->unit());
    profileSummary_->setText(
        tr("<b>%1</b> on <b>%2</b>: <b>%3 %4</b>%5 per inference for %6 MACs, <b>%7</b> MACs per %8 · estimate %9 · "
           "minimum of %10 run(s), profiled in %11")
            .arg(QString::fromStdString(p->model), QString::fromStdString(p->board),
                 withCommas(static_cast<std::int64_t>(p->total)), unit,
                 p->instructions ? tr(" executed (QEMU -icount, not cycles)") : QString(), withCommas(p->macs))
            .arg(p->total ? double(p->macs) / double(p->total) : 0.0, 0, 'f', 3)
            .arg(p->instructions ? tr("instruction") : tr("cycle"))
            .arg(withCommas(static_cast<std::int64_t>(p->estimateTotal)))
            .arg(p->runs)
            .arg(seconds(profiled_->seconds)));
    updateStatus();
}


}  // namespace mcunet::ui
