#pragma once
// Whole-file writes and reads that are safe whatever the path names.
//
// Writes: a regular file (or a path that does not exist yet) is either absent or complete: it is
// written to a temporary name beside the target, flushed to disk, then renamed over it (rename is
// atomic within a file system). A target that exists and is not a regular file is never replaced:
//   - a character device (/dev/null, a terminal), a FIFO or /dev/stdout is written into directly;
//     a FIFO that no reader has open is an error, never a wait;
//   - a directory, a socket and a block device are refused with a message naming them;
//   - a symbolic link to a regular file is followed: the file it points to is replaced and the
//     link stays; a symbolic link to nothing is refused.
//
// Reads are bounded: buffers grow with what is read, never beyond a byte cap, whatever size the
// file system reports (a FIFO, /dev/zero or a /proc file reports none or a wrong one).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace qmf {

void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

// `-` is standard output; any other path is written by write_file_atomic.
void write_output(const std::filesystem::path& path_or_dash, std::string_view bytes);

// True for the temporary ("<name>.tmp-<pid>") that a write_file_atomic killed mid-write leaves
// beside its target.
bool is_atomic_temporary(const std::filesystem::path& path);
// An atomic temporary whose writer (the pid in its name) is no longer alive: the only kind of
// leftover that may be deleted. A user's "checkpoint.qmf.tmp-before-experiment" is never one.
bool is_stale_temporary(const std::filesystem::path& path);

// Configs, studies, summaries, metrics: text a person could have written, far below this.
inline constexpr size_t kMaxTextFileBytes = size_t{16} << 20;
// Checkpoints and data files: as large as memory allows, and no more than this.
inline constexpr size_t kMaxBinaryFileBytes = size_t{16} << 30;

// What a reader does with a path that is not a regular file.
enum class NonRegular {
  // A FIFO (a named pipe, a process substitution, /dev/stdin) or a character device is read to
  // its end, up to the cap. A FIFO that yields nothing (no writer has it open, or the writer
  // wrote nothing) is an error rather than an empty file, and never a wait.
  read_as_stream,
  // Anything but a regular file is an error naming what it is.
  refuse,
};

// The whole file. Throws Error naming the file when it is missing, is a directory (or another
// kind `non_regular` turns away), cannot be read, or holds more than `max_bytes` bytes.
std::string read_file(const std::filesystem::path& path, size_t max_bytes = kMaxTextFileBytes,
                      NonRegular non_regular = NonRegular::read_as_stream);
// The same, as bytes, for binary formats.
std::vector<uint8_t> read_binary_file(const std::filesystem::path& path,
                                      size_t max_bytes = kMaxBinaryFileBytes,
                                      NonRegular non_regular = NonRegular::refuse);

// What `path` is when it is not a regular file, for messages: "a directory", "a FIFO (named
// pipe)", "a socket", "a character device", "a block device", "a symbolic link to 'x', which does
// not exist", "missing"; "a regular file" otherwise.
std::string describe_file_kind(const std::filesystem::path& path);

}  // namespace qmf
