#include "search/budget.h"

#include "common/error.h"

namespace mcunet::search {

namespace {

// One row per budget (docs/search.md has the same table).
struct Row {
    const char* name;
    const char* grid;
    int samplesPerSpace;
    int supernetEpochs, supernetMaxSteps, trainPerClass, testPerClass, batch;
    int population, generations, calibrationImages, validationImages;
    int rerank, rerankSteps;
    int finetuneEpochs, finetuneMaxSteps;
    int boardImages;
};

constexpr Row kBudgets[] = {
    // name        grid                      samples  supernet: ep steps train test batch  search: pop gen cal val  rerank: n steps  tune: ep steps  board
    {"quick", "32:48:16/0.3:0.5:0.1", 200, 1, 30, 100, 20, 32, 8, 2, 64, 200, 2, 5, 1, 30, 20},
    {"default", "32:96:16/0.2:0.8:0.1", 1000, 3, 0, 0, 0, 64, 30, 10, 200, 3000, 4, 500, 7, 0, 200},
    {"thorough", "32:128:16/0.2:1.0:0.1", 2000, 30, 0, 0, 0, 64, 50, 20, 500, 0, 8, 2000, 10, 0, 1000},
};

}  // namespace

Budget budgetNamed(const std::string& name) {
    for (const Row& r : kBudgets) {
        if (name != r.name) continue;
        Budget b;
        b.name = r.name;
        b.grid = space::parseGrid(r.grid);
        b.samplesPerSpace = r.samplesPerSpace;
        b.supernetEpochs = r.supernetEpochs;
        b.supernetMaxSteps = r.supernetMaxSteps;
        b.trainPerClass = r.trainPerClass;
        b.testPerClass = r.testPerClass;
        b.batch = r.batch;
        b.population = r.population;
        b.generations = r.generations;
        b.calibrationImages = r.calibrationImages;
        b.validationImages = r.validationImages;
        b.rerank = r.rerank;
        b.rerankSteps = r.rerankSteps;
        b.finetuneEpochs = r.finetuneEpochs;
        b.finetuneMaxSteps = r.finetuneMaxSteps;
        b.boardImages = r.boardImages;
        return b;
    }
    throw Error("--budget: \"" + name.substr(0, 40) + "\" is not quick, default or thorough");
}

}  // namespace mcunet::search
