#pragma once
// Measurements beyond the marginal probabilities (Simulator::marginal): Pauli-Z expectations,
// ZZ correlations, and the reduced density matrix of a register with its von Neumann entropy.
// Z expectations come from marginals, so their gradients reach the adjoint as dL/dP.
#include <span>
#include <utility>
#include <vector>

#include "sim/simulator.h"

namespace qmf::sim {

// <Z_q> for each qubit of `qubits`: out[b * |qubits| + j].
template <typename T>
std::vector<double> z_expectations(const Simulator<T>& sim, const BatchState<T>& s,
                                   std::span<const int> qubits);

// <Z_i Z_j> for each pair: out[b * |pairs| + p].
template <typename T>
std::vector<double> zz_expectations(const Simulator<T>& sim, const BatchState<T>& s,
                                    std::span<const std::pair<int, int>> pairs);

// rho = Tr_rest |psi><psi| of sample b on `qubits` (big-endian over the list), 2^k x 2^k.
template <typename T>
MatrixC reduced_density_matrix(const BatchState<T>& s, size_t b, std::span<const int> qubits);

// Von Neumann entropy (bits) of the contiguous qubits [first, first + k) of sample b, by the
// smaller side of the cut: the state as a 2^k x 2^(n-k) matrix A has the reduced state A A^dagger
// and the Gram matrix A^dagger A, with the same nonzero eigenvalues, so the smaller of the two is
// diagonalised (a 12-qubit register beside a 2-qubit one: 4 x 4, not 4096 x 4096).
template <typename T>
double register_entropy(const BatchState<T>& s, size_t b, int first, int k);

// S(rho) = -tr rho log2 rho in bits (0 for a pure state, k for the maximally mixed k-qubit one);
// rho is normalised first, so an unnormalised state gives the entropy of its direction.
double von_neumann_entropy(const MatrixC& rho);

}  // namespace qmf::sim
