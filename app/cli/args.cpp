#include "cli/args.h"

#include <cmath>

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

long long Args::integer(const std::string& name, long long fallback, long long min, long long max) const {
    auto v = option(name);
    if (!v) return fallback;
    try {
        std::size_t used = 0;
        long long x = std::stoll(*v, &used);
        if (used != v->size()) throw std::invalid_argument(*v);
        if (x < min || x > max)
            throw Error("--" + name + ": " + *v + " is out of range (" + std::to_string(min) + " to " +
                        std::to_string(max) + ")");
        return x;
    } catch (const Error&) {
        throw;
    } catch (const std::exception&) {
        throw Error("--" + name + ": \"" + *v + "\" is not a whole number");
    }
}

double Args::number(const std::string& name, double fallback, double min, double max) const {
    auto v = option(name);
    if (!v) return fallback;
    try {
        std::size_t used = 0;
        double x = std::stod(*v, &used);
        if (used != v->size() || !std::isfinite(x)) throw std::invalid_argument(*v);
        if (x < min || x > max)
            throw Error("--" + name + ": " + *v + " is out of range (" + std::to_string(min) + " to " +
                        std::to_string(max) + ")");
        return x;
    } catch (const Error&) {
        throw;
    } catch (const std::exception&) {
        throw Error("--" + name + ": \"" + *v + "\" is not a number");
    }
}

}  // namespace mcunet::cli
