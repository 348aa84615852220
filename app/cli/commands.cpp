// `mcunet COMMAND [options]`: the command table, CLI11 parsing and the exit
// codes. The commands themselves live in design_commands.cpp,
// space_command.cpp, deploy_commands.cpp, import_command.cpp and
// train_commands.cpp.
#include "cli/commands.h"

#include <filesystem>
#include <functional>
#include <iostream>
#include <map>

#include "board/board.h"
#include "cli/command.h"
#include "cli/manual.h"
#include "cli/options.h"
#include "common/atomic_file.h"
#include "common/error.h"
#include "common/safe_text.h"
#include "common/version.h"
#include "program_text.h"

namespace mcunet::cli {

namespace {

struct CommandEntry {
    const char* name;
    const char* summary;
    std::function<Runner(CLI::App&)> define;
};

// In the order `mcunet --help` lists them.
std::vector<CommandEntry> commandTable(const std::vector<std::string>& rest) {
    return {
        {"boards", "list the board catalog", defineBoards},
        {"presets", "list the built-in architectures", definePresets},
        {"preset", "write a preset as architecture JSON", definePreset},
        {"cost", "MACs, params, Flash, peak SRAM and latency, per layer", defineCost},
        {"space", "TinyNAS stage 1: choose the search space for a board", defineSpace},
        {"train", "train a network or a supernet (runs mcunet-train)",
         [&rest](CLI::App& app) { return defineTrain(app, rest); }},
        {"search", "TinyNAS stage 2: evolutionary search in a trained supernet (runs mcunet-train)",
         [&rest](CLI::App& app) { return defineSearch(app, rest); }},
        {"tinynas", "the whole flow: space, supernet, search, fine-tune, deploy and profile on the board", defineTinynas},
        {"eval", "accuracy: float, int8 interpreter, host C, board", defineEval},
        {"codegen", "generate the C project (trained or seeded weights)", defineCodegen},
        {"run", "build for the host and print the output tensor", defineRun},
        {"export-tflite", "write the int8 model as a standard .tflite file", defineExportTflite},
        {"import", "read a .tflite model: op coverage report, then its cost", defineImport},
        {"build", "cross-build the generated model and firmware (ELF sizes)", defineBuild},
        {"flash", "load the firmware onto the board (virtual: boots it)", defineFlash},
        {"profile", "run the flashed model: per-layer counts against the estimate", defineProfile},
        {"deploy", "codegen, build and flash (and profile) in one step", defineDeploy},
        {"devices", "list the boards connected over USB", defineDevices},
        {"demo", "run a trained model live on a camera or a video file (host or virtual board)", defineDemo},
        {"capture", "add camera or video frames of one class to an image folder (to train your own classes)", defineCapture},
        {"sample-images", "write an image folder of fashion-MNIST pictures, one subfolder per class, to try --data DIR with",
         defineSampleImages},
    };
}

const char* kDescription =
    "mcunet: design neural networks that fit microcontrollers, generate C for them and profile them on a board.";
const char* kFooter =
    "`mcunet COMMAND --help` lists a command's options with their defaults. Every command takes --json to print\n"
    "one JSON document on stdout. Exit codes: 0 done, 2 bad input (the message names it), 1 anything else.";

bool isHelpWord(const std::string& word) { return word == "--help" || word == "-h" || word == "help"; }

// The manual pages of mcunet, of each command (mcunet-train.1 is the train
// command's, which the mcunet-train program runs) and of mcunet-studio, into
// `folder` (the build's packaging step).
int writeManPages(const CLI::App& app, const std::string& folder) {
    namespace fs = std::filesystem;
    fs::create_directories(folder);
    const std::string v = version::number();
    atomic_file::writeText((fs::path(folder) / "mcunet.1").string(), manPage(app, "", v));
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
        atomic_file::writeText((fs::path(folder) / ("mcunet-" + sub->get_name() + ".1")).string(), manPage(app, sub->get_name(), v));
    ProgramPage studio{"mcunet-studio", programs::kStudioSummary, "mcunet-studio [--theme NAME] [PROJECT]",
                       programs::kStudioDescription,
                       {{"--theme NAME", programs::kStudioThemeHelp},
                        {"PROJECT", programs::kStudioProjectHelp},
                        {"-h, --help", "print the options and exit"},
                        {"-v, --version", "print the version and exit"}}};
    atomic_file::writeText((fs::path(folder) / "mcunet-studio.1").string(), manPage(studio, v));
    // mcunet-train's page is the train command's (mcunet-train.1, written
    // above): the program takes the same options.
    return 0;
}

std::vector<std::string> boardIds() {
    std::vector<std::string> ids;
    for (const board::Board& b : board::Catalog::builtIn().boards()) ids.push_back(b.id);
    return ids;
}

}  // namespace

int run(const std::vector<std::string>& args) {
    const std::vector<std::string> rest(args.empty() ? args.end() : args.begin() + 1, args.end());
    CLI::App app(kDescription, "mcunet");
    configureApp(app);
    app.get_formatter()->label("SUBCOMMAND", "COMMAND");
    std::map<std::string, Runner> runners;
    for (const CommandEntry& c : commandTable(rest)) {
        CLI::App* sub = app.add_subcommand(c.name, c.summary);
        sub->group("Commands");
        runners[c.name] = c.define(*sub);
    }
    app.footer(kFooter);  // after the subcommands: they would copy it
    app.require_subcommand(1);  // one command: "boards presets" is an extra word, not two commands
    if (!args.empty() && (args[0] == "--version" || args[0] == "-V")) {
        std::cout << "mcunet " << version::text() << "\nresources: " << board::resourceDir() << "\n";
        return 0;
    }
    if (args.size() == 2 && args[0] == "--man-pages") return writeManPages(app, args[1]);
    if (args.size() == 2 && args[0] == "--bash-completion") {
        atomic_file::writeText(args[1], bashCompletion(app, boardIds()));
        return 0;
    }
    if (args.empty() || isHelpWord(args[0])) {
        if (args.size() > 1) {
            std::cerr << "mcunet: error: unexpected argument \"" << args[1] << "\" after " << args[0] << "\n";
            return 2;
        }
        std::cout << app.help();
        return args.empty() ? 2 : 0;
    }
    const std::string& command = args[0];
    if (!runners.count(command)) {
        std::cerr << "mcunet: error: unknown command \"" << command << "\"\n\n" << app.help();
        return 2;
    }
    try {
        if (!parseArguments(app, args)) return 0;  // --help
        return runners[command]();
    } catch (const Error& e) {
        // Messages quote paths and names as they are: escaped for the terminal.
        std::cerr << "mcunet " << command << ": error: " << safe_text::forTerminal(e.what()) << "\n";
        return 2;
    } catch (const std::filesystem::filesystem_error& e) {
        // A folder or file the system refuses (read-only, full, in the way):
        // the user's environment, so a message naming the path, not a crash.
        std::cerr << "mcunet " << command << ": error: " << safe_text::forTerminal(e.path1().string()) << ": "
                  << e.code().message() << "\n";
        return 2;
    }
}

}  // namespace mcunet::cli
