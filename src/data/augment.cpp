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

// One image (channels-first) moved by the draw into `out`; pixels from outside are zero.
void move_image(const double* in, double* out, const ImageShape& s, const Draw& d) {
  const auto rows = static_cast<long>(s.rows), cols = static_cast<long>(s.cols);
  for (size_t c = 0; c < s.channels; ++c) {
    const double* plane = in + c * s.rows * s.cols;
    double* dst = out + c * s.rows * s.cols;
    for (long r = 0; r < rows; ++r) {
      const long from_r = r - d.dy;
      for (long q = 0; q < cols; ++q) {
        const long moved = q - d.dx;
        const long from_q = d.flip ? cols - 1 - moved : moved;
        const bool inside = from_r >= 0 && from_r < rows && moved >= 0 && moved < cols;
        dst[r * cols + q] = inside ? plane[from_r * cols + from_q] : 0.0;
      }
    }
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
             std::span<const size_t> rows, const Augmentation& how, uint64_t epoch_seed) {
  if (!how.active()) return;
  QMF_CHECK(shapes.size() == x.size(), "augment: {} shapes for {} modalities", shapes.size(),
            x.size());
  std::vector<double> moved;
  for (size_t b = 0; b < rows.size(); ++b) {
    const Draw d = draw(how, epoch_seed, rows[b]);
    for (size_t m = 0; m < x.size(); ++m) {
      if (!shapes[m].is_image()) continue;
      QMF_CHECK(static_cast<size_t>(x[m].cols()) == shapes[m].size(),
                "augment: modality {} has {} features, its shape {}", m, x[m].cols(),
                shapes[m].size());
      double* row = x[m].row(static_cast<Eigen::Index>(b)).data();
      moved.resize(shapes[m].size());
      move_image(row, moved.data(), shapes[m], d);
      std::copy(moved.begin(), moved.end(), row);
    }
  }
}

}  // namespace qmf::data
