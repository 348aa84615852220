// mcunet: the command-line face of the studio's engine.
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "common/atomic_file.h"
#include "common/cleanup.h"

int main(int argc, char** argv) {
    // Ctrl-C or SIGTERM: no compiler, QEMU or temporary folder outlives us.
    mcunet::cleanup::installSignalCleanup();
    // Temporary folders of earlier runs that were killed (SIGKILL) go now.
    mcunet::atomic_file::sweepStaleTempDirectories();
    try {
        const int code = mcunet::cli::run(std::vector<std::string>(argv + 1, argv + argc));
        // Output that could not be written (a full disk, a closed pipe) is a
        // failure, not a success with nothing to show.
        std::cout.flush();
        if (!std::cout || std::fflush(stdout) != 0 || std::ferror(stdout)) {
            std::cerr << "mcunet: cannot write the output (disk full or output closed)\n";
            return code == 0 ? 1 : code;
        }
        return code;
    } catch (const std::exception& e) {
        std::cerr << "mcunet: internal error: " << e.what() << "\n";
        return 1;
    }
}
