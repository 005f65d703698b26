#pragma once
// A table of numbers as read from a user's .npy or .csv file, before it becomes features or
// labels: one row per sample, one column per feature (an image sample's pixels, flattened). Values
// are held as double, which keeps every float and every integer up to 2^53 exact, so labels can
// still be checked for being whole numbers after reading.
#include <cstddef>
#include <vector>

#include "core/image_shape.h"

namespace qmf::data {

struct NumericArray {
  size_t rows = 0;
  size_t cols = 0;
  size_t dims = 2;  // the .npy array's rank: 1 (then cols == 1), 2, 3 or 4
  // One sample's shape: {1, cols, 1} for features, the image of a 3-D or 4-D .npy array.
  ImageShape sample_shape;
  std::vector<double> values;  // rows * cols, row-major

  double at(size_t row, size_t col) const { return values[row * cols + col]; }
};

}  // namespace qmf::data
