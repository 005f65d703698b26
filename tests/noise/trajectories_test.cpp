// Quantum trajectories (noise/trajectories.h): each channel's unravelling is the channel, the
// average of the runs converges to the density matrix within its statistical bound, and a seed
// fixes the runs whatever the batches and threads.
#include "noise/trajectories.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/error.h"
#include "grad/adjoint.h"
#include "noise/channel.h"
#include "noise/density.h"
#include "support/noisy_problem.h"
#include "support/sim_support.h"

namespace qmf {
namespace {

using namespace qmf::testing;
using noise::Channel;
using noise::ChannelKind;

// Pauli channels only: every run keeps norm 1.
noise::NoiseModel pauli_channels() {
  noise::NoiseModel m;
  m.after_one_qubit = {{ChannelKind::depolarizing, 0.03}, {ChannelKind::phase_flip, 0.02}};
  m.after_two_qubit = {{ChannelKind::phase_damping, 0.04},
                       {ChannelKind::depolarizing2, 0.06},
                       {ChannelKind::bit_flip, 0.01}};
  m.after_three_qubit = {{ChannelKind::depolarizing, 0.02}};
  return m;
}

noise::NoiseModel with_damping() {
  noise::NoiseModel m = pauli_channels();
  m.after_one_qubit.push_back({ChannelKind::amplitude_damping, 0.05});
  m.after_two_qubit.push_back({ChannelKind::amplitude_damping, 0.05});
  return m;
}

std::vector<double> density_marginal(const Problem& p, const noise::NoiseModel& m) {
  noise::DensitySimulator<double> sim(p.circuit, m, {.threads = 1});
  sim.forward(p.input(), p.theta, p.sample);
  std::vector<double> out(p.batch * p.outcomes());
  sim.marginal(p.readout, out);
  return out;
}

std::vector<double> trajectory_marginal(const Problem& p, const noise::NoiseModel& m, uint32_t runs,
                                        uint64_t seed = 7, int threads = 1,
                                        qmf::Isa isa = qmf::best_isa()) {
  noise::TrajectorySimulator<double> sim(p.circuit, m, runs, seed,
                                         {.threads = threads, .isa = isa});
  std::vector<double> out(p.batch * p.outcomes());
  sim.run(p.input(), p.theta, p.sample, p.readout, 0, out);
  return out;
}

TEST(Unravel, EveryChannelIsItsOperatorsAtTheirProbabilities) {
  for (ChannelKind kind : noise::kChannelKinds)
    for (double p : {0.0, 0.1, 0.37, 1.0}) {
      const Channel c{kind, kind == ChannelKind::depolarizing2 ? p * 15 / 16 : p * 3 / 4};
      const noise::Unravelling u = noise::unravel(c);
      double total = 0;
      std::vector<sim::MatrixC> kraus;  // sqrt(q_i) O_i
      for (size_t i = 0; i < u.operators.size(); ++i) {
        const sim::MatrixC& o = u.operators[i];
        kraus.push_back(std::sqrt(u.probabilities[i]) * o);
        total += u.probabilities[i];
        if (kind != ChannelKind::amplitude_damping)
          EXPECT_TRUE((o.adjoint() * o).isIdentity(1e-12)) << noise::channel_name(kind);
      }
      EXPECT_NEAR(total, 1.0, 1e-14);
      EXPECT_LT((noise::superoperator(kraus) - noise::superoperator(c)).cwiseAbs().maxCoeff(),
                1e-14)
          << noise::channel_name(kind) << " p = " << c.p;
    }
}

// Pauli channels: a run's P(c) lies in [0, 1], so the mean of R runs has a standard deviation
// of at most sqrt(P (1 - P) / R) about the exact P. Five of them bound every entry.
TEST(TrajectorySimulator, AgreesWithDensityMatricesWithinFiveStandardDeviations) {
  constexpr uint32_t runs = 5000;
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    const Problem p = noisy_problem(seed, 3 + static_cast<int>(seed % 2), 3);
    const std::vector<double> exact = density_marginal(p, pauli_channels());
    const std::vector<double> runs_mean = trajectory_marginal(p, pauli_channels(), runs);
    for (size_t i = 0; i < exact.size(); ++i)
      EXPECT_LE(std::abs(runs_mean[i] - exact[i]),
                5 * std::sqrt(exact[i] * (1 - exact[i]) / runs) + 1e-12)
          << "seed " << seed << " entry " << i;
  }
}

// Amplitude damping's runs carry weights (at most 2 for a jump's operator here), so the bound
// doubles; the marginal divides by the runs' summed weight and still sums to 1.
TEST(TrajectorySimulator, WeightedRunsOfAmplitudeDampingConvergeToo) {
  constexpr uint32_t runs = 5000;
  const Problem p = noisy_problem(4, 3, 3);
  const std::vector<double> exact = density_marginal(p, with_damping());
  const std::vector<double> runs_mean = trajectory_marginal(p, with_damping(), runs);
  for (size_t i = 0; i < exact.size(); ++i)
    EXPECT_LE(std::abs(runs_mean[i] - exact[i]),
              10 * std::sqrt(exact[i] * (1 - exact[i]) / runs) + 1e-12)
        << "entry " << i;
  for (size_t b = 0; b < p.batch; ++b) {
    double sum = 0;
    for (size_t c = 0; c < p.outcomes(); ++c) sum += runs_mean[b * p.outcomes() + c];
    EXPECT_NEAR(sum, 1.0, 1e-12);
  }
}

TEST(TrajectorySimulator, WithoutChannelsIsTheStateVector) {
  const Problem p = noisy_problem(9, 4, 5);
  const std::vector<double> noiseless = density_marginal(p, {});
  EXPECT_LT(max_abs_diff(trajectory_marginal(p, {}, 3), noiseless), 1e-12);
}

TEST(TrajectorySimulator, ASeedFixesTheRunsWhateverTheBatchesSlicesKernelsAndThreads) {
  const Problem p = noisy_problem(5, 4, 6);
  const std::vector<double> whole = trajectory_marginal(p, with_damping(), 50, 3);
  for (qmf::Isa isa : {qmf::Isa::Scalar, qmf::Isa::Avx2, qmf::Isa::Avx512}) {
    if (!qmf::cpu_runs(isa)) continue;
    EXPECT_LT(max_abs_diff(trajectory_marginal(p, with_damping(), 50, 3, 2, isa), whole), 1e-13)
        << qmf::isa_name(isa);
  }
  // The last three samples as a batch of their own, told where they start.
  noise::TrajectorySimulator<double> sim(p.circuit, with_damping(), 50, 3, {.threads = 1});
  std::vector<std::vector<cplx>> tail;
  for (size_t m = 0; m < p.amplitudes.size(); ++m) {
    const size_t dim = size_t{1} << p.registers[m];
    tail.emplace_back(p.amplitudes[m].begin() + static_cast<std::ptrdiff_t>(3 * dim),
                      p.amplitudes[m].end());
  }
  std::vector<double> out(3 * p.outcomes());
  sim.run(p.input_from(tail), p.theta, std::span<const double>(p.sample).subspan(3 * p.sp()),
          p.readout, 3, out);
  EXPECT_EQ(out, std::vector<double>(whole.begin() + static_cast<std::ptrdiff_t>(3 * p.outcomes()),
                                     whole.end()));
  EXPECT_GT(max_abs_diff(trajectory_marginal(p, with_damping(), 50, 4), whole), 1e-6)
      << "another seed draws other runs";
  // Slices of 7 runs, which cut through samples' runs, add up to the same marginals (to
  // rounding: a slice smaller than a pack runs in another lane layout).
  noise::TrajectorySimulator<double> sliced(p.circuit, with_damping(), 50, 3, {.threads = 1},
                                            7 * (2 * sizeof(double) << p.qubits()));
  std::vector<double> in_slices(p.batch * p.outcomes());
  sliced.run(p.input(), p.theta, p.sample, p.readout, 0, in_slices);
  EXPECT_LT(max_abs_diff(in_slices, whole), 1e-13);
}

TEST(TrajectorySimulator, RegisterStatesAverageTheRunsReducedStates) {
  constexpr uint32_t runs = 4000;
  const Problem p = noisy_problem(2, 4, 2);
  noise::DensitySimulator<double> density(p.circuit, pauli_channels(), {.threads = 1});
  density.forward(p.input(), p.theta, p.sample);
  noise::TrajectorySimulator<double> sim(p.circuit, pauli_channels(), runs, 1, {.threads = 2});
  std::vector<double> out(p.batch * p.outcomes());
  std::vector<std::vector<sim::MatrixC>> states;
  sim.run(p.input(), p.theta, p.sample, p.readout, 0, out, &states);
  ASSERT_EQ(states.size(), p.registers.size());
  int first = 0;
  for (size_t m = 0; m < p.registers.size(); ++m) {
    for (size_t b = 0; b < p.batch; ++b) {
      const sim::MatrixC want =
          noise::partial_trace(density.density_matrix(b), p.qubits(), first, p.registers[m]);
      EXPECT_NEAR(states[m][b].trace().real(), 1.0, 1e-12);
      // Each entry is a mean of runs' entries bounded by 1 in modulus: 5 / sqrt(runs) bounds it.
      EXPECT_LT((states[m][b] - want).cwiseAbs().maxCoeff(), 5 / std::sqrt(double{runs}))
          << "register " << m << " sample " << b;
    }
    first += p.registers[m];
  }
}

// A per-sample choice picks each sample's own matrix; one that is not unitary runs forward, and
// the adjoint, which would have to invert it, refuses.
TEST(CircuitChoice, EachSampleAppliesItsChoiceAndTheAdjointRefusesLinearMaps) {
  sim::Circuit c(1);
  const std::vector<sim::MatrixC> options = {sim::MatrixC::Identity(2, 2),
                                             (sim::MatrixC(2, 2) << 0, 1, 1, 0).finished(),
                                             (sim::MatrixC(2, 2) << 1, 0, 0, 0.5).finished()};
  c.add_choice(options, {0, 0, 0}, 0);
  EXPECT_FALSE(c.unitary());
  auto program = std::make_shared<const sim::Program>(c);
  sim::Simulator<double> sim(program, {.threads = 1});
  sim::BatchState<double> state = sim.make_state(3);
  const std::vector<cplx> plus = {cplx{0.6}, cplx{0.8}, cplx{0.6}, cplx{0.8}, cplx{0.6}, cplx{0.8}};
  const sim::ProductInput input{.qubits = {1}, .amplitudes = {plus}};
  sim.forward(input, {}, std::vector<double>{0, 1, 2}, state);
  EXPECT_NEAR(state.amplitude(0, 1).real(), 0.8, 1e-15);
  EXPECT_NEAR(state.amplitude(1, 1).real(), 0.6, 1e-15);
  EXPECT_NEAR(state.amplitude(2, 1).real(), 0.4, 1e-15);
  grad::Adjoint<double> adjoint;
  grad::Gradients g;
  const std::vector<double> dprobs(6, 1.0);
  QMF_EXPECT_ERROR(adjoint.run(sim, state, input, std::vector<int>{0}, dprobs, g), "adjoint");
}

}  // namespace
}  // namespace qmf
