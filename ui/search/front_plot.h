#pragma once
// The search's result, live: every network the evolution evaluated, its
// validation accuracy in the supernet (vertical) against estimated latency,
// peak SRAM (planner ours) or Flash (a choice in the header), with the limit
// as a dashed line and the front (no other network is more accurate for
// less) highlighted. When the run is done the three fine-tuned int8 models
// join as marks at their test accuracy: the searched network, the best of
// random search and the scaled MobileNetV2 baselines. Clicking a network
// opens it in Design.
#include <vector>

#include "plot/plot_panel.h"
#include "search/search_progress.h"

class QCPGraph;
class QCPItemStraightLine;
class QComboBox;

namespace mcunet::ui {

class FrontPlot : public plot::PlotPanel {
    Q_OBJECT
public:
    enum class XAxis { Latency, Sram, Flash };
    struct Limits {
        long long sramBytes = 0, flashBytes = 0;
        double latencyMs = 0;  // 0: none
    };
    explicit FrontPlot(QWidget* parent = nullptr);

    void clear();
    void setLimits(const Limits& limits);
    void addCandidates(const std::vector<SearchCandidate>& candidates);  // duplicates (by key) are ignored
    void setReport(const TinynasReport& report);  // the fine-tuned int8 models
    void setXAxis(XAxis x);
    XAxis xAxis() const { return x_; }

    const std::vector<SearchCandidate>& candidates() const { return candidates_; }
    const std::vector<int>& front() const { return front_; }  // indices into candidates(), by cost
    int bestIndex() const { return best_; }                    // -1 when empty
    QCPGraph* evaluatedGraph() const { return evaluated_; }
    QCPGraph* frontGraph() const { return frontGraph_; }
    QCPGraph* modelGraph(int i) const { return models_[i]; }  // 0 searched, 1 random, 2 mbv2
    // The pixel of candidate i on the plot (tests click it).
    QPointF pixelOf(int i) const;

signals:
    void candidateClicked(const mcunet::ui::SearchCandidate& candidate);

private:
    void rebuild();
    double xOf(const SearchCandidate& c) const;
    int candidateAt(const QPointF& pixel) const;
    void showTip(const QPointF& pixel, const QPoint& global);

    std::vector<SearchCandidate> candidates_;
    std::vector<int> front_;
    int best_ = -1;
    Limits limits_;
    std::vector<ReportModel> finals_;
    XAxis x_ = XAxis::Latency;
    QCPGraph* evaluated_ = nullptr;
    QCPGraph* frontGraph_ = nullptr;
    QCPGraph* bestGraph_ = nullptr;
    QCPGraph* models_[3] = {nullptr, nullptr, nullptr};
    QCPItemStraightLine* limitLine_ = nullptr;
    QComboBox* xChoice_ = nullptr;
};

// Best validation accuracy per generation: the evolution and, when the
// baseline runs, random search (generation 0 only: one draw).
class GenerationPlot : public plot::PlotPanel {
    Q_OBJECT
public:
    explicit GenerationPlot(QWidget* parent = nullptr);
    void clear();
    void addGeneration(const FlowGeneration& g);
    QCPGraph* evolution() const { return evolution_; }
    QCPGraph* random() const { return random_; }

private:
    QCPGraph* evolution_ = nullptr;
    QCPGraph* random_ = nullptr;
    int generations_ = 1;
    double low_ = 1, high_ = 0;
};

}  // namespace mcunet::ui
