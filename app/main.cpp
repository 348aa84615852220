// mcunet: the command-line face of the studio's engine.
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"

int main(int argc, char** argv) {
    try {
        return mcunet::cli::run(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const std::exception& e) {
        std::cerr << "mcunet: internal error: " << e.what() << "\n";
        return 1;
    }
}
