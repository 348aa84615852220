// core/cost: the published MACs and parameter counts, Flash and latency.
#include <QtTest>

#include <set>

#include "arch/presets.h"
#include "board/board.h"
#include "common/error.h"
#include "cost/cost.h"
#include "cost/instructions.h"
#include "graph/build.h"
#include "graph/ops.h"

using namespace mcunet;

class TestCost : public QObject {
    Q_OBJECT
private slots:
    void publishedFigures_data() {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<double>("macs");        // published, millions
        QTest::addColumn<double>("macsTol");     // relative
        QTest::addColumn<double>("paramsMin");   // millions
        QTest::addColumn<double>("paramsMax");
        // DESIGN.md section 3 (MCUNet paper, mcunet model zoo, MobileNetV2 paper).
        QTest::newRow("mbv2-w1.0-r224") << "mbv2-w1.0-r224" << 300.8 << 0.005 << 3.485 << 3.495;
        QTest::newRow("mbv2-w0.35-r144") << "mbv2-w0.35-r144" << 23.5 << 0.005 << 0.735 << 0.745;
        QTest::newRow("mcunet-in3") << "mcunet-in3" << 81.8 << 0.005 << 0.725 << 0.745;
        QTest::newRow("mcunet-vww1") << "mcunet-vww1" << 11.6 << 0.005 << 0.425 << 0.435;
        // ProxylessNAS-Mobile: about 320M MACs and 4.1M params.
        QTest::newRow("proxyless-w1.0-r224") << "proxyless-w1.0-r224" << 320.0 << 0.01 << 4.0 << 4.15;
        // Zoo proxyless-w0.3 @176 is 38.3M: it rounds one stage to 64 channels
        // where make-divisible gives 56 (DESIGN.md's rule), hence the 5%.
        QTest::newRow("proxyless-w0.3-r176") << "proxyless-w0.3-r176" << 38.3 << 0.05 << 0.70 << 0.76;
    }
    void publishedFigures() {
        QFETCH(QString, preset);
        QFETCH(double, macs);
        QFETCH(double, macsTol);
        QFETCH(double, paramsMin);
        QFETCH(double, paramsMax);
        const graph::Graph g = graph::buildGraph(arch::preset(preset.toStdString()));
        const double m = double(cost::totalMacs(g)) / 1e6;
        std::int64_t p = 0;
        for (const auto& op : g.ops()) p += cost::opParams(g, op);
        const double params = double(p) / 1e6;
        QVERIFY2(std::abs(m - macs) / macs <= macsTol, qPrintable(QString("MACs %1M").arg(m)));
        QVERIFY2(params >= paramsMin && params <= paramsMax, qPrintable(QString("params %1M").arg(params)));
    }

    void flashAndLatency() {
        const board::Catalog catalog = board::Catalog::builtIn();
        const board::Board& b = catalog.byId("stm32f746g-disco");
        const graph::Graph g = graph::buildGraph(arch::preset("mcunet-vww1"));
        const cost::ModelCost c = cost::estimate(g, b);
        QCOMPARE(c.layers.size(), g.ops().size());
        // Flash = params as int8, plus 3 extra bytes per bias (int32) and 12
        // bytes of requantization per output channel, the specialized code
        // of each layer (1x1 convolutions: with their unrolled dot product),
        // plus the runtime.
        std::int64_t channels = 0, code = 0;
        for (const auto& op : g.ops()) {
            if (cost::opParams(g, op) > 0) {
                channels += g.tensor(op.output).shape.c;
                code += cost::kKernelCodeBytesPerLayer;
            }
            if (op.kind == graph::OpKind::PointwiseConv2D)
                code += cost::kUnrolledDotBytesPerInput *
                        std::min(g.tensor(op.inputs[0]).shape.c, cost::kUnrolledDotMaxInputs);
            if (op.kind == graph::OpKind::Add) code += cost::kAddCodeBytes;
        }
        QCOMPARE(c.flashBytes, c.params + 3 * channels + 12 * channels + code + b.runtimeFlashBytes);
        QCOMPARE(c.flashBytes, cost::totalFlashBytes(g, b));
        QCOMPARE(c.macs, cost::totalMacs(g));
        QVERIFY(c.latencyMs > 10 && c.latencyMs < 500);  // a Cortex-M7 at 216 MHz
        double cycles = 0;
        for (const auto& l : c.layers) cycles += l.latencyCycles;
        QCOMPARE(c.latencyMs, cycles / double(b.clockHz) * 1000.0);
        // A slower clock is proportionally slower.
        board::Board slow = b;
        slow.clockHz = b.clockHz / 2;
        QCOMPARE(cost::estimate(g, slow).latencyMs, 2 * c.latencyMs);
    }

    void perOpMacs() {
        graph::Graph g;
        int x = g.addInput("in", {10, 10, 8});
        int c = g.addConv(graph::OpKind::Conv2D, "c", x, 16, 3, 2, graph::Activation::ReLU6);  // 5x5x16
        int d = g.addConv(graph::OpKind::DepthwiseConv2D, "d", c, 16, 5, 1, graph::Activation::ReLU6);
        int p = g.addConv(graph::OpKind::PointwiseConv2D, "p", d, 4, 1, 1, graph::Activation::None);
        int a = g.addAveragePool("a", p);
        int f = g.addFullyConnected("f", a, 3);
        g.setOutput(f);
        QCOMPARE(cost::opMacs(g, g.op(0)), std::int64_t(5 * 5 * 16 * 9 * 8));
        QCOMPARE(cost::opMacs(g, g.op(1)), std::int64_t(5 * 5 * 16 * 25));
        QCOMPARE(cost::opMacs(g, g.op(2)), std::int64_t(5 * 5 * 4 * 16));
        QCOMPARE(cost::opMacs(g, g.op(3)), std::int64_t(0));
        QCOMPARE(cost::opMacs(g, g.op(4)), std::int64_t(4 * 3));
        QCOMPARE(cost::opParams(g, g.op(0)), std::int64_t(9 * 8 * 16 + 16));
        QCOMPARE(cost::opParams(g, g.op(1)), std::int64_t(25 * 16 + 16));
        QCOMPARE(cost::opParams(g, g.op(4)), std::int64_t(4 * 3 + 3));
    }

    // The op table: one entry per kind, names unique and found back, and a
    // board whose latency table leaves an op out is charged the table's default.
    void opTable() {
        int n = 0;
        const graph::OpInfo* ops = graph::allOps(n);
        QCOMPARE(n, graph::kOpKindCount);
        std::set<std::string> names;
        for (int i = 0; i < n; ++i) {
            QCOMPARE(int(ops[i].kind), i);
            QVERIFY(names.insert(ops[i].name).second);
            graph::OpKind back;
            QVERIFY(graph::opKindFromName(ops[i].name, back));
            QCOMPARE(back, ops[i].kind);
            QCOMPARE(std::string(graph::opKindName(ops[i].kind)), std::string(ops[i].name));
            QVERIFY(ops[i].defaultCycles > 0);
            QVERIFY(ops[i].inputs >= 1 || (ops[i].inputs == graph::kAnyInputs && ops[i].kind == graph::OpKind::Concatenation));
        }
        graph::OpKind unknown;
        QVERIFY(!graph::opKindFromName("conv3d", unknown));

        graph::Graph g;
        int x = g.addInput("in", {1, 1, 10});
        x = g.addSoftmax("s", x);
        g.setOutput(x);
        QCOMPARE(cost::opMacs(g, g.op(0)), std::int64_t(0));
        QCOMPARE(cost::opParams(g, g.op(0)), std::int64_t(0));
        board::Board b = board::Catalog::builtIn().byId("virtual-m7");
        // Latency: our kernels' instructions x the board's cycles per
        // instruction x the op kind's calibrated factor (1 when not calibrated).
        const double instructions = cost::estimateInstructions(g, g.op(0));
        QVERIFY(instructions > 0);
        QVERIFY(!b.latency.opScale.count("softmax"));
        QCOMPARE(cost::opLatencyCycles(g, g.op(0), b.latency), instructions * b.latency.cyclesPerInstruction);
        b.latency.opScale["softmax"] = 7;
        b.latency.cyclesPerInstruction = 1.5;
        QCOMPARE(cost::opLatencyCycles(g, g.op(0), b.latency), instructions * 1.5 * 7);
        QVERIFY_THROWS_EXCEPTION(Error, g.addConv(graph::OpKind::PointwiseConv2D, "p", x, 4, 1, 2, graph::Activation::None));
    }
};

QTEST_GUILESS_MAIN(TestCost)
#include "test_cost.moc"
