#include "nn/mlp.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>

namespace qmf::nn {
namespace {

TEST(Mlp, NamesLayersAndCountsParameters) {
  ParameterArena arena;
  Mlp mlp(arena, "ffn1", {392, 64, 16});
  EXPECT_EQ(mlp.in(), 392);
  EXPECT_EQ(mlp.out(), 16);
  EXPECT_EQ(mlp.layers().size(), 2u);
  EXPECT_EQ(mlp.parameter_count(), 392u * 64 + 64 + 64 * 16 + 16);
  EXPECT_EQ(arena.counts().classical, mlp.parameter_count());
  EXPECT_EQ(arena.counts().quantum, 0u);
  EXPECT_EQ(arena.block("ffn1.0.weight").size, 392u * 64);
  EXPECT_EQ(arena.block("ffn1.1.bias").size, 16u);
  EXPECT_EQ(mlp.activation(), Activation::relu);
}

// Forward is Linear, activation, ..., Linear with nothing after the last layer.
void check_forward_composition(Activation act) {
  ParameterArena arena;
  Mlp mlp(arena, "m", {4, 5, 3, 2}, act);
  Rng rng(5);
  mlp.init(rng);
  Matrix x(3, 4);
  for (Index i = 0; i < x.size(); ++i) x.data()[i] = rng.uniform(-2.0, 2.0);
  Matrix h = x;
  Matrix z;
  for (size_t i = 0; i < mlp.layers().size(); ++i) {
    mlp.layers()[i].forward(h, z);
    if (i + 1 < mlp.layers().size()) activation_forward(act, z, h);
  }
  const Matrix& y = mlp.forward(x);
  ASSERT_EQ(y.rows(), 3);
  ASSERT_EQ(y.cols(), 2);
  EXPECT_EQ(y, z);
}

TEST(Mlp, ForwardComposesLayersRelu) { check_forward_composition(Activation::relu); }
TEST(Mlp, ForwardComposesLayersTanh) { check_forward_composition(Activation::tanh); }

TEST(Mlp, InitDrawsLayersInOrderFromOneStream) {
  ParameterArena a;
  Mlp mlp(a, "m", {3, 4, 2});
  Rng r1(9);
  mlp.init(r1);
  ParameterArena b;
  Linear l0(b, "m.0", 3, 4);
  Linear l1(b, "m.1", 4, 2);
  Rng r2(9);
  l0.init(r2);
  l1.init(r2);
  EXPECT_TRUE(std::equal(a.values().begin(), a.values().end(), b.values().begin()));
}

TEST(Mlp, MisuseIsCaught) {
  ParameterArena arena;
  EXPECT_THROW(Mlp(arena, "bad", {4}), std::logic_error);
  Mlp mlp(arena, "m", {4, 3});
  Matrix dx;
  EXPECT_THROW(mlp.backward(Matrix::Zero(2, 3), &dx), std::logic_error);  // before forward
  mlp.forward(Matrix::Zero(2, 4));
  EXPECT_THROW(mlp.backward(Matrix::Zero(2, 2), &dx), std::logic_error);  // wrong shape
}

}  // namespace
}  // namespace qmf::nn
