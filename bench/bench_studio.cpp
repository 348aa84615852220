// Studio benchmark: edit-to-update time of the Design view for a 20-block
// network (target < 16 ms, one frame at 60 Hz). One edit = the undo command,
// the new DesignAnalysis (graph, cost, the three planners), every view's
// update (gauges, diagram, inspector, SRAM timeline, status bar, Target and
// Deploy tables) and a synchronous repaint of the visible Design view.
// Runs offscreen at 1600x1000; prints Markdown.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include <QApplication>
#include <QStandardPaths>

#include "arch/presets.h"
#include "board/board.h"
#include "design/design_view.h"
#include "document/design_analysis.h"
#include "document/project_document.h"
#include "project/project.h"
#include "shell/main_window.h"
#include "shell/theme.h"

using Clock = std::chrono::steady_clock;
using namespace mcunet;

namespace {
double ms(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }
struct Stats {
    double median, p95, max;
};
Stats stats(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return {v[v.size() / 2], v[std::min(v.size() - 1, v.size() * 95 / 100)], v.back()};
}
}  // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("MCUNetBench");
    ui::applyTheme(ui::Theme::Light);

    // mcunet-in3 deepened to 20 MBConv blocks: depths 4, 4, 4, 4, 3, 1.
    arch::Architecture a = arch::preset("mcunet-in3");
    a.name = "in3-20-blocks";
    for (std::size_t s = 1; s <= 3; ++s)
        while (a.stages[s].blocks.size() < 4) a.stages[s].blocks.push_back(a.stages[s].blocks.back());
    project::Project p = project::demoProject();
    p.architecture = a;
    p.target.boardId = "stm32f746g-disco";

    ui::MainWindow window(board::Catalog::builtIn());
    window.document()->reset(p);
    window.resize(1600, 1000);
    window.show();
    window.showStep(ui::MainWindow::DesignStep);
    QApplication::processEvents();
    ui::DesignView* design = window.designView();

    const board::Board& b = window.document()->board();
    std::vector<double> analysisOnly, editToUpdate;
    for (int i = 0; i < 20; ++i) {  // warm-up
        design->setKernel(i % 5, 0, i % 2 ? 5 : 7);
        QApplication::processEvents();
        design->repaint();
    }
    for (int i = 0; i < 100; ++i) {
        const auto t0 = Clock::now();
        auto analysis = ui::analyze(window.document()->project().architecture, b, window.document()->limits());
        analysisOnly.push_back(ms(t0, Clock::now()));
    }
    const int kernels[3] = {3, 5, 7};
    for (int i = 0; i < 150; ++i) {
        const int stage = i % 5, block = (i / 5) % 3;
        const auto t0 = Clock::now();
        design->setKernel(stage, block, kernels[i % 3]);
        QApplication::processEvents();  // queued replots
        design->repaint();              // paint now, as the user would see it
        editToUpdate.push_back(ms(t0, Clock::now()));
    }
    const Stats an = stats(analysisOnly), e2u = stats(editToUpdate);
    int blocks = 0;
    for (const auto& s : a.stages) blocks += static_cast<int>(s.blocks.size());
    std::printf("## Studio: Design view edit-to-update (issue: the studio window)\n\n");
    std::printf("Network: %s, %d MBConv blocks, %d layers, %.1fM MACs, board %s; window 1600x1000 offscreen, "
                "Design tab visible; 150 kernel edits.\n\n",
                a.name.c_str(), blocks, window.document()->analysis()->graph.opCount(),
                double(window.document()->analysis()->cost.macs) / 1e6, b.id.c_str());
    std::printf("| step | median | p95 | max | vs target 16 ms (median) |\n|---|---|---|---|---|\n");
    std::printf("| analysis only (graph + cost + 3 planners) | %.2f ms | %.2f ms | %.2f ms | %.1fx under |\n", an.median,
                an.p95, an.max, 16.0 / an.median);
    std::printf("| edit to update (undo command, all views, repaint) | %.2f ms | %.2f ms | %.2f ms | %.1fx under |\n",
                e2u.median, e2u.p95, e2u.max, 16.0 / e2u.median);
    return 0;
}
