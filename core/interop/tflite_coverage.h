#pragma once
// The op coverage report of a .tflite file (docs/tflite-import.md): every op
// kind in the file with its count, and for each operator whether the layer
// graph takes it and how, or exactly why not, so a user knows at once what
// to change. It is made before anything runs and from the same lowering the
// import builds with (tflite_lowering.h).
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "interop/tflite_file.h"
#include "interop/tflite_lowering.h"

namespace mcunet::interop::tflite {

struct OperatorVerdict {
    int index = 0;
    std::string op;      // "CONV_2D"
    std::string output;  // the output tensor's name
    bool supported = false;
    std::string detail;
};

// Operators of one kind that got the same verdict and detail.
struct DetailCount {
    bool supported = false;
    std::string detail;
    int count = 0;
};

struct OpSummary {
    std::string op;
    int count = 0;
    int supported = 0;
    std::vector<DetailCount> details;  // in order of first appearance
};

struct CoverageReport {
    std::string file;
    std::string description;                // the file's own
    std::vector<OpSummary> ops;             // op kinds in order of first appearance
    std::vector<OperatorVerdict> operators; // one per operator, in execution order
    std::vector<std::string> modelIssues;   // blocking, not tied to one operator
    std::vector<std::string> notes;         // blocking nothing

    bool supported() const;                  // every operator, and no model issue
    int supportedOperators() const;
    std::vector<std::string> blockingOps() const;  // op kinds with an unsupported operator
};

CoverageReport coverageReport(const File& f, const Analysis& a);

// The report as the CLI prints it: a summary line, then one line per op kind
// and one per distinct detail.
std::string coverageText(const CoverageReport& r);
nlohmann::json coverageJson(const CoverageReport& r);

}  // namespace mcunet::interop::tflite
