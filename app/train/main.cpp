// mcunet-train: the training program behind `mcunet train` (the only program
// that loads libtorch). Under mpirun it trains data-parallel: every rank takes
// its part of each global batch, rank 0 logs and writes checkpoints and the model.
#include <unistd.h>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "common/error.h"
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
    std::unique_ptr<mcunet::nas::Collective> collective;
    try {
        if (mcunet::train::launchedByMpi()) collective = mcunet::train::initMpi(&argc, &argv);
        std::vector<std::string> args(argv + 1, argv + argc);
        if (!args.empty() && args[0] == "train") args.erase(args.begin());
        return mcunet::train::trainCommand(args, collective.get());
    } catch (const mcunet::Error& e) {
        if (!collective || collective->rank() == 0) std::cerr << "mcunet train: error: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "mcunet train: internal error: " << e.what() << "\n";
        return 1;
    }
}
