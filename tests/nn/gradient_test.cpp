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

namespace qmf::nn {
namespace {

constexpr double kTolerance = 1e-7;

Matrix random_matrix(Rng& rng, Index rows, Index cols) {
  Matrix m(rows, cols);
  for (Index i = 0; i < m.size(); ++i) m.data()[i] = rng.uniform(-1.0, 1.0);
  return m;
}

std::span<double> entries(Matrix& m) { return {m.data(), static_cast<size_t>(m.size())}; }

// d loss / d v[i] by central differences, perturbing v in place and restoring it.
std::vector<double> numeric_gradient(std::span<double> v, const std::function<double()>& loss) {
  const double h = 1e-5;
  std::vector<double> g(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    const double saved = v[i];
    v[i] = saved + h;
    const double up = loss();
    v[i] = saved - h;
    const double down = loss();
    v[i] = saved;
    g[i] = (up - down) / (2.0 * h);
  }
  return g;
}

// ||a - b|| / max(||a||, ||b||); both gradients are expected to be far from zero.
double relative_error(std::span<const double> a, std::span<const double> b) {
  EXPECT_EQ(a.size(), b.size());
  double diff = 0.0, na = 0.0, nb = 0.0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff += (a[i] - b[i]) * (a[i] - b[i]);
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  EXPECT_GT(std::max(na, nb), 1e-6) << "degenerate gradient: the test would prove nothing";
  return std::sqrt(diff / std::max(na, nb));
}

// Checks the arena gradient and dx left by `backward` against finite differences of `loss`,
// over every parameter and every entry of x.
void expect_gradients_match(ParameterArena& arena, Matrix& x, const std::function<double()>& loss,
                            const std::function<void(Matrix& dx)>& backward) {
  arena.zero_grad();
  loss();  // a forward for layers that keep activations
  Matrix dx;
  backward(dx);
  const std::vector<double> analytic(arena.grads().begin(), arena.grads().end());
  EXPECT_LT(relative_error(analytic, numeric_gradient(arena.values(), loss)), kTolerance);
  EXPECT_LT(relative_error(entries(dx), numeric_gradient(entries(x), loss)), kTolerance);
}

// A fixed random projection turns a layer output y into the scalar sum(y .* r): dL/dy = r.
double project(const Matrix& y, const Matrix& r) { return (y.array() * r.array()).sum(); }

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
