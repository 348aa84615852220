// core/nas: the torch networks against the graph's own float reference, the
// supernet's elastic kernel / expand / depth and subnet extraction, training
// (the sandwich rule lowers the loss) and exact resume from a checkpoint.
// torch first: Qt's `slots` keyword macro breaks torch's headers.
#include "nas/checkpoint.h"
#include "nas/networks.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <random>

#include "arch/presets.h"
#include "common/error.h"
#include "graph/build.h"
#include "nas/checkpoint.h"
#include "nas/networks.h"
#include "nas/training.h"
#include "quant/model.h"
#include "space/search_space.h"

using namespace mcunet;

namespace {

space::SearchSpace smallSpace() {
    space::SearchSpace s = space::mcunetSpace(4);
    s.inputChannels = 1;
    return s;
}

torch::Tensor randomImages(int n, int r, int c, std::uint64_t seed) {
    torch::manual_seed(seed);
    return torch::rand({n, c, r, r}) * 2 - 1;
}

// BatchNorm statistics away from (0, 1) so that eval-mode outputs depend on them.
void randomizeBatchNorm(torch::nn::Module& m, std::uint64_t seed) {
    torch::NoGradGuard noGrad;
    torch::manual_seed(seed);
    for (auto& b : m.named_buffers()) {
        if (b.key().find("running_mean") != std::string::npos) b.value().normal_(0, 0.1);
        if (b.key().find("running_var") != std::string::npos) b.value().uniform_(0.5, 1.5);
    }
    for (auto& p : m.named_parameters())
        if (p.key().find(".bn.") != std::string::npos) p.value().uniform_(0.5, 1.5);
}

double maxDiff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

// A synthetic 4-class dataset: each class is a bright square in one corner.
data::ImageSet cornerImages(int perClass, int r, std::uint64_t seed) {
    data::ImageSet s;
    s.height = s.width = r;
    s.channels = 1;
    s.classes = {"nw", "ne", "sw", "se"};
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int> noise(0, 60);
    for (int c = 0; c < 4; ++c)
        for (int i = 0; i < perClass; ++i) {
            for (int y = 0; y < r; ++y)
                for (int x = 0; x < r; ++x) {
                    const bool inside = (y < r / 2) == (c < 2) && (x < r / 2) == (c % 2 == 0);
                    s.pixels.push_back(static_cast<std::uint8_t>((inside ? 180 : 20) + noise(rng)));
                }
            s.labels.push_back(c);
        }
    return s;
}

data::Datasets cornerData() {
    data::Datasets d;
    d.train = cornerImages(16, 32, 1);
    d.validation = cornerImages(8, 32, 2);
    d.test = cornerImages(8, 32, 3);
    return d;
}

std::vector<float> weightsOf(const quant::FloatModel& m) {
    std::vector<float> all;
    for (const auto& op : m.ops) {
        all.insert(all.end(), op.weights.begin(), op.weights.end());
        all.insert(all.end(), op.bias.begin(), op.bias.end());
    }
    return all;
}

}  // namespace

class TestNas : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { torch::set_num_threads(1); }

    // The torch network computes what the graph's float reference computes:
    // same layouts, same TF Lite SAME padding (asymmetric at stride 2).
    void graphNetMatchesFloatReference_data() {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<int>("resolution");
        QTest::newRow("vww1 at 32 (even sizes, stride-2 pads after)") << "mcunet-vww1" << 32;
        QTest::newRow("vww1 at 36 (odd sizes after stride 2)") << "mcunet-vww1" << 36;
        QTest::newRow("mbv2 with feature mix at 40") << "mbv2-w0.35-r144" << 40;
    }
    void graphNetMatchesFloatReference() {
        QFETCH(QString, preset);
        QFETCH(int, resolution);
        arch::Architecture a = arch::preset(preset.toStdString());
        a.resolution = resolution;
        const graph::Graph g = graph::buildGraph(a);
        const quant::FloatModel fm = quant::initializeWeights(g, 7);
        nas::GraphNet net = nas::fromFloatModel(fm);
        net->eval();
        const auto inputs = quant::randomInputs(g, 2, 3);
        for (const auto& in : inputs) {
            const auto ref = quant::runFloat(fm, in)[static_cast<std::size_t>(g.output())];
            const torch::Tensor x = torch::from_blob(const_cast<float*>(in.data()), {1, resolution, resolution, 3}).permute({0, 3, 1, 2});
            const torch::Tensor y = net->forward(x).contiguous();
            for (std::size_t i = 0; i < ref.size(); ++i) QVERIFY2(std::abs(y[0][long(i)].item<float>() - ref[i]) < 1e-3f * (1 + std::abs(ref[i])), qPrintable(QString::number(i)));
        }
    }

    // The ops beyond our search space (imported graphs): VALID convolutions,
    // windowed pools, pad, concatenation, mul and mean, fused ReLU, on a non-square input.
    void graphNetMatchesFloatReferenceOnGeneralOps() {
        using graph::OpKind;
        graph::Graph g;
        int x = g.addInput("input", {13, 10, 2});
        x = g.addConv(OpKind::Conv2D, "stem", x, 8, 3, 2, graph::Activation::ReLU6);
        x = g.addConv(OpKind::Conv2D, "valid", x, 8, 3, 1, graph::Activation::ReLU, -1, -1, graph::Padding::Valid);
        x = g.addMaxPool("max", x, graph::PoolWindow{2, 3, 1, 2, graph::Padding::Same});
        x = g.addPad("pad", x, 1, 0, 2, 1);
        x = g.addConv(OpKind::DepthwiseConv2D, "dw2", x, 16, 3, 1, graph::Activation::ReLU6);  // depth multiplier 2
        x = g.addConv(OpKind::PointwiseConv2D, "project", x, 8, 1, 1, graph::Activation::None);
        const int dw = g.addConv(OpKind::DepthwiseConv2D, "dw", x, 8, 3, 1, graph::Activation::None, -1, -1,
                                 graph::Padding::Valid);
        const int branch = g.addConv(OpKind::PointwiseConv2D, "branch", dw, 4, 1, 1, graph::Activation::None);
        x = g.addConcatenation("concat", {dw, branch});
        x = g.addMul("mul", x, x);
        x = g.addAveragePool2D("avg", x, graph::PoolWindow{2, 2, 1, 1, graph::Padding::Valid});
        x = g.addMean("mean", x);
        g.setOutput(g.addFullyConnected("fc", x, 3));
        const quant::FloatModel fm = quant::initializeWeights(g, 5);
        nas::GraphNet net = nas::fromFloatModel(fm);
        net->eval();
        for (const auto& in : quant::randomInputs(g, 2, 9)) {
            const auto ref = quant::runFloat(fm, in)[static_cast<std::size_t>(g.output())];
            const torch::Tensor t = torch::from_blob(const_cast<float*>(in.data()), {1, 13, 10, 2}).permute({0, 3, 1, 2});
            const torch::Tensor y = net->forward(t).contiguous();
            QCOMPARE(y.numel(), static_cast<long>(ref.size()));
            for (std::size_t i = 0; i < ref.size(); ++i)
                QVERIFY2(std::abs(y[0][long(i)].item<float>() - ref[i]) < 1e-3f * (1 + std::abs(ref[i])), qPrintable(QString::number(i)));
        }
    }

    // BatchNorm folding: eval-mode outputs equal the folded model's.
    void foldedModelEqualsBatchNormNetwork() {
        arch::Architecture a = arch::preset("mcunet-vww1");
        a.resolution = 32;
        a.inputChannels = 1;
        torch::manual_seed(5);
        nas::GraphNet net(graph::buildGraph(a));
        randomizeBatchNorm(*net, 9);
        net->eval();
        const torch::Tensor x = randomImages(3, 32, 1, 11);
        const torch::Tensor expected = net->forward(x);
        nas::GraphNet folded = nas::fromFloatModel(net->toFloatModel());
        folded->eval();
        QVERIFY(maxDiff(folded->forward(x), expected) < 1e-4);
    }

    // Extracted subnets equal the supernet run with their settings, across
    // kernels 3/5/7, expands 3-6 and depths 2-4.
    void extractedSubnetEqualsSupernet() {
        const space::SearchSpace s = smallSpace();
        torch::manual_seed(1);
        nas::Supernet sn(s, 32, 0.35);
        randomizeBatchNorm(*sn, 2);
        {  // kernel transforms away from the identity, so 5x5 and 3x3 really are transformed
            torch::NoGradGuard noGrad;
            for (auto& b : sn->blocks())
                for (auto& t : b->transforms) t.add_(torch::randn_like(t) * 0.05);
        }
        sn->eval();
        const torch::Tensor x = randomImages(2, 32, 1, 4);
        std::mt19937_64 rng(3);
        std::vector<arch::Architecture> subnets{sn->largest(), sn->smallest()};
        for (int i = 0; i < 6; ++i) subnets.push_back(sn->sample(rng));
        std::set<int> kernels, expands, depths;
        for (const arch::Architecture& a : subnets) {
            nas::GraphNet net = sn->extract(a);
            net->eval();
            const double d = maxDiff(net->forward(x), sn->forward(x, a));
            QVERIFY2(d < 1e-5, qPrintable(QString("max diff %1").arg(d)));
            for (const auto& st : a.stages) {
                depths.insert(int(st.blocks.size()));
                for (const auto& b : st.blocks) {
                    kernels.insert(b.kernel);
                    expands.insert(b.expand);
                }
            }
        }
        QCOMPARE(kernels, (std::set<int>{3, 5, 7}));
        QCOMPARE(expands, (std::set<int>{3, 4, 5, 6}));
        QCOMPARE(depths, (std::set<int>{1, 2, 3, 4}));
    }

    // Elastic kernel: with identity transforms a smaller kernel is the centre
    // crop of the 7x7 weight; the 3x3 goes through both transforms.
    void elasticKernelIsTransformedCentreCrop() {
        torch::manual_seed(1);
        nas::DynamicBlock b(8, 8, 1, 6, 7);
        const torch::Tensor w7 = b->dwConv->weight.narrow(0, 0, 24);
        QVERIFY(maxDiff(b->depthwiseWeight(5, 24), w7.narrow(2, 1, 5).narrow(3, 1, 5)) == 0);
        QVERIFY(maxDiff(b->depthwiseWeight(3, 24), w7.narrow(2, 2, 3).narrow(3, 2, 3)) == 0);
        {
            torch::NoGradGuard noGrad;
            b->transforms[1].mul_(2.0);  // 5 -> 3 doubles
        }
        QVERIFY(maxDiff(b->depthwiseWeight(3, 24), 2 * w7.narrow(2, 2, 3).narrow(3, 2, 3)) < 1e-6);
        QVERIFY(maxDiff(b->depthwiseWeight(5, 24), w7.narrow(2, 1, 5).narrow(3, 1, 5)) == 0);
    }

    // Elastic expand: re-sorting channels by importance keeps the largest
    // network's function and puts the most important channels first.
    void channelSortingKeepsTheLargestNetwork() {
        const space::SearchSpace s = smallSpace();
        torch::manual_seed(2);
        nas::Supernet sn(s, 32, 0.35);
        randomizeBatchNorm(*sn, 3);
        sn->eval();
        const torch::Tensor x = randomImages(2, 32, 1, 5);
        const torch::Tensor before = sn->forward(x, sn->largest());
        sn->sortChannels();
        QVERIFY(maxDiff(sn->forward(x, sn->largest()), before) < 1e-5);
        const torch::Tensor importance = sn->blocks()[0]->projectConv->weight.abs().sum({0, 2, 3});
        QVERIFY((importance.narrow(0, 0, importance.size(0) - 1) >= importance.narrow(0, 1, importance.size(0) - 1)).all().item<bool>());
    }

    // Elastic depth: a subnet with depth d never touches blocks past d.
    void elasticDepthUsesTheFirstBlocks() {
        const space::SearchSpace s = smallSpace();
        torch::manual_seed(3);
        nas::Supernet sn(s, 32, 0.35);
        sn->eval();
        arch::Architecture a = sn->largest();
        a.stages[1].blocks.resize(2);
        const torch::Tensor x = randomImages(2, 32, 1, 6);
        const torch::Tensor before = sn->forward(x, a);
        {
            torch::NoGradGuard noGrad;
            sn->blocks()[4 + 3]->expandConv->weight.add_(1.0);  // stage 2, block 4
        }
        QVERIFY(maxDiff(sn->forward(x, a), before) == 0);
        QVERIFY(maxDiff(sn->forward(x, sn->largest()), sn->forward(x, a)) > 0);
    }

    void nonMembersAreRefused() {
        nas::Supernet sn(smallSpace(), 32, 0.35);
        arch::Architecture a = sn->largest();
        a.stages[0].blocks[0].kernel = 9;
        QVERIFY_THROWS_EXCEPTION(Error, sn->checkMember(a));
        a = sn->largest();
        a.stages[0].blocks.resize(1);
        QVERIFY_THROWS_EXCEPTION(Error, sn->checkMember(a));
        a = sn->largest();
        a.resolution = 48;
        QVERIFY_THROWS_EXCEPTION(Error, sn->checkMember(a));
    }

    // The sandwich rule with in-place distillation lowers the loss on a small
    // fixed problem, and the smallest subnet learns too.
    void sandwichTrainingLowersTheLoss() {
        QTemporaryDir dir;
        const data::Datasets d = cornerData();
        nas::TrainTarget target;
        target.supernet = smallSpace();
        target.network = space::largest(*target.supernet, 32, 0.35);
        nas::TrainSettings s;
        s.epochs = 8;
        s.batch = 16;
        s.threads = 1;
        s.learningRate = 0.05;
        s.warmupShare = 0.25;
        s.bnCalibrationImages = 64;
        const nas::TrainOutcome out = nas::train(target, s, d, dir.filePath("ckpt.pt").toStdString(), false, {});
        QCOMPARE(out.epochsCompleted, 8);
        QVERIFY2(out.history.back().trainLoss < 0.7 * out.history.front().trainLoss,
                 qPrintable(QString("loss %1 -> %2").arg(out.history.front().trainLoss).arg(out.history.back().trainLoss)));
        QVERIFY(out.history.back().validationAccuracySmallest > 0.5);
        QVERIFY(out.validationAccuracy > 0.5);
        QCOMPARE(out.model.graph.opCount(), target.network.build().opCount());

        // Fine-tuning a subnet from the supernet checkpoint starts from its
        // trained weights: one step at a negligible learning rate already
        // classifies far above chance (4 classes), unlike a fresh network.
        nas::TrainTarget subnet;
        subnet.network = space::smallest(*target.supernet, 32, 0.35);
        subnet.initFrom = dir.filePath("ckpt.pt").toStdString();
        nas::TrainSettings tiny = s;
        tiny.epochs = 1;
        tiny.maxStepsPerEpoch = 1;
        tiny.learningRate = 1e-9;
        const nas::TrainOutcome tuned = nas::train(subnet, tiny, d, dir.filePath("sub.pt").toStdString(), false, {});
        subnet.initFrom.clear();
        const nas::TrainOutcome fresh = nas::train(subnet, tiny, d, dir.filePath("fresh.pt").toStdString(), false, {});
        qInfo("smallest subnet: fine-tuned from the supernet %.2f, from scratch %.2f", tuned.validationAccuracy, fresh.validationAccuracy);
        QVERIFY(tuned.validationAccuracy > 0.5);
        QVERIFY(tuned.validationAccuracy > fresh.validationAccuracy);
    }

    // With a filter (tinynas passes "within the limits"), every random subnet
    // of the sandwich rule is one the filter accepted; a filter that accepts
    // nothing falls back to the smallest subnet instead of stalling.
    void randomSubnetsAreDrawnAmongTheAccepted() {
        QTemporaryDir dir;
        const data::Datasets d = cornerData();
        nas::TrainTarget target;
        target.supernet = smallSpace();
        target.network = space::largest(*target.supernet, 32, 0.35);
        int asked = 0;
        std::vector<arch::Architecture> accepted;
        target.subnetAccepted = [&](const arch::Architecture& a) {
            ++asked;
            const bool ok = a.stages[0].blocks.size() == 2 && a.stages[1].blocks.size() == 2;
            if (ok) accepted.push_back(a);
            return ok;
        };
        nas::TrainSettings s;
        s.epochs = 2;
        s.batch = 16;
        s.threads = 1;
        s.warmupShare = 0;  // random subnets from the first step
        s.maxStepsPerEpoch = 3;
        s.bnCalibrationImages = 32;
        nas::train(target, s, d, dir.filePath("a.pt").toStdString(), false, {});
        QCOMPARE(int(accepted.size()), 2 * 3 * s.randomSubnets);
        QVERIFY2(asked > int(accepted.size()), "a third of the space is accepted: some draws must have been refused");
        for (const arch::Architecture& a : accepted) QCOMPARE(int(a.stages[0].blocks.size()), 2);

        int refused = 0;
        target.subnetAccepted = [&](const arch::Architecture&) {
            ++refused;
            return false;
        };
        s.epochs = 1;
        const nas::TrainOutcome out = nas::train(target, s, d, dir.filePath("b.pt").toStdString(), false, {});
        QCOMPARE(out.epochsCompleted, 1);
        QCOMPARE(refused, 3 * s.randomSubnets * 1000);
    }

    // Stopped mid-epoch and resumed from the checkpoint: the same weights,
    // bit for bit, as an uninterrupted run (one thread).
    void resumeEqualsUninterrupted_data() {
        QTest::addColumn<bool>("supernet");
        QTest::addColumn<int>("optimizer");
        QTest::newRow("network, SGD") << false << int(nas::OptimizerKind::Sgd);
        QTest::newRow("network, AdamW") << false << int(nas::OptimizerKind::AdamW);
        QTest::newRow("supernet, SGD (channel sort between epochs)") << true << int(nas::OptimizerKind::Sgd);
    }
    void resumeEqualsUninterrupted() {
        QFETCH(bool, supernet);
        QFETCH(int, optimizer);
        QTemporaryDir dir;
        const data::Datasets d = cornerData();
        nas::TrainTarget target;
        arch::Architecture a = arch::preset("mcunet-vww1");
        a.resolution = 32;
        a.inputChannels = 1;
        a.numClasses = 4;
        target.network = a;
        if (supernet) {
            target.supernet = smallSpace();
            target.network = space::largest(*target.supernet, 32, 0.35);
        }
        nas::TrainSettings s;
        s.epochs = 3;
        s.batch = 16;
        s.threads = 1;
        s.optimizer = nas::OptimizerKind(optimizer);
        s.learningRate = optimizer == int(nas::OptimizerKind::Sgd) ? 0.05 : 0.002;
        s.augmentation.cropPadding = 2;
        s.augmentation.horizontalFlip = true;
        s.bnCalibrationImages = 32;
        const nas::TrainOutcome whole = nas::train(target, s, d, dir.filePath("a.pt").toStdString(), false, {});

        std::atomic<bool> stop{false};
        nas::TrainHooks hooks;
        hooks.stop = &stop;
        int steps = 0;
        hooks.onStep = [&](const nas::StepReport&) {
            if (++steps == 6) stop = true;  // epoch 2, step 2 of 4
        };
        const std::string ckpt = dir.filePath("b.pt").toStdString();
        const nas::TrainOutcome first = nas::train(target, s, d, ckpt, false, hooks);
        QVERIFY(first.stopped);
        const nas::TrainOutcome resumed = nas::train(target, s, d, ckpt, true, {});
        QVERIFY(!resumed.stopped);
        QCOMPARE(resumed.epochsCompleted, 3);
        QVERIFY(weightsOf(resumed.model) == weightsOf(whole.model));
        QCOMPARE(resumed.history.size(), whole.history.size());
        QCOMPARE(resumed.history.back().trainLoss, whole.history.back().trainLoss);

        // Other settings: refused, naming the checkpoint.
        s.batch = 8;
        QVERIFY_THROWS_EXCEPTION(Error, nas::train(target, s, d, ckpt, true, {}));
    }

    void badCheckpointIsAnError() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("junk.pt").toStdString();
        std::ofstream(path) << "not a checkpoint";
        try {
            nas::loadCheckpoint(path);
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY(std::string(e.what()).find(path) != std::string::npos);
        }
    }
};

QTEST_GUILESS_MAIN(TestNas)
#include "test_nas.moc"
