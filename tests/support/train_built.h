#pragma once
// Whether mcunet-train (libtorch) is built beside the `mcunet` under test: the
// sanitizer build leaves it out, and the tests that need it skip there, saying so.
namespace mcunet::testing {

inline constexpr bool kTrainBuilt =
#ifdef MCUNET_TRAIN_BUILT
    true;
#else
    false;
#endif

}  // namespace mcunet::testing
