#pragma once
// The one exception type core throws for bad input (files, flags, limits).
// Messages name the offending field and value so the CLI and the studio can
// show them as they are; callers never have to parse them.
#include <stdexcept>
#include <string>

namespace mcunet {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace mcunet
