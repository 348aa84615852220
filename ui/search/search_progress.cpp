#include "search/search_progress.h"

#include <nlohmann/json.hpp>

#include <filesystem>

#include "common/error.h"
#include "common/json_read.h"
#include "common/json_fields.h"

namespace mcunet::ui {

using nlohmann::json;

namespace {

const json& objectOr(const json& o, const char* key) {
    static const json empty = json::object();
    const auto it = o.find(key);
    return it != o.end() && it->is_object() ? *it : empty;
}

// {"accuracy": x, "images": n} of an engine, or -1.
double engineAccuracy(const json& o, const char* engine, long long* images = nullptr) {
    const json& e = objectOr(o, engine);
    if (images) *images = integerOr(e, "images", 0);
    return numberOr(e, "accuracy", -1);
}

ReportModel readModel(const std::string& name, const json& o) {
    ReportModel m;
    m.name = name;
    m.how = textOr(o, "how");
    m.architecture = textOr(o, "architecture");
    m.directory = textOr(o, "model");
    m.floatAccuracy = engineAccuracy(o, "float");
    m.int8Accuracy = engineAccuracy(o, "int8-reference", &m.testImages);
    m.macs = integerOr(o, "macs", 0);
    m.params = integerOr(o, "params", 0);
    m.peakSramBytes = integerOr(o, "peak_sram_bytes", 0);
    m.flashBytes = integerOr(o, "flash_bytes", 0);
    m.latencyMs = numberOr(o, "latency_ms", 0);
    return m;
}

FlowEvent readProgress(const json& o, const std::string& raw) {
    const std::string step = textOr(o, "step");
    const auto line = o.find("line");
    if (line == o.end() || !line->is_object()) return RawLine{raw, "progress: no \"line\" object"};
    const std::string kind = textOr(*line, "event");
    if (kind == "done" && line->contains("best"))  // a search child's end: its front came with the generations
        return FlowMessage{step + ": " + std::to_string(integerOr(*line, "evaluated", 0)) + " networks evaluated in " +
                           std::to_string(static_cast<long long>(numberOr(*line, "seconds", 0))) + " s"};
    if (kind != "generation") return FlowTrainLine{step, parseTrainLine(line->dump())};
    FlowGeneration g;
    g.step = step;
    g.generation = static_cast<int>(integerOr(*line, "generation", 0));
    g.generations = static_cast<int>(integerOr(*line, "generations", 0));
    g.evaluated = static_cast<int>(integerOr(*line, "evaluated", 0));
    g.bestAccuracy = numberOr(*line, "best_accuracy", 0);
    g.seconds = numberOr(*line, "seconds", 0);
    if (const auto best = readCandidate(objectOr(*line, "best"))) g.best = *best;
    const auto fresh = line->find("new");
    if (fresh != line->end() && fresh->is_array())
        for (const json& c : *fresh)
            if (auto candidate = readCandidate(c)) g.fresh.push_back(std::move(*candidate));
    return g;
}

}  // namespace

std::optional<json> readRunFile(const std::string& runDirectory, const std::string& name) {
    const std::filesystem::path path = std::filesystem::path(runDirectory) / name;
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::symlink_status(path, ec))) return std::nullopt;
    return json_read::parseFile(path.string());
}

const ReportModel* TinynasReport::model(std::string_view name) const {
    for (const ReportModel& m : models)
        if (m.name == name) return &m;
    return nullptr;
}

std::optional<SearchCandidate> readCandidate(const json& o) {
    if (!o.is_object() || !o.contains("key") || !o["key"].is_string() || !o.contains("architecture") ||
        !o["architecture"].is_object())
        return std::nullopt;
    SearchCandidate c;
    c.key = o["key"].get<std::string>();
    c.architectureJson = o["architecture"].dump();
    c.accuracy = numberOr(o, "accuracy", 0);
    c.generation = static_cast<int>(integerOr(o, "generation", 0));
    c.macs = integerOr(o, "macs", 0);
    c.params = integerOr(o, "params", 0);
    c.peakSramBytes = integerOr(o, "peak_sram_bytes", 0);
    c.flashBytes = integerOr(o, "flash_bytes", 0);
    c.latencyMs = numberOr(o, "latency_ms", 0);
    return c;
}

TinynasReport readTinynasReport(const json& r) {
    if (!r.is_object() || textOr(r, "format") != "mcunet-tinynas-report")
        throw Error("report.json: format: expected \"mcunet-tinynas-report\"");
    if (integerOr(r, "version", 0) != 1) throw Error("report.json: version: expected 1");
    TinynasReport t;
    const json& space = objectOr(r, "space");
    t.resolution = static_cast<int>(integerOr(space, "resolution", 0));
    t.width = numberOr(space, "width", 0);
    t.spaceWhy = textOr(space, "why");
    const json& network = objectOr(r, "network");
    t.networkKey = textOr(network, "key");
    t.architecture = textOr(network, "architecture");
    t.searchValidationAccuracy = numberOr(network, "search_validation_accuracy", 0);
    t.networksEvaluated = integerOr(network, "networks_evaluated", 0);
    const json& accuracy = objectOr(r, "accuracy");
    t.floatAccuracy = engineAccuracy(accuracy, "float");
    t.int8HostAccuracy = engineAccuracy(accuracy, "int8-reference");
    t.int8BoardAccuracy = engineAccuracy(accuracy, "int8-board", &t.boardImages);
    const json& deploy = objectOr(r, "deploy");
    t.measuredLatencyMs = numberOr(deploy, "measured_latency_ms", 0);
    t.estimatedLatencyMs = numberOr(deploy, "estimated_latency_ms", 0);
    t.elfFlashBytes = integerOr(deploy, "elf_flash_bytes", 0);
    t.arenaBytes = integerOr(deploy, "arena_bytes", 0);
    for (const auto& [planner, bytes] : objectOr(deploy, "peak_sram_bytes").items())
        if (bytes.is_number_integer()) t.peakSramByPlanner[planner] = bytes.get<long long>();
    t.models.push_back(readModel("searched", objectOr(r, "searched")));
    for (const auto& [name, b] : objectOr(r, "baselines").items())
        if (b.is_object()) t.models.push_back(readModel(name, b));
    for (const auto& [name, points] : objectOr(r, "margins_points").items())
        if (points.is_number()) t.margins[name] = points.get<double>();
    for (const auto& [step, seconds] : objectOr(r, "step_seconds").items())
        if (seconds.is_number()) t.stepSeconds.emplace_back(step, seconds.get<double>());
    return t;
}

FlowEvent parseFlowLine(std::string_view line) {
    const std::string raw(line);
    const json o = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (o.is_discarded()) return RawLine{raw, "not JSON"};
    if (!o.is_object()) return RawLine{raw, "not a JSON object"};
    const std::string kind = textOr(o, "event");
    if (kind == "step") return FlowStepStarted{textOr(o, "step"), textOr(o, "text")};
    if (kind == "message") return FlowMessage{textOr(o, "text")};
    if (kind == "progress") return readProgress(o, raw);
    if (kind == "done") {
        try {
            return FlowDone{readTinynasReport(objectOr(o, "report"))};
        } catch (const Error& e) {
            return RawLine{raw.substr(0, 200), e.what()};
        }
    }
    return RawLine{raw, kind.empty() ? "no \"event\" field" : "unknown event \"" + kind + "\""};
}

std::vector<FlowEvent> FlowProgressParser::feed(std::string_view bytes) { return toEvents(lines_.feed(bytes)); }

std::vector<FlowEvent> FlowProgressParser::finish() { return toEvents(lines_.finish()); }

std::vector<FlowEvent> FlowProgressParser::toEvents(const std::vector<SplitLine>& lines) {
    std::vector<FlowEvent> events;
    for (const SplitLine& l : lines)
        events.push_back(l.overlong ? FlowEvent(RawLine{l.text + "…", "line too long, dropped"}) : parseFlowLine(l.text));
    return events;
}

}  // namespace mcunet::ui
