#pragma once
// A 2-D table of numbers as read from a user's .npy or .csv file, before it becomes features or
// labels: one row per sample, one column per feature. Values are held as double, which keeps
// every float and every integer up to 2^53 exact, so labels can still be checked for being
// whole numbers after reading.
#include <cstddef>
#include <vector>

namespace qmf::data {

struct NumericArray {
  size_t rows = 0;
  size_t cols = 0;
  size_t dims = 2;             // 1 for a 1-D .npy array (then cols == 1), else 2
  std::vector<double> values;  // rows * cols, row-major

  double at(size_t row, size_t col) const { return values[row * cols + col]; }
};

}  // namespace qmf::data
