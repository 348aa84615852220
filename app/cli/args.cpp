#include "cli/args.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <type_traits>

#include "common/error.h"

namespace mcunet::cli {

Args::Args(const std::vector<std::string>& argv, const std::set<std::string>& flags,
           const std::set<std::string>& options) {
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (a.rfind("--", 0) == 0 && a.size() > 2) {
            std::string name = a.substr(2), value;
            const auto eq = name.find('=');
            const bool inlineValue = eq != std::string::npos;
            if (inlineValue) {
                value = name.substr(eq + 1);
                name = name.substr(0, eq);
            }
            if (flags.count(name)) {
                if (inlineValue) throw Error("--" + name + " takes no value");
                flags_.insert(name);
            } else if (options.count(name)) {
                if (!inlineValue) {
                    if (i + 1 >= argv.size()) throw Error("--" + name + " needs a value");
                    value = argv[++i];
                }
                options_[name] = value;
            } else {
                throw Error("unknown option --" + name);
            }
        } else {
            positional_.push_back(a);
        }
    }
}

std::optional<std::string> Args::option(const std::string& name) const {
    auto it = options_.find(name);
    if (it == options_.end()) return std::nullopt;
    return it->second;
}

namespace {

// Parses one option value with `parse` (std::stoll / std::stod style), checking
// that the whole text was used and the value is in range.
template <typename T, typename Parse>
T parseOption(const std::string& name, const std::string& text, T min, T max, const char* kind, Parse parse) {
    T value{};
    try {
        std::size_t used = 0;
        value = parse(text, &used);
        if (used != text.size()) throw std::invalid_argument(text);
    } catch (const std::exception&) {
        throw Error("--" + name + ": \"" + text.substr(0, 40) + "\" is not " + kind);
    }
    if constexpr (std::is_floating_point_v<T>)
        if (!std::isfinite(value)) throw Error("--" + name + ": \"" + text + "\" is not " + kind);
    if (value < min || value > max) {
        // Bounds as people write them: 1 to 65536, 0.05 to 4, not 1.000000.
        char range[96];
        std::snprintf(range, sizeof range, "%.10g to %.10g", double(min), double(max));
        throw Error("--" + name + ": " + text.substr(0, 40) + " is out of range (" + range + ")");
    }
    return value;
}

}  // namespace

long long Args::integer(const std::string& name, long long fallback, long long min, long long max) const {
    auto v = option(name);
    if (!v) return fallback;
    return parseOption<long long>(name, *v, min, max, "a whole number",
                                  [](const std::string& t, std::size_t* used) { return std::stoll(t, used); });
}

double Args::number(const std::string& name, double fallback, double min, double max) const {
    auto v = option(name);
    if (!v) return fallback;
    return parseOption<double>(name, *v, min, max, "a number",
                               [](const std::string& t, std::size_t* used) { return std::stod(t, used); });
}

}  // namespace mcunet::cli
