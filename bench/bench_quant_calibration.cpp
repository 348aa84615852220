// Int8 of trained models (issue 25): for each model directory, on all 10,000
// fashion-MNIST test images in the same run: the float accuracy, the int8
// accuracy of the int8.bin the model was saved with, and the int8 accuracy
// after quantizing its float weights again with today's quantizer (200
// training images for calibration), with the number of input channels that
// stayed constant over the calibration (quant/calibration.h) and the SQNR of
// the first tensors against the float run (where an int8 error starts).
// Usage: bench_quant_calibration MODEL_DIR... (fashion-MNIST models)
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "data/dataset.h"
#include "eval/accuracy.h"
#include "quant/calibration.h"
#include "quant/interpreter.h"
#include "quant/model.h"
#include "quant/model_dir.h"

using namespace mcunet;

namespace {

double percent(const std::vector<int>& pred, const data::ImageSet& set) {
    int correct = 0;
    for (std::size_t i = 0; i < pred.size(); ++i) correct += pred[i] == set.labels[i];
    return 100.0 * correct / double(pred.size());
}

double int8Accuracy(const quant::QuantizedModel& q, const data::ImageSet& test, int threads) {
    return percent(eval::predictions(eval::runInterpreter(q, test, threads)), test);
}

int constantChannels(const quant::Calibrated& c) {
    int n = 0;
    for (const auto& t : c.channels)
        for (const quant::Range& r : t) n += r.lo == r.hi;
    return n;
}

// SQNR (dB) of the int8 interpreter's dequantized tensors against the float
// run over `images` test images, for the first `tensors` tensors.
std::string firstSqnr(const quant::FloatModel& m, const quant::QuantizedModel& q, const data::ImageSet& set,
                      int images, int tensors) {
    std::vector<double> signal(std::size_t(tensors), 0.0), noise(std::size_t(tensors), 0.0);
    for (int i = 0; i < images; ++i) {
        const auto f = quant::runFloat(m, eval::floatInput(set, i));
        const auto r = quant::runReference(q, eval::int8Input(set, i));
        for (std::size_t t = 1; t < std::size_t(tensors); ++t) {
            const auto d = quant::dequantizeTensor(r[t], q.tensors[t]);
            for (std::size_t k = 0; k < f[t].size(); ++k) {
                signal[t] += double(f[t][k]) * f[t][k];
                noise[t] += (double(d[k]) - f[t][k]) * (double(d[k]) - f[t][k]);
            }
        }
    }
    std::string out;
    for (std::size_t t = 1; t < std::size_t(tensors); ++t) {
        char buf[96];
        std::snprintf(buf, sizeof buf, "%s%s %.1f", out.empty() ? "" : ", ", m.graph.tensor(int(t)).name.c_str(),
                      10.0 * std::log10(signal[t] / std::max(noise[t], 1e-30)));
        out += buf;
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    const int threads = int(std::max(1u, std::thread::hardware_concurrency()));
    const data::ImageSet train = data::loadFashionMnist(data::Part::Train);
    const data::ImageSet test = data::loadFashionMnist(data::Part::Test);
    std::printf("| model | float | int8 as saved | int8 now | constant channels | SQNR dB as saved | SQNR dB now |\n");
    std::printf("|---|---|---|---|---|---|---|\n");
    for (int a = 1; a < argc; ++a) {
        const quant::TrainedModel tm = quant::loadTrainedModel(argv[a]);
        const data::ImageSet testR = data::resized(test, tm.network.inputHeight(), tm.network.inputChannels());
        const data::ImageSet trainR = data::resized(train, tm.network.inputHeight(), tm.network.inputChannels());
        const auto cal = eval::calibrationInputs(trainR, 200, 0x5eedULL);
        const auto now = quant::quantize(tm.floatModel, cal, quant::kImageInputQuant);
        std::printf("| %s | %.2f%% | %.2f%% | %.2f%% | %d | %s | %s |\n", argv[a],
                    percent(eval::predictFloat(tm.floatModel, testR, threads), testR),
                    int8Accuracy(tm.int8, testR, threads), int8Accuracy(now, testR, threads),
                    constantChannels(quant::calibrate(tm.floatModel, cal)),
                    firstSqnr(tm.floatModel, tm.int8, testR, 100, 4).c_str(),
                    firstSqnr(tm.floatModel, now, testR, 100, 4).c_str());
        std::fflush(stdout);
    }
    return 0;
}
