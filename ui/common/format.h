#pragma once
// How the studio writes numbers: bytes, MACs, ratios against a limit, and the
// traffic-light colour of a figure against its limit.
#include <cstdint>

#include <QColor>
#include <QString>

namespace mcunet::ui {

QString withCommas(std::int64_t v);
QString formatBytes(std::int64_t bytes);        // "78,564 B" below 10 kB, else "76.7 kB" (1 kB = 1024 B)
QString formatKiB(std::int64_t bytes);          // "76.7 kB"
QString formatMacs(double macs);                // "11.58 M", "1.20 G", "950 k"
QString formatMs(double ms);                    // "12.3 ms"

enum class Level { Ok, Near, Over };
// Ok below 85 % of the limit, Near up to the limit, Over beyond it.
Level levelOf(double value, double limit);
QColor levelColor(Level level, bool dark = false);
QString levelWord(Level level);  // "fits", "tight", "over"

}  // namespace mcunet::ui
