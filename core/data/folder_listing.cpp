#include "data/folder_listing.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>

#include "common/error.h"
#include "common/safe_text.h"

namespace mcunet::data {
namespace {

namespace fs = std::filesystem;

bool hiddenName(const fs::path& p) {
    const std::string name = p.filename().string();
    return !name.empty() && name[0] == '.';
}

std::vector<FileEntry> listClass(const fs::path& root, const std::string& name, int label, bool (*accept)(const fs::path&)) {
    std::vector<FileEntry> files;
    std::error_code ec;
    fs::recursive_directory_iterator it(root / name, fs::directory_options::skip_permission_denied, ec);
    if (ec) throw Error((root / name).string() + ": cannot list (" + ec.message() + ")");
    for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
        if (ec) throw Error((root / name).string() + ": cannot list (" + ec.message() + ")");
        const fs::path& p = it->path();
        if (hiddenName(p)) {
            if (it->is_directory(ec)) it.disable_recursion_pending();
            continue;
        }
        if (!it->is_regular_file(ec) || !accept(p)) continue;
        FileEntry f;
        f.rel = p.lexically_relative(root).generic_string();
        f.label = label;
        struct stat st {};
        if (::stat(p.c_str(), &st) == 0) {
            f.size = static_cast<std::uint64_t>(st.st_size);
            f.mtimeNs = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
        }
        files.push_back(std::move(f));
    }
    std::sort(files.begin(), files.end(),
              [](const FileEntry& a, const FileEntry& b) { return a.rel < b.rel; });
    return files;
}

}  // namespace

std::string lowerExtension(const fs::path& p) {
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext;
}

bool isImageFile(const fs::path& p) {
    const std::string ext = lowerExtension(p);
    return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp" || ext == ".pgm" || ext == ".ppm";
}

bool isWavFile(const fs::path& p) { return lowerExtension(p) == ".wav"; }

Listing listFolder(const std::string& dir, bool (*accept)(const fs::path&), const char* what) {
    std::error_code ec;
    const fs::file_status status = fs::status(dir, ec);
    if (!fs::exists(status)) throw Error(dir + ": no such folder");
    if (!fs::is_directory(status)) throw Error(dir + ": not a folder");
    Listing listing;
    listing.dir = dir;
    fs::directory_iterator it(dir, ec);
    if (ec) throw Error(dir + ": cannot list (" + ec.message() + ")");
    for (const fs::directory_iterator end; it != end; it.increment(ec)) {
        if (ec) throw Error(dir + ": cannot list (" + ec.message() + ")");
        if (!hiddenName(it->path()) && it->is_directory(ec))
            listing.classes.push_back(it->path().filename().string());
    }
    std::sort(listing.classes.begin(), listing.classes.end());
    // Class names go into model.json, generated C and the studio: the same
    // rule the model readers apply (safe_text), checked before any training.
    for (const std::string& name : listing.classes)
        if (const auto why = safe_text::problem(name))
            throw Error(dir + ": class folder \"" + safe_text::forTerminal(name.substr(0, 60)) + "\" " + *why +
                        "; rename it (class names become labels in the model)");
    if (listing.classes.empty())
        throw Error(dir + ": no class subfolders (expected one subfolder of " + what + " per class)");
    if (listing.classes.size() < 2)
        throw Error(dir + ": only one class subfolder ('" + listing.classes[0] +
                    "'); at least 2 classes are needed");
    for (std::size_t c = 0; c < listing.classes.size(); ++c) {
        std::vector<FileEntry> files = listClass(dir, listing.classes[c], static_cast<int>(c), accept);
        listing.files.insert(listing.files.end(), std::make_move_iterator(files.begin()),
                             std::make_move_iterator(files.end()));
    }
    return listing;
}

}  // namespace mcunet::data
