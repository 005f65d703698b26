#include "sim/gates.h"

#include <cmath>

#include "core/error.h"

namespace qmf::sim {
namespace {

using Shift = GateInfo::Shift;
constexpr cplx I{0.0, 1.0};

// Each entry names its kind, so the order of the enum and of the table is checked when compiling.
struct Entry {
  GateKind kind;
  GateInfo info;
};

constexpr std::array<Entry, kGateKinds> kTable{{
    {GateKind::X, {"x", 1, 0, true, Shift::None}},
    {GateKind::Y, {"y", 1, 0, false, Shift::None}},
    {GateKind::Z, {"z", 1, 0, true, Shift::None}},
    {GateKind::H, {"h", 1, 0, true, Shift::None}},
    {GateKind::S, {"s", 1, 0, false, Shift::None}},
    {GateKind::T, {"t", 1, 0, false, Shift::None}},
    {GateKind::RX, {"rx", 1, 1, false, Shift::TwoTerm}},
    {GateKind::RY, {"ry", 1, 1, true, Shift::TwoTerm}},
    {GateKind::RZ, {"rz", 1, 1, false, Shift::TwoTerm}},
    {GateKind::Phase, {"p", 1, 1, false, Shift::TwoTerm}},
    {GateKind::U3, {"u3", 1, 3, false, Shift::TwoTerm}},
    {GateKind::CNOT, {"cx", 2, 0, true, Shift::None}},
    {GateKind::CZ, {"cz", 2, 0, true, Shift::None}},
    {GateKind::SWAP, {"swap", 2, 0, true, Shift::None}},
    {GateKind::CRX, {"crx", 2, 1, false, Shift::FourTerm}},
    {GateKind::CRY, {"cry", 2, 1, true, Shift::FourTerm}},
    {GateKind::CRZ, {"crz", 2, 1, false, Shift::FourTerm}},
    {GateKind::CPhase, {"cp", 2, 1, false, Shift::TwoTerm}},
    {GateKind::Toffoli, {"ccx", 3, 0, true, Shift::None}},
    {GateKind::Unitary1, {"unitary1", 1, 0, false, Shift::None}},
    {GateKind::Unitary2, {"unitary2", 2, 0, false, Shift::None}},
}};

constexpr bool table_in_enum_order() {
  for (size_t i = 0; i < kTable.size(); ++i)
    if (kTable[i].kind != static_cast<GateKind>(i)) return false;
  return true;
}
static_assert(table_in_enum_order(), "kTable entry i must describe GateKind i");

GateMatrix m2(cplx a, cplx b, cplx c, cplx d) {
  GateMatrix m(2, 2);
  m << a, b, c, d;
  return m;
}

GateMatrix pauli_x() { return m2(0, 1, 1, 0); }
GateMatrix pauli_y() { return m2(0, -I, I, 0); }
GateMatrix pauli_z() { return m2(1, 0, 0, -1); }

// Only rotations reach the helpers below; any other kind is a caller's bug, named, not guessed.
[[noreturn]] void not_a_rotation(GateKind kind) {
  throw Error(fmt::format("gate {} is not a one-parameter rotation", info(kind).name));
}

GateMatrix rx(double t) {
  return m2(std::cos(t / 2), -I * std::sin(t / 2), -I * std::sin(t / 2), std::cos(t / 2));
}
GateMatrix ry(double t) {
  return m2(std::cos(t / 2), -std::sin(t / 2), std::sin(t / 2), std::cos(t / 2));
}
GateMatrix rz(double t) { return m2(std::exp(-I * (t / 2)), 0, 0, std::exp(I * (t / 2))); }
GateMatrix phase(double p) { return m2(1, 0, 0, std::exp(I * p)); }

// |0><0| (x) 1 + |1><1| (x) u: the control is the most significant local qubit.
GateMatrix controlled(const GateMatrix& u) {
  const auto k = u.rows();
  GateMatrix m = GateMatrix::Identity(2 * k, 2 * k);
  m.bottomRightCorner(k, k) = u;
  return m;
}

GateMatrix one_qubit_rotation(GateKind kind, double t) {
  switch (kind) {
    case GateKind::RX:
    case GateKind::CRX:
      return rx(t);
    case GateKind::RY:
    case GateKind::CRY:
      return ry(t);
    case GateKind::RZ:
    case GateKind::CRZ:
      return rz(t);
    case GateKind::Phase:
    case GateKind::CPhase:
      return phase(t);
    default:
      not_a_rotation(kind);
  }
}

// The Hermitian generator of a one-parameter rotation (left: dU = -i G U).
GateMatrix rotation_generator(GateKind kind) {
  switch (kind) {
    case GateKind::RX:
    case GateKind::CRX:
      return 0.5 * pauli_x();
    case GateKind::RY:
    case GateKind::CRY:
      return 0.5 * pauli_y();
    case GateKind::RZ:
    case GateKind::CRZ:
      return 0.5 * pauli_z();
    case GateKind::Phase:
    case GateKind::CPhase:
      return m2(0, 0, 0, -1);  // exp(i p |1><1|)
    default:
      not_a_rotation(kind);
  }
}

}  // namespace

const GateInfo& info(GateKind kind) { return kTable[static_cast<size_t>(kind)].info; }

GateMatrix gate_matrix(GateKind kind, const double* a) {
  const double s = std::sqrt(0.5);
  switch (kind) {
    case GateKind::X:
      return pauli_x();
    case GateKind::Y:
      return pauli_y();
    case GateKind::Z:
      return pauli_z();
    case GateKind::H:
      return m2(s, s, s, -s);
    case GateKind::S:
      return m2(1, 0, 0, I);
    case GateKind::T:
      return m2(1, 0, 0, std::exp(I * (M_PI / 4)));
    case GateKind::RX:
    case GateKind::RY:
    case GateKind::RZ:
    case GateKind::Phase:
      return one_qubit_rotation(kind, a[0]);
    case GateKind::U3:
      return rz(a[1]) * ry(a[0]) * rz(a[2]);
    case GateKind::CNOT:
      return controlled(pauli_x());
    case GateKind::CZ:
      return controlled(pauli_z());
    case GateKind::SWAP: {
      GateMatrix m = GateMatrix::Zero(4, 4);
      m(0, 0) = m(1, 2) = m(2, 1) = m(3, 3) = 1;
      return m;
    }
    case GateKind::CRX:
    case GateKind::CRY:
    case GateKind::CRZ:
    case GateKind::CPhase:
      return controlled(one_qubit_rotation(kind, a[0]));
    case GateKind::Toffoli:
      return controlled(controlled(pauli_x()));
    case GateKind::Unitary1:
    case GateKind::Unitary2:
      break;
  }
  QMF_CHECK(false, "gate_matrix: {} carries its matrix in the circuit", info(kind).name);
  return {};
}

GateMatrix gate_inverse(GateKind kind, const double* a) { return gate_matrix(kind, a).adjoint(); }

GateMatrix gate_generator(GateKind kind, const double* a, int p) {
  QMF_CHECK(p >= 0 && p < info(kind).params, "gate {} has no parameter {}", info(kind).name, p);
  if (kind == GateKind::U3) {
    // U3 = RZ(phi) RY(theta) RZ(lambda); move each factor's generator to the left.
    GateMatrix gz = 0.5 * pauli_z();
    if (p == 1) return gz;
    const GateMatrix left = p == 0 ? rz(a[1]) : GateMatrix(rz(a[1]) * ry(a[0]));
    const GateMatrix g = p == 0 ? GateMatrix(0.5 * pauli_y()) : gz;
    return left * g * left.adjoint();
  }
  GateMatrix g = rotation_generator(kind);
  if (info(kind).qubits == 1) return g;
  GateMatrix full = GateMatrix::Zero(4, 4);
  full.bottomRightCorner(2, 2) = g;
  return full;
}

GateMatrix gate_derivative(GateKind kind, const double* a, int p) {
  return -I * gate_generator(kind, a, p) * gate_matrix(kind, a);
}

}  // namespace qmf::sim
