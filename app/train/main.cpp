// mcunet-train: the training program behind `mcunet train` (the only program
// that loads libtorch). Under mpirun it trains data-parallel: every rank takes
// its part of each global batch, rank 0 logs and writes checkpoints and the model.
#include <unistd.h>

#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "common/atomic_file.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "common/safe_text.h"
#include "mpi_collective.h"
#include "train_command.h"

int main(int argc, char** argv) {
    // libtorch's OpenMP threads spin while they wait by default; when another
    // process shares the cores (a build, the studio, a second rank) that made
    // training 10-25x slower here. GOMP reads the policy when it loads, before
    // main, so set it and start again once.
    if (!std::getenv("OMP_WAIT_POLICY")) {
        ::setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
        ::execv("/proc/self/exe", argv);
    }
    // Ctrl+C and SIGTERM end the program at once, cleaning up, except while
    // training, where the first one stops after a checkpoint (train_command.cpp).
    mcunet::cleanup::installSignalCleanup();
    mcunet::atomic_file::sweepStaleTempDirectories();  // left by runs that were killed
    // The command named in messages: `mcunet search` runs here too.
    const std::string command = argc > 1 && std::string(argv[1]) == "search" ? "search" : "train";
    std::unique_ptr<mcunet::nas::Collective> collective;
    try {
        if (mcunet::train::launchedByMpi()) collective = mcunet::train::initMpi(&argc, &argv);
        std::vector<std::string> args(argv + 1, argv + argc);
        if (!args.empty() && args[0] == "search") {
            args.erase(args.begin());
            return mcunet::train::searchCommand(args, collective.get());
        }
        if (!args.empty() && args[0] == "train") args.erase(args.begin());
        return mcunet::train::trainCommand(args, collective.get());
    } catch (const mcunet::Error& e) {
        if (!collective || collective->rank() == 0) std::cerr << "mcunet " << command << ": error: " << mcunet::safe_text::forTerminal(e.what()) << "\n";
        return 2;
    } catch (const std::filesystem::filesystem_error& e) {
        // A folder or file the system refuses (read-only, full, /proc): the
        // user's environment, so a message naming the path, exit code 2.
        if (!collective || collective->rank() == 0)
            std::cerr << "mcunet " << command << ": error: " << mcunet::safe_text::forTerminal(e.path1().string()) << ": "
                      << e.code().message() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "mcunet train: internal error: " << mcunet::safe_text::forTerminal(e.what()) << "\n";
        return 1;
    }
}
