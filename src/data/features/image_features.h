#pragma once
// Turning 8-bit images into feature rows scaled to [0, 1]: a rectangular region of every
// channel, one channel alone, luminance or chroma of colour images; and 2x2 average pooling.
#include <cstddef>
#include <vector>

#include "data/dataset.h"
#include "data/formats/images.h"

namespace qmf::data {

struct Region {
  size_t row0 = 0;
  size_t col0 = 0;
  size_t rows = 0;
  size_t cols = 0;
};

// Each function returns one row per entry of `samples` (indices into `images`).

// The region of every channel: features channel by channel, each plane row-major. The region
// must lie inside the images.
Features crop(const Images& images, const std::vector<size_t>& samples, const Region& region);

// Channel `channel` of the whole image.
Features channel_plane(const Images& images, const std::vector<size_t>& samples, size_t channel);

// Of RGB images (ITU-R BT.601): luminance Y (one plane), and chroma Cb, Cr (two planes) offset
// by 1/2 so that they, too, lie in [0, 1].
Features luma(const Images& images, const std::vector<size_t>& samples);
Features chroma(const Images& images, const std::vector<size_t>& samples);

// Averages each 2x2 block of every channel plane of each row's image into one feature; the
// result has shape (rows/2) x (cols/2) x channels. Throws qmf::Error on an odd side.
Features pool2x2(const Features& x, const ImageShape& shape);

}  // namespace qmf::data
