#pragma once
// Host side of the link protocol (docs/link-protocol.md; constants shared
// with the firmware in core/runtime/include/mcunet_link.h): frames with a
// length, a type, a request id and a CRC-32; requests time out and are
// retried with the same id, which the device answers from its cached reply.
// A corrupted, truncated, duplicated or dropped byte costs a retry, never a
// wrong result.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace mcunet::board {

class LinkError : public Error {
public:
    using Error::Error;
};

struct Frame {
    std::uint8_t type = 0;
    std::uint8_t id = 0;
    std::vector<std::uint8_t> payload;
};

std::vector<std::uint8_t> encodeFrame(const Frame& f);

// Turns a byte stream into frames; skips bytes that are not part of a valid
// frame (text, noise, a frame with a bad CRC).
class FrameParser {
public:
    void feed(const std::uint8_t* data, std::size_t n);
    std::optional<Frame> next();
    std::uint64_t skippedBytes() const { return skipped_; }

private:
    std::vector<std::uint8_t> buffer_;
    std::uint64_t skipped_ = 0;
};

// A byte link to a board: a TCP socket to QEMU's UART, USB CDC, a test double.
class Transport {
public:
    virtual ~Transport() = default;
    virtual void write(const std::vector<std::uint8_t>& bytes) = 0;
    // Bytes that arrive within timeoutMs (empty on timeout); throws LinkError
    // when the link is closed.
    virtual std::vector<std::uint8_t> read(int timeoutMs) = 0;
};

// TCP client (QEMU's `-serial tcp:127.0.0.1:PORT,server=on`).
std::unique_ptr<Transport> connectTcp(const std::string& host, int port, int timeoutMs);

struct Hello {
    int protocolVersion = 0;
    std::uint32_t arenaBytes = 0, inputBytes = 0, outputBytes = 0;
    int layers = 0;
    bool countsInstructions = false;  // else cycles
    bool inputRepeatable = true;      // false: write the input again before every run
    bool hostInput = false;           // loadInput() reads the input from a host file (virtual boards)
    std::string board, model;
};

struct LinkOptions {
    int timeoutMs = 2000;  // per attempt
    int retries = 4;
};

class LinkClient {
public:
    explicit LinkClient(Transport& transport, LinkOptions options = {});
    Hello hello();
    void writeInput(const std::vector<std::int8_t>& input);
    // The firmware reads the whole input from the host file its emulator
    // serves (VirtualBoard::writeHostInput), not over the link: the fast
    // route of live demos. Needs hello().hostInput.
    void loadInput();
    // Runs the model `runs` times; returns the last run's total count.
    std::uint64_t run(std::uint32_t runs, int timeoutMs);
    std::vector<std::int8_t> readOutput(std::uint32_t bytes);
    std::vector<std::uint64_t> readProfile(int layers);
    int retriesUsed() const { return retriesUsed_; }

private:
    Frame request(std::uint8_t type, const std::vector<std::uint8_t>& payload, std::uint8_t replyType, int timeoutMs);
    Transport& transport_;
    LinkOptions options_;
    FrameParser parser_;
    std::uint8_t nextId_ = 1;
    int retriesUsed_ = 0;
};

}  // namespace mcunet::board
