#pragma once
// Writers for the IDX format read by data/formats/idx.h: for exporting subsets and for building
// test fixtures with the same layout as the real files. A path ending in ".gz" is gzip-compressed.
#include <cstdint>
#include <filesystem>
#include <vector>

#include "data/formats/idx.h"

namespace qmf::data {

void write_idx_images(const std::filesystem::path& file, const Images& images);

// Labels must fit in a byte.
void write_idx_labels(const std::filesystem::path& file, const std::vector<int>& labels);

// Raw bytes to a file, compressed when the name ends in ".gz".
void write_file_bytes(const std::filesystem::path& file, const std::vector<uint8_t>& bytes);

}  // namespace qmf::data
