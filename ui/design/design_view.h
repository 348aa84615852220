#pragma once
// Step 4, Design: the architecture diagram, the inspector, live figures
// against the target's limits (MACs, params, Flash, peak SRAM, latency) and,
// below them, the per-layer SRAM timeline (training moved to the Train &
// search step, which also opens searched networks here). Every edit is an
// undoable command on the project's stack; figures are recomputed at once
// (DesignAnalysis), with the same functions `mcunet cost` uses.
#include <cstdint>
#include <memory>
#include <optional>

#include <QWidget>

class QLabel;
class QStackedWidget;
class QTableView;

#include "arch/architecture.h"
#include "memory/plan.h"

namespace mcunet::ui {

class ProjectDocument;
class ArchitectureDiagram;
class BlockInspector;
class MetricGauge;
class SramTimelinePlot;
class LayerCostModel;

// The figures the view shows (exact values behind the formatted gauges).
struct ShownFigures {
    std::int64_t macs = 0, params = 0, flashBytes = 0, peakSramBytes = 0;
    double latencyMs = 0;
};

class DesignView : public QWidget {
    Q_OBJECT
public:
    explicit DesignView(ProjectDocument* document, QWidget* parent = nullptr);
    ShownFigures shownFigures() const { return shown_; }
    ArchitectureDiagram* diagram() const { return diagram_; }
    SramTimelinePlot* timeline() const { return timeline_; }
    // A note above the diagram while the design is still `a` (a network
    // opened from the search shows its accuracy there).
    void showOrigin(const arch::Architecture& a, const QString& note);
    QLabel* originLabel() const { return origin_; }
    MetricGauge* gauge(int i) const { return gauges_[i]; }  // 0 MACs, 1 params, 2 Flash, 3 SRAM, 4 latency
    // An imported network: a read-only layer table in place of the diagram.
    QTableView* importedLayers() const { return layers_; }
    bool showsImported() const;

public slots:
    bool setResolution(int r);
    bool setWidth(double w);
    bool setClasses(int n);
    bool setKernel(int stage, int block, int kernel);
    bool setExpand(int stage, int block, int expand);
    bool insertBlock(int stage, int afterBlock);
    bool removeBlock(int stage, int block);
    bool setStageChannels(int stage, int channels);
    bool setStageStride(int stage, int stride);
    bool loadPreset(const QString& name);

signals:
    void editRefused(const QString& message);

private:
    bool edit(const arch::Architecture& a, const QString& text, int mergeKey = -1);
    void refresh();
    QWidget* makeImportedPage();

    ProjectDocument* document_;
    ArchitectureDiagram* diagram_;
    BlockInspector* inspector_;
    SramTimelinePlot* timeline_;
    QLabel* origin_ = nullptr;
    std::optional<arch::Architecture> originArch_;
    QStackedWidget* networkStack_ = nullptr;  // 0: diagram + inspector, 1: imported layers
    QTableView* layers_ = nullptr;
    LayerCostModel* layerModel_ = nullptr;
    QLabel* importNote_ = nullptr;
    MetricGauge* gauges_[5] = {};
    ShownFigures shown_;
};

}  // namespace mcunet::ui
