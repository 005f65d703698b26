#pragma once
// Gradient checks for single classical layers (tests/nn/gradient_test.cpp and the conv layers):
// analytic gradients (parameters and inputs) against central finite differences of a scalar
// loss, normwise relative error below 1e-7 (docs/MODEL.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <span>
#include <vector>

#include "core/rng.h"
#include "nn/arena.h"
#include "nn/tensor.h"

namespace qmf::testing {

inline constexpr double kGradientTolerance = 1e-7;

inline nn::Matrix random_matrix(Rng& rng, nn::Index rows, nn::Index cols) {
  nn::Matrix m(rows, cols);
  for (nn::Index i = 0; i < m.size(); ++i) m.data()[i] = rng.uniform(-1.0, 1.0);
  return m;
}

inline std::span<double> entries(nn::Matrix& m) {
  return {m.data(), static_cast<size_t>(m.size())};
}

// d loss / d v[i] by central differences, perturbing v in place and restoring it.
inline std::vector<double> numeric_gradient(std::span<double> v,
                                            const std::function<double()>& loss) {
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
inline double relative_error(std::span<const double> a, std::span<const double> b) {
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

// A fixed random projection turns a layer output y into the scalar sum(y .* r): dL/dy = r.
inline double project(const nn::Matrix& y, const nn::Matrix& r) {
  return (y.array() * r.array()).sum();
}

// Checks dx left by `backward` against finite differences of `loss` over every entry of x, and,
// when the arena has parameters, their gradients over every parameter.
inline void expect_gradients_match(nn::ParameterArena& arena, nn::Matrix& x,
                                   const std::function<double()>& loss,
                                   const std::function<void(nn::Matrix& dx)>& backward) {
  arena.zero_grad();
  loss();  // a forward for layers that keep activations
  nn::Matrix dx;
  backward(dx);
  const std::vector<double> analytic(arena.grads().begin(), arena.grads().end());
  if (arena.size() > 0) {
    EXPECT_LT(relative_error(analytic, numeric_gradient(arena.values(), loss)), kGradientTolerance);
  }
  EXPECT_LT(relative_error(entries(dx), numeric_gradient(entries(x), loss)), kGradientTolerance);
}

}  // namespace qmf::testing
