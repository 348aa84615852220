#pragma once
// The progress lines `mcunet tinynas --json` writes (docs/search.md), turned
// into typed events, and its report.json read into a plain struct. Plain C++
// (no Qt): tested on recorded lines apart from any widget.
//
// A training child's lines (supernet, fine-tuning, baselines) come wrapped in
// "progress" events and are read by the training parser, so the Search step
// draws them with the same curves as Train. A search child's generations
// carry the networks evaluated in that generation: the live front.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "jobs/line_splitter.h"
#include "train/train_progress.h"

namespace mcunet::ui {

// One evaluated network (docs/search.md, "evaluated").
struct SearchCandidate {
    std::string key;               // canonical choices, e.g. "d2.3.2.2.3.1|k3e4 ..."
    std::string architectureJson;  // the architecture, as JSON text (arch::parseArchitecture reads it)
    double accuracy = 0;           // validation accuracy in the supernet
    int generation = 0;
    long long macs = 0, params = 0, peakSramBytes = 0, flashBytes = 0;
    double latencyMs = 0;
};

struct FlowStepStarted {  // "step": a step of the flow begins
    std::string step;      // space, supernet, search, model, deploy, board, random, mbv2
    std::string text;
};
struct FlowMessage {
    std::string text;
};
struct FlowTrainLine {  // a training child's line (start / step / epoch / done)
    std::string step;    // supernet, model, random, mbv2
    TrainEvent event;
};
struct FlowGeneration {  // a search child's generation
    std::string step;     // search, random
    int generation = 0, generations = 0, evaluated = 0;
    double bestAccuracy = 0, seconds = 0;
    SearchCandidate best;
    std::vector<SearchCandidate> fresh;  // evaluated in this generation
};

// What a finished run reports (report.json, format mcunet-tinynas-report v1).
struct ReportModel {
    std::string name;  // "searched", "random", "mbv2"
    std::string how, architecture, directory;
    double floatAccuracy = -1, int8Accuracy = -1;  // on the test images; -1: absent
    long long testImages = 0;
    long long macs = 0, params = 0, peakSramBytes = 0, flashBytes = 0;
    double latencyMs = 0;
};
struct TinynasReport {
    int resolution = 0;
    double width = 0;
    std::string spaceWhy, networkKey, architecture;
    double searchValidationAccuracy = 0;
    long long networksEvaluated = 0;
    double floatAccuracy = -1, int8HostAccuracy = -1, int8BoardAccuracy = -1;
    long long boardImages = 0;
    double measuredLatencyMs = 0, estimatedLatencyMs = 0;
    long long elfFlashBytes = 0, arenaBytes = 0;
    std::map<std::string, long long> peakSramByPlanner;
    std::vector<ReportModel> models;        // the searched network first, then the baselines
    std::map<std::string, double> margins;  // baseline -> points the searched network is ahead
    std::vector<std::pair<std::string, double>> stepSeconds;
    const ReportModel* model(std::string_view name) const;
};
// Reads a report; throws mcunet::Error naming the field when it is not one.
TinynasReport readTinynasReport(const nlohmann::json& report);

struct FlowDone {
    TinynasReport report;
};

using FlowEvent = std::variant<FlowStepStarted, FlowMessage, FlowTrainLine, FlowGeneration, FlowDone, RawLine>;

// One complete line to an event (RawLine, with why, for anything unexpected).
FlowEvent parseFlowLine(std::string_view line);
// A file of a run folder (tinynas.json, search/search.json, report.json) as
// JSON: nullopt when it is not there; read bounded and never blocking (a
// FIFO or device in its place is refused); throws mcunet::Error naming the
// file when it cannot be read or parsed.
std::optional<nlohmann::json> readRunFile(const std::string& runDirectory, const std::string& name);
// One "evaluated" entry of search.json or a generation line; nullopt when malformed.
std::optional<SearchCandidate> readCandidate(const nlohmann::json& o);

class FlowProgressParser {
public:
    std::vector<FlowEvent> feed(std::string_view bytes);
    std::vector<FlowEvent> finish();

private:
    static std::vector<FlowEvent> toEvents(const std::vector<SplitLine>& lines);
    LineSplitter lines_;
};

}  // namespace mcunet::ui
