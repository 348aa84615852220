#pragma once
// The installed manual and shell completion, written from the same CLI11
// definitions that `--help` prints (one source): `mcunet --man-pages DIR`
// and `mcunet --bash-completion FILE`, run at build time (packaging/).
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace mcunet::cli {

// A program that is not a command of `mcunet` (mcunet-studio, mcunet-train):
// its page is written from these words, which the program's own --help uses.
struct ProgramPage {
    std::string name;         // "mcunet-studio"
    std::string summary;      // one line, for NAME
    std::string synopsis;     // "mcunet-studio [--theme NAME] [PROJECT]"
    std::string description;  // paragraphs separated by blank lines
    std::vector<std::pair<std::string, std::string>> options;  // {"--theme NAME", "system, light or dark"}
};

// The roff page of `app` (mcunet itself when `command` is empty, else the
// command's page "mcunet-COMMAND"): name, synopsis, description, options
// with their ranges and defaults as --help gives them, exit status, see also.
std::string manPage(const CLI::App& app, const std::string& command, const std::string& version);
std::string manPage(const ProgramPage& page, const std::string& version);

// A bash completion script for mcunet: commands, each command's options,
// files and folders where an option takes one, board ids after --board.
std::string bashCompletion(const CLI::App& app, const std::vector<std::string>& boardIds);

// roff text: backslashes, leading dots and quotes, and hyphens escaped.
std::string roffEscape(const std::string& text);

}  // namespace mcunet::cli
