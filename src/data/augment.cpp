#include "data/augment.h"

#include <algorithm>

#include "core/error.h"
#include "core/rng.h"
#include "data/views/view_catalog.h"

namespace qmf::data {
namespace {

// Pixels a CIFAR-10 image is shifted by at most: an eighth of its 32-pixel side.
constexpr size_t kCifarPadding = 4;

struct Draw {
  long dy = 0, dx = 0;
  bool flip = false;
};

Draw draw(const Augmentation& how, uint64_t epoch_seed, size_t sample) {
  StreamRng rng(mix_seed(epoch_seed, sample));
  const auto span = static_cast<uint64_t>(2 * how.crop_padding + 1);
  const auto shift = [&] {
    return static_cast<long>(rng.next_u64() % span) - static_cast<long>(how.crop_padding);
  };
  Draw d;
  d.dy = shift();
  d.dx = shift();
  d.flip = how.flip && (rng.next_u64() >> 63) != 0;
  return d;
}

// One image modality of a sample, as it was before the move.
struct Piece {
  const ImageShape* shape;
  const ImagePlacement* place;
  const double* pixels;  // channels-first, a copy taken before anything moved

  bool covers(size_t picture, size_t channel, long row, long col) const {
    const auto top = static_cast<long>(place->row), left = static_cast<long>(place->col);
    return place->picture == picture && channel < shape->channels && row >= top &&
           row < top + static_cast<long>(shape->rows) && col >= left &&
           col < left + static_cast<long>(shape->cols);
  }
  double at(size_t channel, long row, long col) const {
    const auto r = static_cast<size_t>(row) - place->row, c = static_cast<size_t>(col) - place->col;
    return pixels[(channel * shape->rows + r) * shape->cols + c];
  }
};

// Pixel (row, col) of channel `channel` of the picture `self` is a piece of: from `self` when it
// covers the pixel (always, for a whole picture), else from the piece that does; zero where no
// piece is (a modality left out by data.modalities).
double picture_pixel(const Piece& self, std::span<const Piece> pieces, size_t channel, long row,
                     long col) {
  const size_t picture = self.place->picture;
  if (self.covers(picture, channel, row, col)) return self.at(channel, row, col);
  for (const Piece& other : pieces)
    if (other.covers(picture, channel, row, col)) return other.at(channel, row, col);
  return 0.0;
}

// Piece `self` of its picture after the picture moved by the draw, into `out`; pixels from
// outside the picture are zero.
void move_piece(const Piece& self, std::span<const Piece> pieces, const Draw& d, double* out) {
  const ImageShape& s = *self.shape;
  const auto height = static_cast<long>(self.place->picture_rows);
  const auto width = static_cast<long>(self.place->picture_cols);
  for (size_t c = 0; c < s.channels; ++c) {
    for (size_t r = 0; r < s.rows; ++r) {
      const long from_r = static_cast<long>(self.place->row + r) - d.dy;
      for (size_t q = 0; q < s.cols; ++q) {
        const long moved = static_cast<long>(self.place->col + q) - d.dx;
        const long from_q = d.flip ? width - 1 - moved : moved;
        const bool inside = from_r >= 0 && from_r < height && moved >= 0 && moved < width;
        *out++ = inside ? picture_pixel(self, pieces, c, from_r, from_q) : 0.0;
      }
    }
  }
}

void check_pieces(const std::vector<nn::Matrix>& x, const std::vector<ImageShape>& shapes,
                  const std::vector<ImagePlacement>& placements) {
  QMF_CHECK(shapes.size() == x.size() && placements.size() == x.size(),
            "augment: {} shapes and {} placements for {} modalities", shapes.size(),
            placements.size(), x.size());
  for (size_t m = 0; m < x.size(); ++m) {
    if (!shapes[m].is_image()) continue;
    QMF_CHECK(static_cast<size_t>(x[m].cols()) == shapes[m].size(),
              "augment: modality {} has {} features, its shape {}", m, x[m].cols(),
              shapes[m].size());
    const ImagePlacement& p = placements[m];
    QMF_CHECK(p.row + shapes[m].rows <= p.picture_rows && p.col + shapes[m].cols <= p.picture_cols,
              "augment: modality {} ({}x{} at {},{}) lies outside its {}x{} picture", m,
              shapes[m].rows, shapes[m].cols, p.row, p.col, p.picture_rows, p.picture_cols);
  }
}

}  // namespace

Augmentation augmentation_for(Augment setting, const std::string& view, Frontend frontend) {
  const Augmentation crop_flip{.crop_padding = kCifarPadding, .flip = true};
  switch (setting) {
    case Augment::none:
      return {};
    case Augment::crop_flip:
      return crop_flip;
    case Augment::automatic:
      break;
  }
  const auto& sources = describe_view(view).sources;
  const bool cifar = std::find(sources.begin(), sources.end(), DataSet::cifar10) != sources.end();
  return cifar && frontend == Frontend::cnn ? crop_flip : Augmentation{};
}

void augment(std::vector<nn::Matrix>& x, const std::vector<ImageShape>& shapes,
             const std::vector<ImagePlacement>& placements, std::span<const size_t> rows,
             const Augmentation& how, uint64_t epoch_seed) {
  if (!how.active()) return;
  check_pieces(x, shapes, placements);
  std::vector<size_t> images;
  for (size_t m = 0; m < x.size(); ++m)
    if (shapes[m].is_image()) images.push_back(m);
  std::vector<std::vector<double>> before(images.size());
  std::vector<Piece> pieces(images.size());
  for (size_t b = 0; b < rows.size(); ++b) {
    const auto row = static_cast<Eigen::Index>(b);
    for (size_t i = 0; i < images.size(); ++i) {
      const size_t m = images[i];
      const auto pixels = x[m].row(row);
      before[i].assign(pixels.data(), pixels.data() + pixels.size());
      pieces[i] = {&shapes[m], &placements[m], before[i].data()};
    }
    const Draw d = draw(how, epoch_seed, rows[b]);
    for (size_t i = 0; i < images.size(); ++i)
      move_piece(pieces[i], pieces, d, x[images[i]].row(row).data());
  }
}

}  // namespace qmf::data
