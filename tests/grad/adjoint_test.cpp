// Adjoint gradients (thresholds of docs/MODEL.md, double): against central finite differences
// (normwise relative error < 1e-7, elementwise < 1e-5 where |g| > 1e-5) and against the
// parameter-shift rule (1e-10 for every rotation angle, shared and per sample), on random circuits
// of 2..10 qubits mixing every parametric kind, weight sharing, per-sample angles, several
// registers, marginals over random ordered qubit subsets and random dprobs. Register-amplitude
// gradients (dL = Re(conj(g) dpsi)) against finite differences of real and imaginary parts. Float
// gradients agree with double ones to ~1e-4.
#include <gtest/gtest.h>

#include <vector>

#include "grad/adjoint.h"
#include "grad/param_shift.h"
#include "support/sim_support.h"

namespace qmf {
namespace {

using namespace qmf::testing;

constexpr double kNormTol = 1e-7, kElemTol = 1e-5, kElemFloor = 1e-5, kShiftTol = 1e-10;

void expect_design_thresholds(const std::vector<double>& got, const std::vector<double>& fd,
                              const std::string& what) {
  const Diff d = compare(got, fd, kElemFloor);
  EXPECT_LT(d.norm_rel, kNormTol) << what << ": normwise relative error vs finite differences";
  EXPECT_LT(d.max_rel, kElemTol) << what << ": elementwise, worst entry " << d.worst << " adjoint "
                                 << got[d.worst] << " fd " << fd[d.worst];
}

struct Case {
  int n;
  size_t batch;
  int fuse = 2;
  qmf::Isa isa = qmf::best_isa();
  int threads = 1;
  size_t register_probes = 6;
};

// Everything for one random problem: adjoint vs finite differences vs parameter shift.
void check_case(uint64_t seed, const Case& k) {
  Rng rng(seed);
  CircuitSpec spec{.qubits = k.n,
                   .gates = 2 * k.n + 8,
                   .shared = static_cast<uint32_t>(k.n + 4),
                   .sample = 3,
                   .sample_fraction = 0.3};
  const Problem p = random_problem(rng, spec, k.batch, 5, 3);
  const std::string what =
      "n=" + std::to_string(k.n) + " batch=" + std::to_string(k.batch) +
      " fuse=" + std::to_string(k.fuse) + " " + std::string(qmf::isa_name(k.isa)) +
      " threads=" + std::to_string(k.threads) + " seed=" + std::to_string(seed);
  SCOPED_TRACE(what);
  // The circuit really mixes what it should.
  ASSERT_GT(p.circuit.shared_params(), 0u);
  ASSERT_EQ(p.circuit.sample_params(), 3u);
  ASSERT_GT(p.readout.size(), 0u);

  const auto prog = compile(p.circuit, k.fuse);
  const sim::SimOptions opt{k.threads, k.isa};
  const auto r = run_problem<double>(p, prog, opt);
  ASSERT_EQ(r.grads.theta.size(), p.theta.size());
  ASSERT_EQ(r.grads.sample.size(), p.sample.size());
  ASSERT_EQ(r.grads.registers.size(), p.registers.size());
  double gnorm = 0;
  for (double g : r.grads.theta) gnorm += g * g;
  EXPECT_GT(gnorm, 1e-6) << "degenerate problem: zero gradient";

  const auto fd = finite_differences<double>(rng, p, prog, opt, k.register_probes);
  expect_design_thresholds(r.grads.theta, fd.theta, "theta");
  expect_design_thresholds(r.grads.sample, fd.sample, "per-sample angles");
  std::vector<double> reg_adj, reg_fd;
  for (const auto& probe : fd.registers)
    for (size_t b = 0; b < p.batch; ++b) {
      const cplx g = r.grads.registers[probe.reg][(b << p.registers[probe.reg]) + probe.index];
      reg_adj.push_back(probe.imag ? g.imag() : g.real());
      reg_fd.push_back(probe.d[b]);
    }
  expect_design_thresholds(reg_adj, reg_fd, "register amplitudes");

  grad::Gradients ps;
  grad::parameter_shift<double>(*prog, {1, k.isa}, p.input(), p.theta, p.sample, p.readout,
                                p.dprobs, ps);
  EXPECT_LE(max_abs_diff(r.grads.theta, ps.theta), kShiftTol) << "theta vs parameter shift";
  EXPECT_LE(max_abs_diff(r.grads.sample, ps.sample), kShiftTol) << "samples vs parameter shift";
  EXPECT_TRUE(ps.registers.empty());
}

TEST(GradAdjoint, RandomCircuitsTwoQubits) {
  for (uint64_t seed : {1, 2, 3}) check_case(600 + seed, {.n = 2, .batch = 5});
}
TEST(GradAdjoint, RandomCircuitsThreeQubits) {
  check_case(611, {.n = 3, .batch = 4, .fuse = 0});
  check_case(612, {.n = 3, .batch = 9, .fuse = 2, .isa = qmf::Isa::Scalar, .threads = 2});
}
TEST(GradAdjoint, RandomCircuitsFourQubits) {
  check_case(621, {.n = 4, .batch = 9, .threads = 2});
  check_case(622, {.n = 4, .batch = 1, .fuse = 1});
}
TEST(GradAdjoint, RandomCircuitsFiveQubits) { check_case(631, {.n = 5, .batch = 3}); }
TEST(GradAdjoint, RandomCircuitsSixQubits) {
  check_case(641, {.n = 6, .batch = 4, .isa = qmf::Isa::Scalar});
}
TEST(GradAdjoint, RandomCircuitsSevenQubits) { check_case(651, {.n = 7, .batch = 3, .fuse = 0}); }
TEST(GradAdjoint, RandomCircuitsEightQubits) {
  check_case(661, {.n = 8, .batch = 4, .threads = 2});
}
TEST(GradAdjoint, RandomCircuitsTenQubits) {
  check_case(681, {.n = 10, .batch = 2, .register_probes = 4});
}

// All register amplitudes of every sample at n = 4 (not only probes), with three registers.
TEST(GradAdjoint, EveryRegisterAmplitudeAgainstFiniteDifferences) {
  Rng rng(690);
  CircuitSpec spec{.qubits = 4, .gates = 16, .shared = 6, .sample = 2};
  Problem p = random_problem(rng, spec, 3);
  p.registers = {1, 2, 1};
  p.amplitudes.clear();
  for (int k : p.registers) {
    std::vector<cplx> rows;
    for (size_t b = 0; b < p.batch; ++b)  // unnormalised inputs: the formula does not care
      for (size_t i = 0; i < (size_t{1} << k); ++i) rows.push_back(normal_c(rng));
    p.amplitudes.push_back(rows);
  }
  const auto prog = compile(p.circuit);
  const sim::SimOptions opt{1, qmf::best_isa()};
  const auto r = run_problem<double>(p, prog, opt);
  LossFn<double> loss(p, prog, opt);
  std::vector<double> adj, fd;
  for (size_t m = 0; m < p.registers.size(); ++m)
    for (size_t i = 0; i < (size_t{1} << p.registers[m]); ++i)
      for (bool imag : {false, true}) {
        const auto d = central_difference([&](double s) {
          auto amps = p.amplitudes;
          for (size_t b = 0; b < p.batch; ++b)
            amps[m][(b << p.registers[m]) + i] += imag ? cplx(0, s) : cplx(s, 0);
          return loss(p.theta, p.sample, amps);
        });
        for (size_t b = 0; b < p.batch; ++b) {
          const cplx g = r.grads.registers[m][(b << p.registers[m]) + i];
          adj.push_back(imag ? g.imag() : g.real());
          fd.push_back(d[b]);
        }
      }
  expect_design_thresholds(adj, fd, "every register amplitude");
}

// Eight registers (the most the product input takes), every register amplitude checked.
TEST(GradAdjoint, EightRegistersEveryAmplitude) {
  Rng rng(696);
  CircuitSpec spec{.qubits = 9, .gates = 12, .shared = 8, .sample = 1};
  Problem p = random_problem(rng, spec, 2);
  p.registers = {1, 1, 2, 1, 1, 1, 1, 1};
  p.amplitudes.clear();
  for (int k : p.registers) {
    std::vector<cplx> rows;
    for (size_t b = 0; b < p.batch; ++b) {
      const auto r = random_amplitudes(rng, size_t{1} << k);
      rows.insert(rows.end(), r.begin(), r.end());
    }
    p.amplitudes.push_back(rows);
  }
  const auto prog = compile(p.circuit);
  for (qmf::Isa isa : isas()) {
    const sim::SimOptions opt{2, isa};
    const auto r = run_problem<double>(p, prog, opt);
    LossFn<double> loss(p, prog, {1, isa});
    std::vector<double> adj, fd;
    for (size_t m = 0; m < p.registers.size(); ++m)
      for (size_t i = 0; i < (size_t{1} << p.registers[m]); ++i)
        for (bool imag : {false, true}) {
          const auto d = central_difference([&](double s) {
            auto amps = p.amplitudes;
            for (size_t b = 0; b < p.batch; ++b)
              amps[m][(b << p.registers[m]) + i] += imag ? cplx(0, s) : cplx(s, 0);
            return loss(p.theta, p.sample, amps);
          });
          for (size_t b = 0; b < p.batch; ++b) {
            const cplx g = r.grads.registers[m][(b << p.registers[m]) + i];
            adj.push_back(imag ? g.imag() : g.real());
            fd.push_back(d[b]);
          }
        }
    expect_design_thresholds(adj, fd, "eight registers");
    const auto fdt = finite_differences<double>(rng, p, prog, opt, 0);
    expect_design_thresholds(r.grads.theta, fdt.theta, "eight registers, theta");
  }
}

// A reused grad::Adjoint (its lambda and K kept between calls) gives the same bits as a fresh
// one, whatever sequence of shapes it sees.
TEST(GradAdjoint, ReusedWorkspaceGivesTheSameBitsAsAFreshOne) {
  Rng rng(697);
  CircuitSpec spec{.qubits = 5, .gates = 20, .shared = 6, .sample = 2};
  const Problem a = random_problem(rng, spec, 9);
  Problem b = a;  // same circuit, other batch and readout
  const Problem& bc = b;
  fill_problem(rng, b, 3);
  spec.qubits = 4;
  const Problem c = random_problem(rng, spec, 5);
  grad::Adjoint<double> reused;
  int turn = 0;
  for (const Problem* p : {&a, &bc, &a, &c, &bc, &a, &a, &c}) {
    // Alternate the ISA too: the same batch then comes with another lane layout.
    const qmf::Isa isa = isas()[static_cast<size_t>(turn++) % isas().size()];
    sim::Simulator<double> s(compile(p->circuit), {2, isa});
    const auto in = p->input();
    grad::Gradients g1, g2;
    auto st1 = s.make_state(p->batch);
    s.forward(in, p->theta, p->sample, st1);
    grad::adjoint(s, st1, in, p->readout, p->dprobs, g1);
    auto st2 = s.make_state(p->batch);
    s.forward(in, p->theta, p->sample, st2);
    reused.run(s, st2, in, p->readout, p->dprobs, g2);
    EXPECT_EQ(g1.theta, g2.theta);
    EXPECT_EQ(g1.sample, g2.sample);
    EXPECT_EQ(g1.registers, g2.registers);
  }
}

// No gates at all: the marginal of the product input; only register gradients.
TEST(GradAdjoint, EmptyCircuitGivesRegisterGradientsOnly) {
  Rng rng(698);
  Problem p;
  p.circuit = sim::Circuit(3);
  fill_problem(rng, p, 4);
  const auto prog = compile(p.circuit);
  for (qmf::Isa isa : isas()) {
    const auto r = run_problem<double>(p, prog, {1, isa});
    EXPECT_TRUE(r.grads.theta.empty());
    EXPECT_TRUE(r.grads.sample.empty());
    const auto fd = finite_differences<double>(rng, p, prog, {1, isa}, 6);
    std::vector<double> adj, want;
    for (const auto& probe : fd.registers)
      for (size_t b = 0; b < p.batch; ++b) {
        const cplx g = r.grads.registers[probe.reg][(b << p.registers[probe.reg]) + probe.index];
        adj.push_back(probe.imag ? g.imag() : g.real());
        want.push_back(probe.d[b]);
      }
    expect_design_thresholds(adj, want, "empty circuit");
  }
}

// Readout over every qubit in a shuffled order (2^n outcomes).
TEST(GradAdjoint, ReadoutOfEveryQubitInShuffledOrder) {
  Rng rng(699);
  CircuitSpec spec{.qubits = 6, .gates = 16, .shared = 8, .sample = 2};
  Problem p = random_problem(rng, spec, 3);
  p.readout = random_qubits(rng, 6, 6);
  p.dprobs.resize(p.batch << 6);
  for (auto& d : p.dprobs) d = rng.normal();
  const auto prog = compile(p.circuit);
  const sim::SimOptions opt{1, qmf::best_isa()};
  const auto r = run_problem<double>(p, prog, opt);
  const auto fd = finite_differences<double>(rng, p, prog, opt, 4);
  expect_design_thresholds(r.grads.theta, fd.theta, "theta");
  expect_design_thresholds(r.grads.sample, fd.sample, "per-sample");
  grad::Gradients ps;
  grad::parameter_shift<double>(*prog, opt, p.input(), p.theta, p.sample, p.readout, p.dprobs, ps);
  EXPECT_LE(max_abs_diff(r.grads.theta, ps.theta), kShiftTol);
  EXPECT_LE(max_abs_diff(r.grads.sample, ps.sample), kShiftTol);
}

// Real fixed matrices (orthogonal) keep their blocks real, so the kernels' real paths run for
// fused blocks that hold them; states and gradients are still right.
TEST(GradAdjoint, RealFixedMatricesFuseIntoRealBlocks) {
  Rng rng(700);
  const auto orthogonal = [&](int dim) {
    MatrixC a(dim, dim);
    for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = rng.normal();
    Eigen::HouseholderQR<MatrixC> qr(a);
    MatrixC q = qr.householderQ();
    for (Eigen::Index i = 0; i < q.size(); ++i) q.data()[i] = q.data()[i].real();  // exact zeros
    return q;
  };
  sim::Circuit c(4);
  c.add(GateKind::RY, 0, Angle::shared(0));
  c.add_unitary(orthogonal(4), {0, 1, 0});
  c.add(GateKind::CRY, 1, 0, Angle::shared(1));
  c.add(GateKind::RY, 2, Angle::sample(0));
  c.add_unitary(orthogonal(2), {2, 0, 0});
  c.add(GateKind::CNOT, 2, 3);
  c.add_unitary(orthogonal(4), {3, 2, 0});
  c.add(GateKind::RY, 3, Angle::shared(0));
  c.add(GateKind::CRY, 0, 3, Angle::shared(2));
  c.add_unitary(orthogonal(4), {3, 0, 0});
  const auto prog = compile(c);
  size_t real_fused = 0;
  for (const auto& b : prog->blocks()) {
    EXPECT_TRUE(b.real);
    real_fused += b.gates.size() > 1;
  }
  EXPECT_GT(real_fused, 0u);
  Problem p;
  p.circuit = c;
  fill_problem(rng, p, 5);
  for (qmf::Isa isa : isas()) {
    const sim::SimOptions opt{1, isa};
    const auto r = run_problem<double>(p, prog, opt);
    const size_t amps = 16;
    for (size_t b = 0; b < p.batch; ++b) {
      const VectorC ref = reference_state(p, b);
      for (size_t a = 0; a < amps; ++a)
        EXPECT_LE(std::abs(r.state[b * amps + a] - ref(static_cast<Eigen::Index>(a))), 1e-12);
    }
    const auto fd = finite_differences<double>(rng, p, prog, opt, 4);
    expect_design_thresholds(r.grads.theta, fd.theta, "theta");
    expect_design_thresholds(r.grads.sample, fd.sample, "per-sample");
    std::vector<double> adj, want;
    for (const auto& probe : fd.registers)
      for (size_t b = 0; b < p.batch; ++b) {
        const cplx g = r.grads.registers[probe.reg][(b << p.registers[probe.reg]) + probe.index];
        adj.push_back(probe.imag ? g.imag() : g.real());
        want.push_back(probe.d[b]);
      }
    expect_design_thresholds(adj, want, "registers");
  }
}

// Weight sharing made explicit: one parameter in many gates of different kinds, twice inside
// one U3, and as the shared slot of a U3 whose other slots are per sample.
TEST(GradAdjoint, OneParameterSharedAcrossKindsAndSlots) {
  sim::Circuit c(3);
  c.add(GateKind::H, 0);
  c.add(GateKind::H, 1);
  c.add(GateKind::RX, 0, Angle::shared(0));
  c.add(GateKind::CRY, 0, 2, Angle::shared(0));
  c.add(GateKind::U3, {1, 0, 0}, {Angle::shared(0), Angle::shared(1), Angle::shared(0)});
  c.add(GateKind::U3, {2, 0, 0}, {Angle::sample(0), Angle::shared(0), Angle::sample(1)});
  c.add(GateKind::CPhase, 2, 1, Angle::shared(0));
  c.add(GateKind::CRZ, 1, 0, Angle::shared(1));
  c.add(GateKind::Phase, 2, Angle::shared(0));
  c.add(GateKind::CRX, 2, 0, Angle::sample(0));
  Rng rng(691);
  Problem p;
  p.circuit = c;
  fill_problem(rng, p, 5);
  for (int fuse : {0, 2})
    for (qmf::Isa isa : isas()) {
      const auto prog = compile(c, fuse);
      const sim::SimOptions opt{1, isa};
      const auto r = run_problem<double>(p, prog, opt);
      const auto fd = finite_differences<double>(rng, p, prog, opt, 2);
      expect_design_thresholds(r.grads.theta, fd.theta, "shared theta");
      expect_design_thresholds(r.grads.sample, fd.sample, "per-sample");
      grad::Gradients ps;
      grad::parameter_shift<double>(*prog, opt, p.input(), p.theta, p.sample, p.readout, p.dprobs,
                                    ps);
      EXPECT_LE(max_abs_diff(r.grads.theta, ps.theta), kShiftTol);
      EXPECT_LE(max_abs_diff(r.grads.sample, ps.sample), kShiftTol);
    }
}

// One problem through every configuration (both ISAs, batches 1/3/4/9, 1 and 2 threads): the
// adjoint agrees everywhere, to rounding.
TEST(GradAdjoint, EveryConfigurationGivesTheSameGradients) {
  Rng rng(692);
  CircuitSpec spec{.qubits = 5, .gates = 20, .shared = 8, .sample = 2};
  const Problem full = random_problem(rng, spec, 9);
  // Reference for each batch size: scalar kernels, unfused, one thread.
  for (const Config& cfg : all_configs()) {
    Problem p = full;
    p.batch = cfg.batch;
    for (size_t m = 0; m < p.registers.size(); ++m)
      p.amplitudes[m].resize(cfg.batch << p.registers[m]);
    p.sample.resize(cfg.batch * p.sp());
    p.dprobs.resize(cfg.batch * p.outcomes());
    const auto ref = run_problem<double>(p, compile(p.circuit, 0), {1, qmf::Isa::Scalar});
    const auto r = run_problem<double>(p, compile(p.circuit), cfg.options(), true, cfg.record);
    EXPECT_LE(compare(r.grads.theta, ref.grads.theta).norm_rel, 1e-12) << cfg.str();
    EXPECT_LE(max_abs_diff(r.grads.sample, ref.grads.sample), 1e-12) << cfg.str();
    EXPECT_LE(max_abs_diff(flatten(r.grads.registers), flatten(ref.grads.registers)), 1e-12)
        << cfg.str();
  }
}

// The sweep walks the state back to the prepared input, or, when the forward recorded the block
// inputs, leaves the forward's output as it was (adjoint.h promises both).
TEST(GradAdjoint, SweepLeavesTheInputStateOrTheRecordedOutputBehind) {
  Rng rng(693);
  CircuitSpec spec{.qubits = 6, .gates = 30, .shared = 8, .sample = 2};
  const Problem p = random_problem(rng, spec, 5);
  for (qmf::Isa isa : isas())
    for (bool record : {false, true}) {
      sim::Simulator<double> s(compile(p.circuit), {2, isa});
      auto st = s.make_state(p.batch);
      s.forward(p.input(), p.theta, p.sample, st, record);
      const std::vector<cplx> output = state_values(st);
      grad::Gradients g;
      grad::adjoint(s, st, p.input(), p.readout, p.dprobs, g);
      // Amplitude lanes (a batch below a pack) and wide packs never record.
      const bool kept = record && s.records(st);
      if (record && st.layout() == sim::LaneLayout::Samples)
        EXPECT_EQ(s.records(st), isa != qmf::Isa::Avx512) << qmf::isa_name(isa);
      const size_t amps = size_t{1} << p.qubits();
      for (size_t b = 0; b < p.batch; ++b) {
        const VectorC in = input_vector(p, b);
        for (size_t a = 0; a < amps; ++a) {
          const cplx want = kept ? output[b * amps + a] : in(static_cast<Eigen::Index>(a));
          EXPECT_LE(std::abs(st.amplitude(b, a) - want), 1e-12)
              << qmf::isa_name(isa) << " record " << record;
        }
      }
    }
}

// Loss weights on a single outcome: dL/dtheta is dP(c)/dtheta; a diagonal check that the seed
// uses the big-endian outcome order of the readout list.
TEST(GradAdjoint, SingleOutcomeWeightsFollowTheReadoutOrder) {
  Rng rng(694);
  CircuitSpec spec{.qubits = 4, .gates = 14, .shared = 6};
  Problem p = random_problem(rng, spec, 2);
  p.readout = {3, 0};
  const auto prog = compile(p.circuit);
  for (size_t c = 0; c < 4; ++c) {
    p.dprobs.assign(8, 0.0);
    p.dprobs[c] = 1.0;      // sample 0, outcome c
    p.dprobs[4 + c] = 1.0;  // sample 1, outcome c
    const auto r = run_problem<double>(p, prog, {1, qmf::best_isa()});
    const auto fd = finite_differences<double>(rng, p, prog, {1, qmf::best_isa()}, 0);
    expect_design_thresholds(r.grads.theta, fd.theta, "outcome " + std::to_string(c));
  }
}

// Float: gradients agree with double to ~1e-4 relative, all ISAs, padding lanes. The error of
// each part (theta, per-sample angles, register amplitudes) is measured against the norm of
// the whole gradient, since a part may vanish exactly (a readout outside a parameter's cone).
double norm2(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x * x;
  return s;
}

TEST(GradFloat, AgreesWithDouble) {
  Rng rng(695);
  for (int n : {2, 5, 8, 10}) {
    CircuitSpec spec{
        .qubits = n, .gates = 2 * n + 6, .shared = static_cast<uint32_t>(n + 3), .sample = 2};
    const Problem p = random_problem(rng, spec, 9);
    const auto prog = compile(p.circuit);
    const auto d = run_problem<double>(p, prog, {1, qmf::best_isa()});
    const auto dreg = flatten(d.grads.registers);
    const double scale = std::sqrt(norm2(d.grads.theta) + norm2(d.grads.sample) + norm2(dreg));
    ASSERT_GT(scale, 1e-3);
    for (qmf::Isa isa : isas())
      for (int threads : {1, 2}) {
        const auto f = run_problem<float>(p, prog, {threads, isa});
        const std::string what = "n=" + std::to_string(n) + " " + std::string(qmf::isa_name(isa)) +
                                 " threads=" + std::to_string(threads);
        const auto err = [&](const std::vector<double>& a, const std::vector<double>& b) {
          EXPECT_EQ(a.size(), b.size());
          double s = 0;
          for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
            s += (a[i] - b[i]) * (a[i] - b[i]);
          return std::sqrt(s) / scale;
        };
        EXPECT_LT(err(f.grads.theta, d.grads.theta), 1e-4) << what << " theta";
        EXPECT_LT(err(f.grads.sample, d.grads.sample), 1e-4) << what << " per-sample";
        EXPECT_LT(err(flatten(f.grads.registers), dreg), 1e-4) << what << " registers";
        EXPECT_LT(max_abs_diff(f.probs, d.probs), 1e-5) << what;
      }
  }
}

}  // namespace
}  // namespace qmf
