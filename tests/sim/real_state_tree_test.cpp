// The RY tree of a real register state (sim/real_state_tree.h): it prepares the state it was
// built from, signs and empty subtrees included, and its backward pass is the derivative of its
// angles, checked against central finite differences.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/rng.h"
#include "sim/real_state_tree.h"

namespace qmf {
namespace {

std::vector<double> random_real(Rng& rng, int k) {
  std::vector<double> a(size_t{1} << k);
  for (double& x : a) x = rng.normal();
  return a;
}

double norm(const std::vector<double>& a) {
  double s = 0;
  for (double x : a) s += x * x;
  return std::sqrt(s);
}

void expect_prepares(const std::vector<double>& a, int k) {
  std::vector<double> out(a.size());
  sim::tree_state(sim::tree_angles(a, k), out);
  const double n = norm(a);
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(out[i], a[i] / n, 1e-14) << "amplitude " << i;
}

TEST(RealStateTree, PreparesTheStateItWasBuiltFrom) {
  Rng rng(3);
  for (int k = 1; k <= 6; ++k)
    for (int trial = 0; trial < 5; ++trial) expect_prepares(random_real(rng, k), k);
}

TEST(RealStateTree, PreparesSignsAndEmptySubtrees) {
  expect_prepares({0, -1}, 1);
  expect_prepares({-1, 0}, 1);
  expect_prepares({0, 0, 0, 0, 0.6, 0, -0.8, 0}, 3);
  expect_prepares({0, 0, 0, 0, 0, 0, 0, -1}, 3);
  expect_prepares({0.5, -0.5, -0.5, 0.5}, 2);
}

TEST(RealStateTree, BackwardIsTheDerivativeOfTheAngles) {
  Rng rng(5);
  for (int k = 1; k <= 5; ++k) {
    const std::vector<double> a = random_real(rng, k);
    sim::TreeAngles weights = sim::tree_angles(a, k);
    for (auto& level : weights)
      for (double& w : level) w = rng.normal();
    const auto loss = [&](const std::vector<double>& x) {
      const sim::TreeAngles t = sim::tree_angles(x, k);
      double s = 0;
      for (size_t j = 0; j < t.size(); ++j)
        for (size_t p = 0; p < t[j].size(); ++p) s += weights[j][p] * t[j][p];
      return s;
    };
    std::vector<double> da(a.size(), 0.0);
    sim::tree_angles_backward(a, k, weights, da);
    constexpr double h = 1e-6;
    double along_a = 0;
    for (size_t i = 0; i < a.size(); ++i) {
      std::vector<double> up = a, down = a;
      up[i] += h;
      down[i] -= h;
      EXPECT_NEAR(da[i], (loss(up) - loss(down)) / (2 * h), 1e-7)
          << "k " << k << " amplitude " << i;
      along_a += da[i] * a[i];
    }
    EXPECT_NEAR(along_a, 0.0, 1e-12) << "the angles do not depend on the norm";
  }
}

}  // namespace
}  // namespace qmf
