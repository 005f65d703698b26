// The extremes of the supported sizes: one qubit (every one-qubit kind, forward and gradients),
// and 24 qubits with batch 1 in float (128 MiB: one RX, forward and marginal).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "grad/param_shift.h"
#include "support/sim_support.h"

namespace qmf {
namespace {

using namespace qmf::testing;

TEST(SimSizes, OneQubitForwardAndGradients) {
  Rng rng(801);
  CircuitSpec spec{.qubits = 1, .gates = 10, .shared = 4, .sample = 2};
  const Problem p = random_problem(rng, spec, 5);
  for (qmf::Isa isa : isas())
    for (int threads : {1, 2}) {
      const auto r = run_problem<double>(p, compile(p.circuit), {threads, isa});
      for (size_t b = 0; b < p.batch; ++b) {
        const VectorC ref = reference_state(p, b);
        EXPECT_LE(std::abs(r.state[2 * b] - ref(0)), 1e-12);
        EXPECT_LE(std::abs(r.state[2 * b + 1] - ref(1)), 1e-12);
        EXPECT_NEAR(r.probs[2 * b] + r.probs[2 * b + 1], 1.0, 1e-12);
      }
      if (threads != 1) continue;  // parameter shift: many tiny runs, one thread is enough
      grad::Gradients ps;
      grad::parameter_shift<double>(*compile(p.circuit), {threads, isa}, p.input(), p.theta,
                                    p.sample, p.readout, p.dprobs, ps);
      EXPECT_LE(max_abs_diff(r.grads.theta, ps.theta), 1e-10);
      EXPECT_LE(max_abs_diff(r.grads.sample, ps.sample), 1e-10);
    }
}

TEST(SimSizes, TwentyFourQubitsFloatBatchOne) {
  const int n = 24, target = 5;
  const double t = 1.234;
  sim::Circuit c(n);
  c.add(GateKind::RX, target, Angle::shared(0));
  sim::Simulator<float> s(compile(c), {2, qmf::best_isa()});
  auto st = s.make_state(1);
  // |0...0> as three 8-qubit registers (a 24-qubit register would need 2^24 complex inputs).
  std::vector<cplx> zero(256, 0.0);
  zero[0] = 1;
  s.forward({{8, 8, 8}, {zero, zero, zero}}, std::vector<double>{t}, {}, st);
  std::vector<double> p(2);
  s.marginal(st, std::vector<int>{target}, p);
  EXPECT_NEAR(p[0], std::cos(t / 2) * std::cos(t / 2), 1e-6);
  EXPECT_NEAR(p[1], std::sin(t / 2) * std::sin(t / 2), 1e-6);
  const size_t one = size_t{1} << (n - 1 - target);
  EXPECT_NEAR(std::abs(st.amplitude(0, 0) - cplx(std::cos(t / 2), 0)), 0, 1e-6);
  EXPECT_NEAR(std::abs(st.amplitude(0, one) - cplx(0, -std::sin(t / 2))), 0, 1e-6);
  EXPECT_EQ(st.amplitude(0, one + 1), cplx(0));
  std::vector<double> q(4);
  s.marginal(st, std::vector<int>{23, target}, q);
  EXPECT_NEAR(q[1], p[1], 1e-6);
  EXPECT_NEAR(q[2] + q[3], 0, 1e-12);
}

}  // namespace
}  // namespace qmf
