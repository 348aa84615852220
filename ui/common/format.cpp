#include "common/format.h"

#include "common/number_text.h"

namespace mcunet::ui {

QString withCommas(std::int64_t v) { return QString::fromStdString(mcunet::withCommas(v)); }

QString formatKiB(std::int64_t bytes) {
    const double kb = double(bytes) / 1024.0;
    return QStringLiteral("%1 kB").arg(kb, 0, 'f', kb >= 1000 ? 0 : 1);
}

QString formatBytes(std::int64_t bytes) {
    if (bytes < 10 * 1024) return withCommas(bytes) + QStringLiteral(" B");
    return formatKiB(bytes);
}

QString formatMacs(double macs) {
    if (macs >= 1e9) return QStringLiteral("%1 G").arg(macs / 1e9, 0, 'f', 2);
    if (macs >= 1e6) return QStringLiteral("%1 M").arg(macs / 1e6, 0, 'f', 2);
    if (macs >= 1e3) return QStringLiteral("%1 k").arg(macs / 1e3, 0, 'f', 0);
    return QString::number(macs, 'f', 0);
}

QString formatMs(double ms) {
    return QStringLiteral("%1 ms").arg(ms, 0, 'f', ms >= 100 ? 0 : (ms >= 10 ? 1 : 2));
}

Level levelOf(double value, double limit) {
    if (limit <= 0) return Level::Ok;
    if (value > limit) return Level::Over;
    if (value > 0.85 * limit) return Level::Near;
    return Level::Ok;
}

QColor levelColor(Level level, bool dark) {
    switch (level) {
        case Level::Ok: return dark ? QColor(0x5c, 0xc9, 0x6b) : QColor(0x2e, 0x9d, 0x44);
        case Level::Near: return dark ? QColor(0xf2, 0xb1, 0x3c) : QColor(0xd9, 0x8c, 0x00);
        case Level::Over: return dark ? QColor(0xf2, 0x5f, 0x5c) : QColor(0xd1, 0x35, 0x35);
    }
    return {};
}

QString levelWord(Level level) {
    switch (level) {
        case Level::Ok: return QStringLiteral("fits");
        case Level::Near: return QStringLiteral("tight");
        case Level::Over: return QStringLiteral("over");
    }
    return {};
}

}  // namespace mcunet::ui
