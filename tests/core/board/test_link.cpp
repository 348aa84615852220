// core/board link protocol: the host client against the firmware's own
// device code (compiled for the host with a fake model), through a channel
// that corrupts, truncates, duplicates and drops bytes. Every fault is
// detected, no wrong result is ever accepted, and retries recover.
#include <QtTest>

#include <deque>
#include <random>

#include "board/link.h"
#include "mcunet_link.h"

extern "C" {
#include "model.h"
void link_feed(uint8_t byte);
int link_in_frame(void);
void mlperf_feed(uint8_t byte);
}

using namespace mcunet;

namespace {

enum class Fault { None, Corrupt, Truncate, Duplicate, Drop, Noise };

// The device runs synchronously inside write(); faults hit both directions.
class FaultyChannel : public board::Transport {
public:
    FaultyChannel(unsigned seed, double faultRate, std::vector<Fault> kinds)
        : rng_(seed), rate_(faultRate), kinds_(std::move(kinds)) {}

    void write(const std::vector<std::uint8_t>& bytes) override {
        for (std::uint8_t b : damage(bytes)) {
            if (link_in_frame() || b == MCU_LINK_SYNC0) link_feed(b);
            else mlperf_feed(b);
        }
        std::uint8_t buffer[65536];
        std::vector<std::uint8_t> out;
        for (std::uint32_t n; (n = fake_board_take_output(buffer, sizeof buffer)) > 0;) out.insert(out.end(), buffer, buffer + n);
        const auto damaged = damage(out);
        pending_.insert(pending_.end(), damaged.begin(), damaged.end());
    }
    std::vector<std::uint8_t> read(int) override {
        std::vector<std::uint8_t> out(pending_.begin(), pending_.end());
        pending_.clear();
        return out;
    }
    int faults = 0;

private:
    std::vector<std::uint8_t> damage(std::vector<std::uint8_t> bytes) {
        if (bytes.empty() || kinds_.empty() || std::uniform_real_distribution<double>(0, 1)(rng_) >= rate_) return bytes;
        ++faults;
        const Fault f = kinds_[rng_() % kinds_.size()];
        const std::size_t at = rng_() % bytes.size();
        switch (f) {
            case Fault::Corrupt: bytes[at] ^= static_cast<std::uint8_t>(1u << (rng_() % 8)); break;
            case Fault::Truncate: bytes.resize(at); break;
            case Fault::Duplicate: bytes.insert(bytes.end(), bytes.begin(), bytes.end()); break;
            case Fault::Drop: bytes.erase(bytes.begin() + static_cast<std::ptrdiff_t>(at)); break;
            case Fault::Noise: bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(at), {0xA5, 0x5A, 0x10, 0x00, 0x83}); break;
            case Fault::None: break;
        }
        return bytes;
    }
    std::mt19937 rng_;
    double rate_;
    std::vector<Fault> kinds_;
    std::deque<std::uint8_t> pending_;
};

std::vector<std::int8_t> expectedOutput(const std::vector<std::int8_t>& input) {
    std::uint32_t sum = 0;
    for (std::int8_t b : input) sum += static_cast<std::uint8_t>(b);
    std::vector<std::int8_t> out;
    for (std::uint32_t i = 0; i < MODEL_OUTPUT_BYTES; ++i) out.push_back(static_cast<std::int8_t>(static_cast<std::uint8_t>(sum * (i + 1))));
    return out;
}

std::vector<std::int8_t> randomInput(std::mt19937& rng) {
    std::vector<std::int8_t> in(MODEL_INPUT_BYTES);
    for (auto& b : in) b = static_cast<std::int8_t>(rng() & 0xff);
    return in;
}

// Issue 14.8: a board that answers with hostile frames: an ERROR whose text
// holds control and binary bytes, or a profile count near 2^64.
class HostileBoard : public board::Transport {
public:
    explicit HostileBoard(bool errors) : errors_(errors) {}
    void write(const std::vector<std::uint8_t>& bytes) override {
        parser_.feed(bytes.data(), bytes.size());
        while (auto f = parser_.next()) {
            board::Frame reply;
            reply.type = MCU_MSG_ERROR;
            reply.id = f->id;
            if (errors_) {
                reply.payload.push_back(7);
                for (char c : std::string("bad\x1b[2J\n\x01\xff\\end")) reply.payload.push_back(static_cast<std::uint8_t>(c));
            } else {
                reply.type = MCU_MSG_PROFILE_DATA;
                reply.payload = {0, 0, 1, 0};  // first 0, count 1
                for (int i = 0; i < 8; ++i) reply.payload.push_back(0xff);
            }
            const auto out = board::encodeFrame(reply);
            pending_.insert(pending_.end(), out.begin(), out.end());
        }
    }
    std::vector<std::uint8_t> read(int) override {
        std::vector<std::uint8_t> out(pending_.begin(), pending_.end());
        pending_.clear();
        return out;
    }

private:
    bool errors_;
    board::FrameParser parser_;
    std::deque<std::uint8_t> pending_;
};

}  // namespace

class TestLink : public QObject {
    Q_OBJECT
private slots:
    void init() { fake_board_reset(); }

    void hostileBoardAnswersAreContained() {
        HostileBoard errors(true);
        board::LinkClient a(errors);
        try {
            a.hello();
            QFAIL("no error");
        } catch (const board::LinkError& e) {
            const std::string m = e.what();
            QVERIFY2(m.find("\\x1b") != std::string::npos && m.find("\\x0a") != std::string::npos, m.c_str());
            for (unsigned char c : m) QVERIFY(c >= 0x20 && c < 0x7f);  // nothing raw reaches a terminal
        }
        HostileBoard counts(false);
        board::LinkClient b(counts);
        try {
            b.readProfile(1);
            QFAIL("no error");
        } catch (const board::LinkError& e) {
            QVERIFY2(std::string(e.what()).find("implausible count") != std::string::npos, e.what());
        }
    }

    void framesRoundTrip() {
        board::Frame f{0x42, 7, {1, 2, 3, 0xA5, 0x5A}};
        const auto bytes = board::encodeFrame(f);
        QCOMPARE(bytes.size(), std::size_t(6 + 5 + 4));
        board::FrameParser p;
        std::vector<std::uint8_t> stream = {'m', '-', 'r', 0xA5};  // text and a false start first
        stream.insert(stream.end(), bytes.begin(), bytes.end());
        p.feed(stream.data(), stream.size());
        const auto got = p.next();
        QVERIFY(got.has_value());
        QCOMPARE(got->type, std::uint8_t(0x42));
        QCOMPARE(got->id, std::uint8_t(7));
        QCOMPARE(got->payload, f.payload);
        QVERIFY(!p.next().has_value());
        QCOMPARE(p.skippedBytes(), std::uint64_t(4));
    }

    void everySingleBitErrorIsDetected() {
        const auto bytes = board::encodeFrame({0x84, 9, std::vector<std::uint8_t>(200, 0x33)});
        for (std::size_t i = 2; i < bytes.size(); ++i)  // a flip in the sync bytes just loses the frame
            for (int bit = 0; bit < 8; ++bit) {
                auto damaged = bytes;
                damaged[i] ^= static_cast<std::uint8_t>(1 << bit);
                board::FrameParser p;
                p.feed(damaged.data(), damaged.size());
                const auto f = p.next();
                QVERIFY2(!f.has_value(), qPrintable(QString("byte %1 bit %2 accepted").arg(i).arg(bit)));
            }
    }

    void cleanChannel() {
        FaultyChannel channel(1, 0.0, {});
        board::LinkClient link(channel, {50, 0});
        const board::Hello h = link.hello();
        QCOMPARE(h.protocolVersion, 1);
        QCOMPARE(h.inputBytes, std::uint32_t(MODEL_INPUT_BYTES));
        QCOMPARE(h.layers, MODEL_LAYER_COUNT);
        QCOMPARE(QString::fromStdString(h.model), QString("fake-model"));
        QCOMPARE(QString::fromStdString(h.board), QString("fake-board"));
        std::mt19937 rng(3);
        const auto input = randomInput(rng);
        link.writeInput(input);
        link.run(2, 50);
        QCOMPARE(fake_invocations, std::uint32_t(2));
        QCOMPARE(link.readOutput(MODEL_OUTPUT_BYTES), expectedOutput(input));
        const auto profile = link.readProfile(MODEL_LAYER_COUNT);  // two frames
        QCOMPARE(profile.size(), std::size_t(MODEL_LAYER_COUNT));
        QCOMPARE(profile[299], std::uint64_t(399));
        QCOMPARE(link.retriesUsed(), 0);
    }

    void faultsAreDetectedAndRetriesRecover_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("corrupted bytes") << int(Fault::Corrupt);
        QTest::newRow("truncated frames") << int(Fault::Truncate);
        QTest::newRow("duplicated frames") << int(Fault::Duplicate);
        QTest::newRow("dropped bytes") << int(Fault::Drop);
        QTest::newRow("noise and false frame starts") << int(Fault::Noise);
    }
    void faultsAreDetectedAndRetriesRecover() {
        QFETCH(int, kind);
        int faults = 0, retries = 0;
        for (unsigned seed = 0; seed < 40; ++seed) {
            fake_board_reset();
            FaultyChannel channel(100 + seed, 0.3, {static_cast<Fault>(kind)});
            board::LinkClient link(channel, {5, 12});
            std::mt19937 rng(seed);
            const auto input = randomInput(rng);
            try {
                link.hello();
            } catch (const std::exception& e) {
                QFAIL(qPrintable(QString("seed %1: %2").arg(seed).arg(e.what())));
            }
            link.writeInput(input);
            link.run(1, 5);
            // A retried or duplicated RUN is answered from the cache, never run twice.
            QCOMPARE(fake_invocations, std::uint32_t(1));
            QCOMPARE(link.readOutput(MODEL_OUTPUT_BYTES), expectedOutput(input));
            const auto profile = link.readProfile(MODEL_LAYER_COUNT);
            for (int i = 0; i < MODEL_LAYER_COUNT; ++i) QCOMPARE(profile[static_cast<std::size_t>(i)], std::uint64_t(100 + i));
            faults += channel.faults;
            retries += link.retriesUsed();
        }
        qInfo("%d faults injected, %d retries, every result correct", faults, retries);
        QVERIFY(faults > 20);
        if (kind != int(Fault::Duplicate)) QVERIFY(retries > 0);  // duplicates are simply ignored
    }

    void aDeadChannelFailsInBoundedTime() {
        FaultyChannel channel(5, 1.0, {Fault::Truncate});  // every message cut
        board::LinkClient link(channel, {20, 3});
        QElapsedTimer timer;
        timer.start();
        QVERIFY_THROWS_EXCEPTION(board::LinkError, link.hello());
        QVERIFY(timer.elapsed() < 2000);
    }

    void mlperfCommandsOnTheSameLink() {
        FaultyChannel channel(1, 0.0, {});
        auto send = [&](const std::string& text) {
            channel.write(std::vector<std::uint8_t>(text.begin(), text.end()));
            const auto reply = channel.read(0);
            return std::string(reply.begin(), reply.end());
        };
        // Whatever earlier tests left half-received (a frame, a command) is
        // flushed the way a runner would: terminators until the prompt.
        for (int i = 0; i < 3 && send("%").find("m-ready") == std::string::npos; ++i) {
        }
        QCOMPARE(QString::fromStdString(send("name%")), QString("m-name-dut-[mcunet-studio]\r\nm-ready\r\n"));
        QVERIFY(send("profile%").find("m-model-[fake-model]\r\n") != std::string::npos);
        QCOMPARE(QString::fromStdString(send("db load 4%")), QString("m-[Expecting 4 bytes]\r\nm-ready\r\n"));
        QCOMPARE(QString::fromStdString(send("db 0102%")), QString("m-ready\r\n"));
        QCOMPARE(QString::fromStdString(send("db 0304%")), QString("m-load-done\r\nm-ready\r\n"));
        QCOMPARE(QString::fromStdString(send("db print%")), QString("m-buffer-01-02-03-04\r\nm-ready\r\n"));
        // The whole input as the runner sends it: 31 bytes per command.
        std::vector<std::uint8_t> input(MODEL_INPUT_BYTES, 0);
        input[0] = 1, input[1] = 2, input[2] = 3, input[3] = 4;
        QVERIFY(send("db load " + std::to_string(MODEL_INPUT_BYTES) + "%").find("m-[Expecting 3000 bytes]") != std::string::npos);
        std::string last;
        for (std::size_t i = 0; i < input.size(); i += 31) {
            std::string command = "db ";
            for (std::size_t k = i; k < std::min(input.size(), i + 31); ++k) {
                char hex[3];
                std::snprintf(hex, sizeof hex, "%02x", input[k]);
                command += hex;
            }
            last = send(command + "%");
        }
        QCOMPARE(QString::fromStdString(last), QString("m-load-done\r\nm-ready\r\n"));
        const std::string infer = send("infer 2 1%");
        QVERIFY(infer.find("m-warmup-start-1\r\nm-warmup-done\r\nm-infer-start-2\r\nm-lap-us-") != std::string::npos);
        QVERIFY(infer.find("m-infer-done\r\nm-results-[") != std::string::npos);
        QCOMPARE(fake_invocations, std::uint32_t(3));
        // Results: (q - 2) * 0.5 with %0.3f; the input bytes sum to 10, so
        // output o = 10 * (o + 1).
        QVERIFY2(infer.find("m-results-[4.000,9.000,14.000,19.000,24.000,29.000,34.000,39.000,44.000,49.000]\r\nm-ready\r\n") !=
                     std::string::npos,
                 infer.c_str());
        QVERIFY(send("results%").find("m-results-[4.000,9.000,") != std::string::npos);
        send("db load 2%");
        QVERIFY(send("db 0g%").find("e-[Invalid hex digit '0g']") != std::string::npos);
        QVERIFY(send("db 012%").find("e-[Insufficent number of hex digits]") != std::string::npos);
        QVERIFY(send("infer 0%").find("e-[Inference iterations must be >0]") != std::string::npos);
        QVERIFY(send("db load 99999%").find("e-[Command 'db load' exceeds") != std::string::npos);
        QCOMPARE(QString::fromStdString(send("bogus%")), QString("e-[Unknown command: bogus]\r\nm-ready\r\n"));
        // The binary link still works after text commands.
        board::LinkClient link(channel, {50, 0});
        QCOMPARE(link.hello().layers, MODEL_LAYER_COUNT);
    }
};

QTEST_GUILESS_MAIN(TestLink)
#include "test_link.moc"
