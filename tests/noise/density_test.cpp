// The density-matrix simulator (noise/density.h) against a dense reference that applies every
// gate as U rho U^dag and every channel as its Kraus sum; its p = 0 path against the state-vector
// simulator; its adjoint gradients against central finite differences (the thresholds of the
// noise-free adjoint, docs/MODEL.md) and against the parameter-shift rule, which holds unchanged
// on noisy circuits because the channels do not depend on the angles.
#include <gtest/gtest.h>

#include <vector>

#include "noise/channel.h"
#include "noise/density.h"
#include "noise/readout_error.h"
#include "support/noisy_problem.h"
#include "support/sim_support.h"

namespace qmf {
namespace {

using namespace qmf::testing;
using noise::Channel;
using noise::ChannelKind;

// Every channel kind somewhere, at strengths a device would not reach, so they matter.
noise::NoiseModel every_channel() {
  noise::NoiseModel m;
  m.after_one_qubit = {{ChannelKind::depolarizing, 0.03},
                       {ChannelKind::amplitude_damping, 0.05},
                       {ChannelKind::phase_flip, 0.02}};
  m.after_two_qubit = {{ChannelKind::phase_damping, 0.04},
                       {ChannelKind::depolarizing2, 0.06},
                       {ChannelKind::bit_flip, 0.01}};
  m.after_three_qubit = {{ChannelKind::depolarizing, 0.02}};
  return m;
}

// rho <- K rho K^dag for an operator on `qubits`, through the index-arithmetic reference.
MatrixC conjugate_by(int n, const MatrixC& k, const std::vector<int>& qubits, const MatrixC& rho) {
  MatrixC a(rho.rows(), rho.cols()), b(rho.rows(), rho.cols());
  for (Eigen::Index c = 0; c < rho.cols(); ++c)
    a.col(c) = apply_reference(n, k, qubits, rho.col(c));
  const MatrixC at = a.adjoint();
  for (Eigen::Index c = 0; c < rho.cols(); ++c) b.col(c) = apply_reference(n, k, qubits, at.col(c));
  return b.adjoint();
}

MatrixC apply_channel(int n, const Channel& ch, const std::vector<int>& qubits,
                      const MatrixC& rho) {
  MatrixC out = MatrixC::Zero(rho.rows(), rho.cols());
  for (const MatrixC& k : noise::kraus_operators(ch)) out += conjugate_by(n, k, qubits, rho);
  return out;
}

// The reference: sample b's density matrix after the noisy circuit.
MatrixC reference_rho(const Problem& p, const noise::NoiseModel& m, size_t b) {
  const int n = p.qubits();
  const VectorC psi = input_vector(p, b);
  MatrixC rho = psi * psi.adjoint();
  for (const sim::Gate& g : p.circuit.gates()) {
    const int k = sim::info(g.kind).qubits;
    const std::vector<int> q(g.qubits.begin(), g.qubits.begin() + k);
    rho =
        conjugate_by(n, p.circuit.matrix(g, p.theta.data(), p.sample.data() + b * p.sp()), q, rho);
    const auto& after = k == 1   ? m.after_one_qubit
                        : k == 2 ? m.after_two_qubit
                                 : m.after_three_qubit;
    for (const Channel& ch : after) {
      if (noise::channel_qubits(ch.kind) == 2) {
        rho = apply_channel(n, ch, q, rho);
        continue;
      }
      for (int x : q) rho = apply_channel(n, ch, {x}, rho);
    }
  }
  return rho;
}

template <typename T>
struct Outcome {
  std::vector<double> probs;
  grad::Gradients grads;
};

template <typename T>
Outcome<T> run(const Problem& p, const noise::NoiseModel& m, bool gradients, int threads = 1,
               qmf::Isa isa = qmf::best_isa()) {
  noise::DensitySimulator<T> sim(p.circuit, m, {.threads = threads, .isa = isa});
  Outcome<T> r;
  sim.forward(p.input(), p.theta, p.sample);
  r.probs.resize(p.batch * p.outcomes());
  sim.marginal(p.readout, r.probs);
  noise::apply_readout_error(m.readout, r.probs, p.outcomes());
  if (gradients) {
    std::vector<double> d = p.dprobs;
    noise::readout_error_backward(m.readout, d, p.outcomes());
    sim.adjoint(p.input(), p.readout, d, r.grads);
  }
  return r;
}

double loss(const Problem& p, const noise::NoiseModel& m) {
  const Outcome<double> r = run<double>(p, m, false);
  double s = 0;
  for (size_t i = 0; i < r.probs.size(); ++i) s += p.dprobs[i] * r.probs[i];
  return s;
}

TEST(DensitySimulator, MatchesTheKrausReferenceOnRandomCircuits) {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    const int n = 2 + static_cast<int>(seed % 3);
    const Problem p = noisy_problem(seed, n, 5);
    const noise::NoiseModel m = every_channel();
    noise::DensitySimulator<double> sim(p.circuit, m, {.threads = 2});
    sim.forward(p.input(), p.theta, p.sample);
    for (size_t b = 0; b < p.batch; ++b) {
      const MatrixC want = reference_rho(p, m, b);
      EXPECT_LT((sim.density_matrix(b) - want).cwiseAbs().maxCoeff(), 1e-12)
          << "seed " << seed << " sample " << b;
      EXPECT_NEAR(want.trace().real(), 1.0, 1e-12);
    }
  }
}

TEST(DensitySimulator, WithoutChannelsIsThePureState) {
  const Problem p = noisy_problem(11, 4, 9);
  noise::DensitySimulator<double> sim(p.circuit, noise::NoiseModel{}, {.threads = 1});
  sim.forward(p.input(), p.theta, p.sample);
  for (size_t b = 0; b < p.batch; ++b) {
    const VectorC psi = reference_state(p, b);
    EXPECT_LT((sim.density_matrix(b) - psi * psi.adjoint()).cwiseAbs().maxCoeff(), 1e-12);
  }
}

TEST(DensitySimulator, AgreesAcrossKernelsAndThreadCounts) {
  const Problem p = noisy_problem(12, 4, 19);  // two packs and a padded one
  const noise::NoiseModel m = every_channel();
  const Outcome<double> ref = run<double>(p, m, true, 1, qmf::Isa::Scalar);
  for (qmf::Isa isa : {qmf::Isa::Scalar, qmf::Isa::Avx2, qmf::Isa::Avx512}) {
    if (!qmf::cpu_runs(isa)) continue;
    for (int threads : {1, 2}) {
      const Outcome<double> r = run<double>(p, m, true, threads, isa);
      EXPECT_LT(max_abs_diff(r.probs, ref.probs), 1e-13) << qmf::isa_name(isa) << " " << threads;
      EXPECT_LT(max_abs_diff(r.grads.theta, ref.grads.theta), 1e-12) << qmf::isa_name(isa);
      EXPECT_LT(max_abs_diff(r.grads.sample, ref.grads.sample), 1e-12) << qmf::isa_name(isa);
    }
  }
}

TEST(DensitySimulator, GradientsMatchFiniteDifferences) {
  for (uint64_t seed = 21; seed <= 24; ++seed) {
    Problem p = noisy_problem(seed, 3 + static_cast<int>(seed % 2), 3);
    noise::NoiseModel m = every_channel();
    m.readout = {0.03, 0.07};
    const Outcome<double> r = run<double>(p, m, true);
    constexpr double h = 1e-5;
    const auto central = [&](double& x) {
      const double x0 = x;
      x = x0 + h;
      const double up = loss(p, m);
      x = x0 - h;
      const double down = loss(p, m);
      x = x0;
      return (up - down) / (2 * h);
    };
    std::vector<double> fd_theta, fd_sample;
    for (double& t : p.theta) fd_theta.push_back(central(t));
    for (double& t : p.sample) fd_sample.push_back(central(t));
    EXPECT_LT(compare(r.grads.theta, fd_theta, 1e-5).norm_rel, 1e-7) << "seed " << seed;
    if (!fd_sample.empty())
      EXPECT_LT(compare(r.grads.sample, fd_sample, 1e-5).norm_rel, 1e-7) << "seed " << seed;
    // Register amplitudes: dL = Re(conj(g) dpsi), so a step along 1 gives Re g, along i Im g.
    const auto central_c = [&](cplx& a, cplx dir) {
      const cplx a0 = a;
      a = a0 + h * dir;
      const double up = loss(p, m);
      a = a0 - h * dir;
      const double down = loss(p, m);
      a = a0;
      return (up - down) / (2 * h);
    };
    for (size_t reg = 0; reg < p.amplitudes.size(); ++reg)
      for (size_t i = 0; i < std::min<size_t>(p.amplitudes[reg].size(), 6); ++i) {
        const cplx g = r.grads.registers[reg][i];
        EXPECT_NEAR(g.real(), central_c(p.amplitudes[reg][i], 1.0), 1e-7) << seed;
        EXPECT_NEAR(g.imag(), central_c(p.amplitudes[reg][i], cplx{0, 1}), 1e-7) << seed;
      }
  }
}

// Each angle in one gate only, so shifting the parameter shifts that gate (row and column
// copies alike): the two-term rule then gives the exact derivative of the noisy loss.
TEST(DensitySimulator, GradientsMatchTheParameterShiftRule) {
  Problem p;
  p.circuit = sim::Circuit(3);
  auto& c = p.circuit;
  c.add(GateKind::RY, 0, Angle::shared(0));
  c.add(GateKind::RX, 1, Angle::shared(1));
  c.add(GateKind::CNOT, 0, 1);
  c.add(GateKind::RZ, 1, Angle::shared(2));
  c.add(GateKind::RY, 2, Angle::shared(3));
  c.add(GateKind::CZ, 1, 2);
  c.add(GateKind::RX, 0, Angle::shared(4));
  c.add(GateKind::CNOT, 2, 0);
  c.add(GateKind::RY, 1, Angle::shared(5));
  Rng rng(31);
  fill_problem(rng, p, 4, 2, 2);
  noise::NoiseModel m = every_channel();
  m.readout = {0.02, 0.05};
  const Outcome<double> r = run<double>(p, m, true);
  for (size_t i = 0; i < p.theta.size(); ++i) {
    const double t = p.theta[i];
    p.theta[i] = t + std::numbers::pi / 2;
    const double up = loss(p, m);
    p.theta[i] = t - std::numbers::pi / 2;
    const double down = loss(p, m);
    p.theta[i] = t;
    EXPECT_NEAR(r.grads.theta[i], (up - down) / 2, 1e-10) << "theta " << i;
  }
}

TEST(DensitySimulator, FloatAgreesWithDouble) {
  const Problem p = noisy_problem(41, 4, 11);
  const noise::NoiseModel m = every_channel();
  const Outcome<double> d = run<double>(p, m, true);
  const Outcome<float> f = run<float>(p, m, true);
  EXPECT_LT(max_abs_diff(f.probs, d.probs), 1e-5);
  EXPECT_LT(compare(f.grads.theta, d.grads.theta).norm_rel, 1e-4);
}

TEST(DensitySimulator, RefusesGradientsThroughAChannelItCannotInvert) {
  const Problem p = noisy_problem(51, 3, 2);
  noise::NoiseModel m;
  m.after_one_qubit = {{ChannelKind::depolarizing, 0.75}};  // fully depolarising
  noise::DensitySimulator<double> sim(p.circuit, m);
  sim.forward(p.input(), p.theta, p.sample);
  std::vector<double> probs(p.batch * p.outcomes());
  sim.marginal(p.readout, probs);  // evaluation is fine
  grad::Gradients g;
  const std::string msg = error_message([&] { sim.adjoint(p.input(), p.readout, p.dprobs, g); });
  EXPECT_NE(msg.find("depolarizing with p = 0.75"), std::string::npos) << msg;
}

// Every channel invertible on its own (sigma = 0.2 at p = 0.6), but the sweep inverts them all:
// 0.2^-N passes the error a gradient can bear, and the gradient is refused, not returned wrong.
TEST(DensitySimulator, RefusesGradientsWhoseRoundingTheInversesWouldAmplify) {
  const Problem p = noisy_problem(52, 4, 2);
  noise::NoiseModel m;
  m.after_one_qubit = {{ChannelKind::depolarizing, 0.6}};
  m.after_two_qubit = m.after_one_qubit;
  noise::DensitySimulator<double> sim(p.circuit, m);
  sim.forward(p.input(), p.theta, p.sample);
  grad::Gradients g;
  const std::string msg = error_message([&] { sim.adjoint(p.input(), p.readout, p.dprobs, g); });
  EXPECT_NE(msg.find("amplify rounding"), std::string::npos) << msg;
  noise::NoiseModel mild = m;
  mild.after_one_qubit[0].p = mild.after_two_qubit[0].p = 0.05;
  noise::DensitySimulator<double> ok(p.circuit, mild);
  ok.forward(p.input(), p.theta, p.sample);
  EXPECT_NO_THROW(ok.adjoint(p.input(), p.readout, p.dprobs, g));
}

TEST(DensitySimulator, RefusesCircuitsBeyondItsSize) {
  sim::Circuit big(noise::kMaxDensityQubits + 1);
  EXPECT_THROW(noise::DensitySimulator<double>(big, every_channel()), UsageError);
}

TEST(DensitySimulator, RefusesABatchBeyondMemoryNamingTheSettings) {
  sim::Circuit c(noise::kMaxDensityQubits);
  c.add(GateKind::H, 0);
  noise::DensitySimulator<double> sim(c, every_channel());
  const size_t batch = 1000;  // 1000 x 256 MiB: more than any test machine has
  std::vector<cplx> reg(batch << 6, 0.125);
  const sim::ProductInput in{{6, 6}, {reg, reg}};
  const std::string msg = error_message([&] { sim.forward(in, {}, {}); });
  EXPECT_NE(msg.find("train.batch"), std::string::npos) << msg;
  EXPECT_NE(msg.find("noise"), std::string::npos) << msg;
}

}  // namespace
}  // namespace qmf
