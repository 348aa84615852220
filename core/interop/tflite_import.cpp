#include <cctype>
#include <filesystem>
#include "interop/tflite_import.h"

#include "common/error.h"
#include "cost/cost.h"
#include "interop/tflite_file.h"
#include "interop/tflite_lowering.h"
#include "interop/tflite_operands.h"

namespace mcunet::interop {

namespace {

using tflite::File;
using tflite::Lowered;

// Builds the graph and int8 model from a fully supported analysis. The file
// tensors the graph holds get graph tensors as they are produced; an alias
// (a no-op RESHAPE) shares its source's.
class Builder {
public:
    Builder(const File& f, const tflite::Analysis& a) : f_(f), a_(a), graphTensor_(f.tensors.size(), -1) {}

    quant::QuantizedModel build() {
        addInput();
        for (std::size_t i = 0; i < a_.ops.size(); ++i) addOperator(static_cast<int>(i));
        const int out = graphTensor_[static_cast<std::size_t>(a_.output)];
        if (out < 0) fail("the model output " + tflite::tensorText(f_, a_.output) + " is written by no operator");
        graph::Graph& g = m_.graph;
        g.setOutput(out);
        try {
            g.validate();
        } catch (const Error& e) {
            fail(e.what());
        }
        cost::checkBuildable(g, f_.name);
        for (int t = 0; t < g.tensorCount(); ++t) {
            const quant::TensorQuant q = m_.tensors[static_cast<std::size_t>(t)];
            g.mutableTensor(t).quant = {{q.scale}, {q.zeroPoint}};
        }
        quant::deriveRequantization(m_);
        return std::move(m_);
    }

private:
    [[noreturn]] void fail(const std::string& what) const { throw Error(f_.name + ": " + what); }

    tflite::ActivationTensor activation(int fileTensor) const {
        std::string why;
        const auto a = tflite::activationTensor(f_, fileTensor, why);
        if (!a) fail(why);  // the analysis checked it already
        return *a;
    }

    void addInput() {
        const int t = a_.input;
        const tflite::ActivationTensor a = activation(t);
        const std::string& name = f_.tensors[static_cast<std::size_t>(t)].name;
        graphTensor_[static_cast<std::size_t>(t)] = m_.graph.addInput(name.empty() ? "input" : name, a.hwc);
        m_.tensors.push_back(a.quant);
    }

    int graphInput(int op, int fileTensor) const {
        const int g = graphTensor_[static_cast<std::size_t>(fileTensor)];
        if (g < 0)
            fail("operator " + std::to_string(op) + " reads " + tflite::tensorText(f_, fileTensor) +
                 " before any operator writes it");
        return g;
    }

    // The one place a lowered op becomes a graph op: a new graph op kind
    // adds its case here (the switch has no default, so the compiler asks).
    int addGraphOp(const Lowered& l, const std::string& name, const std::vector<int>& in) {
        graph::Graph& g = m_.graph;
        switch (l.kind) {
            case graph::OpKind::Conv2D:
            case graph::OpKind::DepthwiseConv2D:
            case graph::OpKind::PointwiseConv2D:
                return g.addConv(l.kind, name, in[0], l.outChannels, l.window, l.activation);
            case graph::OpKind::Add: return g.addAdd(name, in[0], in[1], -1, -1, l.activation);
            case graph::OpKind::AveragePool: return g.addAveragePool(name, in[0]);
            case graph::OpKind::FullyConnected: return g.addFullyConnected(name, in[0], l.outChannels);
            case graph::OpKind::Softmax: return g.addSoftmax(name, in[0]);
            case graph::OpKind::MaxPool: return g.addMaxPool(name, in[0], l.window, l.activation);
            case graph::OpKind::AveragePool2D: return g.addAveragePool2D(name, in[0], l.window, l.activation);
            case graph::OpKind::Mean: return g.addMean(name, in[0], l.keepDims);
            case graph::OpKind::Pad: return g.addPad(name, in[0], l.padTop, l.padBottom, l.padLeft, l.padRight);
            case graph::OpKind::Concatenation: return g.addConcatenation(name, in);
            case graph::OpKind::Mul: return g.addMul(name, in[0], in[1], l.activation);
        }
        fail("unknown graph op kind");
    }

    void addOperator(int i) {
        const Lowered& l = a_.ops[static_cast<std::size_t>(i)];
        if (l.form == Lowered::Form::Edge) return;  // the graph's input or output is its int8 side (addInput, build)
        if (graphTensor_[static_cast<std::size_t>(l.output)] >= 0)
            fail("operator " + std::to_string(i) + " writes " + tflite::tensorText(f_, l.output) +
                 ", which already has a value");
        if (l.form == Lowered::Form::Alias) {
            graphTensor_[static_cast<std::size_t>(l.output)] = graphInput(i, l.inputs[0]);
            return;
        }
        std::vector<int> in;
        for (int t : l.inputs) in.push_back(graphInput(i, t));
        const std::string& outName = f_.tensors[static_cast<std::size_t>(l.output)].name;
        const std::string name = outName.empty() ? "op" + std::to_string(i) : outName;
        graph::Graph& g = m_.graph;
        int out = -1;
        try {
            out = addGraphOp(l, name, in);
        } catch (const Error& e) {
            fail("operator " + std::to_string(i) + ": " + e.what());
        }
        const tflite::ActivationTensor a = activation(l.output);
        if (!(g.tensor(out).shape == a.hwc))  // the lowering checked it; a mismatch is a bug, not a crash
            fail("operator " + std::to_string(i) + ": the graph gives " + tflite::hwcText(g.tensor(out).shape) +
                 ", the file says " + tflite::hwcText(a.hwc));
        graphTensor_[static_cast<std::size_t>(l.output)] = out;
        m_.tensors.push_back(a.quant);
        m_.ops.push_back(l.quant);
    }

    const File& f_;
    const tflite::Analysis& a_;
    std::vector<int> graphTensor_;  // file tensor -> graph tensor (-1: none yet)
    quant::QuantizedModel m_;
};

}  // namespace

TfliteImport importTflite(const File& f) {
    tflite::checkFile(f);
    tflite::requireInt8(f);
    const tflite::Analysis analysis = tflite::analyze(f);
    TfliteImport out;
    out.coverage = tflite::coverageReport(f, analysis);
    if (out.coverage.supported()) out.model = Builder(f, analysis).build();
    return out;
}

TfliteImport importTflite(const std::vector<std::uint8_t>& bytes, const std::string& name) {
    return importTflite(tflite::parseTflite(bytes, name));
}

TfliteImport importTfliteFile(const std::string& path) { return importTflite(tflite::readTflite(path)); }

quant::QuantizedModel requireModel(const TfliteImport& imported) {
    if (imported.model) return *imported.model;
    std::string blocking;
    for (const std::string& op : imported.coverage.blockingOps()) blocking += (blocking.empty() ? "" : ", ") + op;
    for (const std::string& issue : imported.coverage.modelIssues) blocking += (blocking.empty() ? "" : "; ") + issue;
    throw Error(imported.coverage.file + ": not supported by the layer graph (" + blocking +
                "); `mcunet import` prints the op coverage report\n" + tflite::coverageText(imported.coverage));
}

quant::QuantizedModel loadTfliteModel(const std::string& path) { return requireModel(importTfliteFile(path)); }

std::string importedModelName(const std::string& path) {
    std::string name = std::filesystem::path(path).stem().string();
    for (char& ch : name)
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_' && ch != '.') ch = '_';
    if (name.size() > 64) name.resize(64);
    return name.empty() ? std::string("imported") : name;
}

}  // namespace mcunet::interop
