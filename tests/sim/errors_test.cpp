// Every invalid circuit or call is rejected with a qmf::Error whose message says what is wrong;
// a state too large for memory is refused before anything is allocated.
#include <gtest/gtest.h>

#include <vector>

#include "support/sim_support.h"

namespace qmf {
namespace {

using namespace qmf::testing;

TEST(SimErrors, QubitCountOutOfRange) {
  QMF_EXPECT_ERROR(sim::Circuit(0), "1..30");
  QMF_EXPECT_ERROR(sim::Circuit(31), "1..30");
  QMF_EXPECT_ERROR(sim::Circuit(-3), "1..30");
  QMF_EXPECT_ERROR(sim::Circuit(0), "0 qubits");
  EXPECT_NO_THROW(sim::Circuit(1));
  EXPECT_NO_THROW(sim::Circuit(30));
}

TEST(SimErrors, BadGatesNameTheGateAndTheProblem) {
  sim::Circuit c(3);
  c.add(GateKind::H, 0);
  QMF_EXPECT_ERROR(c.add(GateKind::X, 3), "qubit 3 out of range 0..2");
  QMF_EXPECT_ERROR(c.add(GateKind::X, -1), "out of range");
  QMF_EXPECT_ERROR(c.add(GateKind::RX, 5, Angle::shared(0)), "gate #1 (rx)");
  QMF_EXPECT_ERROR(c.add(GateKind::CNOT, 0, 3), "out of range");
  QMF_EXPECT_ERROR(c.add(GateKind::CNOT, 1, 1), "control equal to target");
  QMF_EXPECT_ERROR(c.add(GateKind::CRX, 2, 2, Angle::shared(0)), "used twice");
  QMF_EXPECT_ERROR(c.add(GateKind::Toffoli, {0, 1, 0}), "used twice");
  QMF_EXPECT_ERROR(c.add(GateKind::Toffoli, {0, 1, 1}), "used twice");
  QMF_EXPECT_ERROR(c.add(GateKind::Toffoli, {0, 1, 7}), "out of range");
  QMF_EXPECT_ERROR(c.add(GateKind::Unitary1, 0), "add_unitary");
  // Rejected gates leave the circuit as it was.
  EXPECT_EQ(c.gates().size(), 1u);
  EXPECT_EQ(c.shared_params(), 0u);
}

TEST(SimErrors, BadFixedMatrices) {
  Rng rng(701);
  sim::Circuit c(3);
  MatrixC bad = random_unitary(rng, 2);
  bad(0, 0) *= 1.001;
  QMF_EXPECT_ERROR(c.add_unitary(bad, {0, 0, 0}), "not unitary");
  MatrixC bad4 = random_unitary(rng, 4);
  bad4(3, 1) += 1e-6;
  QMF_EXPECT_ERROR(c.add_unitary(bad4, {0, 1, 0}), "not unitary");
  QMF_EXPECT_ERROR(c.add_unitary(MatrixC::Identity(8, 8), {0, 1, 2}), "2x2 or 4x4");
  QMF_EXPECT_ERROR(c.add_unitary(MatrixC::Identity(2, 4), {0, 0, 0}), "2x2 or 4x4");
  QMF_EXPECT_ERROR(c.add_unitary(random_unitary(rng, 4), {1, 1, 0}), "used twice");
  QMF_EXPECT_ERROR(c.add_unitary(random_unitary(rng, 2), {3, 0, 0}), "out of range");
  EXPECT_TRUE(c.gates().empty());
  EXPECT_TRUE(c.fixed_matrices().empty());
}

struct Fixture {
  sim::Circuit c{3};
  std::shared_ptr<const sim::Program> prog;
  std::vector<cplx> r1, r2;
  Fixture() {
    c.add(GateKind::RY, 0, Angle::shared(0));
    c.add(GateKind::CRX, 0, 2, Angle::shared(1));
    c.add(GateKind::RZ, 1, Angle::sample(0));
    prog = compile(c);
    Rng rng(702);
    for (size_t b = 0; b < 2; ++b) {
      const auto a = random_amplitudes(rng, 2), d = random_amplitudes(rng, 4);
      r1.insert(r1.end(), a.begin(), a.end());
      r2.insert(r2.end(), d.begin(), d.end());
    }
  }
  sim::ProductInput input() const { return {{1, 2}, {r1, r2}}; }
};

TEST(SimErrors, ForwardChecksEverySize) {
  Fixture f;
  sim::Simulator<double> s(f.prog, {1, qmf::best_isa()});
  auto st = s.make_state(2);
  const std::vector<double> theta{0.1, 0.2}, x{0.3, 0.4};
  EXPECT_NO_THROW(s.forward(f.input(), theta, x, st));
  QMF_EXPECT_ERROR(s.forward(f.input(), std::vector<double>{0.1}, x, st),
                   "1 parameters given, the circuit has 2");
  QMF_EXPECT_ERROR(s.forward(f.input(), std::vector<double>{0.1, 0.2, 0.3}, x, st),
                   "parameters given");
  QMF_EXPECT_ERROR(s.forward(f.input(), theta, std::vector<double>{0.3}, st), "per-sample angles");
  QMF_EXPECT_ERROR(s.forward(f.input(), theta, std::vector<double>{0.3, 0.4, 0.5}, st),
                   "per-sample angles");
  // Product input: registers not summing to n, wrong amplitude counts, mismatched lists.
  QMF_EXPECT_ERROR(s.forward({{1, 1}, {f.r1, f.r1}}, theta, x, st),
                   "registers hold 2 qubits, the circuit has 3");
  QMF_EXPECT_ERROR(s.forward({{1, 2, 1}, {f.r1, f.r2, f.r1}}, theta, x, st), "registers hold 4");
  QMF_EXPECT_ERROR(s.forward({{2, 1}, {f.r1, f.r2}}, theta, x, st), "needs 8 amplitudes, got 4");
  QMF_EXPECT_ERROR(s.forward({{1, 2}, {f.r1, std::span(f.r2).first(7)}}, theta, x, st), "needs 8");
  QMF_EXPECT_ERROR(s.forward({{1, 2}, {f.r1}}, theta, x, st), "amplitude arrays");
  QMF_EXPECT_ERROR(s.forward({{3, 0}, {f.r1, f.r2}}, theta, x, st), "register 1");
  QMF_EXPECT_ERROR(s.forward({{}, {}}, theta, x, st), "registers hold 0 qubits");
  // A state of another size.
  sim::BatchState<double> other(4, 2, 1);
  QMF_EXPECT_ERROR(s.forward(f.input(), theta, x, other), "the state has 4 qubits, the circuit 3");
}

// The product input holds at most 8 registers (the kernels' fixed register table); 8 work.
TEST(SimErrors, AtMostEightRegisters) {
  Rng rng(704);
  sim::Circuit c(9);
  for (int q = 0; q < 8; ++q) c.add(GateKind::CRY, q, q + 1, Angle::shared(0));
  sim::Simulator<double> s(compile(c), {1, qmf::best_isa()});
  auto st = s.make_state(1);
  std::vector<std::vector<cplx>> regs;
  for (int m = 0; m < 9; ++m) regs.push_back(random_amplitudes(rng, 2));
  sim::ProductInput nine;
  for (const auto& r : regs) nine.qubits.push_back(1), nine.amplitudes.emplace_back(r);
  QMF_EXPECT_ERROR(s.forward(nine, std::vector<double>{0.4}, {}, st), "at most 8");
  sim::ProductInput eight{{2, 1, 1, 1, 1, 1, 1, 1}, {}};
  const auto two = random_amplitudes(rng, 4);
  eight.amplitudes.emplace_back(two);
  for (int m = 1; m < 8; ++m) eight.amplitudes.emplace_back(regs[static_cast<size_t>(m)]);
  EXPECT_NO_THROW(s.forward(eight, std::vector<double>{0.4}, {}, st));
}

TEST(SimErrors, MarginalChecksQubitsAndOutputSize) {
  Fixture f;
  sim::Simulator<double> s(f.prog, {1, qmf::Isa::Scalar});
  auto st = s.make_state(2);
  s.forward(f.input(), std::vector<double>{0.1, 0.2}, std::vector<double>{0.3, 0.4}, st);
  std::vector<double> out(2 * 4);
  EXPECT_NO_THROW(s.marginal(st, std::vector<int>{2, 0}, out));
  QMF_EXPECT_ERROR(s.marginal(st, std::vector<int>{2, 3}, out), "qubit 3 out of range 0..2");
  QMF_EXPECT_ERROR(s.marginal(st, std::vector<int>{-1, 0}, out), "out of range");
  QMF_EXPECT_ERROR(s.marginal(st, std::vector<int>{0}, out), "expected 4");
  std::vector<double> small(3);
  QMF_EXPECT_ERROR(s.marginal(st, std::vector<int>{0, 1}, small), "expected 8");
}

TEST(GradErrors, AdjointChecksCotangentsAndQubits) {
  Fixture f;
  sim::Simulator<double> s(f.prog, {1, qmf::best_isa()});
  const std::vector<double> theta{0.1, 0.2}, x{0.3, 0.4};
  const std::vector<int> q{2, 1};
  grad::Gradients g;
  {
    auto st = s.make_state(2);
    s.forward(f.input(), theta, x, st);
    QMF_EXPECT_ERROR(grad::adjoint(s, st, f.input(), q, std::vector<double>(7, 1.0), g),
                     "7 probability cotangents given, expected 8");
    QMF_EXPECT_ERROR(grad::adjoint(s, st, f.input(), q, std::vector<double>(4, 1.0), g),
                     "cotangents");
    QMF_EXPECT_ERROR(
        grad::adjoint(s, st, f.input(), std::vector<int>{2, 3}, std::vector<double>(8, 1.0), g),
        "qubit 3 out of range");
  }
  auto st = s.make_state(2);
  s.forward(f.input(), theta, x, st);
  EXPECT_NO_THROW(grad::adjoint(s, st, f.input(), q, std::vector<double>(8, 1.0), g));
}

// A state whose qubit count or batch differs from the last forward is an invalid call for the
// adjoint just as for forward. (A larger state is used so that a missing check could not write
// out of bounds.)
TEST(GradErrors, AdjointRejectsAStateOfAnotherShape) {
  Fixture f;
  sim::Simulator<double> s(f.prog, {1, qmf::Isa::Scalar});
  const std::vector<double> theta{0.1, 0.2}, x{0.3, 0.4};
  auto st = s.make_state(2);
  s.forward(f.input(), theta, x, st);
  sim::BatchState<double> bigger(4, 2, 1);
  grad::Gradients g;
  QMF_EXPECT_ERROR(
      grad::adjoint(s, bigger, f.input(), std::vector<int>{0}, std::vector<double>(4, 1.0), g),
      "the state has 4 qubits");
  sim::BatchState<double> three(3, 3, 1);
  QMF_EXPECT_ERROR(
      grad::adjoint(s, three, f.input(), std::vector<int>{0}, std::vector<double>(6, 1.0), g),
      "the last forward ran 2");
}

TEST(SimErrors, BadOptionsAndMisuse) {
  Fixture f;
  QMF_EXPECT_ERROR((sim::Simulator<double>(f.prog, {-1, qmf::Isa::Scalar})),
                   "threads must be >= 0");
  QMF_EXPECT_ERROR(qmf::parse_isa("avx9"), "unknown isa 'avx9'");
  EXPECT_EQ(qmf::parse_isa("scalar"), qmf::Isa::Scalar);
  EXPECT_EQ(qmf::parse_isa("auto"), qmf::best_isa());
  // The adjoint before any forward is refused (by some exception, not a crash).
  sim::Simulator<double> s(f.prog, {1, qmf::Isa::Scalar});
  auto st = s.make_state(2);
  grad::Gradients g;
  EXPECT_THROW(grad::adjoint(s, st, f.input(), std::vector<int>{0}, std::vector<double>(4, 1.0), g),
               std::exception);
  // An empty batch is refused rather than producing a zero-chunk state.
  EXPECT_THROW(s.make_state(0), std::exception);
}

TEST(SimErrors, StateTooLargeForMemoryIsRefusedBeforeAllocating) {
  QMF_EXPECT_ERROR((sim::BatchState<double>(34, 1, 1)), "GiB");
  QMF_EXPECT_ERROR((sim::BatchState<double>(34, 1, 1)), "memory");
  QMF_EXPECT_ERROR((sim::BatchState<float>(36, 1, 1)), "a state of 36 qubits");
  QMF_EXPECT_ERROR((sim::BatchState<double>(28, 100000, 4)), "memory");
  // Through the simulator: a 30-qubit circuit with a large batch.
  sim::Circuit c(30);
  c.add(GateKind::H, 0);
  sim::Simulator<double> s(compile(c), {1, qmf::best_isa()});
  QMF_EXPECT_ERROR(s.make_state(4096), "memory");
}

// Sizes whose byte count overflows 64 bits must be refused too, not wrapped to a small number.
TEST(SimErrors, StateSizeOverflowIsRefused) {
  // 2 * 2^40 doubles per sample * 2^23 samples * 8 bytes = 2^67 bytes: wraps to 0 in size_t.
  QMF_EXPECT_ERROR((sim::BatchState<double>(40, size_t{1} << 23, 1)), "memory");
  // 2 * 2^30 floats * 2^32 samples * 4 bytes = 2^65.
  QMF_EXPECT_ERROR((sim::BatchState<float>(30, size_t{1} << 32, 1)), "memory");
}

// A state laid out for one kernel width used by a simulator of another (e.g. made by an AVX2
// simulator, run by a scalar one) must be rejected or handled; silently skipping lanes is a bug.
TEST(SimErrors, StateWithAForeignLaneLayoutIsRejectedOrHandled) {
  Rng rng(703);
  CircuitSpec spec{.qubits = 4, .gates = 12, .shared = 4, .sample = 1};
  const Problem p = random_problem(rng, spec, 8);
  const auto prog = compile(p.circuit);
  for (auto [isa, lanes] : {std::pair{qmf::Isa::Scalar, 4}, std::pair{qmf::best_isa(), 8}}) {
    sim::Simulator<double> s(prog, {1, isa});
    sim::BatchState<double> st(4, p.batch, lanes);
    try {
      s.forward(p.input(), p.theta, p.sample, st);
    } catch (const Error& e) {
      EXPECT_PRED_FORMAT2(::testing::IsSubstring, "make_state", e.what());
      // marginal must refuse it as well.
      std::vector<double> out(p.batch * 2);
      QMF_EXPECT_ERROR(s.marginal(st, std::vector<int>{0}, out), "packs");
      continue;
    }
    double err = 0;
    for (size_t b = 0; b < p.batch; ++b) {
      const VectorC ref = reference_state(p, b);
      for (size_t a = 0; a < 16; ++a)
        err = std::max(err, std::abs(st.amplitude(b, a) - ref(static_cast<Eigen::Index>(a))));
    }
    EXPECT_LE(err, 1e-12) << qmf::isa_name(isa) << " simulator, state with " << lanes
                          << " lanes: neither rejected nor computed correctly";
  }
}

}  // namespace
}  // namespace qmf
