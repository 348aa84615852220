#include "interop/tflite_coverage.h"

#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "interop/tflite_names.h"

namespace mcunet::interop::tflite {

using nlohmann::json;

bool CoverageReport::supported() const {
    return modelIssues.empty() && supportedOperators() == static_cast<int>(operators.size());
}

int CoverageReport::supportedOperators() const {
    return static_cast<int>(std::count_if(operators.begin(), operators.end(),
                                          [](const OperatorVerdict& v) { return v.supported; }));
}

std::vector<std::string> CoverageReport::blockingOps() const {
    std::vector<std::string> out;
    for (const OpSummary& s : ops)
        if (s.supported < s.count) out.push_back(s.op);
    return out;
}

CoverageReport coverageReport(const File& f, const Analysis& a) {
    CoverageReport r;
    r.file = f.name;
    r.description = f.description;
    r.modelIssues = a.modelIssues;
    r.notes = a.notes;
    for (std::size_t i = 0; i < f.operators.size(); ++i) {
        const Operator& op = f.operators[i];
        const Lowered& l = a.ops[i];
        OperatorVerdict v;
        v.index = static_cast<int>(i);
        v.op = opName(op.builtin);
        if (!op.outputs.empty()) v.output = f.tensors[static_cast<std::size_t>(op.outputs[0])].name;
        v.supported = l.form != Lowered::Form::Unsupported;
        v.detail = l.detail;
        auto kind = std::find_if(r.ops.begin(), r.ops.end(), [&](const OpSummary& s) { return s.op == v.op; });
        if (kind == r.ops.end()) kind = r.ops.insert(r.ops.end(), OpSummary{v.op, 0, 0, {}});
        ++kind->count;
        kind->supported += v.supported ? 1 : 0;
        auto same = std::find_if(kind->details.begin(), kind->details.end(), [&](const DetailCount& d) {
            return d.supported == v.supported && d.detail == v.detail;
        });
        if (same == kind->details.end()) kind->details.push_back({v.supported, v.detail, 1});
        else ++same->count;
        r.operators.push_back(std::move(v));
    }
    return r;
}

std::string coverageText(const CoverageReport& r) {
    std::string out;
    char line[160];
    const int total = static_cast<int>(r.operators.size());
    out += r.file + ": " + std::to_string(total) + " operators of " + std::to_string(r.ops.size()) + " kinds, " +
           std::to_string(r.supportedOperators()) + " supported\n";
    if (!r.description.empty()) out += "  description: " + r.description + "\n";
    out += "\n";
    std::snprintf(line, sizeof line, "  %-20s %5s %9s\n", "op", "count", "supported");
    out += line;
    for (const OpSummary& s : r.ops) {
        std::snprintf(line, sizeof line, "  %-20s %5d %9d  %s\n", s.op.c_str(), s.count, s.supported,
                      s.supported == s.count ? "yes" : s.supported == 0 ? "NO" : "PARTLY");
        out += line;
        for (const DetailCount& d : s.details)
            out += "      " + std::to_string(d.count) + "x " + (d.supported ? "" : "NOT SUPPORTED: ") + d.detail + "\n";
    }
    for (const std::string& issue : r.modelIssues) out += "  model: NOT SUPPORTED: " + issue + "\n";
    for (const std::string& note : r.notes) out += "  note: " + note + "\n";
    out += "\n";
    if (r.supported()) {
        out += "every operator is supported\n";
    } else {
        std::string blocking;
        for (const std::string& op : r.blockingOps()) blocking += (blocking.empty() ? "" : ", ") + op;
        if (!r.modelIssues.empty()) blocking += std::string(blocking.empty() ? "" : ", ") + "the model's inputs/outputs";
        out += "not supported: blocked by " + blocking + "\n";
    }
    return out;
}

json coverageJson(const CoverageReport& r) {
    json ops = json::array();
    for (const OpSummary& s : r.ops) {
        json details = json::array();
        for (const DetailCount& d : s.details)
            details.push_back({{"count", d.count}, {"supported", d.supported}, {"detail", d.detail}});
        ops.push_back({{"op", s.op}, {"count", s.count}, {"supported", s.supported}, {"details", details}});
    }
    json operators = json::array();
    for (const OperatorVerdict& v : r.operators)
        operators.push_back({{"index", v.index},
                             {"op", v.op},
                             {"output", v.output},
                             {"supported", v.supported},
                             {"detail", v.detail}});
    return {{"file", r.file},
            {"description", r.description},
            {"supported", r.supported()},
            {"operators_total", r.operators.size()},
            {"operators_supported", r.supportedOperators()},
            {"blocking_ops", r.blockingOps()},
            {"model_issues", r.modelIssues},
            {"notes", r.notes},
            {"ops", ops},
            {"operators", operators}};
}

}  // namespace mcunet::interop::tflite
