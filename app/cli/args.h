#pragma once
// Minimal command-line parsing for the `mcunet` CLI: positional words and
// `--name value` / `--flag` options, with errors that name the bad option.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace mcunet::cli {

class Args {
public:
    // `flags`: options without a value; `options`: options that take one.
    Args(const std::vector<std::string>& argv, const std::set<std::string>& flags,
         const std::set<std::string>& options);
    bool flag(const std::string& name) const { return flags_.count(name) > 0; }
    std::optional<std::string> option(const std::string& name) const;
    long long integer(const std::string& name, long long fallback, long long min, long long max) const;
    double number(const std::string& name, double fallback, double min, double max) const;
    const std::vector<std::string>& positional() const { return positional_; }

private:
    std::set<std::string> flags_;
    std::map<std::string, std::string> options_;
    std::vector<std::string> positional_;
};

}  // namespace mcunet::cli
