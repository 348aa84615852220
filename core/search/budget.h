#pragma once
// How much work `mcunet tinynas` puts into each stage (--budget): the stage-1
// grid, the supernet's training, the search's size, the fine-tuning and the
// images the board is scored on. `quick` is a smoke run of the whole flow (a
// minute or two: tests, demos); `default` aims at under an hour on two cores;
// `thorough` is for a night. docs/search.md lists them.
#include <string>

#include "space/optimizer.h"

namespace mcunet::search {

struct Budget {
    std::string name;
    space::Grid grid;
    int samplesPerSpace = 0;
    // Supernet training.
    int supernetEpochs = 0;
    int supernetMaxSteps = 0;  // per epoch; 0: all
    int trainPerClass = 0;     // 0: every training image
    int testPerClass = 0;      // 0: every test image
    int batch = 64;
    // The search.
    int population = 0, generations = 0;
    int calibrationImages = 0, validationImages = 0;  // 0: the whole validation split
    int rerank = 0, rerankSteps = 0;  // the best `rerank` chosen among by `rerankSteps` steps of fine-tuning
    // Fine-tuning the chosen network from the supernet's weights.
    int finetuneEpochs = 0;
    int finetuneMaxSteps = 0;
    // Test images run on the board (int8 accuracy there).
    int boardImages = 0;
};

// quick, default, thorough; throws mcunet::Error naming the known ones.
Budget budgetNamed(const std::string& name);

}  // namespace mcunet::search
