// core/graph: shapes, SAME padding, residual adds and structural checks.
#include <QtTest>

#include "arch/presets.h"
#include "common/error.h"
#include "graph/build.h"
#include "graph/graph.h"
#include "graph/ops.h"

using namespace mcunet;
using graph::OpKind;

class TestGraph : public QObject {
    Q_OBJECT
private slots:
    void samePadding_data() {
        QTest::addColumn<int>("in");
        QTest::addColumn<int>("kernel");
        QTest::addColumn<int>("stride");
        QTest::addColumn<int>("out");
        QTest::addColumn<int>("padBefore");
        QTest::newRow("80 k3 s2") << 80 << 3 << 2 << 40 << 0;  // TF puts the odd pad at the end
        QTest::newRow("81 k3 s2") << 81 << 3 << 2 << 41 << 1;
        QTest::newRow("40 k7 s1") << 40 << 7 << 1 << 40 << 3;
        QTest::newRow("5 k5 s2") << 5 << 5 << 2 << 3 << 2;
        QTest::newRow("1 k3 s2") << 1 << 3 << 2 << 1 << 1;
        QTest::newRow("7 k1 s1") << 7 << 1 << 1 << 7 << 0;
    }
    void samePadding() {
        QFETCH(int, in);
        QFETCH(int, kernel);
        QFETCH(int, stride);
        QFETCH(int, out);
        QFETCH(int, padBefore);
        QCOMPARE(graph::sameOutputSize(in, stride), out);
        QCOMPARE(graph::samePaddingBefore(in, kernel, stride), padBefore);
    }

    void vww1Structure() {
        const graph::Graph g = graph::buildGraph(arch::preset("mcunet-vww1"));
        g.validate();
        QCOMPARE(g.tensor(g.input()).shape, (graph::Shape{80, 80, 3}));
        QCOMPARE(g.tensor(g.output()).shape, (graph::Shape{1, 1, 2}));
        QCOMPARE(g.op(0).name, std::string("stem"));
        QCOMPARE(g.tensor(g.op(0).output).shape, (graph::Shape{40, 40, 16}));
        int adds = 0, dw = 0;
        for (const auto& op : g.ops()) {
            adds += op.kind == OpKind::Add;
            dw += op.kind == OpKind::DepthwiseConv2D;
        }
        // Residuals: stride-1 blocks with equal channels (2 + 2 + 1 + 1 + 2 of 14).
        QCOMPARE(adds, 8);
        QCOMPARE(dw, 15);  // first block + 14 MBConv blocks
        const graph::Op& last = g.op(g.opCount() - 1);
        QCOMPARE(last.kind, OpKind::FullyConnected);
        QCOMPARE(g.op(g.opCount() - 2).kind, OpKind::AveragePool);  // no feature mix in MCUNet
    }

    void lastUseSpansResiduals() {
        const graph::Graph g = graph::buildGraph(arch::preset("mcunet-vww1"));
        const auto last = g.lastUse();
        for (int i = 0; i < g.opCount(); ++i) {
            const auto& op = g.op(i);
            if (op.kind != OpKind::Add) continue;
            for (int in : op.inputs) QCOMPARE(last[static_cast<std::size_t>(in)], i);
        }
        QCOMPARE(last[static_cast<std::size_t>(g.output())], g.opCount() - 1);
    }

    void generalDagAndErrors() {
        graph::Graph g;
        int x = g.addInput("in", {8, 8, 4});
        int a = g.addConv(OpKind::Conv2D, "a", x, 8, 3, 1, graph::Activation::ReLU6);
        int b = g.addConv(OpKind::PointwiseConv2D, "b", x, 8, 1, 1, graph::Activation::None);
        int c = g.addAdd("c", a, b);  // two branches from one input
        g.setOutput(c);
        g.validate();
        QCOMPARE(g.consumerCount()[static_cast<std::size_t>(x)], 2);
        QVERIFY_THROWS_EXCEPTION(Error, g.addAdd("bad", x, a));  // shapes differ
        QVERIFY_THROWS_EXCEPTION(Error, g.addConv(OpKind::DepthwiseConv2D, "dw", a, 12, 3, 1, graph::Activation::None));
        const int m2 = g.addConv(OpKind::DepthwiseConv2D, "dw2", a, 16, 3, 1, graph::Activation::None);  // depth multiplier 2
        QCOMPARE(graph::depthMultiplier(g, g.op(g.tensor(m2).producer)), 2);
        QVERIFY(!graph::writesInPlace(g, g.op(g.tensor(m2).producer), false));
        QVERIFY(!graph::writesInPlace(g, g.op(g.tensor(m2).producer), true));
        QCOMPARE(graph::weightCount(g, g.op(g.tensor(m2).producer)), std::int64_t(9 * 16));
        QVERIFY_THROWS_EXCEPTION(Error, g.addConv(OpKind::PointwiseConv2D, "pw", a, 4, 3, 1, graph::Activation::None));
        QVERIFY_THROWS_EXCEPTION(Error, g.addConv(OpKind::Conv2D, "x", 99, 4, 3, 1, graph::Activation::None));
        graph::Graph empty;
        QVERIFY_THROWS_EXCEPTION(Error, empty.validate());
    }
};

QTEST_GUILESS_MAIN(TestGraph)
#include "test_graph.moc"
