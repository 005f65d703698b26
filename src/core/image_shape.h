#pragma once
// The shape of a modality's features. An image (or a spectrogram) is `channels` planes of
// rows x cols pixels, each plane row-major, one plane after the other (channels-first, as the
// convolutions read it). A plain feature vector of D values is one row: {1, D, 1}.
#include <cstddef>
#include <vector>

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

// Where a modality's image lies in the picture it was cut from, so that what moves a picture
// (augmentation's shift and mirror) moves its pieces as one: modalities with the same `picture`
// are pieces of one picture_rows x picture_cols picture, this one with its top-left pixel at
// (row, col). The two halves of a split image are pieces of one picture; a colour plane, a
// spectrogram or a user's array is a whole picture, at (0, 0) of its own size.
struct ImagePlacement {
  size_t picture = 0;
  size_t row = 0, col = 0;
  size_t picture_rows = 0, picture_cols = 0;
  bool operator==(const ImagePlacement&) const = default;
};

// Each modality a whole picture of its own.
inline std::vector<ImagePlacement> own_pictures(const std::vector<ImageShape>& shapes) {
  std::vector<ImagePlacement> placed;
  for (size_t m = 0; m < shapes.size(); ++m)
    placed.push_back(
        {.picture = m, .picture_rows = shapes[m].rows, .picture_cols = shapes[m].cols});
  return placed;
}

}  // namespace qmf
