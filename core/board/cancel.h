#pragma once
// Stopping long work on request (a Cancel button, Ctrl-C): the work checks a
// flag between its steps and throws Cancelled, which callers tell apart from
// a failure. A mcunet::Error, so a CLI that gets one still exits cleanly.
#include <atomic>
#include <string>

#include "common/error.h"

namespace mcunet::board {

class Cancelled : public Error {
public:
    explicit Cancelled(const std::string& what = "cancelled") : Error(what) {}
};

// Throws Cancelled("<what>: cancelled") once `flag` (may be null) is set.
inline void throwIfCancelled(const std::atomic<bool>* flag, const std::string& what) {
    if (flag && flag->load()) throw Cancelled(what + ": cancelled");
}

}  // namespace mcunet::board
