#include "deploy/layer_cost_model.h"

#include "common/format.h"

namespace mcunet::ui {

void LayerCostModel::setAnalysis(std::shared_ptr<const DesignAnalysis> analysis) {
    beginResetModel();
    analysis_ = std::move(analysis);
    endResetModel();
}

int LayerCostModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() || !analysis_ ? 0 : analysis_->graph.opCount();
}

int LayerCostModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant LayerCostModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
        case Index: return QStringLiteral("#");
        case Layer: return tr("Layer");
        case Op: return tr("Op");
        case Output: return tr("Output");
        case Macs: return tr("MACs");
        case LatencyMs: return tr("Latency (ms)");
        case Share: return tr("Share");
        default: return {};
    }
}

QVariant LayerCostModel::data(const QModelIndex& index, int role) const {
    if (!analysis_ || !index.isValid()) return {};
    const int i = index.row();
    const graph::Op& op = analysis_->graph.op(i);
    const auto& l = analysis_->cost.layers[static_cast<std::size_t>(i)];
    const double ms = analysis_->layerLatencyMs(i);
    if (role == Qt::TextAlignmentRole && index.column() >= Macs) return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole) return {};
    switch (index.column()) {
        case Index: return i;
        case Layer: return QString::fromStdString(op.name);
        case Op: return QString::fromLatin1(graph::opKindName(op.kind));
        case Output: {
            const auto& s = analysis_->graph.tensor(op.output).shape;
            return QStringLiteral("%1×%2×%3").arg(s.h).arg(s.w).arg(s.c);
        }
        case Macs: return withCommas(l.macs);
        case LatencyMs: return QString::number(ms, 'f', 3);
        case Share: return QStringLiteral("%1 %").arg(100.0 * ms / std::max(analysis_->cost.latencyMs, 1e-12), 0, 'f', 1);
        default: return {};
    }
}

}  // namespace mcunet::ui
