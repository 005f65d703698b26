#pragma once
// Whole-file reads for the dataset readers: data files may be stored plain or gzip-compressed,
// and callers should not have to care which.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace qmf::data {

// The most a compressed data file may inflate to. Deflate can expand about 1000:1, so without a
// cap a small crafted .gz could exhaust memory; the largest real data file (the MNIST training
// images) is 47 MB, and a larger dataset can be stored uncompressed (plain files are bounded
// only by kMaxBinaryFileBytes, core/atomic_file.h, and their size is known before reading).
inline constexpr size_t kMaxInflatedBytes = size_t{4} << 30;

// Output beyond the first estimate (the size the gzip trailer states) is inflated and checked
// against the cap this much at a time: inflating never holds more than the cap plus this.
inline constexpr size_t kInflateChunk = size_t{1} << 20;

// The file's contents, inflated when it starts with the gzip magic bytes 1f 8b (concatenated
// gzip members are joined, as gunzip does). Throws qmf::Error naming the file when it is not a
// regular file (saying what it is), cannot be read, its gzip stream is truncated or corrupt, or
// it inflates past `max_inflated` bytes; that is found out before memory holds more than
// `max_inflated` + kInflateChunk bytes of output.
std::vector<uint8_t> read_file_bytes(const std::filesystem::path& file,
                                     size_t max_inflated = kMaxInflatedBytes);

// What read_file_bytes makes of bytes already in memory: inflated when gzip, else copied.
// `name` is what error messages call them.
std::vector<uint8_t> decode_file_bytes(std::span<const uint8_t> bytes, const std::string& name,
                                       size_t max_inflated = kMaxInflatedBytes);

}  // namespace qmf::data
