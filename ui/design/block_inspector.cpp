#include "common/defaults.h"
#include "design/block_inspector.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include "arch/presets.h"
#include "common/format.h"

namespace mcunet::ui {

BlockInspector::BlockInspector(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    auto* net = new QGroupBox(tr("Network"));
    auto* nf = new QFormLayout(net);
    resolution_ = new QSpinBox;
    resolution_->setObjectName(QStringLiteral("resolution"));
    resolution_->setRange(defaults::kMinNetworkResolution, defaults::kMaxNetworkResolution);
    resolution_->setSingleStep(16);
    resolution_->setSuffix(tr(" px"));
    width_ = new QDoubleSpinBox;
    width_->setObjectName(QStringLiteral("width"));
    width_->setRange(defaults::kMinNetworkWidth, defaults::kMaxNetworkWidth);
    width_->setSingleStep(0.05);
    width_->setDecimals(2);
    classes_ = new QSpinBox;
    classes_->setRange(defaults::kMinClasses, defaults::kMaxClasses);
    preset_ = new QComboBox;
    preset_->addItem(tr("Start from a preset…"));
    for (const auto& p : arch::listPresets())
        if (p.name.find('{') == std::string::npos)
            preset_->addItem(QString::fromStdString(p.name), QString::fromStdString(p.name));
    for (const char* family : {"mbv2-w0.35-r144", "proxyless-w0.3-r176"})
        if (preset_->findData(QString::fromLatin1(family)) < 0)
            preset_->addItem(QString::fromLatin1(family), QString::fromLatin1(family));
    nf->addRow(tr("Resolution R"), resolution_);
    nf->addRow(tr("Width W"), width_);
    nf->addRow(tr("Classes"), classes_);
    nf->addRow(preset_);
    layout->addWidget(net);

    stageBox_ = new QGroupBox(tr("Stage"));
    auto* sf = new QFormLayout(stageBox_);
    stageChannels_ = new QSpinBox;
    stageChannels_->setRange(8, 8192);
    stageChannels_->setSingleStep(8);
    stageChannels_->setToolTip(tr("Output channels at W = 1.0; the network uses them × W, rounded to a multiple of 8"));
    stageStride_ = new QComboBox;
    stageStride_->addItem(QStringLiteral("1"), 1);
    stageStride_->addItem(QStringLiteral("2"), 2);
    sf->addRow(tr("Base channels"), stageChannels_);
    sf->addRow(tr("Stride"), stageStride_);
    layout->addWidget(stageBox_);

    blockBox_ = new QGroupBox(tr("Block"));
    auto* bl = new QVBoxLayout(blockBox_);
    auto* kernelRow = new QHBoxLayout;
    kernelRow->addWidget(new QLabel(tr("Kernel")));
    kernels_ = new QButtonGroup(this);
    kernels_->setExclusive(true);
    for (int k : {3, 5, 7}) {
        auto* b = new QToolButton;
        b->setText(QStringLiteral("%1×%1").arg(k));
        b->setCheckable(true);
        b->setToolTip(tr("Depthwise kernel %1 × %1 (key %1)").arg(k));
        b->setMinimumWidth(46);
        kernels_->addButton(b, k);
        kernelRow->addWidget(b);
    }
    kernelRow->addStretch(1);
    bl->addLayout(kernelRow);
    auto* expandRow = new QHBoxLayout;
    expandRow->addWidget(new QLabel(tr("Expand ratio")));
    expand_ = new QSpinBox;
    expand_->setRange(1, 8);
    expand_->setToolTip(tr("Width of the 1×1 expansion, × input channels (keys + and -); the search space uses 3 to 6"));
    expandRow->addWidget(expand_, 1);
    bl->addLayout(expandRow);
    auto* buttons = new QHBoxLayout;
    insert_ = new QPushButton(tr("Insert after"));
    insert_->setToolTip(tr("Add a copy of this block after it (Ins)"));
    remove_ = new QPushButton(tr("Remove"));
    remove_->setToolTip(tr("Remove this block (Del)"));
    buttons->addWidget(insert_);
    buttons->addWidget(remove_);
    bl->addLayout(buttons);
    figures_ = new QLabel;
    figures_->setWordWrap(true);
    figures_->setTextFormat(Qt::RichText);
    bl->addWidget(figures_);
    layout->addWidget(blockBox_);
    auto* keys = new QLabel(tr("<small>Click a tile to select it; keys 3/5/7 set the kernel, +/- the expand ratio, "
                               "Ins/Del add or remove, arrows move. Every edit can be undone (Ctrl+Z).</small>"));
    keys->setWordWrap(true);
    keys->setTextFormat(Qt::RichText);
    layout->addWidget(keys);
    layout->addStretch(1);

    connect(resolution_, &QSpinBox::valueChanged, this, [this](int v) {
        if (!updating_) emit resolutionRequested(v);
    });
    connect(width_, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        if (!updating_) emit widthRequested(v);
    });
    connect(classes_, &QSpinBox::valueChanged, this, [this](int v) {
        if (!updating_) emit classesRequested(v);
    });
    connect(preset_, &QComboBox::activated, this, [this](int i) {
        if (i > 0) emit presetRequested(preset_->itemData(i).toString());
        preset_->setCurrentIndex(0);
    });
    connect(stageChannels_, &QSpinBox::valueChanged, this, [this](int v) {
        if (!updating_ && stage_ >= 0) emit stageChannelsRequested(stage_, v);
    });
    connect(stageStride_, &QComboBox::activated, this, [this](int i) {
        if (!updating_ && stage_ >= 0) emit stageStrideRequested(stage_, stageStride_->itemData(i).toInt());
    });
    connect(kernels_, &QButtonGroup::idClicked, this, [this](int k) {
        if (!updating_ && stage_ >= 0) emit kernelRequested(stage_, block_, k);
    });
    connect(expand_, &QSpinBox::valueChanged, this, [this](int v) {
        if (!updating_ && stage_ >= 0) emit expandRequested(stage_, block_, v);
    });
    connect(insert_, &QPushButton::clicked, this, [this] {
        if (stage_ >= 0) emit insertRequested(stage_, block_);
    });
    connect(remove_, &QPushButton::clicked, this, [this] {
        if (stage_ >= 0) emit removeRequested(stage_, block_);
    });
    refresh();
}

void BlockInspector::setAnalysis(std::shared_ptr<const DesignAnalysis> analysis) {
    analysis_ = std::move(analysis);
    refresh();
}

void BlockInspector::setSelection(int stage, int block) {
    stage_ = stage;
    block_ = block;
    refresh();
}

void BlockInspector::refresh() {
    updating_ = true;
    const bool have = analysis_ != nullptr;
    const bool sel = have && stage_ >= 0 && stage_ < static_cast<int>(analysis_->architecture.stages.size()) &&
                     block_ >= 0 &&
                     block_ < static_cast<int>(analysis_->architecture.stages[static_cast<std::size_t>(stage_)].blocks.size());
    if (have) {
        const arch::Architecture& a = analysis_->architecture;
        resolution_->setValue(a.resolution);
        width_->setValue(a.width);
        classes_->setValue(a.numClasses);
    }
    stageBox_->setEnabled(sel);
    blockBox_->setEnabled(sel);
    if (!sel) {
        stageBox_->setTitle(tr("Stage (select a block)"));
        blockBox_->setTitle(tr("Block (select a tile in the diagram)"));
        figures_->clear();
        updating_ = false;
        return;
    }
    const arch::Architecture& a = analysis_->architecture;
    const arch::Stage& st = a.stages[static_cast<std::size_t>(stage_)];
    const arch::Block& b = st.blocks[static_cast<std::size_t>(block_)];
    stageBox_->setTitle(tr("Stage %1 (%2 blocks)").arg(stage_ + 1).arg(st.blocks.size()));
    stageChannels_->setValue(st.baseChannels);
    stageStride_->setCurrentIndex(st.stride == 2 ? 1 : 0);
    blockBox_->setTitle(tr("Block %1 of stage %2").arg(block_ + 1).arg(stage_ + 1));
    if (auto* button = kernels_->button(b.kernel)) button->setChecked(true);
    expand_->setValue(b.expand);
    remove_->setEnabled(st.blocks.size() > 1);
    const UnitSummary& u = analysis_->blocks[static_cast<std::size_t>(stage_)][static_cast<std::size_t>(block_)];
    figures_->setText(tr("%1 MACs (%2 % of the network)<br>%3 params · %4<br>needs %5 of arena while it runs")
                          .arg(formatMacs(double(u.macs)))
                          .arg(100.0 * double(u.macs) / double(std::max<std::int64_t>(analysis_->cost.macs, 1)), 0, 'f', 1)
                          .arg(withCommas(u.params), formatMs(u.latencyMs), formatBytes(u.peakBytes)));
    updating_ = false;
}

}  // namespace mcunet::ui
