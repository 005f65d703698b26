// Pool2d: shapes, hand-computed max and average pooling forward and backward, gradients against
// finite differences, and the config spellings.
#include "nn/pool2d.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "nn/arena.h"
#include "support/layer_gradient.h"

namespace qmf::nn {
namespace {

using qmf::testing::expect_gradients_match;
using qmf::testing::project;
using qmf::testing::random_matrix;

// One 4x4 plane, then a second that is its negative.
Matrix two_planes() {
  Matrix x(1, 32);
  const double plane[16] = {1, 5, 2,  0,  //
                            3, 4, 8,  8,  //
                            0, 0, -1, 7,  //
                            9, 0, 6,  -2};
  for (Index i = 0; i < 16; ++i) {
    x(0, i) = plane[i];
    x(0, 16 + i) = -plane[i];
  }
  return x;
}

TEST(Pool2d, OutputShapeDropsTheRaggedEdge) {
  EXPECT_EQ(Pool2d({5, 7, 2}, Pooling::max, 2, 2).out_shape(), (ImageShape{2, 3, 2}));
  EXPECT_EQ(Pool2d({5, 7, 2}, Pooling::avg, 3, 2).out_shape(), (ImageShape{2, 3, 2}));
  EXPECT_EQ(Pool2d({5, 7, 2}, Pooling::max, 2, 1).out_shape(), (ImageShape{4, 6, 2}));
  EXPECT_EQ(Pool2d({5, 7, 2}, Pooling::max, 5, 5).out_shape(), (ImageShape{1, 1, 2}));
}

TEST(Pool2d, RejectsAWindowLargerThanTheImage) {
  try {
    Pool2d({5, 7, 1}, Pooling::max, 6, 6);
    FAIL() << "no UsageError";
  } catch (const UsageError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("a 6x6 pooling window does not fit a 5x7 image"));
  }
  EXPECT_THROW(Pool2d({5, 7, 1}, Pooling::max, 0, 1), std::logic_error);
  EXPECT_THROW(Pool2d({5, 7, 1}, Pooling::max, 2, 0), std::logic_error);
}

TEST(Pool2d, MaxPoolingByHand) {
  Pool2d pool({4, 4, 2}, Pooling::max, 2, 2);
  Matrix y;
  pool.forward(two_planes(), y);
  Matrix expected(1, 8);
  expected << 5, 8, 9, 7,  // the maxima of the first plane's 2x2 squares
      -1, 0, 0, 2;         // and of its negative: the minima, negated
  EXPECT_EQ(y, expected);
}

TEST(Pool2d, AveragePoolingByHand) {
  Pool2d pool({4, 4, 2}, Pooling::avg, 2, 2);
  Matrix y;
  pool.forward(two_planes(), y);
  Matrix expected(1, 8);
  expected << 13.0 / 4, 18.0 / 4, 9.0 / 4, 10.0 / 4, -13.0 / 4, -18.0 / 4, -9.0 / 4, -10.0 / 4;
  EXPECT_EQ(y, expected);
}

TEST(Pool2d, MaxBackwardRoutesToTheWinnerAndTiesToTheFirst) {
  Pool2d pool({4, 4, 2}, Pooling::max, 2, 2);
  Matrix y, dx;
  pool.forward(two_planes(), y);
  Matrix dy(1, 8);
  dy << 1, 2, 3, 4, 5, 6, 7, 8;
  pool.backward(dy, dx);
  Matrix expected = Matrix::Zero(1, 32);
  expected(0, 1) = 1;        // 5 at (0, 1)
  expected(0, 6) = 2;        // 8 at (1, 2), tied with (1, 3): the first in row-major order
  expected(0, 12) = 3;       // 9 at (3, 0)
  expected(0, 11) = 4;       // 7 at (2, 3)
  expected(0, 16 + 0) = 5;   // -1 at (0, 0)
  expected(0, 16 + 3) = 6;   // -0 at (0, 3)
  expected(0, 16 + 8) = 7;   // -0 at (2, 0), tied with (2, 1) and (3, 1)
  expected(0, 16 + 15) = 8;  // 2 at (3, 3)
  EXPECT_EQ(dx, expected);
}

TEST(Pool2d, AverageBackwardSpreadsEvenlyAndOverlapsAdd) {
  Pool2d pool({2, 3, 1}, Pooling::avg, 2, 1);  // two overlapping 2x2 windows
  Matrix y, dx;
  pool.forward(Matrix::Zero(1, 6), y);
  Matrix dy(1, 2);
  dy << 4, 8;
  pool.backward(dy, dx);
  Matrix expected(1, 6);
  expected << 1, 3, 2, 1, 3, 2;
  EXPECT_EQ(dx, expected);
}

void check_gradient(Pooling kind, size_t window, size_t stride, uint64_t seed) {
  ParameterArena none;
  Pool2d pool({6, 5, 3}, kind, window, stride);
  Rng rng(seed);
  Matrix x = random_matrix(rng, 4, 90);
  const Matrix r = random_matrix(rng, 4, static_cast<Index>(pool.out_shape().size()));
  Matrix y;
  const auto loss = [&] {
    pool.forward(x, y);
    return project(y, r);
  };
  expect_gradients_match(none, x, loss, [&](Matrix& dx) { pool.backward(r, dx); });
}

TEST(Pool2d, MaxGradientsMatchFiniteDifferences) {
  check_gradient(Pooling::max, 2, 2, 1);
  check_gradient(Pooling::max, 3, 2, 2);  // overlapping
}

TEST(Pool2d, AverageGradientsMatchFiniteDifferences) {
  check_gradient(Pooling::avg, 2, 2, 3);
  check_gradient(Pooling::avg, 3, 1, 4);  // overlapping
}

TEST(Pool2d, ConfigSpellings) {
  EXPECT_EQ(name_of(Pooling::max), "max");
  EXPECT_EQ(name_of(Pooling::avg), "avg");
  EXPECT_EQ(parse_choice<Pooling>("avg"), Pooling::avg);
  EXPECT_EQ(parse_choice<Pooling>("mean"), std::nullopt);
}

}  // namespace
}  // namespace qmf::nn
