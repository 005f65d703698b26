// Gate identities and conventions (docs/MODEL.md): unitarity, inverses, generators against finite
// differences of the matrices, the rotation conventions written out, the shift-rule metadata
// against the generators' spectra, and, through the simulator, control semantics and qubit order.
#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <cmath>
#include <numbers>
#include <vector>

#include "support/sim_support.h"

namespace qmf {
namespace {

using namespace qmf::testing;
constexpr cplx I{0.0, 1.0};

MatrixC m2(cplx a, cplx b, cplx c, cplx d) {
  MatrixC m(2, 2);
  m << a, b, c, d;
  return m;
}

MatrixC identity(Eigen::Index d) { return MatrixC::Identity(d, d); }

double max_diff(const MatrixC& a, const MatrixC& b) {
  EXPECT_EQ(a.rows(), b.rows());
  EXPECT_EQ(a.cols(), b.cols());
  return (a - b).cwiseAbs().maxCoeff();
}

std::vector<GateKind> matrix_kinds() {  // every kind gate_matrix builds (not the fixed ones)
  std::vector<GateKind> v;
  for (GateKind k : all_kinds())
    if (!is_fixed(k)) v.push_back(k);
  return v;
}

std::array<double, 3> random_angles(Rng& rng) {
  return {random_angle(rng) * 2, random_angle(rng) * 2, random_angle(rng) * 2};
}

TEST(SimGates, InfoTableIsConsistent) {
  for (GateKind k : all_kinds()) {
    const auto& gi = sim::info(k);
    EXPECT_GE(gi.qubits, 1);
    EXPECT_LE(gi.qubits, 3);
    EXPECT_GE(gi.params, 0);
    EXPECT_LE(gi.params, 3);
    EXPECT_FALSE(gi.name.empty());
    EXPECT_EQ(gi.shift == sim::GateInfo::Shift::None, gi.params == 0) << gi.name;
  }
  EXPECT_EQ(sim::info(GateKind::U3).params, 3);
  EXPECT_EQ(sim::info(GateKind::Toffoli).qubits, 3);
  EXPECT_EQ(sim::info(GateKind::Unitary2).qubits, 2);
}

TEST(SimGates, EveryMatrixIsUnitaryAndItsInverseUndoesIt) {
  Rng rng(201);
  for (GateKind k : matrix_kinds())
    for (int trial = 0; trial < 5; ++trial) {
      const auto a = random_angles(rng);
      const MatrixC u = sim::gate_matrix(k, a.data());
      const Eigen::Index d = Eigen::Index{1} << sim::info(k).qubits;
      ASSERT_EQ(u.rows(), d) << kind_name(k);
      ASSERT_EQ(u.cols(), d) << kind_name(k);
      EXPECT_LE(max_diff(u.adjoint() * u, identity(d)), 1e-14) << kind_name(k);
      EXPECT_LE(max_diff(u * u.adjoint(), identity(d)), 1e-14) << kind_name(k);
      const MatrixC inv = sim::gate_inverse(k, a.data());
      EXPECT_LE(max_diff(inv * u, identity(d)), 1e-14) << kind_name(k);
      EXPECT_LE(max_diff(u * inv, identity(d)), 1e-14) << kind_name(k);
      // The real flag promises a real matrix for every angle.
      if (sim::info(k).real) {
        EXPECT_EQ(u.imag().cwiseAbs().maxCoeff(), 0.0) << kind_name(k);
      }
    }
  // Rotations: the inverse is the same gate at minus the angles (one-parameter kinds).
  for (GateKind k : {GateKind::RX, GateKind::RY, GateKind::RZ, GateKind::Phase, GateKind::CRX,
                     GateKind::CRY, GateKind::CRZ, GateKind::CPhase}) {
    const double t = 0.83, mt = -t;
    EXPECT_LE(max_diff(sim::gate_inverse(k, &t), sim::gate_matrix(k, &mt)), 1e-15) << kind_name(k);
  }
}

TEST(SimGates, FixedMatricesAreUnitaryThroughTheCircuit) {
  Rng rng(202);
  sim::Circuit c(3);
  const MatrixC u1 = random_unitary(rng, 2), u2 = random_unitary(rng, 4);
  c.add_unitary(u1, {2, 0, 0});
  c.add_unitary(u2, {1, 0, 0});
  ASSERT_EQ(c.gates().size(), 2u);
  EXPECT_EQ(c.gates()[0].kind, GateKind::Unitary1);
  EXPECT_EQ(c.gates()[1].kind, GateKind::Unitary2);
  EXPECT_EQ(c.gates()[1].qubits[0], 1);
  EXPECT_EQ(c.gates()[1].qubits[1], 0);
  for (const auto& g : c.gates()) {
    const MatrixC m = c.matrix(g, nullptr, nullptr);
    EXPECT_LE(max_diff(m.adjoint() * m, identity(m.rows())), 1e-14);
  }
  EXPECT_EQ(max_diff(c.matrix(c.gates()[0], nullptr, nullptr), u1), 0.0);
  EXPECT_EQ(max_diff(c.matrix(c.gates()[1], nullptr, nullptr), u2), 0.0);
  // A unitary up to 1e-12 is accepted (checked to 1e-10).
  MatrixC nearly = u1;
  nearly(0, 0) += 1e-13;
  EXPECT_NO_THROW(c.add_unitary(nearly, {0, 0, 0}));
}

TEST(SimGates, DescribeNamesQubitsAndAngleSources) {
  sim::Circuit c(4);
  c.add(GateKind::RY, 3, Angle::shared(5));
  c.add(GateKind::CRX, 0, 2, Angle::sample(1));
  c.add(GateKind::Toffoli, {0, 1, 3});
  c.add(GateKind::U3, {2, 0, 0}, {Angle::shared(0), Angle::sample(0), Angle::shared(2)});
  EXPECT_EQ(c.describe(c.gates()[0]), "ry(q3; theta[5])");
  EXPECT_EQ(c.describe(c.gates()[1]), "crx(q0,q2; x[1])");
  EXPECT_EQ(c.describe(c.gates()[2]), "ccx(q0,q1,q3)");
  EXPECT_EQ(c.describe(c.gates()[3]), "u3(q2; theta[0]; x[0]; theta[2])");
  EXPECT_EQ(c.shared_params(), 6u);
  EXPECT_EQ(c.sample_params(), 2u);
  EXPECT_TRUE(c.gates()[1].per_sample());
  EXPECT_FALSE(c.gates()[0].per_sample());
  EXPECT_TRUE(c.gates()[3].per_sample());
}

// Generators: Hermitian, dU/dt = -i G U, gate_derivative equals a central difference of the
// matrix, for every parameter of every parametric kind (U3's generators depend on the angles).
TEST(SimGates, GeneratorsAreHermitianAndMatchFiniteDifferences) {
  Rng rng(203);
  const double h = 1e-4;
  for (GateKind k : matrix_kinds()) {
    const int params = sim::info(k).params;
    for (int trial = 0; trial < 4; ++trial) {
      const auto a = random_angles(rng);
      for (int p = 0; p < params; ++p) {
        const MatrixC g = sim::gate_generator(k, a.data(), p);
        EXPECT_LE(max_diff(g, g.adjoint()), 1e-15) << kind_name(k) << " p" << p;
        // Fourth-order central difference of gate_matrix.
        auto at = [&](double s) {
          auto b = a;
          b[static_cast<size_t>(p)] += s;
          return sim::gate_matrix(k, b.data());
        };
        const MatrixC fd = (8.0 * (at(h) - at(-h)) - (at(2 * h) - at(-2 * h))) / (12 * h);
        const MatrixC u = sim::gate_matrix(k, a.data());
        EXPECT_LE(max_diff(-I * g * u, fd), 1e-11) << kind_name(k) << " p" << p;
        EXPECT_LE(max_diff(sim::gate_derivative(k, a.data(), p), fd), 1e-11)
            << kind_name(k) << " p" << p;
      }
    }
  }
}

// The shift-rule metadata matches the generator spectra: TwoTerm needs exactly two distinct
// eigenvalues one apart; FourTerm the controlled-rotation spectrum {0, -1/2, +1/2}.
TEST(SimGates, ShiftRulesMatchGeneratorSpectra) {
  Rng rng(204);
  for (GateKind k : matrix_kinds()) {
    const auto& gi = sim::info(k);
    for (int p = 0; p < gi.params; ++p) {
      const auto a = random_angles(rng);
      const MatrixC g = sim::gate_generator(k, a.data(), p);
      Eigen::SelfAdjointEigenSolver<MatrixC> es(g);
      std::vector<double> ev;
      for (Eigen::Index i = 0; i < es.eigenvalues().size(); ++i) {
        const double e = es.eigenvalues()(i);
        if (ev.empty() || std::abs(e - ev.back()) > 1e-9) ev.push_back(e);
      }
      if (gi.shift == sim::GateInfo::Shift::TwoTerm) {
        ASSERT_EQ(ev.size(), 2u) << kind_name(k);
        EXPECT_NEAR(ev[1] - ev[0], 1.0, 1e-12) << kind_name(k);
      } else {
        ASSERT_EQ(gi.shift, sim::GateInfo::Shift::FourTerm) << kind_name(k);
        ASSERT_EQ(ev.size(), 3u) << kind_name(k);
        EXPECT_NEAR(ev[0], -0.5, 1e-12);
        EXPECT_NEAR(ev[1], 0.0, 1e-12);
        EXPECT_NEAR(ev[2], 0.5, 1e-12);
      }
    }
  }
}

// The conventions of docs/MODEL.md, written out:
// RX(t) = exp(-i t X/2) = cos(t/2) 1 - i sin(t/2) X, and so on.
TEST(SimGates, ConventionsAreExactlyThoseOfTheDesign) {
  const double t = 0.731, c = std::cos(t / 2), s = std::sin(t / 2);
  const MatrixC X = m2(0, 1, 1, 0), Y = m2(0, -I, I, 0), Z = m2(1, 0, 0, -1), one = identity(2);
  const auto mat = [](GateKind k, std::array<double, 3> a = {}) {
    return sim::gate_matrix(k, a.data());
  };
  EXPECT_LE(max_diff(mat(GateKind::RX, {t}), c * one - I * s * X), 1e-15);
  EXPECT_LE(max_diff(mat(GateKind::RY, {t}), c * one - I * s * Y), 1e-15);
  EXPECT_LE(max_diff(mat(GateKind::RZ, {t}), c * one - I * s * Z), 1e-15);
  EXPECT_LE(
      max_diff(mat(GateKind::RZ, {t}), m2(std::exp(-I * (t / 2)), 0, 0, std::exp(I * (t / 2)))),
      1e-15);
  EXPECT_LE(max_diff(mat(GateKind::RY, {t}), m2(c, -s, s, c)), 1e-15);
  EXPECT_LE(max_diff(mat(GateKind::Phase, {t}), m2(1, 0, 0, std::exp(I * t))), 1e-15);
  EXPECT_EQ(max_diff(mat(GateKind::X), X), 0.0);
  EXPECT_EQ(max_diff(mat(GateKind::Y), Y), 0.0);
  EXPECT_EQ(max_diff(mat(GateKind::Z), Z), 0.0);
  EXPECT_LE(max_diff(mat(GateKind::H), (X + Z) / std::sqrt(2.0)), 1e-15);
  EXPECT_EQ(max_diff(mat(GateKind::S), m2(1, 0, 0, I)), 0.0);
  EXPECT_LE(max_diff(mat(GateKind::T), m2(1, 0, 0, std::exp(I * (std::numbers::pi / 4)))), 1e-15);
  // U3(t, p, l) = RZ(p) RY(t) RZ(l).
  const double p = -1.2, l = 2.4;
  EXPECT_LE(max_diff(mat(GateKind::U3, {t, p, l}),
                     mat(GateKind::RZ, {p}) * mat(GateKind::RY, {t}) * mat(GateKind::RZ, {l})),
            1e-15);
  // Two-qubit gates, big-endian over (control, target): local index = 2 * control + target.
  MatrixC cnot = MatrixC::Zero(4, 4);
  cnot(0, 0) = cnot(1, 1) = cnot(2, 3) = cnot(3, 2) = 1;
  EXPECT_EQ(max_diff(mat(GateKind::CNOT), cnot), 0.0);
  MatrixC cz = identity(4);
  cz(3, 3) = -1;
  EXPECT_EQ(max_diff(mat(GateKind::CZ), cz), 0.0);
  MatrixC swap = MatrixC::Zero(4, 4);
  swap(0, 0) = swap(1, 2) = swap(2, 1) = swap(3, 3) = 1;
  EXPECT_EQ(max_diff(mat(GateKind::SWAP), swap), 0.0);
  for (auto [ck, k] :
       {std::pair{GateKind::CRX, GateKind::RX}, std::pair{GateKind::CRY, GateKind::RY},
        std::pair{GateKind::CRZ, GateKind::RZ}, std::pair{GateKind::CPhase, GateKind::Phase}}) {
    MatrixC want = identity(4);
    want.bottomRightCorner(2, 2) = mat(k, {t});
    EXPECT_LE(max_diff(mat(ck, {t}), want), 1e-15) << kind_name(ck);
  }
  MatrixC ccx = identity(8);
  ccx(6, 6) = ccx(7, 7) = 0;
  ccx(6, 7) = ccx(7, 6) = 1;
  EXPECT_EQ(max_diff(mat(GateKind::Toffoli), ccx), 0.0);
}

// Amplitudes after one gate on a basis state |bits> of n qubits (qubit 0 = most significant).
std::vector<cplx> run_basis(int n, size_t basis, GateKind kind, std::vector<int> q, double angle,
                            qmf::Isa isa) {
  sim::Circuit c(n);
  std::array<int, 3> qa{};
  std::copy(q.begin(), q.end(), qa.begin());
  c.add(kind, qa, {Angle::shared(0)});
  sim::Simulator<double> s(compile(c), {1, isa});
  auto st = s.make_state(1);
  std::vector<cplx> in(size_t{1} << n, 0.0);
  in[basis] = 1;
  std::vector<double> theta(c.shared_params(), angle);
  s.forward({{n}, {in}}, theta, {}, st);
  return state_values(st);
}

TEST(SimGates, QubitZeroIsTheMostSignificantBit) {
  for (qmf::Isa isa : isas()) {
    for (int n : {1, 3, 5}) {
      for (int q = 0; q < n; ++q) {
        const auto out = run_basis(n, 0, GateKind::X, {q}, 0, isa);
        const size_t want = size_t{1} << (n - 1 - q);
        for (size_t a = 0; a < out.size(); ++a)
          EXPECT_EQ(out[a], cplx(a == want ? 1.0 : 0.0)) << "n=" << n << " q=" << q;
      }
    }
    // CNOT(0 -> 1) on |10> gives |11>; CNOT(1 -> 0) leaves |10> alone.
    auto out = run_basis(2, 0b10, GateKind::CNOT, {0, 1}, 0, isa);
    EXPECT_EQ(out[0b11], cplx(1.0));
    out = run_basis(2, 0b10, GateKind::CNOT, {1, 0}, 0, isa);
    EXPECT_EQ(out[0b10], cplx(1.0));
    // Toffoli(0, 2 -> 1) on |101> gives |111>; on |100> does nothing.
    out = run_basis(3, 0b101, GateKind::Toffoli, {0, 2, 1}, 0, isa);
    EXPECT_EQ(out[0b111], cplx(1.0));
    out = run_basis(3, 0b100, GateKind::Toffoli, {0, 2, 1}, 0, isa);
    EXPECT_EQ(out[0b100], cplx(1.0));
  }
}

// CRX, CRY, CRZ, CPhase: nothing when the control is 0, the rotation on the target when it is 1.
TEST(SimGates, ControlledRotationsActOnlyWhenTheControlIsOne) {
  const double t = 1.1;
  for (qmf::Isa isa : isas())
    for (auto [ck, k] :
         {std::pair{GateKind::CRX, GateKind::RX}, std::pair{GateKind::CRY, GateKind::RY},
          std::pair{GateKind::CRZ, GateKind::RZ}, std::pair{GateKind::CPhase, GateKind::Phase}}) {
      const MatrixC r = sim::gate_matrix(k, &t);
      // n = 3, control 2, target 0: bits (q0 q1 q2).
      for (size_t basis = 0; basis < 8; ++basis) {
        const auto out = run_basis(3, basis, ck, {2, 0}, t, isa);
        const bool control = basis & 1;
        const int target = static_cast<int>((basis >> 2) & 1);
        for (size_t a = 0; a < 8; ++a) {
          cplx want = 0;
          if (!control) {
            want = a == basis ? 1.0 : 0.0;
          } else if ((a & 0b011) == (basis & 0b011)) {
            want = r(static_cast<int>((a >> 2) & 1), target);
          }
          EXPECT_LE(std::abs(out[a] - want), 1e-15)
              << kind_name(ck) << " basis " << basis << " amp " << a;
        }
      }
    }
}

TEST(SimGates, RotationsOnBasisStatesGiveTheDesignAmplitudes) {
  const double t = 0.9;
  for (qmf::Isa isa : isas()) {
    auto out = run_basis(1, 0, GateKind::RZ, {0}, t, isa);  // RZ|0> = e^{-it/2}|0>
    EXPECT_LE(std::abs(out[0] - std::exp(-I * (t / 2))), 1e-15);
    out = run_basis(1, 1, GateKind::RZ, {0}, t, isa);  // RZ|1> = e^{+it/2}|1>
    EXPECT_LE(std::abs(out[1] - std::exp(I * (t / 2))), 1e-15);
    out = run_basis(1, 0, GateKind::RY, {0}, t, isa);  // RY|0> = cos|0> + sin|1>
    EXPECT_LE(std::abs(out[0] - std::cos(t / 2)), 1e-15);
    EXPECT_LE(std::abs(out[1] - std::sin(t / 2)), 1e-15);
    out = run_basis(1, 0, GateKind::RX, {0}, t, isa);  // RX|0> = cos|0> - i sin|1>
    EXPECT_LE(std::abs(out[0] - std::cos(t / 2)), 1e-15);
    EXPECT_LE(std::abs(out[1] + I * std::sin(t / 2)), 1e-15);
  }
}

}  // namespace
}  // namespace qmf
