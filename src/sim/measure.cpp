#include "sim/measure.h"

#include <Eigen/Eigenvalues>

#include <cmath>

#include "core/error.h"

namespace qmf::sim {

template <typename T>
std::vector<double> z_expectations(const Simulator<T>& sim, const BatchState<T>& s,
                                   std::span<const int> qubits) {
  const size_t count = qubits.size();
  std::vector<double> out(s.batch() * count), p(s.batch() * 2);
  for (size_t j = 0; j < count; ++j) {
    const int q[1] = {qubits[j]};
    sim.marginal(s, q, p);
    for (size_t b = 0; b < s.batch(); ++b) out[b * count + j] = p[2 * b] - p[2 * b + 1];
  }
  return out;
}

template <typename T>
std::vector<double> zz_expectations(const Simulator<T>& sim, const BatchState<T>& s,
                                    std::span<const std::pair<int, int>> pairs) {
  const size_t count = pairs.size();
  std::vector<double> out(s.batch() * count), p(s.batch() * 4);
  for (size_t j = 0; j < count; ++j) {
    if (pairs[j].first == pairs[j].second)
      throw Error(fmt::format("zz: qubit {} paired with itself", pairs[j].first));
    const int q[2] = {pairs[j].first, pairs[j].second};
    sim.marginal(s, q, p);
    for (size_t b = 0; b < s.batch(); ++b)
      out[b * count + j] = p[4 * b] - p[4 * b + 1] - p[4 * b + 2] + p[4 * b + 3];
  }
  return out;
}

template <typename T>
MatrixC reduced_density_matrix(const BatchState<T>& s, size_t b, std::span<const int> qubits) {
  const int n = s.qubits(), k = static_cast<int>(qubits.size());
  if (b >= s.batch()) throw Error(fmt::format("density matrix: sample {} of {}", b, s.batch()));
  if (k < 1 || k > 12) throw Error(fmt::format("density matrix: {} qubits (1..12)", k));
  uint64_t mask = 0;
  for (int q : qubits) {
    if (q < 0 || q >= n) throw Error(fmt::format("density matrix: qubit {} out of range", q));
    if (mask & bit_of(n, q)) throw Error(fmt::format("density matrix: qubit {} listed twice", q));
    mask |= bit_of(n, q);
  }
  const auto local = [&](size_t a) {
    size_t i = 0;
    for (int q : qubits) i = (i << 1) | ((a & bit_of(n, q)) ? 1 : 0);
    return static_cast<Eigen::Index>(i);
  };
  // Group amplitudes by the rest of the index: rho_ij = sum_rest psi(i, rest) conj(psi(j, rest)).
  const size_t amps = size_t{1} << n, dim = size_t{1} << k;
  MatrixC rho = MatrixC::Zero(static_cast<Eigen::Index>(dim), static_cast<Eigen::Index>(dim));
  std::vector<cplx> column(dim);
  for (size_t rest = 0; rest < amps; ++rest) {
    if (rest & mask) continue;  // visit each assignment of the other qubits once
    for (size_t i = 0; i < dim; ++i) {
      size_t a = rest;
      for (int j = 0; j < k; ++j)
        if ((i >> (k - 1 - j)) & 1) a |= bit_of(n, qubits[j]);
      column[static_cast<size_t>(local(a))] = s.amplitude(b, a);
    }
    for (size_t i = 0; i < dim; ++i)
      for (size_t j = 0; j < dim; ++j)
        rho(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) +=
            column[i] * std::conj(column[j]);
  }
  return rho;
}

double von_neumann_entropy(const MatrixC& rho) {
  const double trace = rho.trace().real();
  if (!(trace > 0)) return 0.0;
  Eigen::SelfAdjointEigenSolver<MatrixC> eig(rho / trace, Eigen::EigenvaluesOnly);
  double s = 0;
  for (Eigen::Index i = 0; i < eig.eigenvalues().size(); ++i) {
    const double p = eig.eigenvalues()(i);
    if (p > 1e-15) s -= p * std::log2(p);
  }
  return s;
}

template std::vector<double> z_expectations(const Simulator<float>&, const BatchState<float>&,
                                            std::span<const int>);
template std::vector<double> z_expectations(const Simulator<double>&, const BatchState<double>&,
                                            std::span<const int>);
template std::vector<double> zz_expectations(const Simulator<float>&, const BatchState<float>&,
                                             std::span<const std::pair<int, int>>);
template std::vector<double> zz_expectations(const Simulator<double>&, const BatchState<double>&,
                                             std::span<const std::pair<int, int>>);
template <typename T>
double register_entropy(const BatchState<T>& state, size_t b, int first, int k) {
  const int n = state.qubits(), low = n - first - k;
  QMF_CHECK(first >= 0 && k >= 1 && low >= 0, "qubits [{}, {}) of {}", first, first + k, n);
  // a = (high | i | lo): i, the register's bits, is the row; (high | lo) the column.
  const auto rows = Eigen::Index{1} << k, cols = Eigen::Index{1} << (n - k);
  const size_t lo_mask = (size_t{1} << low) - 1;
  MatrixC a(rows, cols);
  for (size_t amp = 0; amp < (size_t{1} << n); ++amp) {
    const auto i = static_cast<Eigen::Index>((amp >> low) & static_cast<size_t>(rows - 1));
    const auto rest = static_cast<Eigen::Index>(((amp >> (low + k)) << low) | (amp & lo_mask));
    a(i, rest) = state.amplitude(b, amp);
  }
  return von_neumann_entropy(rows <= cols ? MatrixC(a * a.adjoint()) : MatrixC(a.adjoint() * a));
}

template MatrixC reduced_density_matrix(const BatchState<float>&, size_t, std::span<const int>);
template MatrixC reduced_density_matrix(const BatchState<double>&, size_t, std::span<const int>);
template double register_entropy(const BatchState<float>&, size_t, int, int);
template double register_entropy(const BatchState<double>&, size_t, int, int);

}  // namespace qmf::sim
