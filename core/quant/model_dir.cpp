#include "quant/model_dir.h"

#include "graph/ops.h"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "arch/architecture_json.h"
#include "common/atomic_file.h"
#include "common/error.h"
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
    if (!fs::is_regular_file(path, ec)) throw Error(path + ": missing (not a complete model directory)");
    const std::uintmax_t size = fs::file_size(path, ec);
    if (ec || size > cap) throw Error(path + ": larger than " + std::to_string(cap >> 20) + " MB");
    std::ifstream in(path, std::ios::binary);
    std::string data(static_cast<std::size_t>(size), '\0');
    if (!in.read(data.data(), static_cast<std::streamsize>(size))) throw Error(path + ": cannot read");
    return data;
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
    a.engine = json_read::string(j, "engine", path);
    a.images = static_cast<int>(json_read::integer(j, "images", path));
    a.correct = static_cast<int>(json_read::integer(j, "correct", path));
    if (j.contains("confusion")) a.confusion = j["confusion"].get<std::vector<std::vector<int>>>();
    return a;
}

bool isTrainedModelDirectory(const std::string& dir) {
    std::error_code ec;
    return fs::is_regular_file(fs::path(dir) / "model.json", ec);
}

void saveTrainedModel(const TrainedModel& m, const std::string& dir,
                      const std::vector<std::pair<std::string, std::string>>& extraFiles) {
    std::error_code ec;
    if (fs::exists(fs::symlink_status(dir, ec)) && !isTrainedModelDirectory(dir))
        throw Error(dir + ": exists and is not a model directory; choose another --out");
    const std::string temp = atomic_file::makeTempDirectoryBeside(dir);
    try {
        json doc = {{"format", "mcunet-model"},
                    {"version", kModelFormatVersion},
                    {"name", m.architecture.name},
                    {"architecture", arch::toJson(m.architecture)},
                    {"classes", m.classes},
                    {"input", {{"resolution", m.architecture.resolution}, {"channels", m.architecture.inputChannels},
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
        atomic_file::commitDirectory(temp, dir);
    } catch (...) {
        fs::remove_all(temp, ec);
        throw;
    }
}

TrainedModel loadTrainedModel(const std::string& dir) {
    const std::string jsonPath = (fs::path(dir) / "model.json").string();
    if (!fs::is_directory(dir)) throw Error(dir + ": not a model directory (make one with `mcunet train`)");
    const json doc = json_read::parse(readCapped(jsonPath, kMaxJsonBytes), jsonPath);
    TrainedModel m;
    if (!doc.is_object() || json_read::string(doc, "format", jsonPath) != "mcunet-model")
        throw Error(jsonPath + ": format: expected \"mcunet-model\"");
    const std::int64_t version = json_read::integer(doc, "version", jsonPath);
    if (version != kModelFormatVersion)
        throw Error(jsonPath + ": version " + std::to_string(version) + " is not supported (this build reads " +
                    std::to_string(kModelFormatVersion) + ")");
    try {
        m.architecture = arch::fromJson(json_read::object(doc, "architecture", jsonPath));
    } catch (const Error& e) {
        throw Error(jsonPath + ": architecture." + e.what());
    }
    for (const json& c : json_read::array(doc, "classes", jsonPath)) {
        if (!c.is_string()) throw Error(jsonPath + ": classes: expected names (strings)");
        safe_text::check(c.get<std::string>(), jsonPath + ": classes[" + std::to_string(m.classes.size()) + "]");
        m.classes.push_back(c.get<std::string>());
    }
    if (static_cast<int>(m.classes.size()) != m.architecture.numClasses)
        throw Error(jsonPath + ": classes: " + std::to_string(m.classes.size()) + " names for " +
                    std::to_string(m.architecture.numClasses) + " classes");
    if (doc.contains("calibration")) m.calibration = doc["calibration"];
    if (doc.contains("training")) m.training = doc["training"];
    if (doc.contains("accuracy"))
        for (const json& a : json_read::array(doc, "accuracy", jsonPath)) m.accuracy.push_back(accuracyFromJson(a, jsonPath + ": accuracy"));
    const graph::Graph g = graph::buildGraph(m.architecture);
    m.floatModel = readFloat((fs::path(dir) / "weights_float.bin").string(), g);
    m.int8 = readInt8((fs::path(dir) / "int8.bin").string(), g);
    const TensorQuant in = m.int8.tensors[static_cast<std::size_t>(g.input())];
    if (in.scale != kImageInputQuant.scale || in.zeroPoint != kImageInputQuant.zeroPoint)
        throw Error(dir + "/int8.bin: the input quantization must be scale 1/128, zero point 0");
    return m;
}

}  // namespace mcunet::quant
