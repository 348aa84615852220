#include "design/design_view.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

#include "arch/presets.h"
#include "common/error.h"
#include "common/format.h"
#include "deploy/layer_cost_model.h"
#include "design/architecture_diagram.h"
#include "design/block_inspector.h"
#include "design/metric_gauge.h"
#include "design/sram_timeline_plot.h"
#include "document/project_document.h"

namespace mcunet::ui {

DesignView::DesignView(ProjectDocument* document, QWidget* parent) : QWidget(parent), document_(document) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 10, 10, 6);
    layout->setSpacing(8);
    auto* gaugeRow = new QHBoxLayout;
    const char* names[5] = {"MACs", "Parameters", "Flash", "Peak SRAM (ours)", "Latency (estimate)"};
    for (int i = 0; i < 5; ++i) {
        gauges_[i] = new MetricGauge(tr(names[i]));
        gaugeRow->addWidget(gauges_[i]);
    }
    layout->addLayout(gaugeRow);
    origin_ = new QLabel;
    origin_->setWordWrap(true);
    origin_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    origin_->setVisible(false);
    layout->addWidget(origin_);

    auto* vsplit = new QSplitter(Qt::Vertical);
    networkStack_ = new QStackedWidget;
    auto* top = new QWidget;
    networkStack_->addWidget(top);
    networkStack_->addWidget(makeImportedPage());
    auto* hl = new QHBoxLayout(top);
    hl->setContentsMargins(0, 0, 0, 0);
    diagram_ = new ArchitectureDiagram;
    hl->addWidget(diagram_, 1);
    inspector_ = new BlockInspector;
    auto* scroll = new QScrollArea;
    scroll->setWidget(inspector_);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setFixedWidth(300);
    hl->addWidget(scroll);
    vsplit->addWidget(networkStack_);
    timeline_ = new SramTimelinePlot;
    vsplit->addWidget(timeline_);
    vsplit->setStretchFactor(0, 5);
    vsplit->setStretchFactor(1, 3);
    vsplit->setSizes({560, 340});
    layout->addWidget(vsplit, 1);

    connect(diagram_, &ArchitectureDiagram::selectionChanged, inspector_, &BlockInspector::setSelection);
    connect(diagram_, &ArchitectureDiagram::kernelRequested, this, &DesignView::setKernel);
    connect(diagram_, &ArchitectureDiagram::expandRequested, this, &DesignView::setExpand);
    connect(diagram_, &ArchitectureDiagram::insertRequested, this, &DesignView::insertBlock);
    connect(diagram_, &ArchitectureDiagram::removeRequested, this, &DesignView::removeBlock);
    connect(inspector_, &BlockInspector::kernelRequested, this, &DesignView::setKernel);
    connect(inspector_, &BlockInspector::expandRequested, this, &DesignView::setExpand);
    connect(inspector_, &BlockInspector::insertRequested, this, &DesignView::insertBlock);
    connect(inspector_, &BlockInspector::removeRequested, this, &DesignView::removeBlock);
    connect(inspector_, &BlockInspector::resolutionRequested, this, &DesignView::setResolution);
    connect(inspector_, &BlockInspector::widthRequested, this, &DesignView::setWidth);
    connect(inspector_, &BlockInspector::classesRequested, this, &DesignView::setClasses);
    connect(inspector_, &BlockInspector::presetRequested, this, &DesignView::loadPreset);
    connect(inspector_, &BlockInspector::stageChannelsRequested, this, &DesignView::setStageChannels);
    connect(inspector_, &BlockInspector::stageStrideRequested, this, &DesignView::setStageStride);
    connect(timeline_, &SramTimelinePlot::plannerRequested, document_, &ProjectDocument::editPlanner);
    connect(document_, &ProjectDocument::analysisChanged, this, &DesignView::refresh);
    refresh();
    diagram_->setSelection(0, 0);
}

// The page an imported network shows instead of the editable diagram: where
// it came from, and every layer with its cost (the same model Deploy uses).
QWidget* DesignView::makeImportedPage() {
    auto* page = new QWidget;
    auto* v = new QVBoxLayout(page);
    v->setContentsMargins(0, 0, 0, 0);
    importNote_ = new QLabel;
    importNote_->setWordWrap(true);
    importNote_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    v->addWidget(importNote_);
    layerModel_ = new LayerCostModel(this);
    layers_ = new QTableView;
    layers_->setModel(layerModel_);
    layers_->setSelectionBehavior(QAbstractItemView::SelectRows);
    layers_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    layers_->verticalHeader()->setVisible(false);
    // Every column as wide as its contents (op names, shapes, figures), the
    // layer names in the rest.
    layers_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    layers_->horizontalHeader()->setSectionResizeMode(LayerCostModel::Layer, QHeaderView::Stretch);
    layers_->setAlternatingRowColors(true);
    v->addWidget(layers_, 1);
    return page;
}

void DesignView::showOrigin(const arch::Architecture& a, const QString& note) {
    originArch_ = a;
    origin_->setText(note);
    refresh();
}

bool DesignView::showsImported() const { return networkStack_->currentIndex() == 1; }

void DesignView::refresh() {
    const auto a = document_->analysis();
    const bool imported = document_->isImported();
    networkStack_->setCurrentIndex(imported ? 1 : 0);
    origin_->setVisible(!imported && originArch_ && *originArch_ == document_->project().architecture);
    if (imported) {
        const QString file = document_->importedModelPath();
        importNote_->setText(document_->importProblem().isEmpty()
                                 ? tr("Imported from %1: %2 layers, read-only (change the model where it was made and "
                                      "import it again). The figures and the SRAM timeline are computed as for a "
                                      "designed network; Deploy generates and runs it.")
                                       .arg(file)
                                       .arg(a->graph.opCount())
                                 : tr("<b>The imported model cannot be read:</b> %1").arg(document_->importProblem().toHtmlEscaped()));
        layerModel_->setAnalysis(document_->importedModel() ? a : nullptr);
    }
    shown_ = {a->cost.macs, a->cost.params, a->cost.flashBytes, a->peakSram(), a->cost.latencyMs};
    gauges_[0]->setFigure(double(shown_.macs), formatMacs(double(shown_.macs)), 0, {});
    gauges_[0]->setNote(withCommas(shown_.macs));
    gauges_[1]->setFigure(double(shown_.params), formatMacs(double(shown_.params)), 0, {});
    gauges_[1]->setNote(tr("%1 (int8 weights + int32 bias)").arg(withCommas(shown_.params)));
    gauges_[2]->setFigure(double(shown_.flashBytes), formatBytes(shown_.flashBytes), double(a->limits.flashBytes),
                          formatBytes(a->limits.flashBytes));
    gauges_[3]->setFigure(double(shown_.peakSramBytes), formatBytes(shown_.peakSramBytes), double(a->limits.sramBytes),
                          formatBytes(a->limits.sramBytes));
    gauges_[4]->setFigure(shown_.latencyMs, formatMs(shown_.latencyMs), 0, {});
    gauges_[4]->setNote(tr("at %1 MHz on %2").arg(a->board.clockHz / 1000000).arg(QString::fromStdString(a->board.id)));
    for (int i : {0, 1, 4})
        gauges_[i]->setToolTip(gauges_[i]->toolTip() + QStringLiteral(" (") +
                               (i == 4 ? QString::number(shown_.latencyMs, 'f', 4) + QStringLiteral(" ms")
                                       : withCommas(i == 0 ? shown_.macs : shown_.params)) +
                               QStringLiteral(")"));
    if (!imported) {
        diagram_->setAnalysis(a);
        inspector_->setAnalysis(a);
        inspector_->setSelection(diagram_->selectedStage(), diagram_->selectedBlock());
    }
    timeline_->setAnalysis(a);
}

bool DesignView::edit(const arch::Architecture& a, const QString& text, int mergeKey) {
    QString error;
    if (document_->editArchitecture(a, text, static_cast<MergeKey>(mergeKey), &error)) return true;
    emit editRefused(error);
    refresh();  // put the controls back to the project's values
    return false;
}

namespace {
bool validIndex(const arch::Architecture& a, int stage, int block) {
    return stage >= 0 && stage < static_cast<int>(a.stages.size()) && block >= 0 &&
           block < static_cast<int>(a.stages[static_cast<std::size_t>(stage)].blocks.size());
}
}  // namespace

bool DesignView::setResolution(int r) {
    arch::Architecture a = document_->project().architecture;
    if (a.resolution == r) return true;
    a.resolution = r;
    return edit(a, tr("Resolution %1").arg(r), static_cast<int>(MergeKey::Resolution));
}

bool DesignView::setWidth(double w) {
    arch::Architecture a = document_->project().architecture;
    if (std::abs(a.width - w) < 1e-9) return true;
    a.width = w;
    return edit(a, tr("Width %1").arg(w, 0, 'f', 2), static_cast<int>(MergeKey::Width));
}

bool DesignView::setClasses(int n) {
    arch::Architecture a = document_->project().architecture;
    if (a.numClasses == n) return true;
    a.numClasses = n;
    return edit(a, tr("%1 classes").arg(n));
}

bool DesignView::setKernel(int stage, int block, int kernel) {
    arch::Architecture a = document_->project().architecture;
    if (!validIndex(a, stage, block)) return false;
    auto& b = a.stages[static_cast<std::size_t>(stage)].blocks[static_cast<std::size_t>(block)];
    if (b.kernel == kernel) return true;
    b.kernel = kernel;
    return edit(a, tr("Kernel %1 at stage %2 block %3").arg(kernel).arg(stage + 1).arg(block + 1));
}

bool DesignView::setExpand(int stage, int block, int expand) {
    arch::Architecture a = document_->project().architecture;
    if (!validIndex(a, stage, block)) return false;
    auto& b = a.stages[static_cast<std::size_t>(stage)].blocks[static_cast<std::size_t>(block)];
    if (b.expand == expand) return true;
    b.expand = expand;
    return edit(a, tr("Expand %1 at stage %2 block %3").arg(expand).arg(stage + 1).arg(block + 1));
}

bool DesignView::insertBlock(int stage, int afterBlock) {
    arch::Architecture a = document_->project().architecture;
    if (!validIndex(a, stage, afterBlock)) return false;
    auto& blocks = a.stages[static_cast<std::size_t>(stage)].blocks;
    blocks.insert(blocks.begin() + afterBlock + 1, blocks[static_cast<std::size_t>(afterBlock)]);
    if (!edit(a, tr("Insert block in stage %1").arg(stage + 1))) return false;
    diagram_->setSelection(stage, afterBlock + 1);
    return true;
}

bool DesignView::removeBlock(int stage, int block) {
    arch::Architecture a = document_->project().architecture;
    if (!validIndex(a, stage, block)) return false;
    auto& blocks = a.stages[static_cast<std::size_t>(stage)].blocks;
    if (blocks.size() <= 1) {
        emit editRefused(tr("A stage keeps at least one block (stage %1)").arg(stage + 1));
        return false;
    }
    blocks.erase(blocks.begin() + block);
    if (!edit(a, tr("Remove block %1 of stage %2").arg(block + 1).arg(stage + 1))) return false;
    diagram_->setSelection(stage, std::min(block, static_cast<int>(blocks.size()) - 1));
    return true;
}

bool DesignView::setStageChannels(int stage, int channels) {
    arch::Architecture a = document_->project().architecture;
    if (stage < 0 || stage >= static_cast<int>(a.stages.size())) return false;
    if (a.stages[static_cast<std::size_t>(stage)].baseChannels == channels) return true;
    a.stages[static_cast<std::size_t>(stage)].baseChannels = channels;
    return edit(a, tr("Stage %1 channels %2").arg(stage + 1).arg(channels), static_cast<int>(MergeKey::StageChannels));
}

bool DesignView::setStageStride(int stage, int stride) {
    arch::Architecture a = document_->project().architecture;
    if (stage < 0 || stage >= static_cast<int>(a.stages.size())) return false;
    if (a.stages[static_cast<std::size_t>(stage)].stride == stride) return true;
    a.stages[static_cast<std::size_t>(stage)].stride = stride;
    return edit(a, tr("Stage %1 stride %2").arg(stage + 1).arg(stride));
}

bool DesignView::loadPreset(const QString& name) {
    try {
        arch::Architecture a = arch::preset(name.toStdString());
        return edit(a, tr("Preset %1").arg(name));
    } catch (const Error& e) {
        emit editRefused(QString::fromStdString(e.what()));
        return false;
    }
}

}  // namespace mcunet::ui
