// Analytic gradients of the classical layers against central finite differences, with respect
// to every parameter and to the inputs (docs/MODEL.md: normwise relative error below 1e-7).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <span>
#include <vector>

#include "core/rng.h"
#include "nn/arena.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "nn/mlp.h"
#include "support/layer_gradient.h"

namespace qmf::nn {
namespace {

using qmf::testing::entries;
using qmf::testing::expect_gradients_match;
using qmf::testing::numeric_gradient;
using qmf::testing::project;
using qmf::testing::random_matrix;
using qmf::testing::relative_error;
constexpr double kTolerance = qmf::testing::kGradientTolerance;

TEST(Gradients, Linear) {
  ParameterArena arena;
  Linear layer(arena, "lin", 5, 3);
  Rng rng(11);
  layer.init(rng);
  Matrix x = random_matrix(rng, 4, 5);
  const Matrix r = random_matrix(rng, 4, 3);
  Matrix y;
  const auto loss = [&] {
    layer.forward(x, y);
    return project(y, r);
  };
  expect_gradients_match(arena, x, loss, [&](Matrix& dx) { layer.backward(x, r, &dx); });
}

void check_mlp(Activation act, const std::vector<Index>& sizes, uint64_t seed) {
  ParameterArena arena;
  Mlp mlp(arena, "ffn", sizes, act);
  Rng rng(seed);
  mlp.init(rng);
  Matrix x = random_matrix(rng, 6, sizes.front());
  const Matrix r = random_matrix(rng, 6, sizes.back());
  const auto loss = [&] { return project(mlp.forward(x), r); };
  expect_gradients_match(arena, x, loss, [&](Matrix& dx) { mlp.backward(r, &dx); });
}

TEST(Gradients, MlpRelu) { check_mlp(Activation::relu, {7, 6, 5, 3}, 21); }
TEST(Gradients, MlpTanh) { check_mlp(Activation::tanh, {7, 6, 5, 3}, 22); }
TEST(Gradients, MlpSingleLayer) { check_mlp(Activation::relu, {7, 4}, 23); }

TEST(Gradients, SoftmaxCrossEntropy) {
  Rng rng(31);
  Matrix logits = random_matrix(rng, 5, 4) * 3.0;
  const std::vector<int> labels = {0, 3, 1, 1, 2};
  Matrix dlogits;
  softmax_cross_entropy(logits, labels, dlogits);
  const auto loss = [&] {
    Matrix scratch;
    return softmax_cross_entropy(logits, labels, scratch);
  };
  EXPECT_LT(relative_error(entries(dlogits), numeric_gradient(entries(logits), loss)), kTolerance);
}

TEST(Gradients, LogSoftmax) {
  Rng rng(32);
  Matrix logits = random_matrix(rng, 3, 5) * 2.0;
  const Matrix r = random_matrix(rng, 3, 5);
  Matrix logp;
  const auto loss = [&] {
    log_softmax(logits, logp);
    return project(logp, r);
  };
  loss();
  Matrix dlogits;
  log_softmax_backward(logp, r, dlogits);
  EXPECT_LT(relative_error(entries(dlogits), numeric_gradient(entries(logits), loss)), kTolerance);
}

// The whole classical path a baseline trains: Mlp, then mean cross-entropy.
TEST(Gradients, MlpThroughCrossEntropy) {
  ParameterArena arena;
  Mlp mlp(arena, "early", {8, 6, 4}, Activation::tanh);
  Rng rng(41);
  mlp.init(rng);
  Matrix x = random_matrix(rng, 5, 8);
  const std::vector<int> labels = {3, 0, 2, 2, 1};
  Matrix dlogits;
  const auto loss = [&] { return softmax_cross_entropy(mlp.forward(x), labels, dlogits); };
  expect_gradients_match(arena, x, loss, [&](Matrix& dx) { mlp.backward(dlogits, &dx); });
}

}  // namespace
}  // namespace qmf::nn
