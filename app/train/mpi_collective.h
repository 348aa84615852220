#pragma once
// nas::Collective over Open MPI (MPI_COMM_WORLD): used when mcunet-train is
// started by mpirun. Sums are MPI_Allreduce(MPI_SUM) on floats.
#include <memory>

#include "nas/training.h"

namespace mcunet::train {

// True when this process was started by mpirun (Open MPI's environment).
bool launchedByMpi();
// Initializes MPI (once); the returned collective finalizes it when destroyed.
std::unique_ptr<nas::Collective> initMpi(int* argc, char*** argv);

}  // namespace mcunet::train
