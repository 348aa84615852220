#pragma once
// CLI11 glue shared by the `mcunet` commands and mcunet-train: typed options
// checked against a range whose errors quote the value as the user typed it,
// help lines that give each option's range and default, and words CLI11 left
// over refused by name. Errors leave as mcunet::Error ("--samples: 0 is out of
// range (1 to 1000000)"); the caller adds "mcunet <command>: error: ".
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <CLI/CLI.hpp>

namespace mcunet::cli {

// "1 to 65536", "0.05 to 4": bounds as people write them.
std::string rangeText(double min, double max);
// A number for help texts: 1000, 0.05, 4e-05.
std::string numberText(double value);

// Validators. wholeNumberIn rewrites the text in base 10 so that CLI11
// converts what was checked ("010" is ten, not octal eight); numberIn keeps
// it as typed (CLI11 reads reals as strtold does).
CLI::Validator wholeNumberIn(long long min, long long max);
CLI::Validator numberIn(double min, double max);
CLI::Validator oneOf(std::initializer_list<const char*> choices);

// An option holding a whole number or a real number within [min, max]. The
// help reads "HELP (MIN to MAX; default D)", D being `defaultText` or, when
// that is empty, the value the target holds now.
template <typename T, typename Target>
CLI::Option* addNumber(CLI::App& app, const std::string& name, Target& target, T min, T max, const std::string& help,
                       const std::string& defaultText = "") {
    static_assert(std::is_arithmetic_v<T>);
    std::string shown = defaultText;
    if constexpr (std::is_arithmetic_v<Target>)
        if (shown.empty()) shown = numberText(double(target));
    std::string range;
    if constexpr (std::is_integral_v<T>) range = std::to_string(min) + " to " + std::to_string(max);
    else range = rangeText(min, max);
    CLI::Option* o = app.add_option(name, target, help + " (" + range + "; default " + shown + ")");
    if constexpr (std::is_integral_v<T>)
        o->check(wholeNumberIn(static_cast<long long>(min), static_cast<long long>(max)))->type_name("N");
    else
        o->check(numberIn(double(min), double(max)))->type_name("X");
    return o;
}

// Adds --json (every command has it).
CLI::Option* addJsonFlag(CLI::App& app, bool& json);
// Adds --force: replace an output folder this program made earlier (never
// one of the user's: common/output_dir.h).
CLI::Option* addForceFlag(CLI::App& app, bool& force);

// Settings every command's CLI11 app shares: later copies of an option win
// (as before CLI11), leftovers are collected for checkLeftovers(), help lines
// are wide enough for our option names.
void configureApp(CLI::App& app);

// Throws mcunet::Error for the first word CLI11 did not take (in `app` or its
// subcommands): "unknown option --colour" or "unexpected argument \"extra\"".
void checkLeftovers(const CLI::App& app);

// Parses `args` (the words after the program or command name) into `app`.
// --help prints app's help (or its chosen subcommand's) on stdout and returns
// false; any error, leftovers included, throws mcunet::Error.
bool parseArguments(CLI::App& app, const std::vector<std::string>& args);

// A CLI11 parse error as our message: "--samples needs a value", "--json
// takes no value", or CLI11's own text.
std::string parseErrorMessage(const CLI::ParseError& e);

}  // namespace mcunet::cli
