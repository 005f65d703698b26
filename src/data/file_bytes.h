#pragma once
// Whole-file reads for the dataset readers: data files may be stored plain or gzip-compressed,
// and callers should not have to care which.
#include <cstdint>
#include <filesystem>
#include <vector>

namespace qmf::data {

// The file's contents, inflated when it starts with the gzip magic bytes 1f 8b (concatenated
// gzip members are joined, as gunzip does). Throws qmf::Error naming the file when it cannot be
// read or its gzip stream is truncated or corrupt.
std::vector<uint8_t> read_file_bytes(const std::filesystem::path& file);

}  // namespace qmf::data
