#include "nn/loss.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace qmf::nn {
namespace {

TEST(Loss, LogSoftmaxIsStableForLogitsOfMagnitude1e3) {
  Matrix logits(3, 3);
  logits << 1000.0, 1001.0, 1002.0,  //
      -1000.0, -1001.0, -1002.0,     //
      1000.0, -1000.0, 0.0;
  Matrix logp;
  log_softmax(logits, logp);
  ASSERT_TRUE(logp.allFinite());
  // Shift-invariant: rows 0 and 1 are softmax of {0, 1, 2} and {0, -1, -2}.
  const double lse = std::log(1.0 + std::exp(1.0) + std::exp(2.0));
  EXPECT_NEAR(logp(0, 0), -lse, 1e-12);
  EXPECT_NEAR(logp(0, 2), 2.0 - lse, 1e-12);
  EXPECT_NEAR(logp(1, 0), -std::log(1.0 + std::exp(-1.0) + std::exp(-2.0)), 1e-12);
  EXPECT_NEAR(logp(2, 0), 0.0, 1e-12);
  EXPECT_NEAR(logp(2, 1), -2000.0, 1e-9);
  for (Index b = 0; b < 3; ++b) EXPECT_NEAR(logp.row(b).array().exp().sum(), 1.0, 1e-14);
}

TEST(Loss, CrossEntropyIsStableAndItsGradientSumsToZero) {
  Matrix logits(2, 3);
  logits << 1000.0, -1000.0, 999.0,  //
      -1e3, -1e3, -1e3;
  const std::vector<int> labels = {1, 2};
  Matrix d;
  const double loss = softmax_cross_entropy(logits, labels, d);
  ASSERT_TRUE(std::isfinite(loss));
  ASSERT_TRUE(d.allFinite());
  // Sample 0: -log p_1 = 2000 + log(1 + e^-1); sample 1: log 3.
  const double expect = 0.5 * (2000.0 + std::log(1.0 + std::exp(-1.0)) + std::log(3.0));
  EXPECT_NEAR(loss, expect, 1e-10);
  for (Index b = 0; b < 2; ++b) EXPECT_NEAR(d.row(b).sum(), 0.0, 1e-15);
  EXPECT_NEAR(d(1, 2), (1.0 / 3.0 - 1.0) / 2.0, 1e-15);  // divided by the batch
}

TEST(Loss, UniformLogitsGiveLogC) {
  Matrix d;
  const std::vector<int> labels = {0, 1, 2, 3};
  EXPECT_NEAR(softmax_cross_entropy(Matrix::Zero(4, 4), labels, d), std::log(4.0), 1e-15);
}

TEST(Loss, SoftmaxRowsSumToOne) {
  Matrix logits(2, 4);
  logits << 1.0, 2.0, 3.0, 4.0, 700.0, 710.0, -5.0, 0.0;
  Matrix p;
  softmax(logits, p);
  ASSERT_TRUE(p.allFinite());
  for (Index b = 0; b < 2; ++b) EXPECT_NEAR(p.row(b).sum(), 1.0, 1e-15);
  EXPECT_NEAR(p(1, 1), 1.0 / (1.0 + std::exp(-10.0)), 1e-15);
}

TEST(Loss, BadLabelsAreCaught) {
  Matrix d;
  const std::vector<int> out_of_range = {0, 3};
  EXPECT_THROW(softmax_cross_entropy(Matrix::Zero(2, 3), out_of_range, d), std::logic_error);
  const std::vector<int> negative = {0, -1};
  EXPECT_THROW(softmax_cross_entropy(Matrix::Zero(2, 3), negative, d), std::logic_error);
  const std::vector<int> too_few = {0};
  EXPECT_THROW(softmax_cross_entropy(Matrix::Zero(2, 3), too_few, d), std::logic_error);
}

}  // namespace
}  // namespace qmf::nn
