#pragma once
// The shape of a modality's features. An image (or a spectrogram) is `channels` planes of
// rows x cols pixels, each plane row-major, one plane after the other (channels-first, as the
// convolutions read it). A plain feature vector of D values is one row: {1, D, 1}.
#include <cstddef>

namespace qmf {

struct ImageShape {
  size_t rows = 0;
  size_t cols = 0;
  size_t channels = 1;

  size_t size() const { return rows * cols * channels; }
  // A picture to draw or convolve: more than one row and more than one column.
  bool is_image() const { return rows > 1 && cols > 1; }
  bool operator==(const ImageShape&) const = default;
};

}  // namespace qmf
