// MLPerf Tiny's text protocol as its runner speaks it (mlcommons/tiny
// benchmark/runner): the data of a load in `db <hex>%` commands of 31 bytes,
// and the m-results-[...] line read back. Shared by test_link (the host-built
// firmware code) and test_virtual_board (the firmware in QEMU).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace mcunet::test {

inline std::vector<std::string> hexCommands(const std::vector<std::uint8_t>& data) {
    std::vector<std::string> commands;
    for (std::size_t i = 0; i < data.size(); i += 31) {
        std::string c = "db ";
        for (std::size_t k = i; k < std::min(data.size(), i + 31); ++k) {
            char hex[3];
            std::snprintf(hex, sizeof hex, "%02x", data[k]);
            c += hex;
        }
        commands.push_back(c + "%");
    }
    return commands;
}

struct Results {
    bool found = false;
    std::vector<double> values;
    int decimals = -1;  // of the first value
};

inline Results parseResults(const std::string& reply) {
    Results r;
    const auto start = reply.find("m-results-[");
    if (start == std::string::npos) return r;
    const auto end = reply.find(']', start);
    if (end == std::string::npos) return r;
    r.found = true;
    const std::string list = reply.substr(start + 11, end - start - 11);
    std::size_t at = 0;
    while (at <= list.size()) {
        const auto comma = std::min(list.find(',', at), list.size());
        const std::string v = list.substr(at, comma - at);
        if (r.decimals < 0 && v.find('.') != std::string::npos) r.decimals = static_cast<int>(v.size() - v.find('.') - 1);
        r.values.push_back(std::stod(v));
        at = comma + 1;
    }
    return r;
}

// Softmax of the dequantized int8 output, in double.
inline std::vector<double> softmax(const std::vector<std::int8_t>& q, double scale, int zeroPoint) {
    std::vector<double> p;
    double max = -1e300, sum = 0;
    for (std::int8_t v : q) max = std::max(max, scale * (v - zeroPoint));
    for (std::int8_t v : q) sum += std::exp(scale * (v - zeroPoint) - max);
    for (std::int8_t v : q) p.push_back(std::exp(scale * (v - zeroPoint) - max) / sum);
    return p;
}

// The firmware's rule (mlperf.c, results_decimals): at least 3, the last
// digit at most a tenth of the output scale, at most 6.
inline int resultDecimals(double scale) {
    int decimals = 3;
    double unit = 0.001;
    while (decimals < 6 && unit > 0.1 * scale) {
        unit *= 0.1;
        ++decimals;
    }
    return decimals;
}

}  // namespace mcunet::test
