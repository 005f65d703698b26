// The OpenQASM spellings (export/qasm_dialect.h) against gate matrices. Three identities:
//  1. each standard gate the reader accepts means what qelib1.inc defines it as (up to a global
//     phase, which is all a gate definition built from U and CX can fix; exactly for crz, whose
//     phase convention decides whether our CRX/CRY spellings are right);
//  2. the spelling of each of our gates, read back gate by gate, is exactly that gate;
//  3. the OpenQASM 2 spellings, run with qelib1's own definitions, are our gates up to a global
//     phase for either convention of the builtin U, and exactly under the usual u3 convention
//     wherever the global phase is not a free choice (everything but rz-based spellings).
#include <gtest/gtest.h>

#include <numbers>
#include <string>
#include <vector>

#include "export/qasm_dialect.h"
#include "export_support.h"

namespace qmf {
namespace {

using namespace qmf::testing;
using exporter::QasmOp;
using exporter::QasmVersion;
constexpr double kPi = std::numbers::pi;
constexpr cplx I{0.0, 1.0};

// qelib1.inc defines every gate from the builtin U(t, p, l) and CX. The OpenQASM 2 paper writes
// U = RZ(p) RY(t) RZ(l) (determinant one); Qiskit and most tools use the u3 matrix
// [[cos, -e^{il} sin], [e^{ip} sin, e^{i(p+l)} cos]], which differs by e^{i(p+l)/2}.
enum class UConvention { Paper, U3Matrix };

MatrixC builtin_u(double t, double p, double l, UConvention conv) {
  if (conv == UConvention::Paper) {
    const double a[3] = {t, p, l};
    return sim::gate_matrix(GateKind::U3, a);
  }
  MatrixC m(2, 2);
  m << std::cos(t / 2), -std::exp(I * l) * std::sin(t / 2), std::exp(I * p) * std::sin(t / 2),
      std::exp(I * (p + l)) * std::cos(t / 2);
  return m;
}

// A product of gates on `n` local qubits, applied in program order.
class LocalProgram {
 public:
  LocalProgram(int n, UConvention conv)
      : n_(n), conv_(conv), m_(MatrixC::Identity(1 << n, 1 << n)) {}
  void apply(const MatrixC& g, std::vector<int> qubits) { m_ = full_operator(n_, g, qubits) * m_; }
  void u(double t, double p, double l, int q) { apply(builtin_u(t, p, l, conv_), {q}); }
  void u1(double l, int q) { u(0, 0, l, q); }
  void h(int q) { u(kPi / 2, 0, kPi, q); }  // u2(0, pi)
  void cx(int a, int b) { apply(sim::gate_matrix(GateKind::CNOT, nullptr), {a, b}); }
  const MatrixC& matrix() const { return m_; }

 private:
  int n_;
  UConvention conv_;
  MatrixC m_;
};

// The body of a qelib1.inc gate on qubits 0.. of a local register of its own arity.
MatrixC qelib1(std::string_view name, double a, UConvention conv) {
  const int arity =
      name == "ccx"                                                                        ? 3
      : (name == "cx" || name == "cz" || name == "swap" || name == "crz" || name == "cu1") ? 2
                                                                                           : 1;
  LocalProgram p(arity, conv);
  const auto t = [&](int q) { p.u1(kPi / 4, q); };
  const auto tdg = [&](int q) { p.u1(-kPi / 4, q); };
  if (name == "x") {
    p.u(kPi, 0, kPi, 0);
  } else if (name == "y") {
    p.u(kPi, kPi / 2, kPi / 2, 0);
  } else if (name == "z") {
    p.u1(kPi, 0);
  } else if (name == "h") {
    p.h(0);
  } else if (name == "s") {
    p.u1(kPi / 2, 0);
  } else if (name == "sdg") {
    p.u1(-kPi / 2, 0);
  } else if (name == "t") {
    t(0);
  } else if (name == "rx") {
    p.u(a, -kPi / 2, kPi / 2, 0);
  } else if (name == "ry") {
    p.u(a, 0, 0, 0);
  } else if (name == "rz" || name == "u1") {
    p.u1(a, 0);
  } else if (name == "cx") {
    p.cx(0, 1);
  } else if (name == "cz") {
    p.h(1);
    p.cx(0, 1);
    p.h(1);
  } else if (name == "swap") {
    p.cx(0, 1);
    p.cx(1, 0);
    p.cx(0, 1);
  } else if (name == "crz") {
    p.u1(a / 2, 1);
    p.cx(0, 1);
    p.u1(-a / 2, 1);
    p.cx(0, 1);
  } else if (name == "cu1") {
    p.u1(a / 2, 0);
    p.cx(0, 1);
    p.u1(-a / 2, 1);
    p.cx(0, 1);
    p.u1(a / 2, 1);
  } else if (name == "ccx") {
    p.h(2);
    p.cx(1, 2);
    tdg(2);
    p.cx(0, 2);
    t(2);
    p.cx(1, 2);
    tdg(2);
    p.cx(0, 2);
    t(1);
    t(2);
    p.h(2);
    p.cx(0, 1);
    t(0);
    tdg(1);
    p.cx(0, 1);
  } else {
    ADD_FAILURE() << "no qelib1 body for " << name;
  }
  return p.matrix();
}

// What the reader turns one QASM op into: the matching sim gate with its (or the fixed) angle.
MatrixC read_meaning(const QasmOp& op, QasmVersion v) {
  const exporter::QasmGate* g = exporter::find_gate(op.name, v);
  EXPECT_NE(g, nullptr) << op.name;
  if (!g) return MatrixC::Identity(1 << op.arity, 1 << op.arity);
  const double a[3] = {g->fixed_angle ? g->angle : op.angle, 0, 0};
  return sim::gate_matrix(g->kind, a);
}

double max_diff(const MatrixC& a, const MatrixC& b) { return (a - b).cwiseAbs().maxCoeff(); }

double max_diff_up_to_phase(const MatrixC& a, const MatrixC& b) {
  const cplx overlap = (b.adjoint() * a).trace();
  return max_diff(a, (overlap / std::abs(overlap)) * b);
}

std::vector<std::string> names(QasmVersion v) {
  std::vector<std::string> out;
  std::string all = exporter::gate_names(v) + ", ";
  for (size_t at = 0, comma; (comma = all.find(", ", at)) != std::string::npos; at = comma + 2)
    out.push_back(all.substr(at, comma - at));
  return out;
}

// Our gate `kind` spelled in version v, as a matrix over its own qubits, each op mapped by `m`.
template <typename Meaning>
MatrixC spelled(GateKind kind, const double* angles, QasmVersion v, Meaning m) {
  const int arity = sim::info(kind).qubits;
  const auto ops = exporter::spell(kind, {0, 1, 2}, angles, v);
  MatrixC total = MatrixC::Identity(1 << arity, 1 << arity);
  for (const QasmOp& op : ops) {
    EXPECT_NE(exporter::find_gate(op.name, v), nullptr) << op.name << " is not in the subset";
    total = full_operator(arity, m(op), {op.qubits.begin(), op.qubits.begin() + op.arity}) * total;
  }
  return total;
}

std::vector<GateKind> spelled_kinds() {
  std::vector<GateKind> v;
  for (GateKind k : all_kinds())
    if (!is_fixed(k)) v.push_back(k);
  return v;
}

TEST(QasmDialect, Qasm2GatesMeanWhatQelib1Defines) {
  Rng rng(701);
  for (const std::string& name : names(QasmVersion::v2))
    for (int trial = 0; trial < 4; ++trial) {
      const QasmOp op{exporter::find_gate(name, QasmVersion::v2)->name,
                      {0, 1, 2},
                      sim::info(exporter::find_gate(name, QasmVersion::v2)->kind).qubits,
                      true,
                      2 * random_angle(rng)};
      const MatrixC ours = read_meaning(op, QasmVersion::v2);
      for (UConvention conv : {UConvention::Paper, UConvention::U3Matrix}) {
        const MatrixC theirs = qelib1(name, op.angle, conv);
        EXPECT_LE(max_diff_up_to_phase(ours, theirs), 1e-14) << name;
        // crz must be exactly controlled-RZ: a phase on the target when the control is 1 is
        // a relative phase. qelib1's body achieves that in either convention.
        if (name == "crz") {
          EXPECT_LE(max_diff(ours, theirs), 1e-15) << name;
        }
      }
      // Under the u3 convention, every gate but rz is exactly ours.
      if (name != "rz") {
        EXPECT_LE(max_diff(ours, qelib1(name, op.angle, UConvention::U3Matrix)), 1e-15) << name;
      }
    }
}

// stdgates.inc names our gates as sim/gates.h does (both follow the OpenQASM 3 library).
TEST(QasmDialect, Qasm3NamesAreOurGateNames) {
  for (const std::string& name : names(QasmVersion::v3)) {
    const exporter::QasmGate* g = exporter::find_gate(name, QasmVersion::v3);
    ASSERT_NE(g, nullptr);
    EXPECT_FALSE(g->fixed_angle) << name;
    EXPECT_EQ(name, sim::info(g->kind).name);
  }
  EXPECT_EQ(exporter::find_gate("sdg", QasmVersion::v3), nullptr);
  EXPECT_EQ(exporter::find_gate("crx", QasmVersion::v2), nullptr);
  EXPECT_EQ(exporter::find_gate("p", QasmVersion::v2), nullptr);
}

TEST(QasmDialect, SpellingsReadBackAsExactlyOurGates) {
  Rng rng(702);
  for (QasmVersion v : {QasmVersion::v2, QasmVersion::v3})
    for (GateKind kind : spelled_kinds())
      for (int trial = 0; trial < 4; ++trial) {
        const double a[3] = {2 * random_angle(rng), 2 * random_angle(rng), 2 * random_angle(rng)};
        const MatrixC got =
            spelled(kind, a, v, [&](const QasmOp& op) { return read_meaning(op, v); });
        EXPECT_LE(max_diff(got, sim::gate_matrix(kind, a)), 1e-15)
            << kind_name(kind) << " in " << exporter::version_name(v);
      }
}

TEST(QasmDialect, Qasm2SpellingsHoldUnderQelib1Definitions) {
  Rng rng(703);
  for (GateKind kind : spelled_kinds())
    for (int trial = 0; trial < 4; ++trial) {
      const double a[3] = {2 * random_angle(rng), 2 * random_angle(rng), 2 * random_angle(rng)};
      const MatrixC want = sim::gate_matrix(kind, a);
      for (UConvention conv : {UConvention::Paper, UConvention::U3Matrix}) {
        const MatrixC got = spelled(kind, a, QasmVersion::v2, [&](const QasmOp& op) {
          return qelib1(op.name, op.angle, conv);
        });
        EXPECT_LE(max_diff_up_to_phase(got, want), 1e-14) << kind_name(kind);
        const bool free_phase = kind == GateKind::RZ || kind == GateKind::U3;
        if (conv == UConvention::U3Matrix && !free_phase) {
          EXPECT_LE(max_diff(got, want), 1e-14) << kind_name(kind) << " exactly";
        }
      }
    }
}

// The decompositions written out, independently of the table.
TEST(QasmDialect, Qasm2SpellsControlledXAndYRotationsThroughCrz) {
  const double a[3] = {0.7, 0, 0};
  const auto text = [&](GateKind kind) {
    std::string s;
    for (const QasmOp& op : exporter::spell(kind, {3, 5, 0}, a, QasmVersion::v2)) {
      s += fmt::format("{}{} {}", op.name, op.has_angle ? "(a)" : "", op.qubits[0]);
      if (op.arity == 2) s += fmt::format(",{}", op.qubits[1]);
      s += "; ";
    }
    return s;
  };
  EXPECT_EQ(text(GateKind::CRX), "h 5; crz(a) 3,5; h 5; ");
  EXPECT_EQ(text(GateKind::CRY), "sdg 5; h 5; crz(a) 3,5; h 5; s 5; ");
  EXPECT_EQ(text(GateKind::CPhase), "cu1(a) 3,5; ");
  EXPECT_EQ(text(GateKind::Phase), "u1(a) 3; ");
  EXPECT_EQ(text(GateKind::U3), "rz(a) 3; ry(a) 3; rz(a) 3; ");
}

TEST(QasmDialect, FixedUnitariesHaveNoSpelling) {
  QMF_EXPECT_ERROR(exporter::spell(GateKind::Unitary2, {0, 1, 0}, nullptr, QasmVersion::v3),
                   "unitary2 has no spelling in OpenQASM");
}

}  // namespace
}  // namespace qmf
