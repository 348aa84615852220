#include "common/output_dir.h"

#include <filesystem>

#include <nlohmann/json.hpp>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/input_file.h"

namespace mcunet::output_dir {

namespace fs = std::filesystem;

namespace {

constexpr int kMarkerVersion = 1;

// The kind named by the marker in `dir`, or "" when it has none we can read.
std::string markerKind(const fs::path& dir) {
    const fs::path marker = dir / kMarkerFile;
    std::error_code ec;
    if (!fs::is_regular_file(fs::symlink_status(marker, ec))) return "";
    try {
        const nlohmann::json j = nlohmann::json::parse(input_file::read(marker.string(), 4096));
        if (!j.is_object() || j.value("format", "") != "mcunet-output") return "";
        return j.value("kind", "");
    } catch (const std::exception&) {
        return "";  // unreadable or not ours: the folder counts as the user's
    }
}

}  // namespace

State inspect(const std::string& path, const Kind& kind) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (!fs::exists(status)) return fs::exists(fs::symlink_status(path, ec)) ? State::NotAFolder : State::Missing;
    if (!fs::is_directory(status)) return State::NotAFolder;
    fs::directory_iterator it(path, ec);
    if (ec) return State::NotOurs;  // cannot list it: never assume it is ours
    // Empty, or a fresh temporary folder of ours (only its owner file).
    bool empty = true;
    for (; !ec && it != fs::directory_iterator(); it.increment(ec))
        if (it->path().filename() != atomic_file::kOwnerFile) {
            empty = false;
            break;
        }
    if (ec) return State::NotOurs;
    if (empty) return State::Empty;
    const std::string found = markerKind(path);
    if (found.empty()) return State::NotOurs;
    return found == kind.id ? State::Ours : State::OursOtherKind;
}

void mark(const std::string& path, const Kind& kind) {
    const nlohmann::json marker = {{"format", "mcunet-output"},
                                   {"version", kMarkerVersion},
                                   {"kind", kind.id},
                                   {"note", "made by MCUNet Studio; a later run may replace this folder"}};
    atomic_file::writeText((fs::path(path) / kMarkerFile).string(), marker.dump(2) + "\n");
}

void check(const std::string& path, State state, const Kind& kind, bool replace, const std::string& forceHint) {
    if (path.empty()) throw Error("the output folder is empty; name a folder");
    switch (state) {
    case State::Missing:
    case State::Empty:
        return;
    case State::Ours:
        if (!replace)
            throw Error(path + ": holds " + kind.title + " made earlier; pass " + forceHint +
                        " to replace it, or choose another folder");
        return;
    case State::OursOtherKind:
        throw Error(path + ": holds other output of MCUNet Studio, not " + kind.title + "; choose another folder");
    case State::NotOurs:
        throw Error(path + ": exists, is not empty and was not made by MCUNet Studio; choose a new or empty folder "
                           "(nothing in it was changed)");
    case State::NotAFolder:
        throw Error(path + ": exists and is not a folder; choose a new or empty folder");
    }
}

void claim(const std::string& path, const Kind& kind, bool replace, const std::string& forceHint) {
    const State state = inspect(path, kind);
    check(path, state, kind, replace, forceHint);
    if (state == State::Missing) {
        std::error_code ec;
        fs::create_directories(path, ec);
        if (ec) throw Error(path + ": cannot create the folder (" + ec.message() + ")");
    }
    mark(path, kind);
}

}  // namespace mcunet::output_dir
