#include "train/train_progress.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "common/json_fields.h"

namespace mcunet::ui {

using nlohmann::json;

namespace {

// A record that lacks a field or has one of the wrong type: the line is
// reported as a RawLine saying which field, never half-applied.
struct BadField {
    std::string why;
};

const json& field(const json& o, const char* key, const char* event) {
    const auto it = o.find(key);
    if (it == o.end()) throw BadField{std::string(event) + ": missing \"" + key + "\""};
    return *it;
}

double number(const json& o, const char* key, const char* event) {
    const json& v = field(o, key, event);
    if (!v.is_number()) throw BadField{std::string(event) + ": \"" + key + "\" is not a number"};
    return v.get<double>();
}

long long integer(const json& o, const char* key, const char* event) {
    const json& v = field(o, key, event);
    if (!v.is_number_integer()) throw BadField{std::string(event) + ": \"" + key + "\" is not an integer"};
    return v.get<long long>();
}

int smallInt(const json& o, const char* key, const char* event) {
    return static_cast<int>(std::clamp<long long>(integer(o, key, event), -1000000000LL, 1000000000LL));
}

std::string text(const json& o, const char* key, const char* event) {
    const json& v = field(o, key, event);
    if (!v.is_string()) throw BadField{std::string(event) + ": \"" + key + "\" is not a string"};
    return v.get<std::string>();
}

TrainStart readStart(const json& o) {
    TrainStart s;
    s.architecture = text(o, "architecture", "start");
    const auto sn = o.find("supernet");
    s.supernet = sn != o.end() && sn->is_boolean() && sn->get<bool>();
    if (const auto d = o.find("data"); d != o.end() && d->is_object()) {
        if (const auto src = d->find("source"); src != d->end() && src->is_string()) s.dataSource = src->get<std::string>();
        s.trainImages = integerOr(*d, "train_images", 0);
        s.validationImages = integerOr(*d, "validation_images", 0);
        s.testImages = integerOr(*d, "test_images", 0);
        s.resolution = static_cast<int>(integerOr(*d, "resolution", 0));
        s.channels = static_cast<int>(integerOr(*d, "channels", 0));
    }
    s.epochs = smallInt(o, "epochs", "start");
    s.batch = static_cast<int>(integerOr(o, "batch", 0));
    s.threads = static_cast<int>(integerOr(o, "threads", 0));
    s.ranks = static_cast<int>(integerOr(o, "ranks", 1));
    return s;
}

TrainStep readStep(const json& o) {
    TrainStep s;
    s.epoch = smallInt(o, "epoch", "step");
    s.epochs = smallInt(o, "epochs", "step");
    s.step = integer(o, "step", "step");
    s.steps = integer(o, "steps", "step");
    s.globalStep = integer(o, "global_step", "step");
    s.totalSteps = integer(o, "total_steps", "step");
    s.loss = number(o, "loss", "step");
    s.accuracy = number(o, "accuracy", "step");
    s.learningRate = numberOr(o, "lr", 0);
    s.imagesPerSecond = numberOr(o, "images_per_second", 0);
    s.etaSeconds = numberOr(o, "eta_seconds", 0);
    return s;
}

TrainEpoch readEpoch(const json& o) {
    TrainEpoch e;
    e.epoch = smallInt(o, "epoch", "epoch");
    e.epochs = smallInt(o, "epochs", "epoch");
    e.trainLoss = number(o, "train_loss", "epoch");
    e.trainAccuracy = number(o, "train_accuracy", "epoch");
    e.validationAccuracy = number(o, "validation_accuracy", "epoch");
    e.validationAccuracySmallest = numberOr(o, "validation_accuracy_smallest", -1);
    e.seconds = numberOr(o, "seconds", 0);
    e.imagesPerSecond = numberOr(o, "images_per_second", 0);
    return e;
}

EngineAccuracy readEngine(const json& o) {
    if (!o.is_object()) throw BadField{"done: an \"accuracy\" entry is not an object"};
    EngineAccuracy a;
    a.engine = text(o, "engine", "done");
    a.images = integerOr(o, "images", 0);
    a.correct = integerOr(o, "correct", 0);
    a.accuracy = numberOr(o, "accuracy", a.images ? double(a.correct) / double(a.images) : 0.0);
    if (const auto c = o.find("confusion"); c != o.end() && c->is_array()) {
        for (const json& row : *c) {
            if (!row.is_array()) throw BadField{"done: confusion: a row is not an array"};
            std::vector<long long> r;
            for (const json& v : row) {
                if (!v.is_number_integer()) throw BadField{"done: confusion: a count is not an integer"};
                r.push_back(v.get<long long>());
            }
            a.confusion.push_back(std::move(r));
        }
    }
    return a;
}

TrainDone readDone(const json& o) {
    TrainDone d;
    d.model = text(o, "model", "done");
    if (const auto a = o.find("architecture"); a != o.end() && a->is_string()) d.architecture = a->get<std::string>();
    d.floatAccuracy = number(o, "float_accuracy", "done");
    d.int8Accuracy = number(o, "int8_accuracy", "done");
    d.testImages = integerOr(o, "test_images", 0);
    d.validationAccuracy = numberOr(o, "validation_accuracy", 0);
    d.seconds = numberOr(o, "seconds", 0);
    if (const auto list = o.find("accuracy"); list != o.end() && list->is_array())
        for (const json& e : *list) d.accuracy.push_back(readEngine(e));
    return d;
}

}  // namespace

double TrainStep::epochPosition() const {
    if (steps <= 0) return double(epoch);
    return double(epoch - 1) + double(step) / double(steps);
}

const EngineAccuracy* TrainDone::engine(std::string_view name) const {
    for (const EngineAccuracy& a : accuracy)
        if (a.engine == name) return &a;
    return nullptr;
}

TrainEvent parseTrainLine(std::string_view line) {
    std::string_view trimmed = line;
    while (!trimmed.empty() && (trimmed.back() == '\r' || trimmed.back() == ' ' || trimmed.back() == '\t'))
        trimmed.remove_suffix(1);
    const std::string raw(trimmed);
    const json o = json::parse(trimmed, nullptr, /*allow_exceptions=*/false);
    if (o.is_discarded()) return RawLine{raw, "not JSON"};
    if (!o.is_object()) return RawLine{raw, "not a JSON object"};
    const auto kind = o.find("event");
    if (kind == o.end() || !kind->is_string()) return RawLine{raw, "no \"event\" field"};
    const std::string event = kind->get<std::string>();
    try {
        if (event == "message") return TrainMessage{text(o, "text", "message")};
        if (event == "start") return readStart(o);
        if (event == "step") return readStep(o);
        if (event == "epoch") return readEpoch(o);
        if (event == "stopped") return TrainStopped{o.contains("text") && o["text"].is_string() ? o["text"].get<std::string>() : ""};
        if (event == "done") return readDone(o);
    } catch (const BadField& bad) {
        return RawLine{raw, bad.why};
    }
    return RawLine{raw, "unknown event \"" + event + "\""};
}

std::vector<TrainEvent> TrainProgressParser::feed(std::string_view bytes) {
    return toEvents(lines_.feed(bytes));
}

std::vector<TrainEvent> TrainProgressParser::finish() { return toEvents(lines_.finish()); }

std::vector<TrainEvent> TrainProgressParser::toEvents(const std::vector<SplitLine>& lines) {
    std::vector<TrainEvent> events;
    for (const SplitLine& l : lines)
        events.push_back(l.overlong ? TrainEvent(RawLine{l.text + "…", "line longer than " +
                                                                           std::to_string(kMaxLineBytes) + " bytes, dropped"})
                                    : parseTrainLine(l.text));
    return events;
}

}  // namespace mcunet::ui
