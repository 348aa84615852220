#include "jobs/line_splitter.h"

namespace mcunet::ui {

namespace {

bool blank(std::string_view s) { return s.find_first_not_of(" \t\r") == std::string_view::npos; }

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
    return s;
}

}  // namespace

std::vector<SplitLine> LineSplitter::feed(std::string_view bytes) {
    std::vector<SplitLine> lines;
    while (!bytes.empty()) {
        const std::size_t newline = bytes.find('\n');
        const std::string_view piece = bytes.substr(0, newline);
        if (overlong_) {
            // Drop the rest of a line already reported as too long.
        } else if (partial_.size() + piece.size() > kMaxLineBytes) {
            lines.push_back(SplitLine{partial_.substr(0, 200), true});
            partial_.clear();
            overlong_ = true;
        } else {
            partial_.append(piece);
        }
        if (newline == std::string_view::npos) break;
        if (!overlong_ && !blank(partial_)) lines.push_back(SplitLine{trimmed(std::move(partial_)), false});
        partial_.clear();
        overlong_ = false;
        bytes.remove_prefix(newline + 1);
    }
    return lines;
}

std::vector<SplitLine> LineSplitter::finish() {
    std::vector<SplitLine> lines;
    if (!overlong_ && !blank(partial_)) lines.push_back(SplitLine{trimmed(std::move(partial_)), false});
    partial_.clear();
    overlong_ = false;
    return lines;
}

}  // namespace mcunet::ui
