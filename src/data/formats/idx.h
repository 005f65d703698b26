#pragma once
// Readers for the IDX format of MNIST and Fashion-MNIST: big-endian uint32 header fields, then
// uint8 payload. Image files: magic 0x00000803, count, rows, cols, then count*rows*cols pixels
// (row-major per image). Label files: magic 0x00000801, count, then count labels.
// Files may be plain or gzip-compressed. Every check failure throws qmf::Error naming the file.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "data/formats/images.h"

namespace qmf::data {

inline constexpr uint32_t kIdxImagesMagic = 0x00000803;  // uint8 data, 3 dimensions
inline constexpr uint32_t kIdxLabelsMagic = 0x00000801;  // uint8 data, 1 dimension

Images read_idx_images(const std::filesystem::path& file);

// Labels must lie in [0, max_label].
std::vector<int> read_idx_labels(const std::filesystem::path& file, int max_label);

// The same checks on an IDX file already in memory (already inflated); `name` is what error
// messages call it. The readers above are these after read_file_bytes.
Images parse_idx_images(std::span<const uint8_t> bytes, const std::string& name);
std::vector<int> parse_idx_labels(std::span<const uint8_t> bytes, const std::string& name,
                                  int max_label);

LabelledImages read_idx_dataset(const std::filesystem::path& images_file,
                                const std::filesystem::path& labels_file, int max_label);

// dir/name if it exists, else dir/name.gz if that exists; otherwise throws naming both paths.
std::filesystem::path find_data_file(const std::filesystem::path& dir, const std::string& name);

}  // namespace qmf::data
