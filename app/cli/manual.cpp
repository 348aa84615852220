#include "cli/manual.h"

#include <algorithm>
#include <sstream>

#include <CLI/CLI.hpp>

namespace mcunet::cli {

namespace {

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::toupper(c)); });
    return s;
}

std::string header(const std::string& page, const std::string& version) {
    return ".TH " + upper(page) + " 1 \"\" \"MCUNet Studio " + roffEscape(version) + "\" \"MCUNet Studio\"\n";
}

// "--sram X", "-h, --help", "MODEL" (a positional).
std::string optionLabel(const CLI::Option& o) {
    if (o.get_positional() && !o.nonpositional()) return "\\fI" + roffEscape(o.get_name(true)) + "\\fR";
    std::string label;
    for (const std::string& s : o.get_snames()) label += (label.empty() ? "" : ", ") + std::string("\\fB\\-") + roffEscape(s) + "\\fR";
    for (const std::string& l : o.get_lnames()) label += (label.empty() ? "" : ", ") + std::string("\\fB\\-\\-") + roffEscape(l) + "\\fR";
    const std::string type = o.get_type_name();
    if (o.get_expected_min() != 0 && !type.empty()) label += " \\fI" + roffEscape(type) + "\\fR";
    return label;
}

std::vector<const CLI::Option*> documented(const CLI::App& app) {
    std::vector<const CLI::Option*> out;
    for (const CLI::Option* o : app.get_options([](const CLI::Option* opt) { return !opt->get_group().empty(); }))
        out.push_back(o);
    return out;
}

const char* kExitStatus =
    ".SH EXIT STATUS\n"
    ".TP\n.B 0\ndone\n"
    ".TP\n.B 1\nan internal error (please report it)\n"
    ".TP\n.B 2\nbad input: a flag, a file or a limit; the message names it\n"
    ".TP\n.B 130\nstopped by Ctrl+C or SIGTERM (commands that can be continued say how)\n";

const char* kEnvironment =
    ".SH ENVIRONMENT\n"
    ".TP\n.B MCUNET_RESOURCES\n"
    "the folder with the board catalog, the sample models and the demo project (default: share/mcunet-studio/resources "
    "beside the installation prefix)\n"
    ".TP\n.B MCUNET_TRAIN\n"
    "the mcunet\\-train program that train, search and tinynas run (default: the one beside mcunet, else on PATH)\n"
    ".TP\n.B MCUNET_FASHION_MNIST\n"
    "the folder with fashion\\-MNIST's IDX files (default: where Debian's dataset\\-fashion\\-mnist puts them)\n";

void paragraphs(std::ostringstream& out, const std::string& text) {
    std::istringstream in(text);
    std::string line;
    bool fresh = true;
    while (std::getline(in, line)) {
        if (line.empty()) {
            if (!fresh) out << ".PP\n";
            fresh = true;
            continue;
        }
        out << roffEscape(line) << "\n";
        fresh = false;
    }
}

}  // namespace

std::string roffEscape(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '\\') out += "\\e";
        else if (c == '-') out += "\\-";
        else out += c;
    }
    // A line starting with . or ' is a request to roff.
    std::string safe;
    std::istringstream in(out);
    std::string line;
    bool first = true;
    while (std::getline(in, line)) {
        if (!first) safe += "\n";
        first = false;
        if (!line.empty() && (line[0] == '.' || line[0] == '\'')) safe += "\\&";
        safe += line;
    }
    return safe;
}

std::string manPage(const CLI::App& root, const std::string& command, const std::string& version) {
    std::ostringstream out;
    if (command.empty()) {
        out << header("mcunet", version) << ".SH NAME\nmcunet \\- " << roffEscape(root.get_description().substr(8)) << "\n";
        out << ".SH SYNOPSIS\n.B mcunet\n\\fICOMMAND\\fR [\\fIOPTIONS\\fR]\n.br\n.B mcunet\n\\fICOMMAND\\fR \\fB\\-\\-help\\fR\n";
        out << ".SH DESCRIPTION\n" << roffEscape(root.get_description()) << "\n.PP\n";
        paragraphs(out, root.get_footer());
        out << ".SH COMMANDS\n";
        std::string seeAlso = "mcunet\\-studio (1)";
        for (const CLI::App* sub : root.get_subcommands([](const CLI::App*) { return true; })) {
            out << ".TP\n.B " << roffEscape(sub->get_name()) << "\n" << roffEscape(sub->get_description())
                << " (\\fBmcunet\\-" << roffEscape(sub->get_name()) << "\\fR(1))\n";
            seeAlso += ",\n.BR mcunet\\-" + roffEscape(sub->get_name()) + " (1)";
        }
        out << kExitStatus << kEnvironment << ".SH SEE ALSO\n.BR " << seeAlso << "\n";
        return out.str();
    }
    const CLI::App* sub = root.get_subcommand_ptr(command).get();
    const std::string page = "mcunet-" + command;
    out << header(page, version) << ".SH NAME\n" << roffEscape(page) << " \\- " << roffEscape(sub->get_description()) << "\n";
    out << ".SH SYNOPSIS\n.B mcunet " << roffEscape(command) << "\n[\\fIOPTIONS\\fR]";
    for (const CLI::Option* o : documented(*sub))
        if (o->get_positional() && !o->nonpositional()) out << " " << (o->get_required() ? "" : "[") << optionLabel(*o) << (o->get_required() ? "" : "]");
    out << "\n.SH DESCRIPTION\n" << roffEscape(sub->get_description()) << ".\n";
    if (!sub->get_footer().empty()) {
        out << ".PP\n";
        paragraphs(out, sub->get_footer());
    }
    out << ".SH OPTIONS\n";
    for (const CLI::Option* o : documented(*sub)) {
        std::string description = o->get_description();
        if (description.empty() && o->get_name() == "-h,--help") description = "print this help and exit";
        out << ".TP\n" << optionLabel(*o) << "\n" << roffEscape(description) << "\n";
    }
    out << kExitStatus << kEnvironment << ".SH SEE ALSO\n.BR mcunet (1)\n";
    return out.str();
}

std::string manPage(const ProgramPage& p, const std::string& version) {
    std::ostringstream out;
    out << header(p.name, version) << ".SH NAME\n" << roffEscape(p.name) << " \\- " << roffEscape(p.summary) << "\n";
    out << ".SH SYNOPSIS\n" << roffEscape(p.synopsis) << "\n.SH DESCRIPTION\n";
    paragraphs(out, p.description);
    if (!p.options.empty()) {
        out << ".SH OPTIONS\n";
        for (const auto& [flag, text] : p.options) out << ".TP\n.B " << roffEscape(flag) << "\n" << roffEscape(text) << "\n";
    }
    out << kEnvironment << ".SH SEE ALSO\n.BR mcunet (1)\n";
    return out.str();
}

std::string bashCompletion(const CLI::App& root, const std::vector<std::string>& boardIds) {
    std::ostringstream out;
    std::string commands, boards;
    for (const CLI::App* sub : root.get_subcommands([](const CLI::App*) { return true; }))
        commands += (commands.empty() ? "" : " ") + sub->get_name();
    for (const std::string& b : boardIds) boards += (boards.empty() ? "" : " ") + b;
    out << "# bash completion for mcunet (MCUNet Studio), written by `mcunet --bash-completion` from the\n"
           "# same option definitions as `mcunet COMMAND --help`.\n"
           "_mcunet() {\n"
           "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} command=${COMP_WORDS[1]}\n"
           "    if [ \"$COMP_CWORD\" -eq 1 ]; then\n"
           "        COMPREPLY=($(compgen -W \"" << commands << " --help --version\" -- \"$cur\"))\n"
           "        return\n"
           "    fi\n"
           "    case \"$prev\" in\n"
           "        --board) COMPREPLY=($(compgen -W \"" << boards << "\" -- \"$cur\")); return ;;\n"
           "    esac\n"
           "    local options=\"\" files=\"\" folders=\"\"\n"
           "    case \"$command\" in\n";
    for (const CLI::App* sub : root.get_subcommands([](const CLI::App*) { return true; })) {
        std::string options, files, folders;
        for (const CLI::Option* o : sub->get_options()) {
            for (const std::string& l : o->get_lnames()) {
                options += (options.empty() ? "" : " ") + std::string("--") + l;
                const std::string type = o->get_type_name();
                if (o->get_expected_min() == 0) continue;
                // Files (folders are offered too: compgen -f) where a file may go, else folders.
                if (type.find("FILE") != std::string::npos || type.find("MODEL") != std::string::npos ||
                    type.find("PATH") != std::string::npos || type.find("CHECKPOINT") != std::string::npos)
                    files += (files.empty() ? "" : " ") + std::string("--") + l;
                else if (type.find("DIR") != std::string::npos)
                    folders += (folders.empty() ? "" : " ") + std::string("--") + l;
            }
        }
        out << "        " << sub->get_name() << ") options=\"" << options << "\" files=\"" << files << "\" folders=\""
            << folders << "\" ;;\n";
    }
    out << "    esac\n"
           "    if [[ \" $folders \" == *\" $prev \"* ]]; then COMPREPLY=($(compgen -d -- \"$cur\")); return; fi\n"
           "    if [[ \" $files \" == *\" $prev \"* ]]; then COMPREPLY=($(compgen -f -- \"$cur\")); return; fi\n"
           "    if [[ \"$cur\" == -* ]]; then COMPREPLY=($(compgen -W \"$options\" -- \"$cur\")); return; fi\n"
           "    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
           "}\n"
           "complete -o filenames -F _mcunet mcunet\n";
    return out.str();
}

}  // namespace mcunet::cli
