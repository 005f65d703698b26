#pragma once
// Gates as data: an enum, a compile-time table of metadata, and matrix / derivative / generator
// factories. Conventions (docs/MODEL.md): RX(t) = exp(-i t X/2), RY(t) = exp(-i t Y/2),
// RZ(t) = diag(e^{-it/2}, e^{it/2}), Phase(p) = diag(1, e^{ip}), U3(t, p, l) = RZ(p) RY(t) RZ(l).
// Controlled gates list their controls first, the target last. A gate's matrix is written in the
// big-endian order of its own qubit list: local index i has bit (k-1-j) set when qubit j is 1.
// None of this is on a hot path: matrices are built once per batch and fused into blocks.
#include <array>
#include <complex>
#include <cstdint>
#include <string_view>

#include <Eigen/Core>

namespace qmf::sim {

using cplx = std::complex<double>;
using MatrixC = Eigen::Matrix<cplx, Eigen::Dynamic, Eigen::Dynamic>;
// A gate's or a fused block's matrix (at most 3 qubits): its storage lives inline, so building
// a batch's block matrices and their derivatives never allocates.
using GateMatrix = Eigen::Matrix<cplx, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor, 8, 8>;

enum class GateKind : uint8_t {
  X,
  Y,
  Z,
  H,
  S,
  T,
  RX,
  RY,
  RZ,
  Phase,
  U3,
  CNOT,
  CZ,
  SWAP,
  CRX,
  CRY,
  CRZ,
  CPhase,
  Toffoli,
  Unitary1,
  Unitary2,  // fixed matrices supplied with the circuit
};

struct GateInfo {
  std::string_view name;
  int qubits;  // 1..3
  int params;  // trainable or per-sample angles, 0..3
  bool real;   // matrix has no imaginary part for every angle
  // Shift rule for the parameter-shift gradient (docs/MODEL.md):
  //  TwoTerm:  generator eigenvalues differ by 1  -> [f(t+pi/2) - f(t-pi/2)] / 2
  //  FourTerm: eigenvalues {0, +-1/2} (controlled rotations) -> four evaluations
  enum class Shift : uint8_t { None, TwoTerm, FourTerm } shift;
};

inline constexpr int kGateKinds = static_cast<int>(GateKind::Unitary2) + 1;

const GateInfo& info(GateKind kind);

// Matrix of a parametric or fixed gate. `angles` holds info(kind).params values.
GateMatrix gate_matrix(GateKind kind, const double* angles);
// The inverse, U^dagger (for rotations, the same gate at minus the angles).
GateMatrix gate_inverse(GateKind kind, const double* angles);
// d(matrix)/d(angle p), exact.
GateMatrix gate_derivative(GateKind kind, const double* angles, int p);
// Hermitian G with d(matrix)/d(angle p) = -i G matrix (a left generator). For U3, whose factors
// do not commute, the generator of parameter p depends on the angles; it is still exact.
GateMatrix gate_generator(GateKind kind, const double* angles, int p);

}  // namespace qmf::sim
