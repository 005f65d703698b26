#pragma once
// Whole-file reads for the dataset readers: data files may be stored plain or gzip-compressed,
// and callers should not have to care which.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace qmf::data {

// The file's contents, inflated when it starts with the gzip magic bytes 1f 8b (concatenated
// gzip members are joined, as gunzip does). Throws qmf::Error naming the file when it cannot be
// read or its gzip stream is truncated or corrupt.
std::vector<uint8_t> read_file_bytes(const std::filesystem::path& file);

// What read_file_bytes makes of bytes already in memory: inflated when gzip, else copied.
// `name` is what error messages call them.
std::vector<uint8_t> decode_file_bytes(std::span<const uint8_t> bytes, const std::string& name);

}  // namespace qmf::data
