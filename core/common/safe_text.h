#pragma once
// Text read from files (architecture names, class names) ends up in generated
// C (comments, string literals), plan.json, CMake projects and terminals. It
// is code we run, so it is checked where it is read: valid UTF-8, printable,
// no C comment delimiters, no bidirectional-override characters (which make
// text read differently from how the compiler sees it), bounded length.
#include <optional>
#include <string>

namespace mcunet::safe_text {

inline constexpr std::size_t kMaxLength = 200;

// Why `text` is refused, or nothing when it is safe.
std::optional<std::string> problem(const std::string& text);
// Throws mcunet::Error "<field>: <problem>" when `text` is refused.
void check(const std::string& text, const std::string& field);
// For emitting into a C comment whatever slipped through: every byte outside
// printable ASCII, every backslash and '?' (trigraphs) becomes '_', and "*" "/"
// pairs that would open or close a comment lose their slash.
std::string forComment(const std::string& text);
// For printing to a terminal text that may hold anything (a file name, a
// message quoting one): control characters (escape sequences that clear the
// screen or set the title), bidirectional overrides and bytes that are not
// UTF-8 become \xNN or \u{NNNN}, a backslash becomes "\\"; printable UTF-8
// (accents, CJK) stays as it is.
std::string forTerminal(const std::string& text);

}  // namespace mcunet::safe_text
