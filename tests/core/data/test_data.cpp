// core/data: IDX files (Fashion-MNIST and hand-made broken ones), image
// folders and their cache, splits, subsets, augmentation, reshaping, open().
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>

#include <zlib.h>

#include "audio/wav.h"
#include "common/error.h"
#include "data/dataset.h"

using namespace mcunet;
namespace fs = std::filesystem;

namespace {

std::string be32(std::uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>((v >> 16) & 0xff),
            static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)};
}

std::string idxImages(std::uint32_t magic, std::uint32_t count, std::uint32_t rows, std::uint32_t cols,
                      std::size_t payload) {
    std::string s = be32(magic) + be32(count) + be32(rows) + be32(cols);
    for (std::size_t i = 0; i < payload; ++i) s.push_back(static_cast<char>(i * 7 % 251));
    return s;
}

std::string idxLabels(std::uint32_t magic, const std::vector<int>& labels) {
    std::string s = be32(magic) + be32(static_cast<std::uint32_t>(labels.size()));
    for (int l : labels) s.push_back(static_cast<char>(l));
    return s;
}

void writeFile(const std::string& path, const std::string& bytes, bool gzip = false) {
    if (gzip) {
        gzFile f = gzopen(path.c_str(), "wb");
        QVERIFY(f != nullptr);
        QCOMPARE(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())),
                 static_cast<int>(bytes.size()));
        gzclose(f);
        return;
    }
    std::ofstream(path, std::ios::binary) << bytes;
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

template <typename F>
QString errorOf(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

// A gray or RGB test image whose pixels follow the position (never 0, so
// padding zeros can be told apart).
void writeImage(const std::string& path, int h, int w, int c, int salt = 0) {
    std::vector<std::uint8_t> px(static_cast<std::size_t>(h * w * c));
    for (std::size_t i = 0; i < px.size(); ++i)
        px[i] = static_cast<std::uint8_t>(1 + (i * 13 + static_cast<std::size_t>(salt) * 31) % 250);
    data::writeImageFile(path, h, w, c, px.data());
}

// Test image folder: cat/ 4 images, dog/ 3 images + 2 broken ones, plus
// entries that must be ignored. Returns the number of decodable images.
int makeFolder(const std::string& root) {
    fs::create_directories(root + "/cat");
    fs::create_directories(root + "/dog/sub");
    fs::create_directories(root + "/.hiddenclass");
    // cat/a.png: 32 x 64 gray, the centre square white, the sides black.
    std::vector<std::uint8_t> a(32 * 64, 0);
    for (int y = 0; y < 32; ++y)
        for (int x = 16; x < 48; ++x) a[static_cast<std::size_t>(y * 64 + x)] = 255;
    data::writeImageFile(root + "/cat/a.png", 32, 64, 1, a.data());
    writeImage(root + "/cat/b.jpg", 40, 30, 3);
    writeImage(root + "/cat/c.BMP", 20, 20, 3);
    writeImage(root + "/cat/d.pgm", 50, 50, 1);
    writeImage(root + "/dog/e.png", 10, 12, 3);  // grows to 16
    std::vector<std::uint8_t> red(64 * 64 * 3, 0);
    for (std::size_t i = 0; i < red.size(); i += 3) red[i] = 255;
    data::writeImageFile(root + "/dog/f.ppm", 64, 64, 3, red.data());
    writeImage(root + "/dog/sub/g.png", 24, 24, 1);
    // Broken ones: a truncated PNG and a text file named .jpg.
    writeImage(root + "/dog/corrupt.png", 40, 40, 3);
    const std::string png = readFile(root + "/dog/corrupt.png");
    writeFile(root + "/dog/corrupt.png", png.substr(0, 60));
    writeFile(root + "/dog/fake.jpg", "this is not a JPEG\n");
    // Ignored: other extensions, hidden files and folders, top-level files.
    writeFile(root + "/dog/notes.txt", "notes\n");
    writeImage(root + "/dog/.hidden.png", 8, 8, 1);
    writeImage(root + "/.hiddenclass/x.png", 8, 8, 1);
    writeImage(root + "/top.png", 8, 8, 1);
    return 7;
}

data::ImageSet syntheticSet(const std::vector<int>& perClass, int side = 4, int channels = 1) {
    data::ImageSet set;
    set.height = set.width = side;
    set.channels = channels;
    set.source = "synthetic";
    for (std::size_t c = 0; c < perClass.size(); ++c) {
        set.classes.push_back("class" + std::to_string(c));
        for (int k = 0; k < perClass[c]; ++k) set.labels.push_back(static_cast<int>(c));
    }
    set.pixels.resize(static_cast<std::size_t>(set.size()) * set.imageBytes());
    for (std::size_t i = 0; i < set.pixels.size(); ++i)
        set.pixels[i] = static_cast<std::uint8_t>(1 + (i * 37 + i / 7) % 255);
    return set;
}

bool ascending(const std::vector<int>& v) {
    return std::is_sorted(v.begin(), v.end()) && std::adjacent_find(v.begin(), v.end()) == v.end();
}

}  // namespace

class TestData : public QObject {
    Q_OBJECT
    QTemporaryDir xdg_;  // no test writes to the real ~/.cache

private slots:
    void initTestCase() {
        QVERIFY(xdg_.isValid());
        qputenv("XDG_CACHE_HOME", xdg_.path().toUtf8());
        qunsetenv("MCUNET_FASHION_MNIST");
    }

    // ------------------------------------------------------------ IDX

    void fashionMnist_data() {
        // clang-format off
        QTest::addColumn<bool>("train");
        QTest::addColumn<int>("count");
        QTest::addColumn<QList<int>>("firstLabels");
        QTest::newRow("train") << true << 60000 << QList<int>{9, 0, 0, 3, 0, 2, 7, 2, 5, 5};
        QTest::newRow("test") << false << 10000 << QList<int>{9, 2, 1, 1, 6, 1, 4, 6, 5, 7};
        // clang-format on
    }
    void fashionMnist() {
        QFETCH(bool, train);
        QFETCH(int, count);
        QFETCH(QList<int>, firstLabels);
        const data::ImageSet set = data::loadFashionMnist(train ? data::Part::Train : data::Part::Test);
        QCOMPARE(set.size(), count);
        QCOMPARE(set.height, 28);
        QCOMPARE(set.width, 28);
        QCOMPARE(set.channels, 1);
        QCOMPARE(set.pixels.size(), std::size_t(count) * 28 * 28);
        for (int i = 0; i < firstLabels.size(); ++i)
            QCOMPARE(set.labels[static_cast<std::size_t>(i)], firstLabels[i]);
        QCOMPARE(set.classes.size(), std::size_t(10));
        QCOMPARE(set.classes[0], std::string("T-shirt/top"));
        QCOMPARE(set.classes[9], std::string("Ankle boot"));
        QCOMPARE(set.source, std::string(train ? "fashion-mnist train" : "fashion-mnist test"));
        const std::vector<int> counts = data::classCounts(set, {});
        for (int c : counts) QCOMPARE(c, count / 10);  // Fashion-MNIST is balanced
    }

    void fashionMnistMissingNamesThePackage() {
        QTemporaryDir empty;
        qputenv("MCUNET_FASHION_MNIST", empty.path().toUtf8());
        QCOMPARE(data::fashionMnistDir(), empty.path().toStdString());
        const QString message = errorOf([] { data::loadFashionMnist(data::Part::Train); });
        qunsetenv("MCUNET_FASHION_MNIST");
        QVERIFY2(message.contains("dataset-fashion-mnist"), qPrintable(message));
        QVERIFY2(message.contains(empty.path()), qPrintable(message));
        QCOMPARE(data::fashionMnistDir(), std::string("/usr/share/datasets/fashion-mnist"));
    }

    void idxPlainAndGzipAgree() {
        QTemporaryDir dir;
        const std::string images = idxImages(0x803, 3, 2, 3, 18);
        const std::string labels = idxLabels(0x801, {4, 0, 7});
        const std::string p = dir.path().toStdString();
        writeFile(p + "/i", images);
        writeFile(p + "/l", labels);
        writeFile(p + "/i.gz", images, true);
        writeFile(p + "/l.gz", labels, true);
        const data::ImageSet plain = data::loadIdx(p + "/i", p + "/l");
        const data::ImageSet gz = data::loadIdx(p + "/i.gz", p + "/l.gz");
        QCOMPARE(plain.size(), 3);
        QCOMPARE(plain.height, 2);
        QCOMPARE(plain.width, 3);
        QVERIFY(plain.pixels == gz.pixels);
        QVERIFY(plain.labels == (std::vector<int>{4, 0, 7}));
        QVERIFY(gz.labels == plain.labels);
        QCOMPARE(plain.classes.size(), std::size_t(10));
        QCOMPARE(plain.classes[7], std::string("7"));
        QCOMPARE(plain.image(1)[0], static_cast<std::uint8_t>(images[16 + 6]));
        const data::ImageSet named =
            data::loadIdx(p + "/i", p + "/l", {"a", "b", "c", "d", "e", "f", "g", "h"});
        QCOMPARE(named.classes.size(), std::size_t(8));
    }

    void idxErrors_data() {
        // clang-format off
        QTest::addColumn<QByteArray>("images");
        QTest::addColumn<QByteArray>("labels");
        QTest::addColumn<bool>("gzip");
        QTest::addColumn<QStringList>("classNames");
        QTest::addColumn<QString>("culprit");  // the file the message must name
        QTest::addColumn<QString>("mentions");
        auto b = [](const std::string& s) { return QByteArray(s.data(), static_cast<qsizetype>(s.size())); };
        const QByteArray goodImages = b(idxImages(0x803, 3, 2, 3, 18));
        const QByteArray goodLabels = b(idxLabels(0x801, {1, 2, 3}));
        QTest::newRow("bad image magic") << b(idxImages(0, 3, 2, 3, 18)) << goodLabels << false << QStringList{}
                                         << "images" << "bad magic 0x00000000, expected 0x00000803 (IDX images)";
        QTest::newRow("bad label magic") << goodImages << b(idxLabels(0x803, {1, 2, 3})) << true << QStringList{}
                                         << "labels" << "bad magic 0x00000803, expected 0x00000801 (IDX labels)";
        QTest::newRow("truncated plain") << b(idxImages(0x803, 3, 2, 3, 13)) << goodLabels << false << QStringList{}
                                         << "images" << "file is 29 bytes, the header says 34";
        QTest::newRow("truncated gzip") << b(idxImages(0x803, 3, 2, 3, 13)) << goodLabels << true << QStringList{}
                                        << "images" << "truncated: expected 18 bytes";
        QTest::newRow("trailing data gzip") << b(idxImages(0x803, 3, 2, 3, 19)) << goodLabels << true << QStringList{}
                                            << "images" << "more data than the header says";
        QTest::newRow("header truncated") << b(be32(0x803) + be32(3)) << goodLabels << false << QStringList{}
                                          << "images" << "ends inside the header";
        QTest::newRow("count mismatch") << goodImages << b(idxLabels(0x801, {1, 2})) << false << QStringList{}
                                        << "images" << "holds 3 images but";
        QTest::newRow("absurd size") << b(idxImages(0x803, 1, 1u << 20, 2, 0)) << goodLabels << false << QStringList{}
                                     << "images" << "absurd image size";
        QTest::newRow("over the cap") << b(idxImages(0x803, 2000000000u, 65536, 65536, 0)) << goodLabels << true
                                      << QStringList{} << "images" << "MiB limit";
        QTest::newRow("no images") << b(idxImages(0x803, 0, 2, 3, 0)) << goodLabels << false << QStringList{}
                                   << "images" << "no images";
        QTest::newRow("label beyond names") << goodImages << b(idxLabels(0x801, {0, 5, 1})) << false
                                            << QStringList{"a", "b"} << "labels" << "label 5 but only 2 class names";
        QTest::newRow("corrupt gzip") << b(std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage-garbage-garbage", 33))
                                      << goodLabels << false << QStringList{} << "images" << "corrupt gzip data";
        QTest::newRow("missing file") << QByteArray() << goodLabels << false << QStringList{} << "images"
                                      << "file not found";
        // clang-format on
    }
    void idxErrors() {
        QFETCH(QByteArray, images);
        QFETCH(QByteArray, labels);
        QFETCH(bool, gzip);
        QFETCH(QStringList, classNames);
        QFETCH(QString, culprit);
        QFETCH(QString, mentions);
        QTemporaryDir dir;
        const std::string imagesPath = dir.filePath(gzip ? "images.gz" : "images").toStdString();
        const std::string labelsPath = dir.filePath(gzip ? "labels.gz" : "labels").toStdString();
        if (!images.isEmpty()) writeFile(imagesPath, images.toStdString(), gzip);
        writeFile(labelsPath, labels.toStdString(), gzip);
        std::vector<std::string> names;
        for (const QString& n : classNames) names.push_back(n.toStdString());
        const QString message = errorOf([&] { data::loadIdx(imagesPath, labelsPath, names); });
        QVERIFY2(message.contains(mentions), qPrintable(message));
        const std::string& named = culprit == "images" ? imagesPath : labelsPath;
        QVERIFY2(message.contains(QString::fromStdString(named)), qPrintable(message));
    }

    // ------------------------------------------------------------ image folders

    void imageFolder_data() {
        // clang-format off
        QTest::addColumn<int>("channels");
        QTest::newRow("gray") << 1;
        QTest::newRow("rgb") << 3;
        // clang-format on
    }
    void imageFolder() {
        QFETCH(int, channels);
        QTemporaryDir dir;
        const std::string root = dir.path().toStdString();
        const int n = makeFolder(root);
        data::LoadReport report;
        const data::ImageSet set = data::loadImageFolder(root, 16, channels, &report);
        QCOMPARE(set.size(), n);
        QCOMPARE(set.height, 16);
        QCOMPARE(set.width, 16);
        QCOMPARE(set.channels, channels);
        QCOMPARE(set.pixels.size(), std::size_t(n) * 16 * 16 * std::size_t(channels));
        QVERIFY(set.classes == (std::vector<std::string>{"cat", "dog"}));
        QVERIFY(set.labels == (std::vector<int>{0, 0, 0, 0, 1, 1, 1}));
        QCOMPARE(set.source, root);
        QCOMPARE(report.decoded, n);
        QCOMPARE(report.fromCache, 0);
        QCOMPARE(report.skipped.size(), std::size_t(2));
        QVERIFY2(report.skipped[0].find(root + "/dog/corrupt.png: ") == 0, report.skipped[0].c_str());
        QVERIFY2(report.skipped[1].find(root + "/dog/fake.jpg: ") == 0, report.skipped[1].c_str());
        // cat/a.png: its centre square is white, the black sides are cropped away.
        const std::uint8_t* a = set.image(0);
        QVERIFY(std::all_of(a, a + set.imageBytes(), [](std::uint8_t v) { return v == 255; }));
        // dog/f.ppm is pure red: RGB order kept, gray as OpenCV weighs it.
        const std::uint8_t* f = set.image(5);
        if (channels == 3) {
            QCOMPARE(int(f[0]), 255);
            QCOMPARE(int(f[1]), 0);
            QCOMPARE(int(f[2]), 0);
        } else {
            QCOMPARE(int(f[0]), 76);
        }
    }

    void imageFolderErrors_data() {
        // clang-format off
        QTest::addColumn<QString>("layout");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("missing") << "missing" << "no such folder";
        QTest::newRow("a file") << "file" << "not a folder";
        QTest::newRow("no class subfolders") << "flat" << "no class subfolders";
        QTest::newRow("single class") << "one" << "only one class subfolder ('cat')";
        QTest::newRow("empty class") << "emptyclass" << "class 'dog' has no decodable image";
        QTest::newRow("undecodable class") << "undecodable" << "class 'dog' has no decodable image";
        QTest::newRow("no images") << "noimages" << "no images";
        QTest::newRow("bad resolution") << "resolution" << "resolution 0";
        // clang-format on
    }
    void imageFolderErrors() {
        QFETCH(QString, layout);
        QFETCH(QString, mentions);
        QTemporaryDir dir;
        std::string root = dir.path().toStdString() + "/data";
        int resolution = 8;
        if (layout == "missing") {
        } else if (layout == "file") {
            writeFile(root, "x");
        } else {
            fs::create_directories(root);
            writeImage(root + "/top.png", 8, 8, 1);
            if (layout != "flat") {
                fs::create_directories(root + "/cat");
                if (layout != "noimages") writeImage(root + "/cat/a.png", 8, 8, 1);
            }
            if (layout == "emptyclass" || layout == "undecodable" || layout == "noimages" ||
                layout == "resolution")
                fs::create_directories(root + "/dog");
            if (layout == "undecodable") writeFile(root + "/dog/x.png", "not a png");
            if (layout == "resolution") resolution = 0;
        }
        const QString message = errorOf([&] { data::loadImageFolder(root, resolution, 1); });
        QVERIFY2(message.contains(mentions), qPrintable(message));
        QVERIFY2(message.contains(QString::fromStdString(root)), qPrintable(message));
    }

    // ------------------------------------------------------------ cache

    void cacheRoundTrip() {
        QTemporaryDir dir;
        const std::string root = dir.path().toStdString();
        const int n = makeFolder(root);
        data::LoadReport first, second, other;
        const data::ImageSet a = data::loadImageFolder(root, 16, 3, &first);
        QCOMPARE(first.decoded, n);
        QVERIFY(first.cacheWritten);
        QCOMPARE(first.cachePath, data::primaryCachePath(root, 16, 3));
        QCOMPARE(first.cachePath, root + "/.mcunet-cache/r16-c3.bin");
        QVERIFY(fs::is_regular_file(first.cachePath));
        const data::ImageSet b = data::loadImageFolder(root, 16, 3, &second);
        QCOMPARE(second.decoded, 0);
        QCOMPARE(second.fromCache, n);
        QVERIFY(!second.cacheWritten);
        QCOMPARE(second.cachePath, first.cachePath);
        QVERIFY(second.skipped == first.skipped);
        QVERIFY(a.pixels == b.pixels);
        QVERIFY(a.labels == b.labels);
        QVERIFY(a.classes == b.classes);
        QCOMPARE(b.source, root);
        // Another shape has its own cache file.
        data::loadImageFolder(root, 12, 1, &other);
        QCOMPARE(other.decoded, n);
        QCOMPARE(other.cachePath, root + "/.mcunet-cache/r12-c1.bin");
        // Only the two cache files, no temporary left behind.
        QCOMPARE(std::distance(fs::directory_iterator(root + "/.mcunet-cache"), fs::directory_iterator()), 2);
    }

    void cacheInvalidation_data() {
        // clang-format off
        QTest::addColumn<QString>("change");
        QTest::addColumn<int>("expected");
        QTest::newRow("touch") << "touch" << 7;
        QTest::newRow("add a file") << "add" << 8;
        QTest::newRow("remove a file") << "remove" << 6;
        QTest::newRow("rename a file") << "rename" << 7;
        QTest::newRow("add a class") << "class" << 8;
        QTest::newRow("fix a broken file") << "fix" << 8;
        // clang-format on
    }
    void cacheInvalidation() {
        QFETCH(QString, change);
        QFETCH(int, expected);
        QTemporaryDir dir;
        const std::string root = dir.path().toStdString();
        makeFolder(root);
        data::loadImageFolder(root, 16, 1);
        if (change == "touch")
            fs::last_write_time(root + "/cat/b.jpg",
                                fs::last_write_time(root + "/cat/b.jpg") + std::chrono::seconds(5));
        else if (change == "add")
            writeImage(root + "/cat/new.png", 9, 9, 1);
        else if (change == "remove")
            fs::remove(root + "/cat/b.jpg");
        else if (change == "rename")
            fs::rename(root + "/cat/b.jpg", root + "/cat/z.jpg");
        else if (change == "fix")
            writeImage(root + "/dog/fake.jpg", 9, 9, 3);
        if (change == "class") {
            fs::create_directories(root + "/bird");
            writeImage(root + "/bird/1.png", 9, 9, 3);
        }
        data::LoadReport report;
        const data::ImageSet set = data::loadImageFolder(root, 16, 1, &report);
        QCOMPARE(report.fromCache, 0);
        QCOMPARE(report.decoded, expected);
        QVERIFY(report.cacheWritten);
        QCOMPARE(set.size(), expected);
        data::LoadReport again;
        data::loadImageFolder(root, 16, 1, &again);
        QCOMPARE(again.fromCache, expected);
    }

    void corruptCacheIsRewritten_data() {
        // clang-format off
        QTest::addColumn<QString>("damage");
        QTest::newRow("flipped pixel") << "flip";
        QTest::newRow("truncated") << "truncate";
        QTest::newRow("garbage") << "garbage";
        QTest::newRow("empty") << "empty";
        QTest::newRow("other version") << "version";
        // clang-format on
    }
    void corruptCacheIsRewritten() {
        QFETCH(QString, damage);
        QTemporaryDir dir;
        const std::string root = dir.path().toStdString();
        const int n = makeFolder(root);
        const data::ImageSet good = data::loadImageFolder(root, 16, 3);
        const std::string cache = data::primaryCachePath(root, 16, 3);
        std::string bytes = readFile(cache);
        if (damage == "flip") bytes[bytes.size() - 100] = static_cast<char>(bytes[bytes.size() - 100] ^ 0x10);
        if (damage == "truncate") bytes.resize(bytes.size() / 2);
        if (damage == "garbage") bytes = "MCUNDSET and then nonsense";
        if (damage == "empty") bytes.clear();
        if (damage == "version") bytes[8] = 99;
        writeFile(cache, bytes);
        data::LoadReport report;
        const data::ImageSet set = data::loadImageFolder(root, 16, 3, &report);
        QCOMPARE(report.fromCache, 0);
        QCOMPARE(report.decoded, n);
        QVERIFY(report.cacheWritten);
        QVERIFY(set.pixels == good.pixels);
        data::LoadReport again;
        const data::ImageSet cached = data::loadImageFolder(root, 16, 3, &again);
        QCOMPARE(again.fromCache, n);
        QVERIFY(cached.pixels == good.pixels);
    }

    void unwritableFolderFallsBackToXdgCache() {
        QTemporaryDir dir, cacheHome;
        const std::string root = dir.path().toStdString();
        const int n = makeFolder(root);
        writeFile(root + "/.mcunet-cache",
                  "a file where the cache folder would go");  // so it cannot be created
        qputenv("XDG_CACHE_HOME", cacheHome.path().toUtf8());
        data::LoadReport first, second;
        const data::ImageSet a = data::loadImageFolder(root, 16, 1, &first);
        const data::ImageSet b = data::loadImageFolder(root, 16, 1, &second);
        const std::string fallback = data::fallbackCachePath(root, 16, 1);
        qputenv("XDG_CACHE_HOME", xdg_.path().toUtf8());
        QVERIFY(first.cacheWritten);
        QCOMPARE(first.cachePath, fallback);
        QVERIFY2(fallback.find(cacheHome.path().toStdString() + "/mcunet/datasets/") == 0, fallback.c_str());
        QVERIFY(fs::is_regular_file(fallback));
        QCOMPARE(second.fromCache, n);
        QCOMPARE(second.cachePath, fallback);
        QVERIFY(a.pixels == b.pixels);
        QCOMPARE(readFile(root + "/.mcunet-cache"), std::string("a file where the cache folder would go"));
    }

    // ------------------------------------------------------------ splits and subsets

    void split_data() {
        // clang-format off
        QTest::addColumn<double>("fraction");
        QTest::newRow("0.1") << 0.1;
        QTest::newRow("0.2") << 0.2;
        QTest::newRow("0.5") << 0.5;
        QTest::newRow("0.9") << 0.9;
        // clang-format on
    }
    void split() {
        QFETCH(double, fraction);
        const std::vector<int> perClass = {50, 30, 7, 2, 1};
        const data::ImageSet set = syntheticSet(perClass);
        const data::SplitIndices a = data::split(set, fraction, 42);
        const data::SplitIndices again = data::split(set, fraction, 42);
        const data::SplitIndices other = data::split(set, fraction, 43);
        QVERIFY(a.train == again.train && a.validation == again.validation);
        QVERIFY(a.validation != other.validation);
        QVERIFY(ascending(a.train));
        QVERIFY(ascending(a.validation));
        std::set<int> all(a.train.begin(), a.train.end());
        for (int i : a.validation) QVERIFY2(all.insert(i).second, "train and validation overlap");
        QCOMPARE(static_cast<int>(all.size()), set.size());
        const std::vector<int> counts = data::classCounts(set, a.validation);
        for (std::size_t c = 0; c < perClass.size(); ++c) {
            const int n = perClass[c];
            const int expected =
                n < 2 ? 0 : std::clamp(static_cast<int>(std::lround(fraction * n)), 1, n - 1);
            QCOMPARE(counts[c], expected);
        }
    }

    void splitEdges() {
        const data::ImageSet set = syntheticSet({10, 10});
        const data::SplitIndices none = data::split(set, 0.0, 1);
        QVERIFY(none.validation.empty());
        QCOMPARE(static_cast<int>(none.train.size()), 20);
        QVERIFY(errorOf([&] { data::split(set, 1.0, 1); }).contains("must be in [0, 1)"));
        QVERIFY(errorOf([&] { data::split(set, -0.1, 1); }).contains("must be in [0, 1)"));
    }

    void balancedSubset() {
        const data::ImageSet set = syntheticSet({50, 30, 3});
        const std::vector<int> a = data::balancedSubset(set, 5, 7);
        QVERIFY(a == data::balancedSubset(set, 5, 7));
        QVERIFY(a != data::balancedSubset(set, 5, 8));
        QVERIFY(ascending(a));
        QVERIFY(data::classCounts(set, a) == (std::vector<int>{5, 5, 3}));
        QVERIFY(data::classCounts(set, data::balancedSubset(set, 100, 7)) == (std::vector<int>{50, 30, 3}));
        QVERIFY(errorOf([&] { data::balancedSubset(set, 0, 7); }).contains("at least 1"));
        const data::ImageSet sub = set.subset(a);
        QCOMPARE(sub.size(), 13);
        QVERIFY(sub.classes == set.classes);
        for (int k = 0; k < sub.size(); ++k) {
            QVERIFY(std::equal(sub.image(k), sub.image(k) + sub.imageBytes(),
                               set.image(a[static_cast<std::size_t>(k)])));
            QCOMPARE(sub.labels[static_cast<std::size_t>(k)],
                     set.labels[static_cast<std::size_t>(a[static_cast<std::size_t>(k)])]);
        }
        QVERIFY(data::classCounts(set, {}) == (std::vector<int>{50, 30, 3}));
        QVERIFY(errorOf([&] { set.subset({83}); }).contains("outside 0..82"));
    }

    // ------------------------------------------------------------ augmentation

    void augmentation_data() {
        // clang-format off
        QTest::addColumn<int>("padding");
        QTest::addColumn<bool>("flip");
        QTest::newRow("none") << 0 << false;
        QTest::newRow("crop") << 2 << false;
        QTest::newRow("flip") << 0 << true;
        QTest::newRow("crop and flip") << 3 << true;
        // clang-format on
    }
    void augmentation() {
        QFETCH(int, padding);
        QFETCH(bool, flip);
        const data::ImageSet set = syntheticSet({3}, 8, 3);
        const int h = 8, w = 8, ch = 3;
        const std::size_t bytes = set.imageBytes();
        const data::Augmentation aug{padding, flip};
        const std::uint8_t* in = set.image(1);
        // Output pixel (y, x) must come from input (y + oy, x' + ox), x' = x or
        // mirrored, for one offset |oy|, |ox| <= padding, zero outside.
        auto explained = [&](const std::vector<std::uint8_t>& out, bool mirrored, int oy, int ox) {
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x)
                    for (int c = 0; c < ch; ++c) {
                        const int sy = y + oy, sx = (mirrored ? w - 1 - x : x) + ox;
                        const std::uint8_t want =
                            (sy < 0 || sy >= h || sx < 0 || sx >= w) ? 0 : in[(sy * w + sx) * ch + c];
                        if (out[static_cast<std::size_t>((y * w + x) * ch + c)] != want) return false;
                    }
            return true;
        };
        int changed = 0, mirroredSeen = 0;
        for (std::uint64_t seed = 0; seed < 64; ++seed) {
            std::vector<std::uint8_t> out(bytes + 16, 0xab), repeat(bytes + 16, 0xcd);
            data::augment(set, 1, aug, seed, out.data());
            data::augment(set, 1, aug, seed, repeat.data());
            QVERIFY(std::all_of(out.begin() + static_cast<std::ptrdiff_t>(bytes), out.end(),
                                [](std::uint8_t v) { return v == 0xab; }));
            out.resize(bytes);
            repeat.resize(bytes);
            QVERIFY2(out == repeat, "same seed, different bytes");
            if (!std::equal(out.begin(), out.end(), in)) ++changed;
            bool found = false;
            for (int m = 0; m < (flip ? 2 : 1) && !found; ++m)
                for (int oy = -padding; oy <= padding && !found; ++oy)
                    for (int ox = -padding; ox <= padding && !found; ++ox)
                        if (explained(out, m == 1, oy, ox)) {
                            found = true;
                            if (m == 1) ++mirroredSeen;
                        }
            QVERIFY2(found, "not a padded crop / flip of the input");
        }
        if (padding == 0 && !flip)
            QCOMPARE(changed, 0);
        else
            QVERIFY2(changed >= 16, qPrintable(QString::number(changed)));
        if (flip) QVERIFY(mirroredSeen > 16 && mirroredSeen < 48);
        // Other images get other draws for the same seed.
        if (padding > 0) {
            int differ = 0;
            for (std::uint64_t seed = 0; seed < 16; ++seed) {
                std::vector<std::uint8_t> a(bytes), b(bytes);
                data::augment(set, 0, aug, seed, a.data());
                data::augment(set, 2, aug, seed, b.data());
                const auto zeros = [](const std::vector<std::uint8_t>& v) {
                    return std::count(v.begin(), v.end(), 0);
                };
                differ += zeros(a) != zeros(b);
            }
            QVERIFY(differ > 0);
        }
    }

    // ------------------------------------------------------------ reshaping

    void resizedShapes_data() {
        // clang-format off
        QTest::addColumn<int>("fromSide");
        QTest::addColumn<int>("fromChannels");
        QTest::addColumn<int>("toSide");
        QTest::addColumn<int>("toChannels");
        QTest::newRow("gray 28 -> rgb 32") << 28 << 1 << 32 << 3;
        QTest::newRow("gray 28 -> gray 14") << 28 << 1 << 14 << 1;
        QTest::newRow("rgb 20 -> gray 20") << 20 << 3 << 20 << 1;
        QTest::newRow("rgb 20 -> rgb 48") << 20 << 3 << 48 << 3;
        QTest::newRow("same shape") << 16 << 3 << 16 << 3;
        // clang-format on
    }
    void resizedShapes() {
        QFETCH(int, fromSide);
        QFETCH(int, fromChannels);
        QFETCH(int, toSide);
        QFETCH(int, toChannels);
        const data::ImageSet set = syntheticSet({2, 3}, fromSide, fromChannels);
        const data::ImageSet out = data::resized(set, toSide, toChannels);
        QCOMPARE(out.size(), set.size());
        QCOMPARE(out.height, toSide);
        QCOMPARE(out.width, toSide);
        QCOMPARE(out.channels, toChannels);
        QCOMPARE(out.pixels.size(), std::size_t(set.size()) * std::size_t(toSide * toSide * toChannels));
        QVERIFY(out.labels == set.labels);
        QVERIFY(out.classes == set.classes);
        if (fromSide == toSide && fromChannels == toChannels) QVERIFY(out.pixels == set.pixels);
        if (fromChannels == 1 && toChannels == 3)
            for (std::size_t i = 0; i < out.pixels.size(); i += 3)
                QVERIFY(out.pixels[i] == out.pixels[i + 1] && out.pixels[i] == out.pixels[i + 2]);
    }

    void resizedValues() {
        data::ImageSet red = syntheticSet({1, 1}, 8, 3);
        for (std::size_t i = 0; i < red.pixels.size(); ++i) red.pixels[i] = i % 3 == 0 ? 255 : 0;
        const data::ImageSet gray = data::resized(red, 4, 1);
        QVERIFY(std::all_of(gray.pixels.begin(), gray.pixels.end(), [](std::uint8_t v) { return v == 76; }));
        const data::ImageSet back = data::resized(gray, 8, 3);
        QVERIFY(std::all_of(back.pixels.begin(), back.pixels.end(), [](std::uint8_t v) { return v == 76; }));
        QVERIFY(errorOf([&] { data::resized(red, 8, 2); }).contains("channels 2"));
    }

    // ------------------------------------------------------------ open()

    void openFashionMnist() {
        data::DataSpec spec;
        spec.source = "fashion-mnist";
        spec.resolution = 32;
        spec.channels = 3;
        spec.trainPerClass = 20;
        spec.testPerClass = 10;
        const data::Datasets d = data::open(spec);
        QCOMPARE(d.train.size(), 200);
        QCOMPARE(d.validation.size(), 20);  // round(20 * 0.1 / 0.9) = 2 per class
        QCOMPARE(d.test.size(), 100);
        for (const data::ImageSet* s : {&d.train, &d.validation, &d.test}) {
            QCOMPARE(s->height, 32);
            QCOMPARE(s->width, 32);
            QCOMPARE(s->channels, 3);
            QCOMPARE(s->pixels.size(), std::size_t(s->size()) * 32 * 32 * 3);
            QCOMPARE(s->classes, data::fashionMnistClasses());
        }
        QVERIFY(data::classCounts(d.train, {}) == std::vector<int>(10, 20));
        QVERIFY(data::classCounts(d.test, {}) == std::vector<int>(10, 10));
        QCOMPARE(d.train.source, std::string("fashion-mnist train"));
        QCOMPARE(d.report.decoded, 70000);
        QVERIFY(d.flipMakesSense);
        // Same spec, same data; validation images are not training images.
        const data::Datasets again = data::open(spec);
        QVERIFY(again.train.pixels == d.train.pixels);
        QVERIFY(again.validation.pixels == d.validation.pixels);
        std::set<std::vector<std::uint8_t>> train;
        for (int i = 0; i < d.train.size(); ++i)
            train.emplace(d.train.image(i), d.train.image(i) + d.train.imageBytes());
        for (int i = 0; i < d.validation.size(); ++i)
            QVERIFY(!train.count(std::vector<std::uint8_t>(
                d.validation.image(i), d.validation.image(i) + d.validation.imageBytes())));
    }

    void openFolderSplitsThreeWays() {
        QTemporaryDir dir;
        const std::string root = dir.path().toStdString();
        for (const char* c : {"a", "b"}) {
            fs::create_directories(root + "/" + c);
            for (int k = 0; k < 10; ++k)
                writeImage(root + "/" + c + "/" + std::to_string(k) + ".png", 12, 12, 3, k + (*c) * 10);
        }
        data::DataSpec spec;
        spec.source = root;
        spec.resolution = 8;
        spec.channels = 3;
        spec.validationFraction = 0.2;
        const data::Datasets d = data::open(spec);
        QCOMPARE(d.test.size(), 4);        // round(0.2 * 10) per class
        QCOMPARE(d.validation.size(), 4);  // round(0.2 * 8) per class
        QCOMPARE(d.train.size(), 12);
        QCOMPARE(d.report.decoded, 20);
        QVERIFY(data::classCounts(d.test, {}) == (std::vector<int>{2, 2}));
        QCOMPARE(d.train.channels, 3);
        QCOMPARE(d.train.height, 8);
        spec.trainPerClass = 3;
        spec.testPerClass = 1;
        const data::Datasets small = data::open(spec);
        QCOMPARE(small.report.fromCache, 20);
        QCOMPARE(small.train.size(), 6);
        QCOMPARE(small.validation.size(), 2);  // max(1, round(3 * 0.2 / 0.8)) per class
        QCOMPARE(small.test.size(), 2);
    }

    void openFolderWithTrainAndTest_data() {
        // clang-format off
        QTest::addColumn<QString>("testName");
        QTest::addColumn<bool>("sameClasses");
        QTest::newRow("train + test") << "test" << true;
        QTest::newRow("train + val") << "val" << true;
        QTest::newRow("classes differ") << "test" << false;
        // clang-format on
    }
    void openFolderWithTrainAndTest() {
        QFETCH(QString, testName);
        QFETCH(bool, sameClasses);
        QTemporaryDir dir;
        const std::string root = dir.path().toStdString();
        auto make = [&](const std::string& part, const std::vector<std::string>& classes, int n) {
            for (const std::string& c : classes) {
                fs::create_directories(root + "/" + part + "/" + c);
                for (int k = 0; k < n; ++k)
                    writeImage(root + "/" + part + "/" + c + "/" + std::to_string(k) + ".png", 10, 10, 1, k);
            }
        };
        make("train", {"x", "y", "z"}, 10);
        make(testName.toStdString(),
             sameClasses ? std::vector<std::string>{"x", "y", "z"} : std::vector<std::string>{"x", "y"}, 4);
        data::DataSpec spec;
        spec.source = root;
        spec.resolution = 10;
        if (!sameClasses) {
            const QString message = errorOf([&] { data::open(spec); });
            QVERIFY2(message.contains("differ") && message.contains(QString::fromStdString(root)),
                     qPrintable(message));
            return;
        }
        const data::Datasets d = data::open(spec);
        QCOMPARE(d.test.size(), 12);
        QCOMPARE(d.validation.size(), 3);
        QCOMPARE(d.train.size(), 27);
        QCOMPARE(d.report.decoded, 42);
        QVERIFY(d.test.classes == (std::vector<std::string>{"x", "y", "z"}));
    }

    void openRejectsBadSpecs_data() {
        // clang-format off
        QTest::addColumn<QString>("source");
        QTest::addColumn<int>("resolution");
        QTest::addColumn<int>("channels");
        QTest::addColumn<double>("fraction");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("empty source") << "" << 28 << 1 << 0.1 << "empty";
        QTest::newRow("channels") << "fashion-mnist" << 28 << 4 << 0.1 << "channels 4";
        QTest::newRow("resolution") << "fashion-mnist" << 99999 << 1 << 0.1 << "resolution 99999";
        QTest::newRow("fraction") << "fashion-mnist" << 28 << 1 << 1.5 << "must be in [0, 1)";
        QTest::newRow("missing folder") << "/nonexistent/mcunet-data" << 28 << 1 << 0.1 << "/nonexistent/mcunet-data: no such folder";
        // clang-format on
    }
    void openRejectsBadSpecs() {
        QFETCH(QString, source);
        QFETCH(int, resolution);
        QFETCH(int, channels);
        QFETCH(double, fraction);
        QFETCH(QString, mentions);
        data::DataSpec spec;
        spec.source = source.toStdString();
        spec.resolution = resolution;
        spec.channels = channels;
        spec.validationFraction = fraction;
        const QString message = errorOf([&] { data::open(spec); });
        QVERIFY2(message.contains(mentions), qPrintable(message));
    }

    // An audio folder: WAV clips of any rate and length become 49 x 10 MFCC
    // pictures (resampled to 16 kHz, centred in one second); a file that is
    // not a WAV is skipped and named; text files are ignored.
    void audioFolderBecomesMfccPictures() {
        QTemporaryDir tmp;
        const fs::path root(tmp.path().toStdString());
        auto toneClip = [](double hz, double seconds, int rate) {
            audio::Clip c;
            c.sampleRate = rate;
            c.samples.resize(std::size_t(seconds * rate));
            for (std::size_t i = 0; i < c.samples.size(); ++i)
                c.samples[i] = float(0.3 * std::sin(2 * 3.141592653589793 * hz * double(i) / rate));
            return c;
        };
        fs::create_directories(root / "high" / "more");
        fs::create_directories(root / "low");
        audio::writeWav((root / "low" / "a.wav").string(), toneClip(300, 1.0, 16000));
        audio::writeWav((root / "low" / "b.WAV").string(), toneClip(300, 0.4, 44100));  // short, 44.1 kHz
        audio::writeWav((root / "high" / "a.wav").string(), toneClip(2500, 1.0, 16000));
        audio::writeWav((root / "high" / "more" / "c.wav").string(), toneClip(2500, 2.5, 8000));  // long, 8 kHz
        std::ofstream(root / "high" / "broken.wav") << "not audio";
        std::ofstream(root / "high" / "notes.txt") << "ignored";
        data::LoadReport report;
        const data::ImageSet set = data::loadAudioFolder(root.string(), &report);
        QCOMPARE(set.height, 49);
        QCOMPARE(set.width, 10);
        QCOMPARE(set.channels, 1);
        QCOMPARE(set.classes, (std::vector<std::string>{"high", "low"}));
        QCOMPARE(set.labels, (std::vector<int>{0, 0, 1, 1}));
        QCOMPARE(report.decoded, 4);
        QCOMPARE(report.skipped.size(), std::size_t(1));
        QVERIFY2(report.skipped[0].find("broken.wav: not a WAV file") != std::string::npos, report.skipped[0].c_str());
        // The tones differ; the same tone at another rate and length is close
        // in the middle frames (where both have sound).
        auto middle = [&](int i, int k) { return int(set.image(i)[24 * 10 + k]); };
        int differ = 0, close = 0;
        for (int k = 0; k < 10; ++k) {
            differ += std::abs(middle(0, k) - middle(2, k)) > 4;
            close += std::abs(middle(2, k) - middle(3, k)) <= 4;
        }
        QVERIFY2(differ >= 3, qPrintable(QString::number(differ)));
        QVERIFY2(close >= 8, qPrintable(QString::number(close)));
        // Digital silence: c0 = sqrt(2/40) * 40 * ln(1e-6) = -123.6 clamps to 0.
        QCOMPARE(int(data::audioPicture(std::vector<float>(16000, 0.0f))[0]), 0);
        QVERIFY_THROWS_EXCEPTION(Error, data::audioPicture({}, 20.0));
        QVERIFY_THROWS_EXCEPTION(Error, data::loadAudioFolder((root / "low").string()));  // no class subfolders

        // An audio folder is recognised as one and opened as MFCC pictures
        // (train / validation / test split, no flips); the model's shape
        // does not resize them. A picture folder stays pictures.
        QVERIFY(data::featuresOf(root.string()) == data::Features::Mfcc);
        QVERIFY(data::featuresOf("fashion-mnist") == data::Features::Image);
        for (int i = 0; i < 6; ++i) {
            audio::writeWav((root / "low" / ("x" + std::to_string(i) + ".wav")).string(), toneClip(300, 1.0, 16000));
            audio::writeWav((root / "high" / ("x" + std::to_string(i) + ".wav")).string(), toneClip(2500, 1.0, 16000));
        }
        data::DataSpec spec;
        spec.source = root.string();
        spec.features = data::Features::Mfcc;
        spec.validationFraction = 0.2;
        const data::Datasets d = data::open(spec);
        QVERIFY(!d.flipMakesSense);
        QCOMPARE(d.train.height, 49);
        QCOMPARE(d.test.width, 10);
        QCOMPARE(d.train.size() + d.validation.size() + d.test.size(), 16);  // 4 + 12 readable clips
        spec.source = "fashion-mnist";
        QVERIFY_THROWS_EXCEPTION(Error, data::open(spec));
        QTemporaryDir pictures;
        fs::create_directories(fs::path(pictures.path().toStdString()) / "a");
        data::writeImageFile(pictures.path().toStdString() + "/a/p.png", 4, 4, 1, std::vector<std::uint8_t>(16, 9).data());
        QVERIFY(data::featuresOf(pictures.path().toStdString()) == data::Features::Image);
    }
};

QTEST_GUILESS_MAIN(TestData)
#include "test_data.moc"
