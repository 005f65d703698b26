#pragma once
// Labelled 8-bit images as the dataset readers return them, before any features are built.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace qmf::data {

struct Images {
  size_t count = 0;
  size_t rows = 0;
  size_t cols = 0;
  size_t channels = 1;
  std::vector<uint8_t> pixels;  // count x channels x rows x cols: each channel a row-major plane

  size_t image_size() const { return channels * rows * cols; }
  const uint8_t* image(size_t i) const { return pixels.data() + i * image_size(); }
};

// Images and their labels, equal in number.
struct LabelledImages {
  Images images;
  std::vector<int> labels;
};

}  // namespace qmf::data
