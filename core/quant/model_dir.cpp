#include "quant/model_dir.h"

#include "graph/ops.h"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "arch/architecture_json.h"
#include "common/atomic_file.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "common/input_file.h"
#include "common/output_dir.h"
#include "common/json_read.h"
#include "common/safe_text.h"
#include "graph/build.h"

namespace mcunet::quant {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr char kFloatMagic[8] = {'M', 'C', 'U', 'N', 'E', 'T', 'F', '1'};
constexpr char kInt8Magic[8] = {'M', 'C', 'U', 'N', 'E', 'T', 'Q', '1'};
constexpr std::uintmax_t kMaxBinaryBytes = std::uintmax_t(512) << 20;
constexpr std::uintmax_t kMaxJsonBytes = std::uintmax_t(16) << 20;

class Writer {
public:
    template <typename T>
    void put(const T& v) {
        const char* p = reinterpret_cast<const char*>(&v);
        bytes.append(p, sizeof(T));
    }
    template <typename T>
    void putArray(const std::vector<T>& v) {
        put(static_cast<std::uint32_t>(v.size()));
        bytes.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
    }
    std::string bytes;
};

// Every read is bounds-checked: a truncated or tampered file is an Error.
class Reader {
public:
    Reader(std::string data, std::string file) : data_(std::move(data)), file_(std::move(file)) {}
    template <typename T>
    T get(const std::string& what) {
        need(sizeof(T), what);
        T v;
        std::memcpy(&v, data_.data() + pos_, sizeof(T));
        pos_ += sizeof(T);
        return v;
    }
    template <typename T>
    std::vector<T> getArray(const std::string& what, std::size_t expected) {
        const std::uint32_t n = get<std::uint32_t>(what + " count");
        if (n != expected)
            throw Error(file_ + ": " + what + " has " + std::to_string(n) + " values, the architecture needs " +
                        std::to_string(expected));
        need(std::size_t(n) * sizeof(T), what);
        std::vector<T> v(n);
        if (n != 0) std::memcpy(v.data(), data_.data() + pos_, std::size_t(n) * sizeof(T));  // v.data() may be null
        pos_ += std::size_t(n) * sizeof(T);
        return v;
    }
    void magic(const char (&m)[8]) {
        need(8, "magic");
        if (std::memcmp(data_.data(), m, 8) != 0) throw Error(file_ + ": not a file of this kind (bad magic)");
        pos_ = 8;
    }
    void end() const {
        if (pos_ != data_.size()) throw Error(file_ + ": " + std::to_string(data_.size() - pos_) + " unexpected bytes at the end");
    }
    const std::string& file() const { return file_; }

private:
    void need(std::size_t n, const std::string& what) const {
        if (data_.size() - pos_ < n) throw Error(file_ + ": truncated (reading " + what + ")");
    }
    std::string data_;
    std::string file_;
    std::size_t pos_ = 0;
};

std::string readCapped(const std::string& path, std::uintmax_t cap) {
    std::error_code ec;
    if (!fs::exists(path, ec)) throw Error(path + ": missing (not a complete model directory)");
    return input_file::read(path, static_cast<std::size_t>(cap), "a file of a model directory");
}

// Weight and bias counts an op of the graph carries (the op table's).
std::pair<std::size_t, std::size_t> weightCounts(const graph::Graph& g, const graph::Op& op) {
    return {static_cast<std::size_t>(graph::weightCount(g, op)), static_cast<std::size_t>(graph::biasCount(g, op))};
}

std::string floatBytes(const FloatModel& m) {
    Writer w;
    w.bytes.append(kFloatMagic, 8);
    w.put(static_cast<std::uint32_t>(m.ops.size()));
    for (const FloatWeights& fw : m.ops) {
        w.putArray(fw.weights);
        w.putArray(fw.bias);
    }
    return w.bytes;
}

std::string int8Bytes(const QuantizedModel& q) {
    Writer w;
    w.bytes.append(kInt8Magic, 8);
    w.put(static_cast<std::uint32_t>(q.tensors.size()));
    for (const TensorQuant& t : q.tensors) {
        w.put(t.scale);
        w.put(t.zeroPoint);
    }
    w.put(static_cast<std::uint32_t>(q.ops.size()));
    for (const OpQuant& o : q.ops) {
        w.putArray(o.weights);
        w.putArray(o.bias);
        w.putArray(o.weightScales);
        w.put(o.activationMin);
        w.put(o.activationMax);
        w.put(static_cast<std::int32_t>(o.leftShift));
    }
    return w.bytes;
}

FloatModel readFloat(const std::string& path, const graph::Graph& g) {
    Reader r(readCapped(path, kMaxBinaryBytes), path);
    r.magic(kFloatMagic);
    if (r.get<std::uint32_t>("op count") != std::uint32_t(g.opCount())) throw Error(path + ": op count differs from the architecture's");
    FloatModel m{g, {}};
    for (const graph::Op& op : g.ops()) {
        const auto [nw, nb] = weightCounts(g, op);
        FloatWeights fw;
        fw.weights = r.getArray<float>(op.name + " weights", nw);
        fw.bias = r.getArray<float>(op.name + " bias", nb);
        for (float v : fw.weights)
            if (!std::isfinite(v)) throw Error(path + ": " + op.name + " has a weight that is not finite");
        m.ops.push_back(std::move(fw));
    }
    r.end();
    return m;
}

QuantizedModel readInt8(const std::string& path, const graph::Graph& g) {
    Reader r(readCapped(path, kMaxBinaryBytes), path);
    r.magic(kInt8Magic);
    QuantizedModel q{g, {}, {}};
    if (r.get<std::uint32_t>("tensor count") != std::uint32_t(g.tensorCount())) throw Error(path + ": tensor count differs from the architecture's");
    for (int t = 0; t < g.tensorCount(); ++t) {
        TensorQuant tq;
        tq.scale = r.get<float>("scale");
        tq.zeroPoint = r.get<std::int32_t>("zero point");
        if (!std::isfinite(tq.scale) || tq.scale <= 0 || tq.zeroPoint < -128 || tq.zeroPoint > 127)
            throw Error(path + ": tensor " + g.tensor(t).name + ": scale must be positive and zero point in [-128, 127]");
        q.tensors.push_back(tq);
        q.graph.mutableTensor(t).quant.scales = {tq.scale};
        q.graph.mutableTensor(t).quant.zeroPoints = {tq.zeroPoint};
    }
    if (r.get<std::uint32_t>("op count") != std::uint32_t(g.opCount())) throw Error(path + ": op count differs from the architecture's");
    for (const graph::Op& op : g.ops()) {
        const auto [nw, nb] = weightCounts(g, op);
        OpQuant o;
        o.weights = r.getArray<std::int8_t>(op.name + " weights", nw);
        o.bias = r.getArray<std::int32_t>(op.name + " bias", nb);
        const std::size_t scales = nw == 0 ? 0 : graph::opInfo(op.kind).perTensorWeights ? 1 : nb;
        o.weightScales = r.getArray<float>(op.name + " weight scales", scales);
        for (float s : o.weightScales)
            if (!std::isfinite(s) || s <= 0) throw Error(path + ": " + op.name + ": weight scales must be positive");
        o.activationMin = r.get<std::int32_t>("activation min");
        o.activationMax = r.get<std::int32_t>("activation max");
        o.leftShift = r.get<std::int32_t>("left shift");
        if (o.activationMin < -128 || o.activationMax > 127 || o.activationMin > o.activationMax || o.leftShift < 0 || o.leftShift > 24)
            throw Error(path + ": " + op.name + ": clamp or shift out of range");
        q.ops.push_back(std::move(o));
    }
    r.end();
    deriveRequantization(q);
    return q;
}

}  // namespace

json toJson(const Accuracy& a) {
    return {{"engine", a.engine}, {"images", a.images}, {"correct", a.correct}, {"accuracy", a.value()}, {"confusion", a.confusion}};
}

Accuracy accuracyFromJson(const json& j, const std::string& path) {
    Accuracy a;
    if (!j.is_object()) throw Error(path + ": expected an object");
    a.engine = json_read::string(j, "engine", path);
    safe_text::check(a.engine, json_read::join(path, "engine"));
    constexpr std::int64_t kMaxImages = 1000000000;
    a.images = static_cast<int>(json_read::integerIn(j, "images", path, 0, kMaxImages));
    a.correct = static_cast<int>(json_read::integerIn(j, "correct", path, 0, a.images));
    if (!j.contains("confusion")) return a;
    const json& rows = json_read::array(j, "confusion", path);
    if (rows.size() > 100000) throw Error(json_read::join(path, "confusion") + ": too many rows");
    for (std::size_t r = 0; r < rows.size(); ++r) {
        const std::string rowPath = json_read::index(json_read::join(path, "confusion"), r);
        if (!rows[r].is_array() || rows[r].size() != rows.size()) throw Error(rowPath + ": expected " + std::to_string(rows.size()) + " counts");
        std::vector<int>& row = a.confusion.emplace_back();
        for (const json& v : rows[r]) {
            if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > a.images)
                throw Error(rowPath + ": expected counts from 0 to " + std::to_string(a.images));
            row.push_back(v.get<int>());
        }
    }
    return a;
}

bool isTrainedModelDirectory(const std::string& dir) {
    std::error_code ec;
    return fs::is_regular_file(fs::path(dir) / "model.json", ec);
}

void saveTrainedModel(const TrainedModel& m, const std::string& dir,
                      const std::vector<std::pair<std::string, std::string>>& extraFiles) {
    std::error_code ec;
    const output_dir::State state = output_dir::inspect(dir, output_dir::kModel);
    if (state != output_dir::State::Missing && state != output_dir::State::Empty && state != output_dir::State::Ours &&
        !isTrainedModelDirectory(dir))
        throw Error(dir + ": exists and is not a model directory; choose another --out");
    const std::string temp = atomic_file::makeTempDirectoryBeside(dir);
    const int cleanupToken = cleanup::addDirectory(temp);  // removed if a signal ends the program meanwhile
    struct Unregister {
        int token;
        ~Unregister() { cleanup::remove(token); }
    } unregister{cleanupToken};
    try {
        json doc = {{"format", "mcunet-model"},
                    {"version", kModelFormatVersion},
                    {"name", m.network.name()},
                    {"network", graph::toJson(m.network)},
                    {"classes", m.classes},
                    {"input", {{"height", m.network.inputHeight()}, {"width", m.network.inputWidth()},
                               {"channels", m.network.inputChannels()}, {"kind", graph::inputKindName(m.network.inputKind())},
                               {"layout", "HWC"}, {"float", "(pixel - 128) / 128"}, {"int8", "pixel - 128"},
                               {"scale", kImageInputQuant.scale}, {"zero_point", kImageInputQuant.zeroPoint}}},
                    {"calibration", m.calibration},
                    {"training", m.training},
                    {"accuracy", json::array()},
                    {"files", {{"float_weights", "weights_float.bin"}, {"int8", "int8.bin"}}}};
        for (const Accuracy& a : m.accuracy) doc["accuracy"].push_back(toJson(a));
        atomic_file::writeText((fs::path(temp) / "weights_float.bin").string(), floatBytes(m.floatModel));
        atomic_file::writeText((fs::path(temp) / "int8.bin").string(), int8Bytes(m.int8));
        for (const auto& [from, name] : extraFiles) {
            fs::copy_file(from, fs::path(temp) / name, fs::copy_options::overwrite_existing, ec);
            if (ec) throw Error(from + ": cannot copy into the model directory: " + ec.message());
        }
        atomic_file::writeText((fs::path(temp) / "model.json").string(), doc.dump(2) + "\n");
        output_dir::mark(temp, output_dir::kModel);
        atomic_file::commitDirectory(temp, dir);
    } catch (...) {
        fs::remove_all(temp, ec);
        throw;
    }
}

namespace {

// model.json's `input` block must describe the input the weights were
// trained and quantized for: the network's height, width, channels and kind
// (version 1: `resolution` for both sides, images only), HWC, scale 1/128 and
// zero point 0 (docs/model-format.md).
void checkInputBlock(const json& input, const graph::Network& n, std::int64_t version) {
    if (version == 1)
        json_read::onlyKeys(input, {"resolution", "channels", "layout", "float", "int8", "scale", "zero_point"}, "input");
    else
        json_read::onlyKeys(input, {"height", "width", "channels", "kind", "layout", "float", "int8", "scale", "zero_point"}, "input");
    auto expect = [&](const char* key, int wanted) {
        if (const std::int64_t v = json_read::integer(input, key, "input"); v != wanted)
            throw Error(std::string("input.") + key + ": " + std::to_string(v) + ", the network takes " + std::to_string(wanted));
    };
    if (version == 1) {
        expect("resolution", n.inputHeight());
    } else {
        expect("height", n.inputHeight());
        expect("width", n.inputWidth());
        const std::string kind = json_read::string(input, "kind", "input");
        if (kind != graph::inputKindName(n.inputKind()))
            throw Error("input.kind: \"" + safe_text::forTerminal(kind.substr(0, 40)) + "\", the network takes \"" +
                        graph::inputKindName(n.inputKind()) + "\"");
    }
    expect("channels", n.inputChannels());
    if (const std::string layout = json_read::string(input, "layout", "input"); layout != "HWC")
        throw Error("input.layout: \"" + safe_text::forTerminal(layout.substr(0, 40)) + "\" is not HWC");
    if (const double scale = json_read::number(input, "scale", "input"); float(scale) != kImageInputQuant.scale)
        throw Error("input.scale: " + std::to_string(scale) + " is not 1/128 (the scale the model was trained for)");
    if (const std::int64_t z = json_read::integer(input, "zero_point", "input"); z != kImageInputQuant.zeroPoint)
        throw Error("input.zero_point: " + std::to_string(z) + " is not 0");
}

// Version 1 holds an MBConv `architecture`; version 2 a `network` of any family.
graph::Network readNetwork(const json& doc, std::int64_t version) {
    if (version >= 2) return graph::networkFromJson(json_read::object(doc, "network", ""), "network");
    try {
        return graph::Network(arch::fromJson(json_read::object(doc, "architecture", "")));
    } catch (const Error& e) {
        const std::string what = e.what();
        throw Error(what.rfind("architecture", 0) == 0 ? what : "architecture." + what);
    }
}

// Everything model.json says, checked; errors name the field ("input.scale").
void readModelJson(const json& doc, TrainedModel& m) {
    if (!doc.is_object() || json_read::string(doc, "format", "") != "mcunet-model")
        throw Error("format: expected \"mcunet-model\"");
    const std::int64_t version = json_read::integer(doc, "version", "");
    if (version < 1 || version > kModelFormatVersion)
        throw Error("version " + std::to_string(version) + " is not supported (this build reads 1 to " +
                    std::to_string(kModelFormatVersion) + ")");
    m.network = readNetwork(doc, version);
    checkInputBlock(json_read::object(doc, "input", ""), m.network, version);
    const json& classes = json_read::array(doc, "classes", "");
    for (std::size_t i = 0; i < classes.size(); ++i) {
        if (!classes[i].is_string()) throw Error(json_read::index("classes", i) + ": expected a name (a string)");
        safe_text::check(classes[i].get<std::string>(), json_read::index("classes", i));
        m.classes.push_back(classes[i].get<std::string>());
    }
    if (static_cast<int>(m.classes.size()) != m.network.numClasses())
        throw Error("classes: " + std::to_string(m.classes.size()) + " names for " +
                    std::to_string(m.network.numClasses()) + " classes");
    if (doc.contains("calibration")) m.calibration = doc["calibration"];
    if (doc.contains("training")) m.training = doc["training"];
    if (doc.contains("accuracy")) {
        const json& list = json_read::array(doc, "accuracy", "");
        for (std::size_t i = 0; i < list.size(); ++i) m.accuracy.push_back(accuracyFromJson(list[i], json_read::index("accuracy", i)));
    }
}

}  // namespace

namespace {

// model.json of `dir`, read and checked (no weights yet).
TrainedModel readDescription(const std::string& dir) {
    const std::string jsonPath = (fs::path(dir) / "model.json").string();
    if (!fs::is_directory(dir)) throw Error(dir + ": not a model directory (make one with `mcunet train`)");
    const json doc = json_read::parse(readCapped(jsonPath, kMaxJsonBytes), jsonPath);
    TrainedModel m;
    try {
        readModelJson(doc, m);
    } catch (const Error& e) {
        throw Error(jsonPath + ": " + e.what());
    }
    return m;
}

}  // namespace

graph::Network loadModelNetwork(const std::string& dir) { return readDescription(dir).network; }

TrainedModel loadTrainedModel(const std::string& dir) {
    TrainedModel m = readDescription(dir);
    const graph::Graph g = m.network.build();
    m.floatModel = readFloat((fs::path(dir) / "weights_float.bin").string(), g);
    m.int8 = readInt8((fs::path(dir) / "int8.bin").string(), g);
    const TensorQuant in = m.int8.tensors[static_cast<std::size_t>(g.input())];
    if (in.scale != kImageInputQuant.scale || in.zeroPoint != kImageInputQuant.zeroPoint)
        throw Error(dir + "/int8.bin: the input quantization must be scale 1/128, zero point 0");
    return m;
}

}  // namespace mcunet::quant
