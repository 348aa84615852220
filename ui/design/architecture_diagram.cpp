#include "design/architecture_diagram.h"

#include <algorithm>

#include <QContextMenuEvent>
#include <QKeyEvent>
#include <QMenu>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

#include "common/format.h"
#include "plot/plot_style.h"

namespace mcunet::ui {

namespace {
constexpr double kMargin = 10, kGap = 16, kHeader = 44, kAddHeight = 24, kTileGap = 8;

QColor kernelColor(int kernel, bool dark) {
    if (dark) {
        if (kernel <= 3) return {0x2b, 0x4a, 0x53};
        if (kernel == 5) return {0x2f, 0x6c, 0x7a};
        return {0x3f, 0x93, 0xa8};
    }
    if (kernel <= 3) return {0xd8, 0xee, 0xf2};
    if (kernel == 5) return {0x93, 0xcd, 0xd8};
    return {0x3c, 0x8c, 0xa0};
}

QString shapeText(const graph::Shape& s) { return QStringLiteral("%1×%2×%3").arg(s.h).arg(s.w).arg(s.c); }
}  // namespace

ArchitectureDiagram::ArchitectureDiagram(QWidget* parent) : QWidget(parent) {
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

QSize ArchitectureDiagram::sizeHint() const { return {1100, 380}; }
QSize ArchitectureDiagram::minimumSizeHint() const { return {640, 260}; }

void ArchitectureDiagram::setAnalysis(std::shared_ptr<const DesignAnalysis> analysis) {
    analysis_ = std::move(analysis);
    const auto& stages = analysis_->architecture.stages;
    if (stage_ >= static_cast<int>(stages.size())) stage_ = -1;
    if (stage_ >= 0 && block_ >= static_cast<int>(stages[static_cast<std::size_t>(stage_)].blocks.size()))
        block_ = static_cast<int>(stages[static_cast<std::size_t>(stage_)].blocks.size()) - 1;
    layoutTiles();
    update();
}

void ArchitectureDiagram::setSelection(int stage, int block) {
    if (stage == stage_ && block == block_) return;
    stage_ = stage;
    block_ = block;
    update();
    emit selectionChanged(stage, block);
}

void ArchitectureDiagram::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    layoutTiles();
}

void ArchitectureDiagram::layoutTiles() {
    tiles_.clear();
    columns_.clear();
    if (!analysis_) return;
    const arch::Architecture& a = analysis_->architecture;
    const int n = static_cast<int>(a.stages.size()) + 2;
    const double colW = (width() - 2 * kMargin - (n - 1) * kGap) / n;
    std::size_t maxBlocks = 3;
    for (const auto& s : a.stages) maxBlocks = std::max(maxBlocks, s.blocks.size());
    const double top = kMargin + kHeader + 6;
    const double avail = height() - top - kMargin - kAddHeight - kTileGap;
    const double th = std::clamp((avail - double(maxBlocks - 1) * kTileGap) / double(maxBlocks), 30.0, 74.0);
    auto colX = [&](int c) { return kMargin + c * (colW + kGap); };

    // Stem column: input, stem conv, first block.
    columns_.push_back({QRectF(colX(0), kMargin, colW, kHeader), tr("Stem"),
                        tr("%1 ch · stride %2").arg(arch::stemChannels(a)).arg(a.stemStride)});
    const TileKind stemKinds[3] = {TileKind::Input, TileKind::Stem, TileKind::FirstBlock};
    for (int k = 0; k < 3; ++k)
        tiles_.push_back({QRectF(colX(0), top + k * (th + kTileGap), colW, th), stemKinds[k], -1, -1});
    for (int s = 0; s < static_cast<int>(a.stages.size()); ++s) {
        const arch::Stage& st = a.stages[static_cast<std::size_t>(s)];
        const double x = colX(s + 1);
        columns_.push_back({QRectF(x, kMargin, colW, kHeader), tr("Stage %1").arg(s + 1),
                            tr("%1 ch · stride %2").arg(arch::stageChannels(a, s)).arg(st.stride)});
        for (int b = 0; b < static_cast<int>(st.blocks.size()); ++b)
            tiles_.push_back({QRectF(x, top + b * (th + kTileGap), colW, th), TileKind::Block, s, b});
        const double y = top + double(st.blocks.size()) * (th + kTileGap);
        tiles_.push_back({QRectF(x, y, colW, kAddHeight), TileKind::Add, s, static_cast<int>(st.blocks.size()) - 1});
    }
    columns_.push_back({QRectF(colX(n - 1), kMargin, colW, kHeader), tr("Head"),
                        tr("%1 classes").arg(a.numClasses)});
    tiles_.push_back({QRectF(colX(n - 1), top, colW, th), TileKind::Head, -1, -1});
}

QPoint ArchitectureDiagram::tileCenter(int stage, int block) const {
    for (const Tile& t : tiles_)
        if (t.kind == TileKind::Block && t.stage == stage && t.block == block) return t.rect.center().toPoint();
    return {};
}

const ArchitectureDiagram::Tile* ArchitectureDiagram::tileAt(const QPointF& p) const {
    for (const Tile& t : tiles_)
        if (t.rect.contains(p)) return &t;
    return nullptr;
}

void ArchitectureDiagram::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), palette().color(QPalette::Base));
    if (!analysis_) return;
    const QColor text = palette().color(QPalette::WindowText);
    QColor muted = text;
    muted.setAlphaF(0.6f);
    QFont titleFont = font();
    titleFont.setBold(true);
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.85);

    for (std::size_t c = 0; c < columns_.size(); ++c) {
        const Column& col = columns_[c];
        p.setFont(titleFont);
        p.setPen(text);
        p.drawText(col.header.adjusted(0, 0, 0, -col.header.height() / 2), Qt::AlignHCenter | Qt::AlignBottom, col.title);
        p.setFont(small);
        p.setPen(muted);
        p.drawText(col.header.adjusted(0, col.header.height() / 2 + 2, 0, 0), Qt::AlignHCenter | Qt::AlignTop,
                   col.subtitle);
        if (c + 1 < columns_.size()) {  // data flows right
            const double x = col.header.right() + kGap / 2, y = col.header.center().y();
            QPainterPath arrow;
            arrow.moveTo(x - 4, y - 5);
            arrow.lineTo(x + 3, y);
            arrow.lineTo(x - 4, y + 5);
            p.setPen(QPen(muted, 1.6));
            p.setBrush(Qt::NoBrush);
            p.drawPath(arrow);
        }
    }
    // Skip connections: a bracket left of consecutive blocks that add their input.
    const arch::Architecture& a = analysis_->architecture;
    QColor skip = plot::categorical(1);
    for (const Tile& t : tiles_) {
        if (t.kind != TileKind::Block || t.block == 0) continue;
        const Tile* prev = nullptr;
        for (const Tile& u : tiles_)
            if (u.kind == TileKind::Block && u.stage == t.stage && u.block == t.block - 1) prev = &u;
        if (!prev) continue;
        const double x = t.rect.left() - 5;
        p.setPen(QPen(skip, 1.6));
        QPainterPath path;
        path.moveTo(prev->rect.left(), prev->rect.center().y());
        path.lineTo(x, prev->rect.center().y());
        path.lineTo(x, t.rect.center().y());
        path.lineTo(t.rect.left(), t.rect.center().y());
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
    }
    (void)a;
    for (const Tile& t : tiles_) drawTile(p, t);
}

void ArchitectureDiagram::drawTile(QPainter& p, const Tile& t) const {
    const bool dark = plot::isDark(palette());
    const DesignAnalysis& d = *analysis_;
    const QColor text = palette().color(QPalette::WindowText);
    QColor muted = text;
    muted.setAlphaF(0.65f);
    QFont bold = font();
    bold.setBold(true);
    bold.setPointSizeF(font().pointSizeF() * 1.12);
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.82);
    const QRectF r = t.rect.adjusted(0.5, 0.5, -0.5, -0.5);

    if (t.kind == TileKind::Add) {
        QColor c = muted;
        c.setAlphaF(t.stage == hoverStage_ && hoverBlock_ == -2 ? 0.9f : 0.4f);
        p.setPen(QPen(c, 1, Qt::DashLine));
        p.setBrush(Qt::NoBrush);
        p.drawRoundedRect(r, 5, 5);
        p.setFont(small);
        p.setPen(c);
        p.drawText(r, Qt::AlignCenter, tr("+ block"));
        return;
    }
    const UnitSummary* unit = nullptr;
    QString line1, line2;
    QColor fill = palette().color(QPalette::Button);
    QColor ink = text;
    switch (t.kind) {
        case TileKind::Input:
            line1 = tr("input");
            line2 = QStringLiteral("%1×%1×%2").arg(d.architecture.resolution).arg(d.architecture.inputChannels);
            break;
        case TileKind::Stem:
            unit = &d.stem;
            line1 = tr("conv k%1 s%2").arg(d.architecture.stemKernel).arg(d.architecture.stemStride);
            break;
        case TileKind::FirstBlock:
            unit = &d.firstBlock;
            line1 = tr("dw k%1 + 1×1").arg(d.architecture.firstBlockKernel);
            break;
        case TileKind::Head:
            unit = &d.head;
            line1 = d.architecture.featureMix ? tr("mix + pool + FC") : tr("pool + FC");
            break;
        case TileKind::Block: {
            unit = &d.blocks[static_cast<std::size_t>(t.stage)][static_cast<std::size_t>(t.block)];
            const arch::Block& b =
                d.architecture.stages[static_cast<std::size_t>(t.stage)].blocks[static_cast<std::size_t>(t.block)];
            line1 = QStringLiteral("k%1 e%2").arg(b.kernel).arg(b.expand);
            fill = kernelColor(b.kernel, dark);
            if (!dark && b.kernel == 7) ink = Qt::white;
            break;
        }
        case TileKind::Add: break;
    }
    if (unit) line2 = shapeText(unit->output) + QStringLiteral(" · ") + formatMacs(double(unit->macs));
    const bool selected = t.kind == TileKind::Block && t.stage == stage_ && t.block == block_;
    const bool hovered = t.kind == TileKind::Block && t.stage == hoverStage_ && t.block == hoverBlock_;
    const bool peak = unit && d.peakOp >= unit->firstOp && d.peakOp <= unit->lastOp;
    p.setPen(selected ? QPen(plot::accent(), 2.6) : QPen(hovered ? text : palette().color(QPalette::Mid), hovered ? 1.4 : 1));
    p.setBrush(fill);
    p.drawRoundedRect(r, 6, 6);

    const bool compact = r.height() < 50;
    p.setFont(compact ? font() : bold);
    p.setPen(ink);
    const QRectF inner = r.adjusted(8, 4, -8, -8);
    p.drawText(inner, Qt::AlignLeft | Qt::AlignTop, line1);
    if (!compact) {
        p.setFont(small);
        QColor sub = ink;
        sub.setAlphaF(0.75f);
        p.setPen(sub);
        p.drawText(inner, Qt::AlignLeft | Qt::AlignBottom, line2);
    }
    if (unit && d.limits.sramBytes > 0) {
        const double frac = std::clamp(double(unit->peakBytes) / double(d.limits.sramBytes), 0.0, 1.0);
        const QRectF bar(r.left() + 6, r.bottom() - 5, (r.width() - 12) * frac, 3);
        p.setPen(Qt::NoPen);
        p.setBrush(levelColor(levelOf(double(unit->peakBytes), double(d.limits.sramBytes)), dark));
        p.drawRect(bar);
    }
    if (peak) {
        p.setFont(small);
        const QString badge = tr("peak");
        const QFontMetricsF fm(small);
        const QRectF pill(r.right() - fm.horizontalAdvance(badge) - 14, r.top() + 4, fm.horizontalAdvance(badge) + 10,
                          fm.height() + 2);
        p.setPen(Qt::NoPen);
        p.setBrush(levelColor(levelOf(double(d.peakSram()), double(d.limits.sramBytes)), dark));
        p.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2);
        p.setPen(Qt::white);
        p.drawText(pill, Qt::AlignCenter, badge);
    }
}

void ArchitectureDiagram::mousePressEvent(QMouseEvent* event) {
    const Tile* t = tileAt(event->position());
    if (!t) return;
    if (t->kind == TileKind::Block) setSelection(t->stage, t->block);
    else if (t->kind == TileKind::Add && event->button() == Qt::LeftButton) emit insertRequested(t->stage, t->block);
}

void ArchitectureDiagram::mouseMoveEvent(QMouseEvent* event) {
    const Tile* t = tileAt(event->position());
    const int hs = t ? t->stage : -1, hb = t ? (t->kind == TileKind::Add ? -2 : t->block) : -1;
    if (hs != hoverStage_ || hb != hoverBlock_) {
        hoverStage_ = hs;
        hoverBlock_ = hb;
        update();
    }
    if (!t || !analysis_ || t->kind == TileKind::Add || t->kind == TileKind::Input) {
        QToolTip::hideText();
        return;
    }
    const DesignAnalysis& d = *analysis_;
    const UnitSummary& u = t->kind == TileKind::Block
                               ? d.blocks[static_cast<std::size_t>(t->stage)][static_cast<std::size_t>(t->block)]
                           : t->kind == TileKind::Stem       ? d.stem
                           : t->kind == TileKind::FirstBlock ? d.firstBlock
                                                             : d.head;
    QString title = t->kind == TileKind::Block ? tr("Stage %1, block %2").arg(t->stage + 1).arg(t->block + 1)
                                               : (t->kind == TileKind::Head ? tr("Head") : tr("Stem"));
    QString layers;
    for (int i = u.firstOp; i <= u.lastOp; ++i)
        layers += QStringLiteral("<br>&nbsp;&nbsp;%1 (%2)").arg(QString::fromStdString(d.graph.op(i).name),
                                                               QString::fromLatin1(graph::opKindName(d.graph.op(i).kind)));
    QToolTip::showText(event->globalPosition().toPoint(),
                       tr("<b>%1</b><br>%2 MACs · %3 params · %4<br>needs %5 of arena (limit %6)%7")
                           .arg(title, formatMacs(double(u.macs)), withCommas(u.params), formatMs(u.latencyMs),
                                formatBytes(u.peakBytes), formatBytes(d.limits.sramBytes), layers),
                       this);
}

void ArchitectureDiagram::keyPressEvent(QKeyEvent* event) {
    if (!analysis_ || stage_ < 0) {
        if (analysis_ && !analysis_->architecture.stages.empty() &&
            (event->key() == Qt::Key_Right || event->key() == Qt::Key_Down)) {
            setSelection(0, 0);
            return;
        }
        QWidget::keyPressEvent(event);
        return;
    }
    const auto& stages = analysis_->architecture.stages;
    const auto& block = stages[static_cast<std::size_t>(stage_)].blocks[static_cast<std::size_t>(block_)];
    const int depth = static_cast<int>(stages[static_cast<std::size_t>(stage_)].blocks.size());
    switch (event->key()) {
        case Qt::Key_3: emit kernelRequested(stage_, block_, 3); return;
        case Qt::Key_5: emit kernelRequested(stage_, block_, 5); return;
        case Qt::Key_7: emit kernelRequested(stage_, block_, 7); return;
        case Qt::Key_Plus:
        case Qt::Key_Equal: emit expandRequested(stage_, block_, std::min(block.expand + 1, 8)); return;
        case Qt::Key_Minus: emit expandRequested(stage_, block_, std::max(block.expand - 1, 1)); return;
        case Qt::Key_Insert: emit insertRequested(stage_, block_); return;
        case Qt::Key_Delete:
        case Qt::Key_Backspace: emit removeRequested(stage_, block_); return;
        case Qt::Key_Up: setSelection(stage_, std::max(block_ - 1, 0)); return;
        case Qt::Key_Down: setSelection(stage_, std::min(block_ + 1, depth - 1)); return;
        case Qt::Key_Left:
        case Qt::Key_Right: {
            const int s = std::clamp(stage_ + (event->key() == Qt::Key_Left ? -1 : 1), 0, int(stages.size()) - 1);
            setSelection(s, std::min(block_, int(stages[static_cast<std::size_t>(s)].blocks.size()) - 1));
            return;
        }
        default: QWidget::keyPressEvent(event);
    }
}

void ArchitectureDiagram::contextMenuEvent(QContextMenuEvent* event) {
    const Tile* t = tileAt(event->pos());
    if (!t || t->kind != TileKind::Block) return;
    setSelection(t->stage, t->block);
    const int s = t->stage, b = t->block;
    const auto& stage = analysis_->architecture.stages[static_cast<std::size_t>(s)];
    const arch::Block& block = stage.blocks[static_cast<std::size_t>(b)];
    QMenu menu(this);
    QMenu* kernel = menu.addMenu(tr("Kernel"));
    for (int k : {3, 5, 7}) {
        QAction* act = kernel->addAction(tr("%1 × %1\t%1").arg(k), this, [this, s, b, k] { emit kernelRequested(s, b, k); });
        act->setCheckable(true);
        act->setChecked(block.kernel == k);
    }
    QMenu* expand = menu.addMenu(tr("Expand ratio"));
    for (int e = 1; e <= 8; ++e) {
        QAction* act = expand->addAction(QString::number(e), this, [this, s, b, e] { emit expandRequested(s, b, e); });
        act->setCheckable(true);
        act->setChecked(block.expand == e);
    }
    menu.addSeparator();
    menu.addAction(tr("Insert block after\tIns"), this, [this, s, b] { emit insertRequested(s, b); });
    QAction* remove = menu.addAction(tr("Remove block\tDel"), this, [this, s, b] { emit removeRequested(s, b); });
    remove->setEnabled(stage.blocks.size() > 1);
    menu.exec(event->globalPos());
}

}  // namespace mcunet::ui
