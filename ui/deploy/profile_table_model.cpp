#include "deploy/profile_table_model.h"

#include "common/format.h"

namespace mcunet::ui {

void ProfileTableModel::setProfile(std::shared_ptr<const board::Profile> profile) {
    beginResetModel();
    profile_ = std::move(profile);
    endResetModel();
    emit headerDataChanged(Qt::Horizontal, 0, ColumnCount - 1);
}

QString ProfileTableModel::unit() const {
    return !profile_ || profile_->instructions ? QStringLiteral("instructions") : QStringLiteral("cycles");
}

int ProfileTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() || !profile_ ? 0 : int(profile_->layers.size());
}

int ProfileTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant ProfileTableModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal) return {};
    const bool instructions = unit() == QLatin1String("instructions");
    if (role == Qt::ToolTipRole && (section == Count || section == Estimate))
        return instructions ? tr("Executed instructions (QEMU -icount), not cycles; the minimum over the runs")
                            : tr("Cycles (DWT cycle counter); the minimum over the runs");
    if (role != Qt::DisplayRole) return {};
    switch (section) {
        case Index: return QStringLiteral("#");
        case Layer: return tr("Layer");
        case Op: return tr("Op");
        case Macs: return tr("MACs");
        case Count: return instructions ? tr("Instructions") : tr("Cycles");
        case MacsPerCount: return instructions ? tr("MACs/instruction") : tr("MACs/cycle");
        case Share: return tr("Share");
        case Estimate: return instructions ? tr("Estimate (instructions)") : tr("Estimate (cycles)");
        default: return {};
    }
}

QVariant ProfileTableModel::data(const QModelIndex& index, int role) const {
    if (!profile_ || !index.isValid()) return {};
    const auto& l = profile_->layers[static_cast<std::size_t>(index.row())];
    if (role == Qt::TextAlignmentRole && index.column() >= Macs) return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::UserRole) {  // raw values (tests, sorting)
        switch (index.column()) {
            case Macs: return qlonglong(l.layer.macs);
            case Count: return qulonglong(l.count);
            case MacsPerCount: return l.macsPerCount;
            case Share: return l.share;
            case Estimate: return l.estimate;
            default: break;
        }
    }
    if (role != Qt::DisplayRole) return {};
    switch (index.column()) {
        case Index: return index.row();
        case Layer: return QString::fromStdString(l.layer.name);
        case Op: return QString::fromStdString(l.layer.op);
        case Macs: return withCommas(l.layer.macs);
        case Count: return withCommas(static_cast<std::int64_t>(l.count));
        case MacsPerCount: return l.layer.macs ? QString::number(l.macsPerCount, 'f', 3) : QStringLiteral("–");
        case Share: return QStringLiteral("%1 %").arg(100.0 * l.share, 0, 'f', 1);
        case Estimate: return withCommas(static_cast<std::int64_t>(l.estimate));
        default: return {};
    }
}

}  // namespace mcunet::ui
