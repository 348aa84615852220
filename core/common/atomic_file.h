#pragma once
// Atomic file replacement: write into a unique temporary file in the
// destination's directory (mkstemp), fsync it, then rename it over the
// destination. Two writers to one destination never share a temporary file,
// so the destination is always one whole document (the last rename wins).
// When the destination is a symbolic link, the file it points to is replaced
// and the link is kept; the destination's permission bits are kept.
#include <functional>
#include <string>

namespace mcunet::atomic_file {

// Calls write(tempPath) to fill a fresh temporary file, then commits it to
// `path`. If write throws, the temporary file is removed and `path` is left
// as it was. Throws mcunet::Error naming `path` when it cannot be written.
void replace(const std::string& path, const std::function<void(const std::string& tempPath)>& write);

// replace() with the given bytes.
void writeText(const std::string& path, const std::string& bytes);

// A fresh private folder in the temporary directory ($TMPDIR or /tmp),
// `mcunet-<what>-XXXXXX` (mkdtemp): never a predictable shared path, so two
// runs never collide and a name read from a file never picks the place.
// It holds `.mcunet-owner` (this process's id and start time): the first call
// in a process first removes the folders of runs that died without removing
// theirs (SIGKILL), those whose owner no longer runs.
std::string makeTempDirectory(const std::string& what);
inline constexpr const char* kOwnerFile = ".mcunet-owner";
// A temporary folder that outlives its run on purpose (the project the
// virtual board's flash record points into): never swept as stale. It goes
// when removeKeptTempDirectory() is called on it (the next flash).
void keepTempDirectory(const std::string& dir);
// Removes `dir` if it is a kept temporary folder of ours; anything else is left alone.
void removeKeptTempDirectory(const std::string& dir);
// Removes the temporary folders of runs that no longer run (see makeTempDirectory).
void sweepStaleTempDirectories();

// A fresh directory beside `path` (`<path>.tmp-XXXXXX`, mkdtemp) to fill and
// then commit with commitDirectory().
std::string makeTempDirectoryBeside(const std::string& path);
// Renames `tempDir` to `path`; an existing `path` (a directory of ours) is
// replaced: moved aside, then removed once the new one is in place.
void commitDirectory(const std::string& tempDir, const std::string& path);

}  // namespace mcunet::atomic_file
