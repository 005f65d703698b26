// Training-time image augmentation: the shift and mirror each pixel takes, zeros from outside,
// one draw per sample shared by its modalities and fixed by (seed, sample) alone, and which views
// augment by default.
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "core/error.h"
#include "data/augment.h"

namespace qmf::data {
namespace {

// A batch of `rows` samples of one image modality, pixel p of sample b holding 1000 b + p + 1.
nn::Matrix numbered(size_t rows, const ImageShape& s) {
  nn::Matrix x(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(s.size()));
  for (Eigen::Index b = 0; b < x.rows(); ++b)
    for (Eigen::Index p = 0; p < x.cols(); ++p) x(b, p) = 1000.0 * b + p + 1;
  return x;
}

// The (dy, dx, flip) that maps `in` to `out`, found by trying every one; asserts there is one.
struct Found {
  long dy, dx;
  bool flip;
};
Found which_move(const double* in, const double* out, const ImageShape& s, long pad) {
  const auto rows = static_cast<long>(s.rows), cols = static_cast<long>(s.cols);
  std::vector<Found> hits;
  for (long dy = -pad; dy <= pad; ++dy)
    for (long dx = -pad; dx <= pad; ++dx)
      for (bool flip : {false, true}) {
        bool same = true;
        for (size_t c = 0; c < s.channels && same; ++c)
          for (long r = 0; r < rows && same; ++r)
            for (long q = 0; q < cols && same; ++q) {
              const long fr = r - dy, m = q - dx, fq = flip ? cols - 1 - m : m;
              const bool inside = fr >= 0 && fr < rows && m >= 0 && m < cols;
              const double want = inside ? in[c * rows * cols + fr * cols + fq] : 0.0;
              same = out[c * rows * cols + r * cols + q] == want;
            }
        if (same) hits.push_back({dy, dx, flip});
      }
  EXPECT_EQ(hits.size(), 1u);
  return hits.empty() ? Found{99, 99, false} : hits[0];
}

const Augmentation kCropFlip{.crop_padding = 4, .flip = true};

TEST(Augment, EverySampleIsItsImageShiftedAndPerhapsMirroredWithZerosFromOutside) {
  const ImageShape s{8, 6, 3};
  const nn::Matrix original = numbered(64, s);
  std::vector<nn::Matrix> x{original};
  std::vector<size_t> rows(64);
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = 10 + i;
  augment(x, {s}, own_pictures({s}), rows, kCropFlip, 77);
  std::set<long> shifts;
  int flips = 0;
  for (Eigen::Index b = 0; b < 64; ++b) {
    const Found f = which_move(original.row(b).data(), x[0].row(b).data(), s, 4);
    shifts.insert(f.dy);
    shifts.insert(f.dx);
    flips += f.flip;
  }
  EXPECT_EQ(shifts.size(), 9u);  // every shift in [-4, 4] appears in 128 draws
  EXPECT_GT(flips, 16);
  EXPECT_LT(flips, 48);
}

TEST(Augment, ASampleDrawsTheSameWhateverItsBatchAndItsModalitiesMoveTogether) {
  const ImageShape a{6, 6, 1}, b{6, 6, 2}, features{1, 5, 1};
  std::vector<nn::Matrix> big{numbered(3, a), numbered(3, b), numbered(3, features)};
  const std::vector<size_t> rows{4, 9, 2};
  augment(big, {a, b, features}, own_pictures({a, b, features}), rows, kCropFlip, 5);
  // Sample 9 alone, in a batch of one.
  std::vector<nn::Matrix> one{numbered(1, a), numbered(1, b), numbered(1, features)};
  one[0].row(0) = numbered(3, a).row(1);
  one[1].row(0) = numbered(3, b).row(1);
  one[2].row(0) = numbered(3, features).row(1);
  const std::vector<size_t> nine{9};
  augment(one, {a, b, features}, own_pictures({a, b, features}), nine, kCropFlip, 5);
  for (size_t m = 0; m < 3; ++m) EXPECT_EQ(one[m].row(0), big[m].row(1)) << m;
  // Both images took one move; the feature vector none.
  const nn::Matrix in_a = numbered(3, a), in_b = numbered(3, b);
  const Found fa = which_move(in_a.row(1).data(), big[0].row(1).data(), a, 4);
  const Found fb = which_move(in_b.row(1).data(), big[1].row(1).data(), b, 4);
  EXPECT_EQ(fa.dy, fb.dy);
  EXPECT_EQ(fa.dx, fb.dx);
  EXPECT_EQ(fa.flip, fb.flip);
  EXPECT_EQ(big[2], numbered(3, features));
  // Another epoch's seed moves it anew.
  std::vector<nn::Matrix> other{numbered(3, a), numbered(3, b), numbered(3, features)};
  augment(other, {a, b, features}, own_pictures({a, b, features}), rows, kCropFlip, 6);
  EXPECT_NE(other[0], big[0]);
}

// Columns [col, col + width) of every row and channel of a batch of `s` images.
nn::Matrix columns(const nn::Matrix& x, const ImageShape& s, size_t col, size_t width) {
  nn::Matrix part(x.rows(), static_cast<Eigen::Index>(s.channels * s.rows * width));
  for (Eigen::Index b = 0; b < x.rows(); ++b)
    for (size_t c = 0; c < s.channels; ++c)
      for (size_t r = 0; r < s.rows; ++r)
        for (size_t q = 0; q < width; ++q)
          part(b, static_cast<Eigen::Index>((c * s.rows + r) * width + q)) =
              x(b, static_cast<Eigen::Index>((c * s.rows + r) * s.cols + col + q));
  return part;
}

TEST(Augment, PiecesOfOnePictureMoveAsThePictureDoes) {
  // A 6x8 picture cut into a left half of 5 columns and a right half of 3.
  const ImageShape whole{6, 8, 2}, left{6, 5, 2}, right{6, 3, 2};
  const nn::Matrix picture = numbered(40, whole);
  std::vector<size_t> rows(40);
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = 3 * i;
  std::vector<nn::Matrix> moved{picture};
  augment(moved, {whole}, own_pictures({whole}), rows, kCropFlip, 9);
  const std::vector<ImagePlacement> halves{{7, 0, 0, 6, 8}, {7, 0, 5, 6, 8}};
  std::vector<nn::Matrix> x{columns(picture, whole, 0, 5), columns(picture, whole, 5, 3)};
  augment(x, {left, right}, halves, rows, kCropFlip, 9);
  EXPECT_EQ(x[0], columns(moved[0], whole, 0, 5));
  EXPECT_EQ(x[1], columns(moved[0], whole, 5, 3));
  // A piece whose other half is left out (data.modalities) takes zeros where the other was.
  std::vector<nn::Matrix> alone{columns(picture, whole, 0, 5)};
  augment(alone, {left}, {halves[0]}, rows, kCropFlip, 9);
  nn::Matrix no_right = picture;
  for (Eigen::Index b = 0; b < no_right.rows(); ++b)
    for (size_t c = 0; c < 2; ++c)
      for (size_t r = 0; r < 6; ++r)
        for (size_t q = 5; q < 8; ++q)
          no_right(b, static_cast<Eigen::Index>((c * 6 + r) * 8 + q)) = 0;
  std::vector<nn::Matrix> moved_alone{no_right};
  augment(moved_alone, {whole}, own_pictures({whole}), rows, kCropFlip, 9);
  EXPECT_EQ(alone[0], columns(moved_alone[0], whole, 0, 5));
}

TEST(Augment, NoneLeavesTheBatchAlone) {
  const ImageShape s{4, 4, 1};
  std::vector<nn::Matrix> x{numbered(2, s)};
  const std::vector<size_t> rows{0, 1};
  augment(x, {s}, own_pictures({s}), rows, {}, 1);
  EXPECT_EQ(x[0], numbered(2, s));
  const Augmentation flip_only{.flip = true};
  augment(x, {s}, own_pictures({s}), rows, flip_only, 1);
  for (Eigen::Index b = 0; b < 2; ++b) {
    const Found f = which_move(numbered(2, s).row(b).data(), x[0].row(b).data(), s, 0);
    EXPECT_EQ(f.dy, 0);
    EXPECT_EQ(f.dx, 0);
  }
}

TEST(Augment, AutoIsCropFlipForCifarUnderAConvolutionalFrontEndOnly) {
  EXPECT_EQ(augmentation_for(Augment::automatic, "cifar10/split-h2", Frontend::cnn), kCropFlip);
  EXPECT_EQ(augmentation_for(Augment::automatic, "cifar10/channels", Frontend::cnn), kCropFlip);
  EXPECT_EQ(augmentation_for(Augment::automatic, "cifar10/split-h2", Frontend::mlp),
            Augmentation{});
  EXPECT_EQ(augmentation_for(Augment::automatic, "mnist/split-h2", Frontend::cnn), Augmentation{});
  EXPECT_EQ(augmentation_for(Augment::crop_flip, "mnist/split-h2", Frontend::mlp), kCropFlip);
  EXPECT_EQ(augmentation_for(Augment::none, "cifar10/split-h2", Frontend::cnn), Augmentation{});
  EXPECT_THROW(augmentation_for(Augment::automatic, "nosuch", Frontend::cnn), UsageError);
}

}  // namespace
}  // namespace qmf::data
