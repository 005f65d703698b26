#include "nn/linear.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace qmf::nn {
namespace {

std::vector<double> init_linear(uint64_t seed, Index in, Index out) {
  ParameterArena arena;
  Linear layer(arena, "lin", in, out);
  Rng rng(seed);
  layer.init(rng);
  const auto v = arena.values();
  return {v.begin(), v.end()};
}

TEST(Linear, AddsNamedWeightAndBiasBlocks) {
  ParameterArena arena;
  arena.add("before", 5, ParamKind::Quantum);
  Linear layer(arena, "ffn1.0", 4, 3);
  EXPECT_EQ(arena.block("ffn1.0.weight").size, 12u);
  EXPECT_EQ(arena.block("ffn1.0.bias").size, 3u);
  EXPECT_EQ(layer.weight_offset(), 5u);
  EXPECT_EQ(layer.bias_offset(), 17u);
  EXPECT_EQ(layer.parameter_count(), 15u);
  EXPECT_EQ(arena.counts().classical, 15u);
}

TEST(Linear, InitIsUniformInsideTheFanInBound) {
  const Index in = 392;
  const Index out = 64;
  const std::vector<double> v = init_linear(7, in, out);
  const double bound = 1.0 / std::sqrt(static_cast<double>(in));
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  EXPECT_GT(*lo, -bound);
  EXPECT_LT(*hi, bound);
  // 25k draws cover the interval and centre on 0.
  EXPECT_LT(*lo, -0.99 * bound);
  EXPECT_GT(*hi, 0.99 * bound);
  double mean = 0.0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  EXPECT_LT(std::abs(mean), 0.02 * bound);
  // The bias is drawn too, from the same range.
  const auto bias_begin = v.end() - out;
  EXPECT_TRUE(std::any_of(bias_begin, v.end(), [](double b) { return b != 0.0; }));
  EXPECT_TRUE(std::all_of(bias_begin, v.end(), [&](double b) { return std::abs(b) < bound; }));
}

TEST(Linear, InitIsDeterministicInTheSeed) {
  EXPECT_EQ(init_linear(42, 10, 4), init_linear(42, 10, 4));
  EXPECT_NE(init_linear(42, 10, 4), init_linear(43, 10, 4));
}

TEST(Linear, ForwardMatchesANaiveLoop) {
  ParameterArena arena;
  Linear layer(arena, "lin", 3, 2);
  Rng rng(1);
  layer.init(rng);
  Matrix x(4, 3);
  for (Index i = 0; i < x.size(); ++i) x.data()[i] = rng.uniform(-1.0, 1.0);
  Matrix y;
  layer.forward(x, y);
  ASSERT_EQ(y.rows(), 4);
  ASSERT_EQ(y.cols(), 2);
  const auto p = arena.values();
  for (Index b = 0; b < 4; ++b)
    for (Index o = 0; o < 2; ++o) {
      double expect = p[static_cast<size_t>(6 + o)];  // bias after the 2 x 3 weight
      for (Index i = 0; i < 3; ++i) expect += p[static_cast<size_t>(o * 3 + i)] * x(b, i);
      EXPECT_NEAR(y(b, o), expect, 1e-15);
    }
}

TEST(Linear, BackwardAccumulatesIntoTheArena) {
  ParameterArena arena;
  Linear layer(arena, "lin", 3, 2);
  Rng rng(2);
  layer.init(rng);
  Matrix x = Matrix::Ones(2, 3);
  Matrix dy = Matrix::Ones(2, 2);
  layer.backward(x, dy, nullptr);
  layer.backward(x, dy, nullptr);
  for (double g : arena.grads()) EXPECT_DOUBLE_EQ(g, 4.0);  // 2 samples x 2 calls
}

TEST(Linear, RejectsWrongShapes) {
  ParameterArena arena;
  Linear layer(arena, "lin", 3, 2);
  Matrix y;
  EXPECT_THROW(layer.forward(Matrix::Zero(2, 4), y), std::logic_error);
  Matrix dx;
  EXPECT_THROW(layer.backward(Matrix::Zero(2, 3), Matrix::Zero(3, 2), &dx), std::logic_error);
  EXPECT_THROW(Linear(arena, "bad", 0, 2), std::logic_error);
}

}  // namespace
}  // namespace qmf::nn
