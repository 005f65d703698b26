#include "nn/activation.h"

#include <gtest/gtest.h>

#include <cmath>

namespace qmf::nn {
namespace {

Matrix sample() {
  Matrix x(2, 3);
  x << -1.5, 0.0, 2.0, 0.25, -0.5, 3.0;
  return x;
}

TEST(Activation, ReluForwardAndBackward) {
  const Matrix x = sample();
  Matrix y;
  relu_forward(x, y);
  Matrix expect(2, 3);
  expect << 0.0, 0.0, 2.0, 0.25, 0.0, 3.0;
  EXPECT_EQ(y, expect);
  Matrix dx;
  relu_backward(x, Matrix::Constant(2, 3, 2.0), dx);
  Matrix expect_dx(2, 3);
  expect_dx << 0.0, 0.0, 2.0, 2.0, 0.0, 2.0;  // subgradient 0 at the kink
  EXPECT_EQ(dx, expect_dx);
}

TEST(Activation, TanhBackwardUsesTheOutput) {
  const Matrix x = sample();
  Matrix y;
  tanh_forward(x, y);
  Matrix dx;
  tanh_backward(y, Matrix::Ones(2, 3), dx);
  for (Index i = 0; i < x.size(); ++i) {
    EXPECT_DOUBLE_EQ(y.data()[i], std::tanh(x.data()[i]));
    const double c = std::cosh(x.data()[i]);
    EXPECT_NEAR(dx.data()[i], 1.0 / (c * c), 1e-15);
  }
}

TEST(Activation, InPlaceCallsAreAllowed) {
  Matrix x = sample();
  Matrix y;
  activation_forward(Activation::tanh, x, y);
  activation_forward(Activation::tanh, x, x);
  EXPECT_EQ(x, y);
  Matrix g = Matrix::Ones(2, 3);
  Matrix expect;
  activation_backward(Activation::tanh, sample(), y, g, expect);
  activation_backward(Activation::tanh, sample(), y, g, g);
  EXPECT_EQ(g, expect);
}

}  // namespace
}  // namespace qmf::nn
