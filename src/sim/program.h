#pragma once
// A circuit compiled for execution: consecutive gates fused into blocks of at most
// `max_fused_qubits` qubits (qsim-style greedy fusion: gates on disjoint qubits commute, so a
// gate joins the open blocks on its qubits while their union stays small enough). Fusion changes
// neither results nor gradients: the adjoint differentiates each gate inside its block.
// Gates with a per-sample angle and three-qubit gates stay alone in their block.
#include <cstdint>
#include <vector>

#include "sim/circuit.h"
#include "sim/layout.h"

namespace qmf::sim {

struct Block {
  std::vector<int> qubits;      // 1..3 qubits; the block matrix is big-endian over this list
  std::vector<uint32_t> gates;  // indices into Circuit::gates(), in application order
  bool per_sample = false;      // its matrix differs between samples
  bool real = true;             // its matrix is real for every angle
  bool unitary = true;          // false when it holds a linear map (Circuit::add_linear_map)
  BlockGeometry geometry;
  int width() const { return static_cast<int>(qubits.size()); }
};

class Program {
 public:
  explicit Program(Circuit circuit, int max_fused_qubits = 2);

  const Circuit& circuit() const { return circuit_; }
  const std::vector<Block>& blocks() const { return blocks_; }
  int qubits() const { return circuit_.qubits(); }

  // The block's matrix, and its derivative with respect to angle slot p of its j-th gate.
  GateMatrix block_matrix(const Block& b, const double* theta, const double* sample) const;
  GateMatrix block_derivative(const Block& b, const double* theta, const double* sample, size_t j,
                              int p) const;
  // Every derivative of the block, gate by gate and angle slot by slot, from prefix and suffix
  // products (linear in the number of gates rather than quadratic).
  std::vector<GateMatrix> block_derivatives(const Block& b, const double* theta,
                                            const double* sample) const;

 private:
  template <int D>
  GateMatrix block_matrix_of(const Block& b, const double* theta, const double* sample) const;
  template <int D>
  std::vector<GateMatrix> block_derivatives_of(const Block& b, const double* theta,
                                               const double* sample) const;
  GateMatrix embedded(const Block& b, const Gate& g, const GateMatrix& m) const;

  Circuit circuit_;
  std::vector<Block> blocks_;
};

}  // namespace qmf::sim
