// Dropout: the identity at evaluation, the kept fraction and the scaling in training, masks
// that follow the sample's stream rather than its batch, and backward through the same mask.
#include "nn/dropout.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "core/rng.h"
#include "support/layer_gradient.h"

namespace qmf::nn {
namespace {

using qmf::testing::random_matrix;

TEST(Dropout, EvaluationIsTheIdentity) {
  Rng rng(1);
  const Matrix x = random_matrix(rng, 5, 40);
  Dropout dropout(0.5);
  Matrix y, dx;
  dropout.forward(x, y, false, 7);
  EXPECT_EQ(y, x);
  dropout.backward(x, dx);
  EXPECT_EQ(dx, x);
  Dropout none(0.0);
  none.forward(x, y, true, 7);
  EXPECT_EQ(y, x);
}

TEST(Dropout, KeepsOneMinusTheRateAndScalesTheKept) {
  const double rate = 0.3;
  Rng rng(2);
  const Matrix x = random_matrix(rng, 200, 500).array() + 2.0;  // never 0
  Dropout dropout(rate);
  Matrix y;
  dropout.forward(x, y, true, 1000);
  Index dropped = 0;
  for (Index i = 0; i < x.size(); ++i) {
    if (y.data()[i] == 0.0) {
      ++dropped;
    } else {
      EXPECT_DOUBLE_EQ(y.data()[i], x.data()[i] / (1.0 - rate));
    }
  }
  // 100000 entries: the dropped fraction's standard deviation is 0.0014.
  EXPECT_NEAR(static_cast<double>(dropped) / static_cast<double>(x.size()), rate, 0.01);
  // Inverted dropout keeps the expected value: the mean of a constant input stays put.
  Matrix ones = Matrix::Ones(200, 500);
  dropout.forward(ones, y, true, 5000);
  EXPECT_NEAR(y.mean(), 1.0, 0.02);
}

TEST(Dropout, ARowsMaskFollowsItsStreamNotItsBatch) {
  const Matrix x = Matrix::Ones(6, 300);
  Dropout dropout(0.5);
  Matrix whole, part;
  dropout.forward(x, whole, true, 40);  // rows draw from streams 40..45
  dropout.forward(x.bottomRows(2), part, true, 44);
  EXPECT_EQ(part.row(0), whole.row(4));
  EXPECT_EQ(part.row(1), whole.row(5));
  EXPECT_NE(whole.row(0), whole.row(1));  // streams differ
  dropout.forward(x, part, true, 41);
  EXPECT_NE(part.row(0), whole.row(0));
  EXPECT_EQ(part.row(0), whole.row(1));
}

TEST(Dropout, TheSaltSetsLayersApart) {
  const Matrix x = Matrix::Ones(3, 300);
  Matrix a, b, c;
  Dropout(0.5, 1).forward(x, a, true, 40);
  Dropout(0.5, 2).forward(x, b, true, 40);
  Dropout(0.5, 1).forward(x, c, true, 40);
  EXPECT_NE(a, b);
  EXPECT_EQ(a, c);
}

TEST(Dropout, BackwardAppliesTheKeptMask) {
  Rng rng(3);
  const Matrix x = random_matrix(rng, 4, 50).array() + 2.0;
  const Matrix dy = random_matrix(rng, 4, 50);
  Dropout dropout(0.4);
  Matrix y, dx;
  dropout.forward(x, y, true, 9);
  dropout.backward(dy, dx);
  // y = x * mask elementwise, so dx = dy * mask = dy * y / x.
  for (Index i = 0; i < x.size(); ++i)
    EXPECT_DOUBLE_EQ(dx.data()[i], dy.data()[i] * (y.data()[i] / x.data()[i]));
  Matrix in_place = dy;
  dropout.backward(in_place, in_place);
  EXPECT_EQ(in_place, dx);
}

TEST(Dropout, RateMustBeBelowOne) {
  EXPECT_THROW(Dropout(1.0), std::logic_error);
  EXPECT_THROW(Dropout(-0.1), std::logic_error);
  EXPECT_THROW(Dropout(std::nan("")), std::logic_error);
}

}  // namespace
}  // namespace qmf::nn
