#pragma once
// Table model of an on-device profile beside the estimate: layer, op, MACs,
// the measured count (executed instructions on the virtual boards, cycles on
// real ones: the header says which), MACs per count, the layer's share of the
// total and the cost model's estimate in the same unit.
#include <memory>

#include <QAbstractTableModel>

#include "board/profiler.h"

namespace mcunet::ui {

class ProfileTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Index, Layer, Op, Macs, Count, MacsPerCount, Share, Estimate, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;
    void setProfile(std::shared_ptr<const board::Profile> profile);  // nullptr: empty
    const board::Profile* profile() const { return profile_.get(); }
    // "instructions" or "cycles" ("instructions" before any profile: the virtual boards' unit).
    QString unit() const;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;

private:
    std::shared_ptr<const board::Profile> profile_;
};

}  // namespace mcunet::ui
