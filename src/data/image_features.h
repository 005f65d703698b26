#pragma once
// Turning uint8 images into feature rows: a rectangular region of each image, scaled to [0, 1],
// and optional 2x2 average pooling of such regions.
#include <cstddef>
#include <vector>

#include "data/dataset.h"
#include "data/idx.h"

namespace qmf::data {

struct Region {
  size_t row0 = 0;
  size_t col0 = 0;
  ImageShape shape;
};

// One row per entry of `samples` (indices into `images`): the region's pixels / 255 in
// row-major order. The region must lie inside the images.
Features crop(const IdxImages& images, const std::vector<size_t>& samples, const Region& region);

// Averages each 2x2 block of every row's image (shape.rows x shape.cols, row-major) into one
// feature; the result has shape (rows/2) x (cols/2). Throws qmf::Error on an odd side.
Features pool2x2(const Features& x, const ImageShape& shape);

}  // namespace qmf::data
