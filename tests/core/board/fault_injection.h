// Fault injection for the link tests (test_link over an in-process channel,
// test_serial_link over a pseudo-terminal): a message is damaged, with
// probability `rate`, by one fault of the chosen kinds. Seeded: a failing
// seed reruns the same faults.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace mcunet::test {

enum class Fault { None, Corrupt, Truncate, Duplicate, Drop, Noise };

class Damager {
public:
    Damager(unsigned seed, double rate, std::vector<Fault> kinds) : rng_(seed), rate_(rate), kinds_(std::move(kinds)) {}

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
    int faults = 0;

private:
    std::mt19937 rng_;
    double rate_;
    std::vector<Fault> kinds_;
};

}  // namespace mcunet::test
