#include "deploy/buffer_table_model.h"

#include "common/format.h"
#include "deploy/plan_json.h"

namespace mcunet::ui {

void BufferTableModel::setPlan(std::shared_ptr<const DesignAnalysis> analysis, memory::Planner planner) {
    beginResetModel();
    analysis_ = std::move(analysis);
    planner_ = planner;
    endResetModel();
}

int BufferTableModel::rowCount(const QModelIndex& parent) const {
    if (parent.isValid() || !analysis_) return 0;
    return static_cast<int>(analysis_->plan(planner_).placements.size());
}

int BufferTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant BufferTableModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
        case Name: return tr("Buffer");
        case Kind: return tr("Kind");
        case Offset: return tr("Offset");
        case Bytes: return tr("Bytes");
        case Lifetime: return tr("Lifetime (layers)");
        case Alias: return tr("In place of");
        default: return {};
    }
}

QVariant BufferTableModel::data(const QModelIndex& index, int role) const {
    if (!analysis_ || !index.isValid()) return {};
    const memory::Placement& p = analysis_->plan(planner_).placements[static_cast<std::size_t>(index.row())];
    const graph::Graph& g = analysis_->graph;
    if (role == Qt::TextAlignmentRole && (index.column() == Offset || index.column() == Bytes))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::UserRole) {  // sort keys
        switch (index.column()) {
            case Offset: return qlonglong(p.offset);
            case Bytes: return qlonglong(p.bytes);
            case Lifetime: return p.firstOp;
            default: break;
        }
    }
    if (role != Qt::DisplayRole && role != Qt::UserRole) return {};
    switch (index.column()) {
        case Name: return QString::fromStdString(p.name);
        case Kind: return QString::fromLatin1(bufferKindName(p.kind));
        case Offset: return withCommas(p.offset);
        case Bytes: return withCommas(p.bytes);
        case Lifetime:
            return p.firstOp == p.lastOp ? QStringLiteral("%1 %2").arg(p.firstOp).arg(QString::fromStdString(g.op(p.firstOp).name))
                                         : QStringLiteral("%1–%2 (%3 → %4)")
                                               .arg(p.firstOp)
                                               .arg(p.lastOp)
                                               .arg(QString::fromStdString(g.op(p.firstOp).name),
                                                    QString::fromStdString(g.op(p.lastOp).name));
        case Alias: return p.aliasOf >= 0 ? QString::fromStdString(g.tensor(p.aliasOf).name) : QString();
        default: return {};
    }
}

}  // namespace mcunet::ui
