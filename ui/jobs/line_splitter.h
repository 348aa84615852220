#pragma once
// Splits the bytes a child process writes into lines, whatever pieces the
// pipe delivers them in: a line may arrive in parts, several at once, or not
// end before the child exits (finish()). Plain C++ (no Qt). A line longer
// than kMaxLineBytes comes back once, marked overlong, with only its start,
// instead of growing the buffer without bound. Blank lines are skipped.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mcunet::ui {

struct SplitLine {
    std::string text;  // without the newline (and trailing '\r'); an overlong line's first 200 bytes
    bool overlong = false;
};

class LineSplitter {
public:
    static constexpr std::size_t kMaxLineBytes = 4 << 20;
    // Appends bytes; returns the lines they complete.
    std::vector<SplitLine> feed(std::string_view bytes);
    // The stream ended: the last line, if it had no newline.
    std::vector<SplitLine> finish();
    std::size_t pendingBytes() const { return partial_.size(); }

private:
    std::string partial_;
    bool overlong_ = false;  // skipping to the end of a line that was too long
};

}  // namespace mcunet::ui
