#include "target/target_view.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

#include "common/format.h"
#include "design/metric_gauge.h"
#include "document/project_document.h"
#include "target/usb_boards_model.h"

namespace mcunet::ui {

namespace {
QTableWidgetItem* item(const QString& text, bool right = false) {
    auto* it = new QTableWidgetItem(text);
    it->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    if (right) it->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return it;
}
}  // namespace

TargetView::TargetView(ProjectDocument* document, QWidget* parent) : QWidget(parent), document_(document) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 10, 10, 10);
    layout->setSpacing(12);

    auto* left = new QVBoxLayout;
    auto* intro = new QLabel(tr("<b>Board</b> &nbsp;Pick the microcontroller the network must fit. "
                                "Virtual boards run the real firmware in QEMU, so every step works without hardware."));
    intro->setWordWrap(true);
    left->addWidget(intro);
    table_ = new QTableWidget(0, 7);
    table_->setObjectName(QStringLiteral("boardTable"));
    table_->setHorizontalHeaderLabels({tr("Board"), tr("ID"), tr("Core"), tr("Clock"), tr("SRAM"), tr("Flash"), tr("Kind")});
    table_->verticalHeader()->setVisible(false);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setAlternatingRowColors(true);
    table_->setShowGrid(false);
    table_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    for (int c = 1; c < 7; ++c) table_->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    const auto& boards = document_->catalog().boards();
    table_->setRowCount(static_cast<int>(boards.size()));
    for (int r = 0; r < static_cast<int>(boards.size()); ++r) {
        const board::Board& b = boards[static_cast<std::size_t>(r)];
        table_->setItem(r, 0, item(QString::fromStdString(b.name)));
        table_->setItem(r, 1, item(QString::fromStdString(b.id)));
        table_->setItem(r, 2, item(QString::fromStdString(b.core)));
        table_->setItem(r, 3, item(QStringLiteral("%1 MHz").arg(b.clockHz / 1000000), true));
        table_->setItem(r, 4, item(formatKiB(b.sramBytes), true));
        table_->setItem(r, 5, item(formatKiB(b.flashBytes), true));
        table_->setItem(r, 6, item(b.isVirtual ? tr("virtual (QEMU)") : tr("hardware")));
    }
    left->addWidget(table_, 1);
    boardDetails_ = new QLabel;
    boardDetails_->setWordWrap(true);
    boardDetails_->setTextFormat(Qt::RichText);
    left->addWidget(boardDetails_);
    auto* usb = new QGroupBox(tr("Connected over USB"));
    auto* ul = new QVBoxLayout(usb);
    usbBoards_ = new UsbBoardsModel(this);
    usbTable_ = new QTableView;
    usbTable_->setObjectName(QStringLiteral("usbBoards"));
    usbTable_->setModel(usbBoards_);
    usbTable_->verticalHeader()->setVisible(false);
    usbTable_->setSelectionMode(QAbstractItemView::NoSelection);
    usbTable_->horizontalHeader()->setStretchLastSection(true);
    usbTable_->setMaximumHeight(110);
    ul->addWidget(usbTable_);
    usbNote_ = new QLabel;
    usbNote_->setWordWrap(true);
    ul->addWidget(usbNote_);
    left->addWidget(usb);
    connect(usbBoards_, &UsbBoardsModel::devicesChanged, this, &TargetView::refreshUsbNote);
    refreshUsbNote();
    layout->addLayout(left, 3);

    auto* right = new QVBoxLayout;
    auto* limits = new QGroupBox(tr("Limits the design must fit"));
    auto* form = new QFormLayout(limits);
    auto makeRow = [&](QCheckBox*& check, QSpinBox*& spin, const QString& label, int maxKb) {
        check = new QCheckBox(tr("override"));
        spin = new QSpinBox;
        spin->setRange(1, maxKb);
        spin->setSuffix(tr(" kB"));
        spin->setAccelerated(true);
        auto* row = new QHBoxLayout;
        row->addWidget(spin, 1);
        row->addWidget(check);
        form->addRow(label, row);
    };
    makeRow(sramOverride_, sramKb_, tr("SRAM for the arena"), 65536);
    makeRow(flashOverride_, flashKb_, tr("Flash for the model"), 262144);
    sramKb_->setObjectName(QStringLiteral("sramLimit"));
    flashKb_->setObjectName(QStringLiteral("flashLimit"));
    auto* hint = new QLabel(tr("Override to keep room for the rest of the application: "
                               "the search, the editor and the deploy plan all check against these numbers."));
    hint->setWordWrap(true);
    form->addRow(hint);
    right->addWidget(limits);

    auto* figures = new QGroupBox(tr("The current design on this target"));
    auto* fl = new QVBoxLayout(figures);
    sramGauge_ = new MetricGauge(tr("Peak SRAM (planner ours)"));
    flashGauge_ = new MetricGauge(tr("Flash"));
    tinyEngineGauge_ = new MetricGauge(tr("Peak SRAM with TinyEngine's schedule"));
    tflmGauge_ = new MetricGauge(tr("Peak SRAM with TF Lite Micro"));
    for (auto* g : {sramGauge_, flashGauge_, tinyEngineGauge_, tflmGauge_}) fl->addWidget(g);
    verdict_ = new QLabel;
    verdict_->setWordWrap(true);
    verdict_->setTextFormat(Qt::RichText);
    fl->addWidget(verdict_);
    fl->addStretch(1);
    right->addWidget(figures, 1);
    layout->addLayout(right, 2);

    connect(table_, &QTableWidget::itemSelectionChanged, this, [this] {
        if (updating_) return;
        const auto rows = table_->selectionModel()->selectedRows();
        if (rows.isEmpty()) return;
        const auto& b = document_->catalog().boards()[static_cast<std::size_t>(rows.front().row())];
        if (b.id == document_->project().target.boardId) return;
        project::Target t = document_->project().target;
        t.boardId = b.id;
        document_->editTarget(t, tr("Board %1").arg(QString::fromStdString(b.id)));
    });
    connect(sramOverride_, &QCheckBox::toggled, this, [this] { pushLimits(true); });
    connect(flashOverride_, &QCheckBox::toggled, this, [this] { pushLimits(false); });
    connect(sramKb_, &QSpinBox::valueChanged, this, [this] {
        if (!sramOverride_->isChecked() && !updating_) sramOverride_->setChecked(true);  // typing a limit overrides
        else pushLimits(true);
    });
    connect(flashKb_, &QSpinBox::valueChanged, this, [this] {
        if (!flashOverride_->isChecked() && !updating_) flashOverride_->setChecked(true);
        else pushLimits(false);
    });
    connect(document_, &ProjectDocument::targetChanged, this, &TargetView::refreshFromDocument);
    connect(document_, &ProjectDocument::analysisChanged, this, &TargetView::refreshFigures);
    refreshFromDocument();
    refreshFigures();
}

void TargetView::pushLimits(bool sram) {
    if (updating_) return;
    project::Target t = document_->project().target;
    if (sram)
        t.sramLimitBytes = sramOverride_->isChecked() ? std::optional<std::int64_t>(std::int64_t(sramKb_->value()) * 1024)
                                                      : std::nullopt;
    else
        t.flashLimitBytes = flashOverride_->isChecked()
                                ? std::optional<std::int64_t>(std::int64_t(flashKb_->value()) * 1024)
                                : std::nullopt;
    document_->editTarget(t, sram ? tr("SRAM limit") : tr("Flash limit"),
                          sram ? MergeKey::SramLimit : MergeKey::FlashLimit);
}

void TargetView::refreshFromDocument() {
    updating_ = true;
    const project::Target& t = document_->project().target;
    const board::Board& b = document_->board();
    const auto& boards = document_->catalog().boards();
    for (int r = 0; r < static_cast<int>(boards.size()); ++r)
        if (boards[static_cast<std::size_t>(r)].id == t.boardId) table_->selectRow(r);
    sramOverride_->setChecked(t.sramLimitBytes.has_value());
    flashOverride_->setChecked(t.flashLimitBytes.has_value());
    sramKb_->setValue(int(t.sramLimitBytes.value_or(b.sramBytes) / 1024));
    flashKb_->setValue(int(t.flashLimitBytes.value_or(b.flashBytes) / 1024));
    boardDetails_->setText(
        tr("<b>%1</b> &middot; %2 &middot; %3 at %4 MHz &middot; %5 SRAM, %6 Flash (%7 of it for the runtime)<br>"
           "Flash method: %8 &middot; latency measured with %9")
            .arg(QString::fromStdString(b.name).toHtmlEscaped(), QString::fromStdString(b.mcu).toHtmlEscaped(),
                 QString::fromStdString(b.core))
            .arg(b.clockHz / 1000000)
            .arg(formatKiB(b.sramBytes), formatKiB(b.flashBytes), formatKiB(b.runtimeFlashBytes),
                 QString::fromStdString(b.flashMethod),
                 b.cycleCounter == "icount" ? tr("executed instructions (QEMU icount)") : tr("the DWT cycle counter")));
    updating_ = false;
}

void TargetView::refreshFigures() {
    const auto a = document_->analysis();
    const std::int64_t sram = a->limits.sramBytes, flash = a->limits.flashBytes;
    const std::int64_t ours = a->peakSram();
    const std::int64_t te = a->plan(memory::Planner::TinyEngine).arenaBytes;
    const std::int64_t tflm = a->plan(memory::Planner::TFLiteMicro).arenaBytes;
    sramGauge_->setFigure(double(ours), formatBytes(ours), double(sram), formatBytes(sram));
    flashGauge_->setFigure(double(a->cost.flashBytes), formatBytes(a->cost.flashBytes), double(flash), formatBytes(flash));
    tinyEngineGauge_->setFigure(double(te), formatBytes(te), double(sram), formatBytes(sram));
    tflmGauge_->setFigure(double(tflm), formatBytes(tflm), double(sram), formatBytes(sram));
    const QString name = QString::fromStdString(a->architecture.name).toHtmlEscaped();
    QString text;
    if (a->fits())
        text = tr("<b>%1 fits.</b> %2 of SRAM and %3 of Flash stay free for the application.")
                   .arg(name, formatBytes(sram - ours), formatBytes(flash - a->cost.flashBytes));
    else
        text = tr("<b>%1 does not fit</b>: %2. Shrink it in Design, or let Search space pick an (R, W) that fits.")
                   .arg(name, ours > sram ? tr("peak SRAM is %1 over").arg(formatBytes(ours - sram))
                                          : tr("Flash is %1 over").arg(formatBytes(a->cost.flashBytes - flash)));
    if (tflm > sram && ours <= sram)
        text += tr("<br>With TF Lite Micro's planner it would need %1 and not fit: the whole-network schedule is what "
                   "makes it deployable.")
                    .arg(formatBytes(tflm));
    verdict_->setText(text);
}

void TargetView::refreshUsbNote() {
    if (!usbBoards_->watchError().isEmpty())
        usbNote_->setText(tr("USB boards cannot be watched here: %1").arg(usbBoards_->watchError()));
    else if (usbBoards_->rowCount() == 0)
        usbNote_->setText(tr("No board connected (ST-LINK, STM32 DFU bootloader, OpenMV, Arduino). "
                             "Plug one in and it appears here; the virtual boards need none."));
    else
        usbNote_->setText(tr("%n board(s) connected. A board that shows no serial number needs the udev rule "
                             "(docs/usb-devices.md).", "", usbBoards_->rowCount()));
}

}  // namespace mcunet::ui
