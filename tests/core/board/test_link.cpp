// core/board link protocol: the host client against the firmware's own
// device code (compiled for the host with a fake model), through a channel
// that corrupts, truncates, duplicates and drops bytes. Every fault is
// detected, no wrong result is ever accepted, and retries recover.
#include <QtTest>

#include <cmath>
#include <deque>
#include <random>

#include "board/link.h"
#include "fault_injection.h"
#include "mlperf_text.h"
#include "mcunet_link.h"

extern "C" {
#include "model.h"
void link_feed(uint8_t byte);
int link_in_frame(void);
void mlperf_feed(uint8_t byte);
}

using namespace mcunet;
using namespace mcunet::test;

namespace {

using test::Fault;

// The device runs synchronously inside write(); faults hit both directions.
class FaultyChannel : public board::Transport {
public:
    FaultyChannel(unsigned seed, double faultRate, std::vector<Fault> kinds) : damager_(seed, faultRate, std::move(kinds)) {}

    void write(const std::vector<std::uint8_t>& bytes) override {
        for (std::uint8_t b : damager_.damage(bytes)) {
            if (link_in_frame() || b == MCU_LINK_SYNC0) link_feed(b);
            else mlperf_feed(b);
        }
        std::uint8_t buffer[65536];
        std::vector<std::uint8_t> out;
        for (std::uint32_t n; (n = fake_board_take_output(buffer, sizeof buffer)) > 0;) out.insert(out.end(), buffer, buffer + n);
        const auto damaged = damager_.damage(out);
        pending_.insert(pending_.end(), damaged.begin(), damaged.end());
    }
    std::vector<std::uint8_t> read(int) override {
        std::vector<std::uint8_t> out(pending_.begin(), pending_.end());
        pending_.clear();
        return out;
    }
    int faults() const { return damager_.faults; }

private:
    test::Damager damager_;
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


// MLPerf Tiny's text commands through a channel, as its runner sends them.
class MlperfSession {
public:
    explicit MlperfSession(board::Transport& channel) : channel_(channel) {
        // Whatever earlier tests left half-received (a frame, a command) is
        // flushed the way a runner would: terminators until the prompt.
        for (int i = 0; i < 3 && send("%").find("m-ready") == std::string::npos; ++i) {
        }
    }
    std::string send(const std::string& text) {
        channel_.write(std::vector<std::uint8_t>(text.begin(), text.end()));
        const auto reply = channel_.read(0);
        return std::string(reply.begin(), reply.end());
    }
    // db load N, then the data 31 bytes per command; the last reply.
    std::string load(const std::vector<std::uint8_t>& input) {
        send("db load " + std::to_string(input.size()) + "%");
        std::string last;
        for (const std::string& c : hexCommands(input)) last = send(c);
        return last;
    }

private:
    board::Transport& channel_;
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
        QVERIFY(!h.hostInput);  // a real board: no semihosting host
        QVERIFY_THROWS_EXCEPTION(board::LinkError, link.loadInput());
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
            faults += channel.faults();
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
        MlperfSession m(channel);
        QCOMPARE(QString::fromStdString(m.send("name%")), QString("m-name-dut-[mcunet-studio]\r\nm-ready\r\n"));
        const std::string profile = m.send("profile%");
        QVERIFY(profile.find("m-model-[fake-model]\r\n") != std::string::npos);  // the default: the model's name
        QVERIFY2(profile.find("m-timing-[cycles: fake board, 1000 us per run]\r\n") != std::string::npos, profile.c_str());
        QCOMPARE(QString::fromStdString(m.send("db load 4%")), QString("m-[Expecting 4 bytes]\r\nm-ready\r\n"));
        QCOMPARE(QString::fromStdString(m.send("db 0102%")), QString("m-ready\r\n"));
        QCOMPARE(QString::fromStdString(m.send("db 0304%")), QString("m-load-done\r\nm-ready\r\n"));
        QCOMPARE(QString::fromStdString(m.send("db print%")), QString("m-buffer-01-02-03-04\r\nm-ready\r\n"));
        // The whole input as the runner sends it: 31 bytes per command.
        std::vector<std::uint8_t> input(MODEL_INPUT_BYTES, 0);
        input[0] = 1, input[1] = 2, input[2] = 3, input[3] = 4;
        QCOMPARE(QString::fromStdString(m.load(input)), QString("m-load-done\r\nm-ready\r\n"));
        const std::string infer = m.send("infer 2 1%");
        QVERIFY(infer.find("m-warmup-start-1\r\nm-warmup-done\r\nm-infer-start-2\r\nm-lap-us-") != std::string::npos);
        QVERIFY(infer.find("m-infer-done\r\nm-results-[") != std::string::npos);
        QCOMPARE(fake_invocations, std::uint32_t(3));
        // Results: softmax of (q - 2) * 0.5; the input bytes sum to 10, so
        // output o = 10 * (o + 1), logits 4, 9, ..., 49: three decimals
        // (0.5 / 10 > 0.001).
        const Results r = parseResults(infer);
        QVERIFY2(r.found, infer.c_str());
        QCOMPARE(r.decimals, 3);
        std::vector<std::int8_t> output;
        for (int o = 0; o < MODEL_OUTPUT_BYTES; ++o) output.push_back(static_cast<std::int8_t>(10 * (o + 1)));
        const auto want = softmax(output, MODEL_OUTPUT_SCALE, MODEL_OUTPUT_ZERO_POINT);
        QCOMPARE(r.values.size(), want.size());
        for (std::size_t i = 0; i < want.size(); ++i) QVERIFY2(std::fabs(r.values[i] - want[i]) <= 0.0015, infer.c_str());
        QVERIFY(infer.find("0.993]\r\nm-ready\r\n") != std::string::npos);  // e^49 / sum
        QCOMPARE(parseResults(m.send("results%")).values, r.values);
        m.send("db load 2%");
        QVERIFY(m.send("db 0g%").find("e-[Invalid hex digit '0g': the load is refused]") != std::string::npos);
        m.send("db load 2%");
        QVERIFY(m.send("db 012%").find("e-[Insufficent number of hex digits: the load is refused]") != std::string::npos);
        QVERIFY(m.send("infer 0%").find("e-[Inference iterations must be >0]") != std::string::npos);
        QVERIFY(m.send("infer 1 x%").find("e-[Inference warmup must be >=0]") != std::string::npos);
        QVERIFY(m.send("db load 99999%").find("e-[Command 'db load' exceeds") != std::string::npos);
        QVERIFY(m.send("db load 12x%").find("e-[Command 'db load': '12x' is not a byte count: the load is refused]") !=
                std::string::npos);
        QCOMPARE(QString::fromStdString(m.send("bogus]%")), QString("e-[Unknown command: bogus_]\r\nm-ready\r\n"));
        // The binary link still works after text commands.
        board::LinkClient link(channel, {50, 0});
        QCOMPARE(link.hello().layers, MODEL_LAYER_COUNT);
    }

    // Issue 13: a `db load` larger than the model input used to answer e-[...]
    // and then take the following data silently, and `infer` ran on the
    // stale input. A load is now all or nothing, and infer refuses anything
    // but a complete load of the whole input.
    void mlperfLoadIsAllOrNothing() {
        FaultyChannel channel(1, 0.0, {});
        MlperfSession m(channel);
        std::vector<std::uint8_t> input(MODEL_INPUT_BYTES, 1);
        auto refusedInfer = [&](const char* why) {
            const std::uint32_t before = fake_invocations;
            const std::string reply = m.send("infer 1 0%");
            QVERIFY2(reply.find(why) != std::string::npos && reply.rfind("e-[", 0) == 0, reply.c_str());
            QVERIFY2(reply.find("m-results") == std::string::npos && reply.find("m-infer-start") == std::string::npos, reply.c_str());
            QCOMPARE(fake_invocations, before);  // nothing ran
        };
        // Too large: refused, and so is every data chunk of it.
        QCOMPARE(QString::fromStdString(m.send("db load 3001%")),
                 QString("e-[Command 'db load' exceeds the model input of 3000 bytes: the load and its data are refused]\r\n"
                         "m-ready\r\n"));
        const auto chunks = hexCommands(std::vector<std::uint8_t>(3001, 7));
        QCOMPARE(chunks.size(), std::size_t(97));
        for (const std::string& c : chunks)
            QCOMPARE(QString::fromStdString(m.send(c)), QString("e-[db: data refused: the last 'db load' was refused]\r\nm-ready\r\n"));
        refusedInfer("e-[infer: the last load was refused: load the input again]");
        // Incomplete.
        m.send("db load 3000%");
        m.send(hexCommands(input)[0]);
        refusedInfer("e-[infer: the last load is incomplete: 31 bytes received: no inference on stale input]");
        // Complete: infer runs.
        QCOMPARE(QString::fromStdString(m.load(input)), QString("m-load-done\r\nm-ready\r\n"));
        const std::uint32_t before = fake_invocations;
        QVERIFY(parseResults(m.send("infer 1 0%")).found);
        QCOMPARE(fake_invocations, before + 1);
        // Data past the announced size refuses the load.
        QVERIFY(m.send("db 00%").find("e-[db: more data than the 3000 bytes of 'db load': the load is refused]") != std::string::npos);
        refusedInfer("e-[infer: the last load was refused");
        // A load smaller than the input leaves stale bytes: no inference.
        m.send("db load 4%");
        QVERIFY(m.send("db 01020304%").find("m-load-done") != std::string::npos);
        refusedInfer("e-[infer: the last load set 4 bytes, the model's input has more: load all of it]");
        // A bad chunk in the middle refuses the whole load and what follows.
        m.send("db load 3000%");
        m.send(hexCommands(input)[0]);
        QVERIFY(m.send("db zz%").find("e-[Invalid hex digit 'zz': the load is refused]") != std::string::npos);
        QVERIFY(m.send(hexCommands(input)[1]).find("e-[db: data refused") != std::string::npos);
        refusedInfer("e-[infer: the last load was refused");
        // A command too long for the buffer is never run cut short.
        m.send("db load 3000%");
        const std::string tooLong = m.send("db " + std::string(100, 'a') + "%");
        QVERIFY2(tooLong.find("e-[Command longer than 80 characters ignored]\r\ne-[db: the load is refused]\r\nm-ready") !=
                     std::string::npos,
                 tooLong.c_str());
        refusedInfer("e-[infer: the last load was refused");
        // A fresh, complete load works again.
        m.load(input);
        QVERIFY(parseResults(m.send("infer 1 0%")).found);
    }
};

QTEST_GUILESS_MAIN(TestLink)
#include "test_link.moc"
