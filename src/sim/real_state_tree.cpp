#include "sim/real_state_tree.h"

#include <cmath>
#include <cstddef>

#include "core/error.h"

namespace qmf::sim {
namespace {

// weight[j][p]: the squared norm of the amplitudes below prefix p of length j.
std::vector<std::vector<double>> subtree_weights(std::span<const double> a, int k) {
  std::vector<std::vector<double>> weight(k + 1);
  weight[k].assign(a.begin(), a.end());
  for (double& w : weight[k]) w *= w;
  for (int j = k - 1; j >= 0; --j) {
    weight[j].resize(size_t{1} << j);
    for (size_t p = 0; p < weight[j].size(); ++p)
      weight[j][p] = weight[j + 1][2 * p] + weight[j + 1][2 * p + 1];
  }
  return weight;
}

void check_size(std::span<const double> a, int k) {
  QMF_CHECK(k >= 1 && a.size() == size_t{1} << k, "{} amplitudes for a {}-qubit tree", a.size(), k);
}

}  // namespace

TreeAngles tree_angles(std::span<const double> a, int k) {
  check_size(a, k);
  const auto weight = subtree_weights(a, k);
  TreeAngles angles(k);
  for (int j = 0; j < k; ++j) {
    angles[j].resize(size_t{1} << j);
    const bool leaves = j == k - 1;
    for (size_t p = 0; p < angles[j].size(); ++p) {
      const double left = leaves ? a[2 * p] : std::sqrt(weight[j + 1][2 * p]);
      const double right = leaves ? a[2 * p + 1] : std::sqrt(weight[j + 1][2 * p + 1]);
      angles[j][p] = 2.0 * std::atan2(right, left);
    }
  }
  return angles;
}

void tree_state(const TreeAngles& angles, std::span<double> out) {
  const int k = static_cast<int>(angles.size());
  QMF_CHECK(out.size() == size_t{1} << k, "{} amplitudes for a {}-qubit tree", out.size(), k);
  for (size_t i = 0; i < out.size(); ++i) {
    double v = 1.0;
    for (int j = 0; j < k; ++j) {
      const double half = angles[j][i >> (k - j)] / 2;
      v *= ((i >> (k - 1 - j)) & 1) ? std::sin(half) : std::cos(half);
    }
    out[i] = v;
  }
}

void tree_angles_backward(std::span<const double> a, int k, const TreeAngles& dangles,
                          std::span<double> da) {
  check_size(a, k);
  QMF_CHECK(da.size() == a.size(), "gradient of {} amplitudes for {}", da.size(), a.size());
  const auto weight = subtree_weights(a, k);
  // Leaves: t = 2 atan2(a1, a0), dt = 2 (a0 da1 - a1 da0) / (a0^2 + a1^2).
  for (size_t p = 0; p < (size_t{1} << (k - 1)); ++p) {
    const double r2 = weight[k - 1][p];
    if (r2 == 0) continue;
    const double g = 2.0 * dangles[k - 1][p] / r2;
    da[2 * p] -= g * a[2 * p + 1];
    da[2 * p + 1] += g * a[2 * p];
  }
  // Inner nodes: t = 2 atan2(sqrt(R), sqrt(L)) over the children's squared norms L and R, so
  // dt/dR = sqrt(L) / (sqrt(R) (L + R)), dt/dL = -sqrt(R) / (sqrt(L) (L + R)), and each amplitude
  // below a child enters its norm as dW/da_i = 2 a_i.
  for (int j = 0; j + 1 < k; ++j)
    for (size_t p = 0; p < (size_t{1} << j); ++p) {
      const double left = weight[j + 1][2 * p], right = weight[j + 1][2 * p + 1];
      if (left == 0 || right == 0) continue;
      const double g = dangles[j][p] / (left + right);
      const double per_left = -2.0 * g * std::sqrt(right / left);
      const double per_right = 2.0 * g * std::sqrt(left / right);
      const size_t span = size_t{1} << (k - 1 - j);  // leaves below each child
      const size_t first = 2 * p * span;
      for (size_t i = first; i < first + span; ++i) da[i] += per_left * a[i];
      for (size_t i = first + span; i < first + 2 * span; ++i) da[i] += per_right * a[i];
    }
}

}  // namespace qmf::sim
