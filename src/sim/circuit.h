#pragma once
// Circuits as data: a list of gates whose angles are either shared trainable parameters (an index
// into the parameter vector theta, which several gates may share: weight sharing) or per-sample
// inputs (an index into each sample's row of input angles, as in angle encoding).
// Qubit 0 is the most significant bit of an amplitude index (docs/MODEL.md).
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sim/gates.h"

namespace qmf::sim {

// The largest circuit: a state of 2^30 doubles per sample is already 16 GiB.
inline constexpr int kMaxQubits = 30;

struct Angle {
  enum class Source : uint8_t { Shared, PerSample } source = Source::Shared;
  uint32_t index = 0;
  static Angle shared(uint32_t i) { return {Source::Shared, i}; }
  static Angle sample(uint32_t i) { return {Source::PerSample, i}; }
};

struct Gate {
  GateKind kind{};
  std::array<int, 3> qubits{};  // info(kind).qubits of them: controls first, target last
  std::array<Angle, 3> angles{};
  uint32_t fixed = 0;  // Unitary1/Unitary2: index into Circuit::fixed_matrices()
  // The complex conjugate of the gate: a density matrix's column copy (noise/density.h).
  bool conjugated = false;
  // False for a fixed linear map that is not unitary (a channel on a density matrix, a Kraus
  // operator of a trajectory); the adjoint refuses such circuits.
  bool unitary = true;
  // Unitary1/Unitary2 only: when > 0, each sample chooses one of this many fixed matrices from
  // `fixed` on, by the value of its per-sample angle angles[0] (Circuit::add_choice).
  uint32_t choices = 0;

  bool per_sample() const;
};

class Circuit {
 public:
  explicit Circuit(int qubits);

  int qubits() const { return qubits_; }
  const std::vector<Gate>& gates() const { return gates_; }
  const std::vector<GateMatrix>& fixed_matrices() const { return fixed_; }
  // Number of shared parameters / per-sample angles the gates refer to (max index + 1).
  uint32_t shared_params() const { return shared_; }
  uint32_t sample_params() const { return sample_; }

  // Appends a gate after checking qubits (in range, distinct) and angle count; throws
  // qmf::Error with the gate's position and name on a bad gate.
  void add(GateKind kind, std::array<int, 3> qubits, std::array<Angle, 3> angles = {},
           bool conjugated = false);
  void add(GateKind kind, int q, Angle a = {}) { add(kind, {q, 0, 0}, {a}); }
  void add(GateKind kind, int q0, int q1, Angle a = {}) { add(kind, {q0, q1, 0}, {a}); }
  // Fixed 2x2 or 4x4 unitary (checked unitary to 1e-10) on one or two qubits.
  void add_unitary(const MatrixC& u, std::array<int, 3> qubits);
  // Any fixed 4x4 linear map on two qubits: a channel's superoperator on the row and column
  // qubits of a density matrix held as a vector (noise/density.h).
  void add_linear_map(const MatrixC& m, std::array<int, 3> qubits);
  // A fixed map chosen per sample: sample b applies options[x_b[sample_index]], where that
  // per-sample value is an integer in [0, options.size()) (a trajectory's Kraus operator,
  // noise/trajectories.h). The options are 2x2 or 4x4, all of one size, and need not be unitary.
  void add_choice(std::span<const MatrixC> options, std::array<int, 3> qubits,
                  uint32_t sample_index);
  // Whether every gate is unitary (a state-vector circuit).
  bool unitary() const { return maps_ == 0; }

  // The matrix of gate g at the given parameters (theta) and one sample's angles.
  GateMatrix matrix(const Gate& g, const double* theta, const double* sample) const;
  // Its derivative with respect to the gate's angle slot p.
  GateMatrix derivative(const Gate& g, const double* theta, const double* sample, int p) const;
  // Human-readable "ry(q3; theta[5])" for error messages and listings.
  std::string describe(const Gate& g) const;

 private:
  void add_fixed(const MatrixC& m, std::array<int, 3> qubits);  // checked by the callers
  std::array<double, 3> angles_of(const Gate& g, const double* theta, const double* sample) const;

  int qubits_;
  std::vector<Gate> gates_;
  std::vector<GateMatrix> fixed_;
  uint32_t shared_ = 0, sample_ = 0;
  size_t maps_ = 0;  // gates that are not unitary
};

}  // namespace qmf::sim
