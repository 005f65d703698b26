// GroupNorm: per-sample, per-group statistics, the affine map, gradients against finite
// differences, and a sample's output independent of the batch around it.
#include "nn/group_norm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "support/layer_gradient.h"

namespace qmf::nn {
namespace {

using qmf::testing::expect_gradients_match;
using qmf::testing::project;
using qmf::testing::random_matrix;

// Random values with a spread and an offset of their own per sample, on a ramp along the row:
// every group has its own mean, so statistics over anything but the group would show.
Matrix shifted_batch(Rng& rng, Index rows, Index cols) {
  Matrix x = random_matrix(rng, rows, cols);
  for (Index b = 0; b < rows; ++b)
    for (Index i = 0; i < cols; ++i)
      x(b, i) = x(b, i) * static_cast<double>(b + 2) + 3.0 * static_cast<double>(b) +
                0.2 * static_cast<double>(i);
  return x;
}

// gamma and beta away from the identity, so that their gradients matter.
void randomise_affine(ParameterArena& arena, Rng& rng) {
  for (double& v : arena.values()) v = rng.uniform(0.5, 1.5);
}

TEST(GroupNorm, AddsGammaAndBetaAndInitDrawsNothing) {
  ParameterArena arena;
  GroupNorm norm(arena, "img.norm1", {4, 3, 6}, 3);
  EXPECT_EQ(arena.block("img.norm1.gamma").size, 6u);
  EXPECT_EQ(arena.block("img.norm1.beta").size, 6u);
  EXPECT_EQ(norm.parameter_count(), 12u);
  Rng rng(9);
  norm.init(rng);
  Rng fresh(9);
  EXPECT_EQ(rng.next_u64(), fresh.next_u64());
  for (size_t c = 0; c < 6; ++c) {
    EXPECT_EQ(arena.values()[norm.gamma_offset() + c], 1.0);
    EXPECT_EQ(arena.values()[norm.beta_offset() + c], 0.0);
  }
  EXPECT_THROW(GroupNorm(arena, "bad", {4, 3, 6}, 4), std::logic_error);  // 4 does not divide 6
}

TEST(GroupNorm, EachGroupHasZeroMeanAndUnitVariance) {
  const ImageShape shape{3, 4, 6};
  for (size_t groups : {1, 2, 3, 6}) {
    SCOPED_TRACE(groups);
    ParameterArena arena;
    GroupNorm norm(arena, "n", shape, groups);
    Rng rng(4);
    norm.init(rng);
    const Matrix x = shifted_batch(rng, 3, static_cast<Index>(shape.size()));
    Matrix y;
    norm.forward(x, y);
    const auto n = static_cast<Index>(shape.size() / groups);
    for (Index b = 0; b < y.rows(); ++b) {
      for (Index g = 0; g < static_cast<Index>(groups); ++g) {
        const auto v = y.row(b).segment(g * n, n).array();
        const double mean = v.mean();
        const double var = (v - mean).square().mean();
        EXPECT_NEAR(mean, 0.0, 1e-12);
        EXPECT_NEAR(var, 1.0, 1e-3);  // var / (var + 1e-5), var of order 1
      }
    }
  }
}

TEST(GroupNorm, AppliesThePerChannelAffineMap) {
  const ImageShape shape{2, 3, 4};
  ParameterArena arena;
  GroupNorm norm(arena, "n", shape, 2);
  Rng rng(6);
  randomise_affine(arena, rng);
  const Matrix x = shifted_batch(rng, 2, 24);
  Matrix y;
  norm.forward(x, y);
  for (Index b = 0; b < 2; ++b) {
    for (Index g = 0; g < 2; ++g) {
      const auto v = x.row(b).segment(g * 12, 12).array();
      const double mean = v.mean();
      const double std = std::sqrt((v - mean).square().mean() + GroupNorm::kEpsilon);
      for (Index i = 0; i < 12; ++i) {
        const Index c = (g * 12 + i) / 6;
        const double gamma = arena.values()[norm.gamma_offset() + static_cast<size_t>(c)];
        const double beta = arena.values()[norm.beta_offset() + static_cast<size_t>(c)];
        EXPECT_NEAR(y(b, g * 12 + i), gamma * (v(i) - mean) / std + beta, 1e-12);
      }
    }
  }
}

void check_gradient(ImageShape shape, size_t groups, uint64_t seed) {
  ParameterArena arena;
  GroupNorm norm(arena, "n", shape, groups);
  Rng rng(seed);
  randomise_affine(arena, rng);
  Matrix x = shifted_batch(rng, 3, static_cast<Index>(shape.size()));
  const Matrix r = random_matrix(rng, 3, static_cast<Index>(shape.size()));
  Matrix y;
  const auto loss = [&] {
    norm.forward(x, y);
    return project(y, r);
  };
  expect_gradients_match(arena, x, loss, [&](Matrix& dx) { norm.backward(r, dx); });
}

TEST(GroupNorm, GradientsMatchFiniteDifferences) {
  check_gradient({3, 4, 6}, 3, 11);
  check_gradient({3, 4, 6}, 1, 12);
  check_gradient({3, 4, 6}, 6, 13);  // one channel per group
  check_gradient({5, 3, 2}, 2, 14);
}

bool same_bits(const double* a, const double* b, Index n) {
  return std::memcmp(a, b, static_cast<size_t>(n) * sizeof(double)) == 0;
}

TEST(GroupNorm, ASampleDoesNotDependOnItsBatch) {
  // 27 values a sample: rows start at every alignment, which must not change a bit.
  const ImageShape shape{3, 3, 3};
  ParameterArena arena;
  GroupNorm norm(arena, "n", shape, 3);
  Rng rng(15);
  randomise_affine(arena, rng);
  const Matrix batch = shifted_batch(rng, 4, 27);
  const Matrix dy = random_matrix(rng, 4, 27);
  Matrix y_batch, dx_batch, y_alone, dx_alone;
  norm.forward(batch, y_batch);
  norm.backward(dy, dx_batch);
  for (Index b = 0; b < 4; ++b) {
    SCOPED_TRACE(b);
    const Matrix one = batch.row(b);
    const Matrix dy_one = dy.row(b);
    norm.forward(one, y_alone);
    norm.backward(dy_one, dx_alone);
    EXPECT_TRUE(same_bits(y_alone.data(), y_batch.row(b).data(), 27));
    EXPECT_TRUE(same_bits(dx_alone.data(), dx_batch.row(b).data(), 27));
  }
}

}  // namespace
}  // namespace qmf::nn
