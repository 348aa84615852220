#include "board/link.h"

#include <cstdio>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "mcunet_link.h"

namespace mcunet::board {

namespace {

void put16(std::vector<std::uint8_t>& v, std::uint32_t x) {
    v.push_back(static_cast<std::uint8_t>(x));
    v.push_back(static_cast<std::uint8_t>(x >> 8));
}
void put32(std::vector<std::uint8_t>& v, std::uint32_t x) {
    put16(v, x);
    put16(v, x >> 16);
}
std::uint32_t get16(const std::uint8_t* p) { return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8; }
std::uint32_t get32(const std::uint8_t* p) { return get16(p) | get16(p + 2) << 16; }

}  // namespace

std::vector<std::uint8_t> encodeFrame(const Frame& f) {
    if (f.payload.size() > MCU_LINK_MAX_PAYLOAD) throw LinkError("link: payload too large");
    std::vector<std::uint8_t> out = {MCU_LINK_SYNC0, MCU_LINK_SYNC1};
    put16(out, static_cast<std::uint32_t>(f.payload.size()));
    out.push_back(f.type);
    out.push_back(f.id);
    out.insert(out.end(), f.payload.begin(), f.payload.end());
    put32(out, mcu_crc32_update(0, out.data() + 2, 4 + f.payload.size()));
    return out;
}

void FrameParser::feed(const std::uint8_t* data, std::size_t n) { buffer_.insert(buffer_.end(), data, data + n); }

std::optional<Frame> FrameParser::next() {
    for (;;) {
        if (buffer_.empty()) return std::nullopt;
        bool resync = buffer_[0] != MCU_LINK_SYNC0 || (buffer_.size() > 1 && buffer_[1] != MCU_LINK_SYNC1);
        if (!resync) {
            if (buffer_.size() < MCU_LINK_HEADER_BYTES) return std::nullopt;
            const std::uint32_t length = get16(buffer_.data() + 2);
            if (length > MCU_LINK_MAX_PAYLOAD) {
                resync = true;
            } else {
                const std::size_t total = MCU_LINK_HEADER_BYTES + length + MCU_LINK_CRC_BYTES;
                if (buffer_.size() < total) {
                    // Incomplete: a damaged length may hide later frames. Take
                    // the first complete frame with a valid CRC further on.
                    for (std::size_t k = 1; k + MCU_LINK_HEADER_BYTES <= buffer_.size(); ++k) {
                        if (buffer_[k] != MCU_LINK_SYNC0 || buffer_[k + 1] != MCU_LINK_SYNC1) continue;
                        const std::uint32_t len = get16(buffer_.data() + k + 2);
                        const std::size_t end = k + MCU_LINK_HEADER_BYTES + len + MCU_LINK_CRC_BYTES;
                        if (len > MCU_LINK_MAX_PAYLOAD || end > buffer_.size()) continue;
                        if (mcu_crc32_update(0, buffer_.data() + k + 2, 4 + len) ==
                            get32(buffer_.data() + k + MCU_LINK_HEADER_BYTES + len)) {
                            buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(k));
                            skipped_ += k;
                            return next();
                        }
                    }
                    return std::nullopt;
                }
                const std::uint32_t crc = mcu_crc32_update(0, buffer_.data() + 2, 4 + length);
                if (crc == get32(buffer_.data() + MCU_LINK_HEADER_BYTES + length)) {
                    Frame f;
                    f.type = buffer_[4];
                    f.id = buffer_[5];
                    f.payload.assign(buffer_.begin() + MCU_LINK_HEADER_BYTES,
                                     buffer_.begin() + MCU_LINK_HEADER_BYTES + length);
                    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(total));
                    return f;
                }
                resync = true;
            }
        }
        // Not a frame here: drop up to the next possible frame start.
        std::size_t skip = 1;
        while (skip < buffer_.size() && buffer_[skip] != MCU_LINK_SYNC0) ++skip;
        buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(skip));
        skipped_ += skip;
    }
}

namespace {

class TcpTransport : public Transport {
public:
    explicit TcpTransport(int fd) : fd_(fd) {}
    ~TcpTransport() override { close(fd_); }
    void write(const std::vector<std::uint8_t>& bytes) override {
        std::size_t sent = 0;
        while (sent < bytes.size()) {
            const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) throw LinkError("link: the board closed the connection");
            sent += static_cast<std::size_t>(n);
        }
    }
    std::vector<std::uint8_t> read(int timeoutMs) override {
        pollfd p{fd_, POLLIN, 0};
        const int ready = poll(&p, 1, timeoutMs);
        if (ready <= 0) return {};
        std::vector<std::uint8_t> buf(8192);
        const ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
        if (n == 0) throw LinkError("link: the board closed the connection");
        if (n < 0) return {};
        buf.resize(static_cast<std::size_t>(n));
        return buf;
    }

private:
    int fd_;
};

}  // namespace

std::unique_ptr<Transport> connectTcp(const std::string& host, int port, int timeoutMs) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    for (;;) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) throw LinkError("link: cannot create a socket");
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            return std::make_unique<TcpTransport>(fd);
        }
        close(fd);
        if (std::chrono::steady_clock::now() > deadline)
            throw LinkError("link: nothing listens on " + host + ":" + std::to_string(port));
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

LinkClient::LinkClient(Transport& transport, LinkOptions options) : transport_(transport), options_(options) {}

Frame LinkClient::request(std::uint8_t type, const std::vector<std::uint8_t>& payload, std::uint8_t replyType,
                          int timeoutMs) {
    Frame req{type, nextId_, payload};
    nextId_ = static_cast<std::uint8_t>(nextId_ == 255 ? 1 : nextId_ + 1);
    const auto bytes = encodeFrame(req);
    for (int attempt = 0; attempt <= options_.retries; ++attempt) {
        if (attempt > 0) ++retriesUsed_;
        transport_.write(bytes);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
        for (;;) {
            while (auto f = parser_.next()) {
                if (f->id != req.id) continue;  // a stale reply to an earlier attempt
                if (f->type == MCU_MSG_ERROR) {
                    // The board's text, shown safely: printable ASCII, the rest as \xNN, bounded.
                    std::string text;
                    for (std::size_t i = f->payload.empty() ? 0 : 1; i < f->payload.size() && text.size() < 200; ++i) {
                        const unsigned char c = f->payload[i];
                        if (c >= 0x20 && c < 0x7f && c != '\\') {
                            text += static_cast<char>(c);
                        } else {
                            char hex[8];
                            std::snprintf(hex, sizeof hex, "\\x%02x", c);
                            text += hex;
                        }
                    }
                    throw LinkError("board: " + text);
                }
                if (f->type != replyType) continue;
                return *f;
            }
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
            if (left <= 0) break;
            const auto data = transport_.read(static_cast<int>(std::min<long long>(left, 100)));
            parser_.feed(data.data(), data.size());
        }
    }
    throw LinkError("link: no valid answer from the board after " + std::to_string(options_.retries + 1) +
                    " attempts (message type " + std::to_string(type) + ")");
}

Hello LinkClient::hello() {
    const Frame f = request(MCU_MSG_HELLO, {}, MCU_MSG_HELLO_REPLY, options_.timeoutMs);
    const auto& p = f.payload;
    if (p.size() < 20) throw LinkError("link: short hello reply");
    Hello h;
    h.protocolVersion = static_cast<int>(get16(p.data()));
    if (h.protocolVersion != MCU_LINK_VERSION)
        throw LinkError("link: the board speaks protocol version " + std::to_string(h.protocolVersion) +
                        ", this studio version " + std::to_string(MCU_LINK_VERSION) + ": reflash the board");
    h.arenaBytes = get32(p.data() + 2);
    h.inputBytes = get32(p.data() + 6);
    h.outputBytes = get32(p.data() + 10);
    h.layers = static_cast<int>(get16(p.data() + 14));
    h.countsInstructions = p[16] == MCU_COUNTER_INSTRUCTIONS;
    h.inputRepeatable = (p[17] & MCU_FLAG_INPUT_REPEATABLE) != 0;
    h.hostInput = (p[17] & MCU_FLAG_HOST_INPUT) != 0;
    std::size_t at = 18;
    auto str = [&]() {
        if (at >= p.size() || at + 1 + p[at] > p.size()) throw LinkError("link: malformed hello reply");
        std::string s(p.begin() + static_cast<std::ptrdiff_t>(at + 1), p.begin() + static_cast<std::ptrdiff_t>(at + 1 + p[at]));
        at += 1 + p[at];
        return s;
    };
    h.board = str();
    h.model = str();
    return h;
}

void LinkClient::writeInput(const std::vector<std::int8_t>& input) {
    for (std::size_t offset = 0; offset < input.size(); offset += MCU_LINK_CHUNK) {
        const std::size_t n = std::min<std::size_t>(MCU_LINK_CHUNK, input.size() - offset);
        std::vector<std::uint8_t> payload;
        put32(payload, static_cast<std::uint32_t>(offset));
        payload.insert(payload.end(), input.begin() + static_cast<std::ptrdiff_t>(offset),
                       input.begin() + static_cast<std::ptrdiff_t>(offset + n));
        const Frame ack = request(MCU_MSG_WRITE_INPUT, payload, MCU_MSG_ACK, options_.timeoutMs);
        if (ack.payload.size() != 4 || get32(ack.payload.data()) != offset + n) throw LinkError("link: bad write ack");
    }
}

void LinkClient::loadInput() {
    const Frame ack = request(MCU_MSG_LOAD_INPUT, {}, MCU_MSG_ACK, options_.timeoutMs);
    if (ack.payload.size() != 4) throw LinkError("link: bad load ack");
}

std::uint64_t LinkClient::run(std::uint32_t runs, int timeoutMs) {
    std::vector<std::uint8_t> payload;
    put32(payload, runs);
    const Frame f = request(MCU_MSG_RUN, payload, MCU_MSG_RUN_DONE, timeoutMs);
    if (f.payload.size() != 12 || get32(f.payload.data()) != runs) throw LinkError("link: bad run reply");
    return std::uint64_t(get32(f.payload.data() + 4)) | std::uint64_t(get32(f.payload.data() + 8)) << 32;
}

std::vector<std::int8_t> LinkClient::readOutput(std::uint32_t bytes) {
    std::vector<std::int8_t> out;
    for (std::uint32_t offset = 0; offset < bytes; offset += MCU_LINK_CHUNK) {
        const std::uint32_t n = std::min<std::uint32_t>(MCU_LINK_CHUNK, bytes - offset);
        std::vector<std::uint8_t> payload;
        put32(payload, offset);
        put16(payload, n);
        const Frame f = request(MCU_MSG_READ_OUTPUT, payload, MCU_MSG_OUTPUT_DATA, options_.timeoutMs);
        if (f.payload.size() != 4 + n || get32(f.payload.data()) != offset) throw LinkError("link: bad output reply");
        out.insert(out.end(), f.payload.begin() + 4, f.payload.end());
    }
    return out;
}

std::vector<std::uint64_t> LinkClient::readProfile(int layers) {
    std::vector<std::uint64_t> counts;
    const int perFrame = static_cast<int>((MCU_LINK_MAX_PAYLOAD - 4) / 8);
    for (int first = 0; first < layers; first += perFrame) {
        const int n = std::min(perFrame, layers - first);
        std::vector<std::uint8_t> payload;
        put16(payload, static_cast<std::uint32_t>(first));
        put16(payload, static_cast<std::uint32_t>(n));
        const Frame f = request(MCU_MSG_READ_PROFILE, payload, MCU_MSG_PROFILE_DATA, options_.timeoutMs);
        if (f.payload.size() != 4 + 8 * std::size_t(n) || int(get16(f.payload.data())) != first)
            throw LinkError("link: bad profile reply");
        for (int i = 0; i < n; ++i) {
            const std::uint64_t c = std::uint64_t(get32(f.payload.data() + 4 + 8 * i)) |
                                    std::uint64_t(get32(f.payload.data() + 8 + 8 * i)) << 32;
            // 2^48 counts is days of a Cortex-M at full speed for one layer:
            // anything above is a broken or hostile board, never summed.
            if (c > (std::uint64_t(1) << 48))
                throw LinkError("link: the board reported an implausible count (" + std::to_string(c) + ") for layer " +
                                std::to_string(first + i));
            counts.push_back(c);
        }
    }
    return counts;
}

}  // namespace mcunet::board
