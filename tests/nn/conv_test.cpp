// Conv2d: shapes, values against a direct evaluation of the convolution sum, gradients against
// finite differences, and the same bits for every thread count.
#include "nn/conv2d.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/parallel.h"
#include "support/layer_gradient.h"

namespace qmf::nn {
namespace {

using qmf::testing::expect_gradients_match;
using qmf::testing::project;
using qmf::testing::random_matrix;

struct Geometry {
  ImageShape in;
  size_t out_channels, kernel, stride, padding;
};

// y[o, i, j] = b[o] + sum W[o, c, u, v] x[c, i s + u - p, j s + v - p], straight from the
// definition (conv2d.h), for one sample.
std::vector<double> direct_convolution(const Geometry& g, const ImageShape& out, const double* x,
                                       const double* w, const double* b) {
  std::vector<double> y;
  const auto at = [&](size_t c, long r, long col) {
    if (r < 0 || col < 0 || r >= static_cast<long>(g.in.rows) ||
        col >= static_cast<long>(g.in.cols))
      return 0.0;
    return x[(c * g.in.rows + static_cast<size_t>(r)) * g.in.cols + static_cast<size_t>(col)];
  };
  for (size_t o = 0; o < out.channels; ++o)
    for (size_t i = 0; i < out.rows; ++i)
      for (size_t j = 0; j < out.cols; ++j) {
        double sum = b[o];
        for (size_t c = 0; c < g.in.channels; ++c)
          for (size_t u = 0; u < g.kernel; ++u)
            for (size_t v = 0; v < g.kernel; ++v) {
              const long r = static_cast<long>(i * g.stride + u) - static_cast<long>(g.padding);
              const long col = static_cast<long>(j * g.stride + v) - static_cast<long>(g.padding);
              sum += w[((o * g.in.channels + c) * g.kernel + u) * g.kernel + v] * at(c, r, col);
            }
        y.push_back(sum);
      }
  return y;
}

Conv2d make_conv(ParameterArena& arena, const Geometry& g, int threads = 1) {
  return Conv2d(arena, "conv", g.in, g.out_channels, g.kernel, g.stride, g.padding, threads);
}

// Stride 1 and 2, padding 0 and 1, kernels 1, 2 and 3, non-square images, several channels.
const Geometry kGeometries[] = {
    {{5, 4, 2}, 3, 3, 1, 0}, {{5, 4, 2}, 3, 3, 1, 1}, {{6, 5, 3}, 2, 3, 2, 1},
    {{7, 5, 2}, 4, 1, 1, 0}, {{7, 5, 2}, 3, 1, 2, 0}, {{6, 7, 2}, 2, 3, 2, 0},
    {{4, 6, 1}, 2, 2, 1, 1},
};

TEST(Conv2d, AddsAdjacentWeightAndBiasBlocks) {
  ParameterArena arena;
  arena.add("before", 4, ParamKind::Quantum);
  Conv2d conv(arena, "img.conv1", {32, 16, 3}, 16, 3, 1, 1, 1);
  EXPECT_EQ(arena.block("img.conv1.weight").size, 16u * 27u);
  EXPECT_EQ(arena.block("img.conv1.bias").size, 16u);
  EXPECT_EQ(arena.block("img.conv1.weight").kind, ParamKind::Classical);
  EXPECT_EQ(conv.weight_offset(), 4u);
  EXPECT_EQ(conv.bias_offset(), 4u + 16u * 27u);
  EXPECT_EQ(conv.parameter_count(), 16u * 27u + 16u);
}

TEST(Conv2d, OutputShapeIsFloorOfTheStridedSpan) {
  ParameterArena arena;
  EXPECT_EQ(Conv2d(arena, "a", {32, 16, 3}, 16, 3, 1, 1, 1).out_shape(), (ImageShape{32, 16, 16}));
  EXPECT_EQ(Conv2d(arena, "b", {7, 6, 2}, 4, 3, 2, 1, 1).out_shape(), (ImageShape{4, 3, 4}));
  EXPECT_EQ(Conv2d(arena, "c", {7, 6, 2}, 5, 3, 2, 0, 1).out_shape(), (ImageShape{3, 2, 5}));
  EXPECT_EQ(Conv2d(arena, "d", {4, 6, 1}, 1, 2, 1, 1, 1).out_shape(), (ImageShape{5, 7, 1}));
}

TEST(Conv2d, InitIsUniformInsideTheFanInBound) {
  ParameterArena arena;
  Conv2d conv(arena, "c", {8, 8, 4}, 32, 3, 1, 1, 1);
  Rng rng(5);
  conv.init(rng);
  const double bound = 1.0 / 6.0;  // fan-in 4 * 3 * 3 = 36
  const auto v = arena.values();
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  EXPECT_GT(*lo, -bound);
  EXPECT_LT(*hi, bound);
  EXPECT_LT(*lo, -0.95 * bound);
  EXPECT_GT(*hi, 0.95 * bound);
  // Weights first, then biases, from one generator: the draw order is the seed's meaning.
  Rng again(5);
  for (double x : v) EXPECT_EQ(x, again.uniform(-bound, bound));
}

TEST(Conv2d, HandComputedPaddedConvolution) {
  // A 2x2 image under a 3x3 kernel 1..9 with padding 1: each output sums the taps that land
  // on the image, e.g. (0,0) = 5*1 + 6*2 + 8*3 + 9*4 = 77.
  ParameterArena arena;
  Conv2d conv(arena, "c", {2, 2, 1}, 1, 3, 1, 1, 1);
  for (size_t i = 0; i < 9; ++i) arena.values()[i] = static_cast<double>(i + 1);
  arena.values()[9] = 0.5;
  Matrix x(1, 4);
  x << 1, 2, 3, 4;
  Matrix y;
  conv.forward(x, y);
  Matrix expected(1, 4);
  expected << 77.5, 67.5, 47.5, 37.5;
  EXPECT_EQ(y, expected);
}

TEST(Conv2d, HandComputedStridedChannelMix) {
  // Kernel 1, stride 2 on a 3x3 image of 2 channels: the corners, weighted per channel.
  ParameterArena arena;
  Conv2d conv(arena, "c", {3, 3, 2}, 1, 1, 2, 0, 1);
  const std::vector<double> params = {2.0, -1.0, 10.0};  // w[c0], w[c1], bias
  std::copy(params.begin(), params.end(), arena.values().begin());
  Matrix x(1, 18);
  for (Index i = 0; i < 9; ++i) {
    x(0, i) = static_cast<double>(i + 1);  // channel 0: 1..9
    x(0, 9 + i) = 100.0;                   // channel 1: constant
  }
  Matrix y;
  conv.forward(x, y);
  Matrix expected(1, 4);
  expected << 2 - 100 + 10, 6 - 100 + 10, 14 - 100 + 10, 18 - 100 + 10;
  EXPECT_EQ(y, expected);
}

TEST(Conv2d, ForwardMatchesTheDefinition) {
  for (const Geometry& g : kGeometries) {
    SCOPED_TRACE(::testing::Message() << g.in.rows << "x" << g.in.cols << "x" << g.in.channels
                                      << " k" << g.kernel << " s" << g.stride << " p" << g.padding);
    ParameterArena arena;
    Conv2d conv = make_conv(arena, g);
    Rng rng(3);
    conv.init(rng);
    // 18 chunks: two waves of chunks, the second short, its last chunk short too.
    const Matrix x = random_matrix(rng, 139, static_cast<Index>(g.in.size()));
    Matrix y;
    conv.forward(x, y);
    ASSERT_EQ(y.cols(), static_cast<Index>(conv.out_shape().size()));
    const double* w = arena.values().data();
    for (Index b = 0; b < x.rows(); ++b) {
      const std::vector<double> want = direct_convolution(
          g, conv.out_shape(), x.row(b).data(), w, w + conv.bias_offset() - conv.weight_offset());
      for (Index i = 0; i < y.cols(); ++i)
        EXPECT_NEAR(y(b, i), want[static_cast<size_t>(i)], 1e-12);
    }
  }
}

// The convolution of geometry g on a random batch, its gradients against finite differences of
// a fixed projection of its output.
void expect_conv_gradients_match(const Geometry& g, Index batch, uint64_t seed) {
  ParameterArena arena;
  Conv2d conv = make_conv(arena, g);
  Rng rng(seed);
  conv.init(rng);
  Matrix x = random_matrix(rng, batch, static_cast<Index>(g.in.size()));
  const Matrix r = random_matrix(rng, batch, static_cast<Index>(conv.out_shape().size()));
  Matrix y;
  const auto loss = [&] {
    conv.forward(x, y);
    return project(y, r);
  };
  expect_gradients_match(arena, x, loss, [&](Matrix& dx) { conv.backward(x, r, &dx); });
}

TEST(Conv2d, GradientsMatchFiniteDifferences) {
  for (const Geometry& g : kGeometries) {
    for (Index batch : {3, 10}) {  // one short chunk; a full one and a short one
      SCOPED_TRACE(::testing::Message()
                   << g.in.rows << "x" << g.in.cols << "x" << g.in.channels << " k" << g.kernel
                   << " s" << g.stride << " p" << g.padding << " batch " << batch);
      expect_conv_gradients_match(g, batch, 17);
    }
  }
}

TEST(Conv2d, GradientsOverSeveralWavesOfChunks) {
  const Geometry g{{3, 4, 1}, 2, 3, 1, 1};
  expect_conv_gradients_match(g, 2 * Conv2d::kChunk * static_cast<Index>(Conv2d::kSlots) + 3, 19);
}

TEST(Conv2d, BackwardAddsToTheGradientsAndMayOmitDx) {
  ParameterArena arena;
  Conv2d conv(arena, "c", {5, 4, 2}, 3, 3, 1, 1, 1);
  Rng rng(8);
  conv.init(rng);
  const Matrix x = random_matrix(rng, 4, 40);
  const Matrix dy = random_matrix(rng, 4, 60);
  arena.zero_grad();
  Matrix dx;
  conv.backward(x, dy, &dx);
  const std::vector<double> once(arena.grads().begin(), arena.grads().end());
  conv.backward(x, dy, nullptr);
  for (size_t i = 0; i < once.size(); ++i) EXPECT_EQ(arena.grads()[i], 2.0 * once[i]);
}

bool same_bits(const Matrix& a, const Matrix& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), static_cast<size_t>(a.size()) * sizeof(double)) == 0;
}

// Backward after a forward of the same matrix reuses the forward's columns; it must give the bits
// of a backward that unrolls afresh, and must unroll afresh whenever the columns are not x's.
TEST(Conv2d, BackwardAfterForwardGivesTheBitsOfAFreshBackward) {
  const Geometry g{{6, 5, 3}, 4, 3, 1, 1};
  Rng rng(31);
  const Matrix x = random_matrix(rng, 21, static_cast<Index>(g.in.size()));  // a short chunk
  const Matrix other = random_matrix(rng, 21, static_cast<Index>(g.in.size()));
  const Matrix dy = random_matrix(rng, 21, Index{4} * 30);  // 4 channels of 6x5
  // backward(x) on a fresh layer, after a forward of `before` when it is not null.
  const auto gradients = [&](const Matrix* before, Matrix& dx, std::vector<double>& grads) {
    ParameterArena arena;
    Conv2d conv = make_conv(arena, g);
    Rng init(5);
    conv.init(init);
    Matrix y;
    if (before != nullptr) conv.forward(*before, y);
    arena.zero_grad();
    conv.backward(x, dy, &dx);
    conv.backward(x, dy, &dx);  // the first overwrote the columns with dx's: unrolls again
    grads.assign(arena.grads().begin(), arena.grads().end());
  };
  Matrix fresh_dx;
  std::vector<double> fresh;
  gradients(nullptr, fresh_dx, fresh);
  for (const Matrix* before : {&x, &other}) {
    SCOPED_TRACE(before == &x ? "after forward(x)" : "after forward(other)");
    Matrix dx;
    std::vector<double> grads;
    gradients(before, dx, grads);
    EXPECT_TRUE(same_bits(dx, fresh_dx));
    EXPECT_EQ(std::memcmp(grads.data(), fresh.data(), fresh.size() * sizeof(double)), 0);
  }
}

TEST(Conv2d, EveryThreadCountGivesTheSameBits) {
  use_threads(1);  // Eigen's own products on one thread, as every command sets up
  const Geometry g{{9, 7, 3}, 5, 3, 1, 1};
  const auto run = [&](int threads, Matrix& y, Matrix& dx, std::vector<double>& grads) {
    ParameterArena arena;
    Conv2d conv = make_conv(arena, g, threads);
    Rng rng(23);
    conv.init(rng);
    const Matrix x = random_matrix(rng, 157, static_cast<Index>(g.in.size()));  // 2 waves
    const Matrix dy = random_matrix(rng, 157, static_cast<Index>(conv.out_shape().size()));
    conv.forward(x, y);
    conv.backward(x, dy, &dx);
    grads.assign(arena.grads().begin(), arena.grads().end());
  };
  Matrix y1, dx1;
  std::vector<double> g1;
  run(1, y1, dx1, g1);
  for (int threads : {2, 3}) {
    SCOPED_TRACE(threads);
    Matrix y, dx;
    std::vector<double> grads;
    run(threads, y, dx, grads);
    EXPECT_TRUE(same_bits(y, y1));
    EXPECT_TRUE(same_bits(dx, dx1));
    EXPECT_EQ(std::memcmp(grads.data(), g1.data(), g1.size() * sizeof(double)), 0);
  }
}

TEST(Conv2d, RejectsAKernelLargerThanThePaddedImage) {
  ParameterArena arena;
  try {
    Conv2d(arena, "img.conv1", {3, 4, 1}, 2, 5, 1, 0, 1);
    FAIL() << "no UsageError";
  } catch (const UsageError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("a 5x5 kernel does not fit a 3x4 image"));
  }
  EXPECT_NO_THROW(Conv2d(arena, "fits", {3, 4, 1}, 2, 5, 1, 1, 1));  // 5x6 once padded
  EXPECT_THROW(Conv2d(arena, "none", {3, 4, 1}, 0, 3, 1, 1, 1), std::logic_error);
  EXPECT_THROW(Conv2d(arena, "stride", {3, 4, 1}, 2, 3, 0, 1, 1), std::logic_error);
  EXPECT_THROW(Conv2d(arena, "pad", {3, 4, 1}, 2, 3, 1, 3, 1), std::logic_error);
}

}  // namespace
}  // namespace qmf::nn
