#pragma once
// Table model of the per-layer estimate: layer, op, output shape, MACs,
// estimated latency and its share of the total.
#include <memory>

#include <QAbstractTableModel>

#include "document/design_analysis.h"

namespace mcunet::ui {

class LayerCostModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Index, Layer, Op, Output, Macs, LatencyMs, Share, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;
    void setAnalysis(std::shared_ptr<const DesignAnalysis> analysis);
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;

private:
    std::shared_ptr<const DesignAnalysis> analysis_;
};

}  // namespace mcunet::ui
