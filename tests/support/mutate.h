#pragma once
// Hostile-input mutations shared by the reader tests (in process) and the
// command tests (the `mcunet` binary): bit flips, truncation, deleted and
// duplicated spans, numbers no type holds, type swaps and deep nesting.
#include <algorithm>
#include <random>
#include <string>

namespace mcunet::testing {

inline std::string mutate(const std::string& original, std::mt19937_64& rng) {
    std::string s = original;
    auto at = [&] { return s.empty() ? std::size_t(0) : std::size_t(rng() % s.size()); };
    static const char* tokens[] = {"1e309", "-1e309", "99999999999999999999999", "-9223372036854775809", "null", "true",
                                   "\"x\"", "[]", "{}", "0.5", "-1", "\"\\u0000\"", "\"*/\"", "1e-400"};
    switch (rng() % 8) {
        case 0: s[at()] ^= static_cast<char>(1u << (rng() % 8)); break;              // bit flip
        case 1: s.resize(at()); break;                                               // truncation
        case 2: { const std::size_t a = at(), n = std::min<std::size_t>(rng() % 64, s.size() - a); s.erase(a, n); break; }
        case 3: { const std::size_t a = at(); s.insert(a, s.substr(a, rng() % 64)); break; }  // duplicated span
        case 4: {  // a number or value replaced by something no field expects
            const std::size_t a = s.find_first_of("0123456789tfn\"[{", at());
            if (a != std::string::npos) s.replace(a, 1 + rng() % 3, tokens[rng() % (sizeof tokens / sizeof *tokens)]);
            break;
        }
        case 5: s.insert(at(), std::string(20000, '[')); break;                      // deep nesting
        case 6: s[at()] = static_cast<char>(rng() % 256); break;
        default: for (int i = 0; i < 4; ++i) s[at()] ^= static_cast<char>(rng()); break;
    }
    return s;
}

}  // namespace mcunet::testing
