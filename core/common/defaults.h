#pragma once
// Settings that the `mcunet` CLI and the studio both offer: one default and
// one range each, so a flag's help, the studio's form and the engine agree
// (STYLE.md, "one definition of a setting"). Plain constants, no Qt.
#include <cstdint>

namespace mcunet::defaults {

// Seeds: search-space samples, seeded random weights, training, random inputs.
inline constexpr std::uint64_t kSeed = 1;

// Memory planner (`--planner`, the Design and Deploy steps); docs/memory-planning.md.
inline constexpr const char* kPlanner = "ours";

// TinyNAS stage 1 (`mcunet space`, the Search space step).
inline constexpr int kSamplesPerSpace = 1000;
inline constexpr int kMinSamplesPerSpace = 1;
inline constexpr int kMaxSamplesPerSpace = 1000000;
// A space competes only if this share (percent) of its samples fit.
inline constexpr double kMinSatisfyingSharePercent = 5.0;
// What a grid (`--grid`, the studio's "Spaces to compare") and an
// architecture may ask for: resolutions and width multipliers.
inline constexpr int kMinGridResolution = 8;
inline constexpr int kMaxGridResolution = 1024;
inline constexpr double kMinGridWidth = 0.05;
inline constexpr double kMaxGridWidth = 4.0;
// Classifier classes (`mcunet space --classes`, the Design step).
inline constexpr int kMinClasses = 1;
inline constexpr int kMaxClasses = 100000;

// Memory limits a user may set below the board's, in kB (`--sram`, `--flash`,
// the Target step).
inline constexpr double kMaxSramKb = 65536;
inline constexpr double kMaxFlashKb = 262144;

// On-device profiling: inferences per profile (`profile`/`deploy --runs`,
// the Deploy step's Runs); each layer's count is the minimum over the runs.
inline constexpr int kProfileRuns = 2;
inline constexpr int kMinProfileRuns = 1;
inline constexpr int kMaxProfileRuns = 1000;

// TinyNAS stage 2 (`mcunet search`, the Search step): the evolution's size.
// Once-for-All uses 100 x 500 with an accuracy predictor; measuring each
// candidate in the supernet on 2 cores, 30 x 10 (about 200 distinct networks)
// is what fits in minutes.
inline constexpr int kSearchPopulation = 30;
inline constexpr int kSearchGenerations = 10;
inline constexpr int kSearchCalibrationImages = 200;  // BatchNorm re-estimated per candidate
inline constexpr int kSearchRerankSteps = 500;  // fine-tuning steps per re-ranked network

// Training (`mcunet train`, the Train panel).
inline constexpr const char* kTrainData = "fashion-mnist";
inline constexpr int kTrainEpochs = 10;
inline constexpr int kMinTrainEpochs = 1;
inline constexpr int kMaxTrainEpochs = 100000;
inline constexpr int kTrainBatch = 64;
inline constexpr int kMinTrainBatch = 1;
inline constexpr int kMaxTrainBatch = 65536;
inline constexpr const char* kTrainOptimizer = "sgd";  // or "adamw"

// A network's input resolution and width multiplier as a user sets them
// (`train --resolution/--width`, the Design step's inspector).
inline constexpr int kMinNetworkResolution = 32;
inline constexpr int kMaxNetworkResolution = 512;
inline constexpr double kMinNetworkWidth = 0.1;
inline constexpr double kMaxNetworkWidth = 2.0;

}  // namespace mcunet::defaults
