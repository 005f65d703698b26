#pragma once
// Files that are either absent or complete: written to a temporary name beside the target,
// flushed to disk, then renamed over it (rename is atomic within a file system).
#include <filesystem>
#include <string_view>

namespace qmf {

void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

// True for the temporary ("<name>.tmp-<pid>") that a write_file_atomic killed mid-write leaves
// beside its target.
bool is_atomic_temporary(const std::filesystem::path& path);
std::string read_file(const std::filesystem::path& path);  // throws Error naming the file

}  // namespace qmf
