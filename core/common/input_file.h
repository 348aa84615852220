#pragma once
// Opening a file a user named, for reading, without ever blocking: a FIFO
// would block open() until a writer comes (for ever: Ctrl+C could not end a
// command waiting there), a device like /dev/zero never ends, a directory
// reads as an error. Every reader of a file named on a command line or in
// another file goes through here, or through requireRegular() before a
// library (libtorch, OpenCV) opens the path itself.
#include <cstddef>
#include <cstdint>
#include <string>

namespace mcunet::input_file {

// Throws mcunet::Error naming `path` unless it is a regular file (after
// following symbolic links) that this process may read; `expected` says what
// it should have been ("a JSON file", "a checkpoint"). Returns its size.
std::uint64_t requireRegular(const std::string& path, const std::string& expected = "a file");

// The whole file, at most `maxBytes` (a larger one throws naming the limit).
// Opened with O_NONBLOCK and checked with fstat after opening, so a path
// swapped for a FIFO between the check and the open is refused too.
std::string read(const std::string& path, std::size_t maxBytes, const std::string& expected = "a file");

}  // namespace mcunet::input_file
