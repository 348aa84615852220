#include "cli/options.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <vector>

#include "common/error.h"

namespace mcunet::cli {

std::string numberText(double value) {
    char text[64];
    std::snprintf(text, sizeof text, "%.10g", value);
    return text;
}

std::string rangeText(double min, double max) { return numberText(min) + " to " + numberText(max); }

namespace {

// What the user typed, short enough for one line.
std::string typed(const std::string& text) { return text.size() > 40 ? text.substr(0, 40) + "..." : text; }

}  // namespace

// CLI11 runs validators on the text before it converts it, and puts "--name: "
// before the message a validator returns.
CLI::Validator wholeNumberIn(long long min, long long max) {
    return CLI::Validator(
        [min, max](std::string& text) -> std::string {
            long long value = 0;
            try {
                std::size_t used = 0;
                value = std::stoll(text, &used);  // base 10: "010" is ten
                if (used != text.size()) throw std::invalid_argument(text);
            } catch (const std::exception&) {
                return "\"" + typed(text) + "\" is not a whole number";
            }
            if (value < min || value > max)
                return typed(text) + " is out of range (" + std::to_string(min) + " to " + std::to_string(max) + ")";
            text = std::to_string(value);  // what CLI11 converts (it would read "010" as octal)
            return {};
        },
        "", "whole number");
}

CLI::Validator numberIn(double min, double max) {
    return CLI::Validator(
        [min, max](std::string& text) -> std::string {
            double value = 0;
            try {
                std::size_t used = 0;
                value = std::stod(text, &used);
                if (used != text.size() || !std::isfinite(value)) throw std::invalid_argument(text);
            } catch (const std::exception&) {
                return "\"" + typed(text) + "\" is not a number";
            }
            if (value < min || value > max) return typed(text) + " is out of range (" + rangeText(min, max) + ")";
            return {};  // CLI11 reads reals as strtold does: the text stays as typed
        },
        "", "number");
}

CLI::Validator oneOf(std::initializer_list<const char*> choices) {
    std::vector<std::string> list(choices.begin(), choices.end());
    return CLI::Validator(
        [list](std::string& text) -> std::string {
            std::string names;
            for (std::size_t i = 0; i < list.size(); ++i) {
                if (text == list[i]) return {};
                names += (i == 0 ? "" : i + 1 == list.size() ? " or " : ", ") + list[i];
            }
            return "\"" + typed(text) + "\" is not " + names;
        },
        "", "one of");
}

CLI::Option* addJsonFlag(CLI::App& app, bool& json) {
    return app.add_flag("--json", json, "print one JSON document on stdout")->disable_flag_override();
}

CLI::Option* addForceFlag(CLI::App& app, bool& force) {
    return app
        .add_flag("--force", force,
                  "replace the output folder when this program made it earlier (a folder of yours is never replaced)")
        ->disable_flag_override();
}

void configureApp(CLI::App& app) {
    // Set before the subcommands are added: they copy these settings.
    app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    app.get_formatter()->column_width(34);
    app.allow_extras();
}

void checkLeftovers(const CLI::App& app) {
    const std::vector<std::string> left = app.remaining(true);  // the subcommands' too
    if (left.empty()) return;
    const std::string& word = left.front();
    const bool looksLikeOption = word.size() > 1 && word[0] == '-' && !std::isdigit(static_cast<unsigned char>(word[1])) &&
                                 word[1] != '.';
    if (looksLikeOption) throw Error("unknown option " + typed(word.substr(0, word.find('='))));
    throw Error("unexpected argument \"" + typed(word) + "\"");
}

std::string parseErrorMessage(const CLI::ParseError& e) {
    const std::string what = e.what();
    // CLI11 2.1's wording for "--name" as the last word and for "--flag=value".
    if (e.get_name() == "ArgumentMismatch") {
        const auto colon = what.find(": ");
        if (colon != std::string::npos && what.find(" required ") != std::string::npos && what.ends_with(" missing"))
            return what.substr(0, colon) + " needs a value";
        const auto flag = what.find(" was given a disallowed flag override");
        if (flag != std::string::npos) return "--" + what.substr(0, flag) + " takes no value";
    }
    return what;
}

bool parseArguments(CLI::App& app, const std::vector<std::string>& args) {
    // "--preset=" with nothing after '=': CLI11 would take the next word as
    // the value ("unknown preset \"--board=virtual-m7\"").
    for (const std::string& a : args)
        if (a.size() > 3 && a.rfind("--", 0) == 0 && a.back() == '=' && a.find('=') == a.size() - 1)
            throw Error(typed(a.substr(0, a.size() - 1)) + " needs a value (nothing follows '=')");
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them last first
    try {
        app.parse(reversed);
    } catch (const CLI::CallForHelp&) {
        std::cout << app.help();
        return false;
    } catch (const CLI::ParseError& e) {
        throw Error(parseErrorMessage(e));
    }
    checkLeftovers(app);
    return true;
}

}  // namespace mcunet::cli
