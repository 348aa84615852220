#pragma once
// What mcunet-studio says about itself: its --help uses these words, and
// `mcunet --man-pages` writes its manual page from the same words (one
// source). Plain C strings: no Qt, no CLI11.

namespace mcunet::programs {

inline constexpr const char* kStudioSummary = "design neural networks that fit microcontrollers";
inline constexpr const char* kStudioDescription =
    "Design neural networks that fit microcontrollers: pick a board and its limits, see why a network fits, "
    "train and search on your data, generate C, flash and profile it, and run live demos.";
inline constexpr const char* kStudioThemeHelp = "system, light or dark";
inline constexpr const char* kStudioProjectHelp = "a .mcuproj file to open, or an int8 .tflite model to import";

}  // namespace mcunet::programs
