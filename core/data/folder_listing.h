#pragma once
// Dataset folders (image folders, audio folders): one subfolder per class
// (class name = subfolder name, sorted; hidden entries and files at the top
// level ignored), the files a predicate accepts anywhere inside, sorted by
// path within a class. Internal to core/data.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace mcunet::data {

struct FileEntry {
    std::string rel;  // relative to the dataset folder, '/'-separated
    std::uint64_t size = 0;
    std::int64_t mtimeNs = 0;
    int label = 0;
};

struct Listing {
    std::string dir;
    std::vector<std::string> classes;
    std::vector<FileEntry> files;  // class by class, sorted by path within a class
};

// The file's extension in lower case, with its dot (".wav", ".jpg").
std::string lowerExtension(const std::filesystem::path& p);

// The files image folders and audio folders take (by extension, any case):
// .jpg .jpeg .png .bmp .pgm .ppm, and .wav.
bool isImageFile(const std::filesystem::path& p);
bool isWavFile(const std::filesystem::path& p);

// Throws mcunet::Error naming `dir`: missing, not a folder, fewer than two
// classes, a class name that cannot be a label. `what` names the files in
// messages ("images", "WAV files").
Listing listFolder(const std::string& dir, bool (*accept)(const std::filesystem::path&), const char* what);

}  // namespace mcunet::data
