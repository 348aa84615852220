#pragma once
// The architecture drawn block by block, readable at a glance: one column per
// stage (stem and head at the ends), one tile per MBConv block showing its
// kernel and expand ratio (kN eM), its output shape, and a bar with the arena
// it needs against the SRAM limit; the peak block is flagged. Tiles are
// coloured by kernel size; skip connections are drawn beside the tiles.
// Click selects; keys edit the selection (3/5/7 kernel, +/- expand, Insert,
// Delete, arrows); the context menu offers the same. Edits are requests: the
// Design view turns them into undoable commands.
#include <memory>
#include <vector>

#include <QWidget>

#include "document/design_analysis.h"

namespace mcunet::ui {

class ArchitectureDiagram : public QWidget {
    Q_OBJECT
public:
    explicit ArchitectureDiagram(QWidget* parent = nullptr);
    void setAnalysis(std::shared_ptr<const DesignAnalysis> analysis);
    void setSelection(int stage, int block);
    int selectedStage() const { return stage_; }
    int selectedBlock() const { return block_; }
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    // Centre of a block's tile (tests click it).
    QPoint tileCenter(int stage, int block) const;

signals:
    void selectionChanged(int stage, int block);
    void kernelRequested(int stage, int block, int kernel);
    void expandRequested(int stage, int block, int expand);
    void insertRequested(int stage, int afterBlock);
    void removeRequested(int stage, int block);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    enum class TileKind { Input, Stem, FirstBlock, Block, Add, Head };
    struct Tile {
        QRectF rect;
        TileKind kind = TileKind::Block;
        int stage = -1, block = -1;
    };
    struct Column {
        QRectF header;
        QString title, subtitle;
    };
    void layoutTiles();
    const Tile* tileAt(const QPointF& p) const;
    void drawTile(class QPainter& p, const Tile& t) const;
    std::shared_ptr<const DesignAnalysis> analysis_;
    std::vector<Tile> tiles_;
    std::vector<Column> columns_;
    int stage_ = -1, block_ = -1;
    int hoverStage_ = -1, hoverBlock_ = -1;
};

}  // namespace mcunet::ui
