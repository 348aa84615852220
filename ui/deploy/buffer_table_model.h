#pragma once
// Table model of a memory plan's buffers: name, kind, offset, bytes,
// lifetime (first and last layer), in-place alias.
#include <memory>

#include <QAbstractTableModel>

#include "document/design_analysis.h"

namespace mcunet::ui {

class BufferTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Name, Kind, Offset, Bytes, Lifetime, Alias, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;
    void setPlan(std::shared_ptr<const DesignAnalysis> analysis, memory::Planner planner);
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;

private:
    std::shared_ptr<const DesignAnalysis> analysis_;
    memory::Planner planner_ = memory::Planner::Ours;
};

}  // namespace mcunet::ui
