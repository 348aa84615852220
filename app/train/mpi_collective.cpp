#include "mpi_collective.h"

#include <mpi.h>

#include <climits>
#include <cstdlib>

#include "common/error.h"

namespace mcunet::train {

namespace {

class MpiCollective : public nas::Collective {
public:
    MpiCollective() {
        MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
        MPI_Comm_size(MPI_COMM_WORLD, &size_);
    }
    ~MpiCollective() override { MPI_Finalize(); }
    int rank() const override { return rank_; }
    int size() const override { return size_; }
    void allReduceSum(float* values, std::size_t count) override {
        while (count > 0) {
            const int n = count > std::size_t(INT_MAX) ? INT_MAX : static_cast<int>(count);
            if (MPI_Allreduce(MPI_IN_PLACE, values, n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD) != MPI_SUCCESS)
                throw Error("MPI_Allreduce failed");
            values += n;
            count -= std::size_t(n);
        }
    }

private:
    int rank_ = 0, size_ = 1;
};

}  // namespace

bool launchedByMpi() { return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMIX_RANK") != nullptr; }

std::unique_ptr<nas::Collective> initMpi(int* argc, char*** argv) {
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) throw Error("MPI_Init failed");
    return std::make_unique<MpiCollective>();
}

}  // namespace mcunet::train
