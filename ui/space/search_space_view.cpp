#include "common/defaults.h"
#include "space/search_space_view.h"

#include <cmath>

#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

#include "common/format.h"
#include "document/project_document.h"
#include "jobs/job_runner.h"
#include "space/cdf_plot.h"
#include "space/heat_map_plot.h"
#include "space/pareto_plot.h"
#include "space/search_space.h"
#include "space/space_sampling.h"

namespace mcunet::ui {

namespace {
std::vector<double> widthRange(double from, double to, double step) {
    std::vector<double> out;
    if (step <= 0) step = 0.1;
    const int n = int(std::floor((to - from) / step + 1e-6)) + 1;
    for (int k = 0; k < std::max(n, 1); ++k) out.push_back(std::round((from + k * step) * 1000.0) / 1000.0);
    return out;
}
std::vector<int> resolutionRange(int from, int to, int step) {
    std::vector<int> out;
    for (int r = from; r <= std::max(from, to); r += std::max(step, 1)) out.push_back(r);
    return out;
}
}  // namespace

SearchSpaceView::SearchSpaceView(ProjectDocument* document, QWidget* parent)
    : QWidget(parent), document_(document), optimizerJob_(new JobRunner(this)), samplingJob_(new JobRunner(this)) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 10, 10, 10);
    layout->setSpacing(12);

    auto* side = new QVBoxLayout;
    auto* gridBox = new QGroupBox(tr("Spaces to compare"));
    auto* form = new QFormLayout(gridBox);
    auto intSpin = [](int lo, int hi, int step) {
        auto* s = new QSpinBox;
        s->setRange(lo, hi);
        s->setSingleStep(step);
        return s;
    };
    auto dblSpin = [](double lo, double hi) {
        auto* s = new QDoubleSpinBox;
        s->setRange(lo, hi);
        s->setDecimals(2);
        s->setSingleStep(0.05);
        return s;
    };
    r0_ = intSpin(32, 1024, 16);
    r1_ = intSpin(32, 1024, 16);
    rStep_ = intSpin(1, 512, 8);
    w0_ = dblSpin(defaults::kMinGridWidth, defaults::kMaxGridWidth);
    w1_ = dblSpin(defaults::kMinGridWidth, defaults::kMaxGridWidth);
    wStep_ = dblSpin(0.01, 2.0);
    auto* rw = new QGridLayout;
    rw->addWidget(new QLabel(tr("from")), 0, 1);
    rw->addWidget(new QLabel(tr("to")), 0, 2);
    rw->addWidget(new QLabel(tr("step")), 0, 3);
    rw->addWidget(new QLabel(tr("Resolution R")), 1, 0);
    rw->addWidget(r0_, 1, 1);
    rw->addWidget(r1_, 1, 2);
    rw->addWidget(rStep_, 1, 3);
    rw->addWidget(new QLabel(tr("Width W")), 2, 0);
    rw->addWidget(w0_, 2, 1);
    rw->addWidget(w1_, 2, 2);
    rw->addWidget(wStep_, 2, 3);
    form->addRow(rw);
    samples_ = intSpin(10, 100000, 100);
    samples_->setObjectName(QStringLiteral("samplesPerSpace"));
    seed_ = intSpin(0, 2147483647, 1);
    form->addRow(tr("Samples per space"), samples_);
    form->addRow(tr("Seed"), seed_);
    minShare_ = new QDoubleSpinBox;
    minShare_->setObjectName(QStringLiteral("minSatisfyingShare"));
    minShare_->setRange(0, 100);
    minShare_->setDecimals(0);
    minShare_->setSuffix(QStringLiteral(" %"));
    minShare_->setToolTip(tr("Stage 1 chooses the space with the highest mean MACs among those where at least this share "
                             "of the sampled networks fit: a space where few fit would leave the search little to choose "
                             "from (mcunet space --min-share)"));
    form->addRow(tr("Fitting at least"), minShare_);
    gridSize_ = new QLabel;
    form->addRow(gridSize_);
    side->addWidget(gridBox);

    auto* runRow = new QHBoxLayout;
    run_ = new QPushButton(tr("Run stage 1"));
    run_->setObjectName(QStringLiteral("runSearch"));
    run_->setDefault(true);
    cancel_ = new QPushButton(tr("Cancel"));
    cancel_->setEnabled(false);
    runRow->addWidget(run_, 1);
    runRow->addWidget(cancel_);
    side->addLayout(runRow);
    progress_ = new QProgressBar;
    progress_->setRange(0, 1000);
    progress_->setValue(0);
    progress_->setTextVisible(true);
    side->addWidget(progress_);
    status_ = new QLabel;
    status_->setWordWrap(true);
    side->addWidget(status_);

    auto* resultBox = new QGroupBox(tr("Result"));
    auto* rl = new QVBoxLayout(resultBox);
    summary_ = new QLabel;
    summary_->setWordWrap(true);
    summary_->setTextFormat(Qt::RichText);
    summary_->setMinimumHeight(90);
    summary_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    rl->addWidget(summary_);
    useSpace_ = new QPushButton(tr("Use this space in Design"));
    useSpace_->setObjectName(QStringLiteral("useSpace"));
    useSpace_->setToolTip(tr("Set the design's resolution and width to the selected space (undoable)"));
    useLargest_ = new QPushButton(tr("Open its largest fitting network"));
    useLargest_->setToolTip(tr("Replace the design with the sampled network of the selected space that fits and has "
                               "the most MACs (undoable)"));
    rl->addWidget(useSpace_);
    rl->addWidget(useLargest_);
    side->addWidget(resultBox);

    auto* reading = new QLabel(
        tr("<b>How to read it.</b> TinyNAS first picks <i>where</i> to search. For every input resolution R and "
           "width multiplier W it samples networks, keeps those that fit the board's SRAM (peak of the whole-network "
           "schedule) and Flash, and compares how much computation they reach. Under the same memory, the space "
           "whose curve lies furthest to the right holds the more capable networks, so it is chosen; stage 2 "
           "(Search) then trains and searches inside it."));
    reading->setWordWrap(true);
    reading->setTextFormat(Qt::RichText);
    side->addWidget(reading);
    side->addStretch(1);
    auto* sideWidget = new QWidget;
    sideWidget->setLayout(side);
    sideWidget->setFixedWidth(380);
    layout->addWidget(sideWidget);

    charts_ = new QTabWidget;
    cdf_ = new CdfPlot;
    heatMap_ = new HeatMapPlot;
    pareto_ = new ParetoPlot;
    charts_->addTab(cdf_, tr("MACs CDF per space"));
    charts_->addTab(heatMap_, tr("R × W heat map"));
    charts_->addTab(pareto_, tr("Sampled networks (Pareto)"));
    layout->addWidget(charts_, 1);

    for (QSpinBox* s : {r0_, r1_, rStep_, samples_, seed_})
        connect(s, &QSpinBox::valueChanged, this, &SearchSpaceView::pushSettings);
    for (QDoubleSpinBox* s : {w0_, w1_, wStep_, minShare_})
        connect(s, &QDoubleSpinBox::valueChanged, this, &SearchSpaceView::pushSettings);
    connect(run_, &QPushButton::clicked, this, &SearchSpaceView::runSearch);
    connect(cancel_, &QPushButton::clicked, this, &SearchSpaceView::cancelSearch);
    connect(useSpace_, &QPushButton::clicked, this, &SearchSpaceView::useSelectedSpace);
    connect(useLargest_, &QPushButton::clicked, this, &SearchSpaceView::openLargestSatisfying);
    connect(cdf_, &CdfPlot::spaceClicked, this, &SearchSpaceView::selectSpace);
    connect(heatMap_, &HeatMapPlot::spaceClicked, this, &SearchSpaceView::selectSpace);
    connect(pareto_, &ParetoPlot::networkClicked, this, [this](const arch::Architecture& a) {
        arch::Architecture next = a;
        next.numClasses = document_->project().architecture.numClasses;
        if (document_->editArchitecture(next, tr("Open sampled network %1").arg(QString::fromStdString(a.name))))
            emit designRequested();
    });
    connect(optimizerJob_, &JobRunner::progress, this, [this](qint64 done, qint64 total, const QString&) {
        progress_->setValue(total > 0 ? int(1000.0 * double(done) / double(total)) : 0);
        progress_->setFormat(QStringLiteral("%1 / %2 networks").arg(withCommas(done), withCommas(total)));
    });
    connect(optimizerJob_, &JobRunner::finished, this,
            [this](const QString&, bool ok, bool cancelled, const QString& error) {
                setRunning(false);
                if (cancelled) status_->setText(tr("Cancelled. The previous result (if any) is kept."));
                else if (!ok) status_->setText(tr("Failed: %1").arg(error));
            });
    connect(samplingJob_, &JobRunner::finished, this, [this](const QString&, bool ok, bool, const QString& error) {
        if (!ok && !error.isEmpty()) status_->setText(tr("Sampling failed: %1").arg(error));
    });
    connect(document_, &ProjectDocument::spaceSettingsChanged, this, [this] {
        loadSettings();
        if (result_) {
            stale_ = true;
            updateSummary();
        }
    });
    connect(document_, &ProjectDocument::targetChanged, this, [this] {
        if (result_) {
            stale_ = true;
            pareto_->setLimits(document_->limits());
            updateSummary();
        }
    });
    connect(document_, &ProjectDocument::projectReplaced, this, [this] {
        optimizerJob_->cancel();
        samplingJob_->cancel();
        result_.reset();
        selected_ = -1;
        stale_ = false;
        cdf_->clear();
        heatMap_->clear();
        pareto_->clear();
        progress_->setValue(0);
        progress_->setFormat(QString());
        status_->clear();
        updateSummary();
    });
    loadSettings();
    updateSummary();
}

void SearchSpaceView::loadSettings() {
    updating_ = true;
    const project::SpaceSettings& s = document_->project().space;
    const auto& rs = s.grid.resolutions;
    const auto& ws = s.grid.widths;
    r0_->setValue(rs.front());
    r1_->setValue(rs.back());
    rStep_->setValue(rs.size() > 1 ? rs[1] - rs[0] : 16);
    w0_->setValue(ws.front());
    w1_->setValue(ws.back());
    wStep_->setValue(ws.size() > 1 ? ws[1] - ws[0] : 0.1);
    samples_->setValue(s.samplesPerSpace);
    seed_->setValue(int(std::min<std::uint64_t>(s.seed, 2147483647)));
    minShare_->setValue(s.minSatisfyingShare * 100);
    gridSize_->setText(tr("%1 × %2 spaces, %3 networks in all")
                           .arg(rs.size())
                           .arg(ws.size())
                           .arg(withCommas(std::int64_t(rs.size() * ws.size()) * s.samplesPerSpace)));
    updating_ = false;
}

void SearchSpaceView::pushSettings() {
    if (updating_) return;
    project::SpaceSettings s = document_->project().space;
    s.grid.resolutions = resolutionRange(r0_->value(), r1_->value(), rStep_->value());
    s.grid.widths = widthRange(w0_->value(), w1_->value(), wStep_->value());
    s.samplesPerSpace = samples_->value();
    s.seed = static_cast<std::uint64_t>(seed_->value());
    s.minSatisfyingShare = minShare_->value() / 100.0;
    document_->editSpaceSettings(s, tr("Search-space settings"));
}

void SearchSpaceView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    // First visit: run with the project's settings so the charts are never empty.
    if (!result_ && !optimizerJob_->isRunning()) runSearch();
}

void SearchSpaceView::setRunning(bool running) {
    run_->setEnabled(!running);
    cancel_->setEnabled(running);
    for (QWidget* w : std::initializer_list<QWidget*>{r0_, r1_, rStep_, w0_, w1_, wStep_, samples_, seed_, minShare_})
        w->setEnabled(!running);
}

void SearchSpaceView::runSearch() {
    if (optimizerJob_->isRunning()) return;
    samplingJob_->cancel();
    const project::Project& p = document_->project();
    const space::SearchSpace searchSpace = space::mcunetSpace(p.architecture.numClasses);
    const board::Board board = document_->board();
    const space::Constraints limits = document_->limits();
    space::OptimizerOptions options;
    options.grid = p.space.grid;
    options.samplesPerSpace = p.space.samplesPerSpace;
    options.seed = p.space.seed;
    options.minSatisfyingShare = p.space.minSatisfyingShare;
    resultMinShare_ = options.minSatisfyingShare;
    resultGrid_ = options.grid;
    resultLimits_ = limits;
    setRunning(true);
    progress_->setValue(0);
    status_->setText(tr("Sampling %1 networks on %2…")
                         .arg(withCommas(std::int64_t(options.grid.resolutions.size() * options.grid.widths.size()) *
                                         options.samplesPerSpace),
                              QString::fromStdString(board.id)));
    optimizerJob_->run<space::OptimizerResult>(
        tr("Search-space optimization"),
        [searchSpace, board, limits, options](JobContext& job) mutable {
            options.cancel = job.cancelFlag();
            options.progress = [&job](std::int64_t done, std::int64_t total) { return job.progress(done, total); };
            return space::optimize(searchSpace, board, limits, options);
        },
        [this](space::OptimizerResult r) { onResult(std::move(r)); });
}

void SearchSpaceView::cancelSearch() {
    optimizerJob_->cancel();
    samplingJob_->cancel();
}

void SearchSpaceView::onResult(space::OptimizerResult r) {
    if (r.cancelled) {
        status_->setText(tr("Cancelled. The previous result (if any) is kept."));
        return;
    }
    result_ = std::make_shared<const space::OptimizerResult>(std::move(r));
    stale_ = false;
    selected_ = result_->chosen;
    progress_->setValue(1000);
    progress_->setFormat(tr("done"));
    status_->setText(tr("%1 networks evaluated in %2 s.").arg(withCommas(result_->evaluated)).arg(result_->seconds, 0, 'f', 2));
    cdf_->setResult(result_, selected_);
    heatMap_->setResult(result_, resultGrid_, selected_);
    if (result_->chosen >= 0) {
        const auto& c = result_->spaces[static_cast<std::size_t>(result_->chosen)];
        document_->recordSpaceChoice({c.resolution, c.width, c.meanMacs, c.satisfyingShare, resultLimits_.sramBytes,
                                      resultLimits_.flashBytes});
    }
    updateSummary();
    sampleSelected();
}

void SearchSpaceView::selectSpace(int index) {
    if (!result_ || index < 0 || index >= static_cast<int>(result_->spaces.size()) || index == selected_) return;
    selected_ = index;
    cdf_->setSelected(index);
    heatMap_->setSelected(index);
    updateSummary();
    sampleSelected();
}

void SearchSpaceView::sampleSelected() {
    if (!result_ || selected_ < 0) {
        pareto_->clear();
        return;
    }
    const auto& s = result_->spaces[static_cast<std::size_t>(selected_)];
    const project::Project& p = document_->project();
    const space::SearchSpace searchSpace = space::mcunetSpace(p.architecture.numClasses);
    const board::Board board = document_->board();
    const space::Constraints limits = resultLimits_;
    const int count = sampledNetworksPerSpace();
    const std::uint64_t seed = p.space.seed;
    const int r = s.resolution;
    const double w = s.width;
    const QString name = tr("R %1 · W %2").arg(r).arg(w, 0, 'f', 2);
    auto start = [=, this] {
        samplingJob_->run<std::vector<SampledNetwork>>(
            tr("Sampling %1").arg(name),
            [=](JobContext& job) {
                return sampleNetworks(searchSpace, r, w, count, seed, board, limits, job.cancelFlag(),
                                      [&job](int done, int total) { job.progress(done, total); });
            },
            [this, limits, name](std::vector<SampledNetwork> nets) { pareto_->setSamples(std::move(nets), limits, name); });
    };
    if (samplingJob_->isRunning()) {
        // Restart with the new selection once the running one has stopped.
        samplingJob_->cancel();
        auto* once = new QObject(this);
        connect(samplingJob_, &JobRunner::finished, once, [once, start] {
            once->deleteLater();
            start();
        });
    } else {
        start();
    }
}

void SearchSpaceView::useSelectedSpace() {
    if (!result_ || selected_ < 0) return;
    const auto& s = result_->spaces[static_cast<std::size_t>(selected_)];
    arch::Architecture a = document_->project().architecture;
    a.resolution = s.resolution;
    a.width = s.width;
    if (document_->editArchitecture(a, tr("Use space R %1, W %2").arg(s.resolution).arg(s.width, 0, 'f', 2)))
        emit designRequested();
}

void SearchSpaceView::openLargestSatisfying() {
    if (!result_ || selected_ < 0) return;
    const auto& s = result_->spaces[static_cast<std::size_t>(selected_)];
    if (!s.largestSatisfying) return;
    arch::Architecture a = *s.largestSatisfying;
    a.name = QStringLiteral("largest-r%1-w%2").arg(s.resolution).arg(int(std::lround(s.width * 100))).toStdString();
    if (document_->editArchitecture(a, tr("Open largest network of R %1, W %2").arg(s.resolution).arg(s.width, 0, 'f', 2)))
        emit designRequested();
}

QString SearchSpaceView::summaryText() const { return summary_->text(); }

void SearchSpaceView::updateSummary() {
    const bool have = result_ && selected_ >= 0 && !document_->isImported();
    useSpace_->setEnabled(have);
    useLargest_->setEnabled(have && result_->spaces[static_cast<std::size_t>(selected_)].largestSatisfying.has_value());
    const QString readOnly = tr("The network is an imported .tflite (read-only): File > New starts a design");
    useSpace_->setToolTip(document_->isImported() ? readOnly : tr("Set the design's resolution and width to the selected space (undoable)"));
    if (!result_) {
        const auto& last = document_->project().lastSpaceChoice;
        summary_->setText(last ? tr("Last run chose <b>R %1, W %2</b> (mean %3 MACs, %4 % fit). Run again to see "
                                    "the curves.")
                                     .arg(last->resolution)
                                     .arg(last->width, 0, 'f', 2)
                                     .arg(formatMacs(last->meanMacs))
                                     .arg(last->satisfyingShare * 100, 0, 'f', 0)
                               : tr("Not run yet."));
        return;
    }
    if (result_->chosen < 0) {
        summary_->setText(tr("<b>No space fits</b> %1 SRAM and %2 Flash: even the smallest sampled networks are too "
                             "large. Relax the limits in Target or try smaller R and W.")
                              .arg(formatBytes(resultLimits_.sramBytes), formatBytes(resultLimits_.flashBytes)));
        return;
    }
    const auto& c = result_->spaces[static_cast<std::size_t>(result_->chosen)];
    QString text = tr("Chosen: <b>R %1, W %2</b><br>mean %3 MACs of the networks that fit; %4 % of samples fit "
                      "%5 SRAM and %6 Flash.")
                       .arg(c.resolution)
                       .arg(c.width, 0, 'f', 2)
                       .arg(formatMacs(c.meanMacs))
                       .arg(c.satisfyingShare * 100, 0, 'f', 0)
                       .arg(formatBytes(resultLimits_.sramBytes), formatBytes(resultLimits_.flashBytes));
    // The rule, and the spaces it passed over (more MACs, too few fitting).
    int passedOver = 0;
    for (const auto& sp : result_->spaces)
        passedOver += sp.satisfying > 0 && sp.satisfyingShare < resultMinShare_ && sp.meanMacs > c.meanMacs;
    text += tr("<br>Rule: the highest mean MACs among the spaces where at least %1 % of the samples fit")
                .arg(resultMinShare_ * 100, 0, 'f', 0);
    if (passedOver > 0)
        text += tr(" (%n space(s) with more MACs but fewer fitting passed over)", nullptr, passedOver);
    text += QLatin1Char('.');
    if (selected_ != result_->chosen) {
        const auto& s = result_->spaces[static_cast<std::size_t>(selected_)];
        text += tr("<br>Selected: <b>R %1, W %2</b>, mean %3 MACs, %4 % fit.")
                    .arg(s.resolution)
                    .arg(s.width, 0, 'f', 2)
                    .arg(s.satisfying ? formatMacs(s.meanMacs) : QStringLiteral("–"))
                    .arg(s.satisfyingShare * 100, 0, 'f', 0);
    }
    if (stale_) text += tr("<br><span style='color:#d98c00'>The target or settings changed since this run: run again.</span>");
    summary_->setText(text);
}

}  // namespace mcunet::ui
