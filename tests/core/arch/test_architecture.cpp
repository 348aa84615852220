// core/arch: channel rounding, presets, JSON round trip and validation errors.
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include <nlohmann/json.hpp>

#include "arch/architecture.h"
#include "arch/architecture_json.h"
#include "arch/presets.h"
#include "common/error.h"

using namespace mcunet;
using nlohmann::json;

class TestArchitecture : public QObject {
    Q_OBJECT
private slots:
    void scaledChannels_data() {
        QTest::addColumn<int>("base");
        QTest::addColumn<double>("width");
        QTest::addColumn<int>("expected");
        QTest::newRow("32 x 1.0") << 32 << 1.0 << 32;
        QTest::newRow("32 x 0.5") << 32 << 0.5 << 16;
        QTest::newRow("24 x 0.5 rounds half up") << 24 << 0.5 << 16;  // 12 -> 16
        QTest::newRow("32 x 0.35 not below 90%") << 32 << 0.35 << 16;  // 11.2 -> 8 < 10.08 -> 16
        QTest::newRow("16 x 0.35 at least 8") << 16 << 0.35 << 8;
        QTest::newRow("1280 x 0.35") << 1280 << 0.35 << 448;
        QTest::newRow("192 x 0.3") << 192 << 0.3 << 56;
        QTest::newRow("96 x 0.3") << 96 << 0.3 << 32;
        QTest::newRow("320 x 0.5") << 320 << 0.5 << 160;
        QTest::newRow("40 x 0.5") << 40 << 0.5 << 24;  // 20 -> 24
        QTest::newRow("3 x 1.0 at least 8") << 3 << 1.0 << 8;
    }
    void scaledChannels() {
        QFETCH(int, base);
        QFETCH(double, width);
        QFETCH(int, expected);
        QCOMPARE(arch::scaledChannels(base, width), expected);
    }

    void publishedNetworksAreExact() {
        const arch::Architecture vww = arch::preset("mcunet-vww1");
        QCOMPARE(vww.resolution, 80);
        QCOMPARE(vww.width, 0.5);
        QCOMPARE(vww.numClasses, 2);
        QVERIFY(!vww.featureMix.has_value());
        QCOMPARE(vww.blockCount(), 14);
        QCOMPARE(vww.stages[1].blocks[0], (arch::Block{7, 3}));
        QCOMPARE(vww.stages[4].blocks[2], (arch::Block{3, 4}));
        const arch::Architecture in3 = arch::preset("mcunet-in3");
        QCOMPARE(in3.resolution, 176);
        QCOMPARE(in3.blockCount(), 17);
        QCOMPARE(in3.stages[0].blocks[0], (arch::Block{7, 3}));
        QCOMPARE(in3.stages[5].blocks[0], (arch::Block{7, 5}));
        const std::vector<int> strides = {2, 2, 2, 1, 2, 1};
        for (std::size_t i = 0; i < strides.size(); ++i) QCOMPARE(in3.stages[i].stride, strides[i]);
    }

    void parametricPresets() {
        const arch::Architecture m = arch::preset("mbv2-w0.35-r144");
        QCOMPARE(m.resolution, 144);
        QCOMPARE(m.width, 0.35);
        QCOMPARE(arch::featureMixChannels(m), 448);
        QCOMPARE(m.name, std::string("mbv2-w0.35-r144"));
        const arch::Architecture p = arch::preset("proxyless-w1.0-r224");
        QCOMPARE(p.blockCount(), 19);  // 21 published blocks less the two zero blocks
        QCOMPARE(arch::stageChannels(p, 0), 32);
        QCOMPARE(arch::preset("mbv2-w1.3-r96").resolution, 96);
    }

    void badPresetNames_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("unknown") << "resnet50" << "unknown preset";
        QTest::newRow("bad width") << "mbv2-w9.0-r224" << "width_multiplier";
        QTest::newRow("bad resolution") << "mbv2-w1.0-r4" << "resolution";
        QTest::newRow("garbage") << "mbv2-wx-r1" << "unknown preset";
    }
    void badPresetNames() {
        QFETCH(QString, name);
        QFETCH(QString, mentions);
        try {
            arch::preset(name.toStdString());
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains(mentions), e.what());
        }
    }

    void everyPresetRoundTripsThroughJson() {
        for (const auto& info : arch::listPresets()) {
            if (info.name.find('{') != std::string::npos) continue;
            const arch::Architecture a = arch::preset(info.name);
            const json doc = arch::toJson(a);
            QCOMPARE(doc.at("schema_version").get<int>(), arch::kArchitectureSchemaVersion);
            const arch::Architecture back = arch::fromJson(json::parse(doc.dump()));
            QVERIFY2(back == a, info.name.c_str());
        }
    }

    void saveIsAtomicAndLoads() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("vww.json").toStdString();
        arch::saveArchitecture(arch::preset("mcunet-vww1"), path);
        QCOMPARE(arch::loadArchitecture(path), arch::preset("mcunet-vww1"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 1);  // no temp file left
        // A failed save (invalid architecture) leaves the good file untouched.
        arch::Architecture bad = arch::preset("mcunet-vww1");
        bad.stages[0].blocks[0].kernel = 4;
        QVERIFY_THROWS_EXCEPTION(Error, arch::saveArchitecture(bad, path));
        QCOMPARE(arch::loadArchitecture(path), arch::preset("mcunet-vww1"));
    }

    void invalidDocumentsNameTheField_data() {
        QTest::addColumn<QString>("pointer");
        QTest::addColumn<QString>("value");  // JSON text; empty: remove the field
        QTest::addColumn<QString>("mentions");
        QTest::newRow("kernel 4") << "/stages/2/blocks/1/kernel" << "4" << "stages[2].blocks[1].kernel: 4";
        QTest::newRow("kernel string") << "/stages/0/blocks/0/kernel" << "\"3\"" << "stages[0].blocks[0].kernel: expected an integer";
        QTest::newRow("expand 0") << "/stages/1/blocks/0/expand" << "0" << "stages[1].blocks[0].expand: 0";
        QTest::newRow("stride 3") << "/stages/3/stride" << "3" << "stages[3].stride: 3";
        QTest::newRow("no resolution") << "/resolution" << "" << "resolution: missing";
        QTest::newRow("resolution huge") << "/resolution" << "100000" << "resolution: 100000";
        QTest::newRow("width negative") << "/width_multiplier" << "-1" << "width_multiplier: -1";
        QTest::newRow("width text") << "/width_multiplier" << "\"wide\"" << "width_multiplier: expected a number";
        QTest::newRow("classes 0") << "/num_classes" << "0" << "num_classes: 0";
        QTest::newRow("version 2") << "/schema_version" << "2" << "schema_version: 2 is not supported";
        QTest::newRow("no version") << "/schema_version" << "" << "schema_version: missing";
        QTest::newRow("stages object") << "/stages" << "{}" << "stages: expected an array";
        QTest::newRow("empty stages") << "/stages" << "[]" << "stages";
        QTest::newRow("empty blocks") << "/stages/0/blocks" << "[]" << "stages[0].blocks";
        QTest::newRow("typo field") << "/stages/0/blocks/0/kernal" << "3" << "stages[0].blocks[0].kernal: unknown field";
        QTest::newRow("mix channels") << "/feature_mix" << "{\"channels\": -5}" << "feature_mix.channels: -5";
        QTest::newRow("wrong format") << "/format" << "\"something-else\"" << "format";
    }
    void invalidDocumentsNameTheField() {
        QFETCH(QString, pointer);
        QFETCH(QString, value);
        QFETCH(QString, mentions);
        json doc = arch::toJson(arch::preset("mcunet-in3"));
        const json::json_pointer ptr(pointer.toStdString());
        if (value.isEmpty())
            doc[ptr.parent_pointer()].erase(ptr.back());
        else
            doc[ptr] = json::parse(value.toStdString());
        try {
            arch::fromJson(doc);
            QFAIL("accepted an invalid document");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains(mentions), e.what());
        }
    }

    void unreadableFiles() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("broken.json").toStdString();
        std::ofstream(path) << "{\"schema_version\": 1, \"resolution\": ";
        try {
            arch::loadArchitecture(path);
            QFAIL("accepted truncated JSON");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("not valid JSON"), e.what());
            QVERIFY2(QString(e.what()).contains("broken.json"), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(Error, arch::loadArchitecture(dir.filePath("missing.json").toStdString()));
        std::ofstream(dir.filePath("array.json").toStdString()) << "[1, 2]";
        QVERIFY_THROWS_EXCEPTION(Error, arch::loadArchitecture(dir.filePath("array.json").toStdString()));
    }
};

QTEST_GUILESS_MAIN(TestArchitecture)
#include "test_architecture.moc"
