#pragma once
// A dense reference simulator built from Kronecker products with Eigen, independent of the
// engine's bit arithmetic: a k-qubit gate G on qubits (q_1..q_k) is the sum over its matrix
// elements of G[(i),(j)] kron_q op_q with op_q = |i_q><j_q| on the gate's qubits, 1 elsewhere.
#include <Eigen/Dense>
#include <vector>

#include "sim/circuit.h"

namespace qmf::testing {

using sim::cplx;
using sim::MatrixC;
using VectorC = Eigen::Matrix<cplx, Eigen::Dynamic, 1>;

inline MatrixC kron_all(const std::vector<MatrixC>& ops) {
  MatrixC out = MatrixC::Identity(1, 1);
  for (const MatrixC& op : ops) {
    MatrixC next(out.rows() * op.rows(), out.cols() * op.cols());
    for (Eigen::Index r = 0; r < out.rows(); ++r)
      for (Eigen::Index c = 0; c < out.cols(); ++c)
        next.block(r * op.rows(), c * op.cols(), op.rows(), op.cols()) = out(r, c) * op;
    out = std::move(next);
  }
  return out;
}

// Full 2^n x 2^n operator of gate matrix g acting on `qubits` (big-endian over the list).
inline MatrixC full_operator(int n, const MatrixC& g, const std::vector<int>& qubits) {
  const int k = static_cast<int>(qubits.size()), dim = 1 << k;
  MatrixC total = MatrixC::Zero(Eigen::Index{1} << n, Eigen::Index{1} << n);
  for (int i = 0; i < dim; ++i)
    for (int j = 0; j < dim; ++j) {
      if (g(i, j) == cplx(0)) continue;
      std::vector<MatrixC> ops(n, MatrixC::Identity(2, 2));
      for (int t = 0; t < k; ++t) {
        MatrixC e = MatrixC::Zero(2, 2);
        e((i >> (k - 1 - t)) & 1, (j >> (k - 1 - t)) & 1) = 1;
        ops[qubits[t]] = e;
      }
      total += g(i, j) * kron_all(ops);
    }
  return total;
}

// The whole circuit applied to `psi` for one sample.
inline VectorC run_dense(const sim::Circuit& c, VectorC psi, const double* theta,
                         const double* sample) {
  for (const sim::Gate& g : c.gates()) {
    const int k = sim::info(g.kind).qubits;
    std::vector<int> q(g.qubits.begin(), g.qubits.begin() + k);
    psi = full_operator(c.qubits(), c.matrix(g, theta, sample), q) * psi;
  }
  return psi;
}

}  // namespace qmf::testing
