// Marginal probabilities: they sum to 1 for normalised states, equal |psi|^2 summed by hand over
// ordered qubit lists (big-endian over the list, so order matters), and each batch row depends
// only on its own sample.
#include <gtest/gtest.h>

#include <vector>

#include "support/sim_support.h"

namespace qmf {
namespace {

using namespace qmf::testing;

template <typename T>
class SimMarginal : public ::testing::Test {};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(SimMarginal, Precisions);

// Marginals by hand from the engine's own amplitudes, for random ordered subsets of every size.
TYPED_TEST(SimMarginal, MatchesSumsOfSquaredAmplitudesOverOrderedLists) {
  using T = TypeParam;
  Rng rng(501);
  for (int n : {1, 2, 4, 7, 10}) {
    CircuitSpec spec{.qubits = n, .gates = 3 * n, .shared = 5, .sample = 1};
    const Problem p = random_problem(rng, spec, 9);
    for (const Config& cfg : all_configs()) {
      if (cfg.batch != 9) continue;
      sim::Simulator<T> s(compile(p.circuit), cfg.options());
      auto st = s.make_state(p.batch);
      s.forward(p.input(), p.theta, p.sample, st);
      const auto amps = state_values(st);
      const size_t dim = size_t{1} << n;
      for (int size = 0; size <= std::min(n, 5); ++size) {
        const auto qubits = random_qubits(rng, n, size);
        std::vector<double> got(p.batch << size);
        s.marginal(st, qubits, got);
        for (size_t b = 0; b < p.batch; ++b) {
          std::vector<double> want(size_t{1} << size, 0.0);
          double total = 0;
          for (size_t a = 0; a < dim; ++a) {
            size_t c = 0;
            for (int q : qubits) c = (c << 1) | ((a >> (n - 1 - q)) & 1);
            want[c] += std::norm(amps[b * dim + a]);
          }
          for (size_t c = 0; c < want.size(); ++c) {
            EXPECT_NEAR(got[(b << size) + c], want[c], 10 * kStateTol<T>)
                << "n=" << n << " size=" << size << " " << cfg.str();
            total += got[(b << size) + c];
          }
          EXPECT_NEAR(total, 1.0, 10 * kStateTol<T>) << "n=" << n << " " << cfg.str();
        }
      }
    }
  }
}

// Order matters: reversing the list transposes the outcome bits; a full permuted list gives
// |psi|^2 with permuted index bits.
TYPED_TEST(SimMarginal, OrderOfTheListIsBigEndian) {
  using T = TypeParam;
  Rng rng(502);
  const int n = 5;
  CircuitSpec spec{.qubits = n, .gates = 20, .shared = 6};
  const Problem p = random_problem(rng, spec, 3);
  sim::Simulator<T> s(compile(p.circuit), {1, qmf::best_isa()});
  auto st = s.make_state(p.batch);
  s.forward(p.input(), p.theta, p.sample, st);
  const std::vector<int> ab{3, 1}, ba{1, 3};
  std::vector<double> pab(p.batch * 4), pba(p.batch * 4);
  s.marginal(st, ab, pab);
  s.marginal(st, ba, pba);
  for (size_t b = 0; b < p.batch; ++b) {
    EXPECT_EQ(pab[b * 4 + 0], pba[b * 4 + 0]);
    EXPECT_EQ(pab[b * 4 + 1], pba[b * 4 + 2]);  // q3 = 0, q1 = 1  <->  q1 = 1, q3 = 0
    EXPECT_EQ(pab[b * 4 + 2], pba[b * 4 + 1]);
    EXPECT_EQ(pab[b * 4 + 3], pba[b * 4 + 3]);
  }
  // Not symmetric in general: the test means something.
  EXPECT_GT(std::abs(pab[1] - pab[2]), 1e-4);
  const std::vector<int> perm{4, 0, 3, 1, 2};
  std::vector<double> full(p.batch << n);
  s.marginal(st, perm, full);
  for (size_t b = 0; b < p.batch; ++b)
    for (size_t a = 0; a < 32; ++a) {
      size_t c = 0;
      for (int q : perm) c = (c << 1) | ((a >> (n - 1 - q)) & 1);
      EXPECT_NEAR(full[(b << n) + c], std::norm(st.amplitude(b, a)), 10 * kStateTol<T>);
    }
  // Basis state |01000>: P(q1 = 1) = 1, in either position of a two-qubit list.
  sim::Circuit c(n);
  c.add(GateKind::X, 1);
  sim::Simulator<T> sx(compile(c), {1, qmf::best_isa()});
  auto sb = sx.make_state(1);
  std::vector<cplx> zero(32, 0.0);
  zero[0] = 1;
  sx.forward({{n}, {zero}}, {}, {}, sb);
  std::vector<double> m(4);
  sx.marginal(sb, std::vector<int>{1, 4}, m);
  EXPECT_EQ(m, (std::vector<double>{0, 0, 1, 0}));
  sx.marginal(sb, std::vector<int>{4, 1}, m);
  EXPECT_EQ(m, (std::vector<double>{0, 1, 0, 0}));
  // The empty list gives the squared norm.
  std::vector<double> norm(1);
  sx.marginal(sb, std::vector<int>{}, norm);
  EXPECT_EQ(norm[0], 1.0);
}

// Each row depends only on its own sample: a batch of 9 row by row equals nine runs of batch 1,
// and changing one sample's input leaves every other row's bits untouched.
TYPED_TEST(SimMarginal, BatchRowsAreIndependent) {
  using T = TypeParam;
  Rng rng(503);
  const int n = 6;
  CircuitSpec spec{.qubits = n, .gates = 25, .shared = 6, .sample = 2};
  Problem p = random_problem(rng, spec, 9);
  for (qmf::Isa isa : isas()) {
    const auto prog = compile(p.circuit);
    const auto all = run_problem<T>(p, prog, {2, isa}, false);
    const size_t outs = p.outcomes();
    for (size_t b = 0; b < p.batch; ++b) {
      Problem one = p;
      one.batch = 1;
      for (size_t m = 0; m < p.registers.size(); ++m) {
        const size_t k = size_t{1} << p.registers[m];
        one.amplitudes[m].assign(p.amplitudes[m].begin() + static_cast<long>(b * k),
                                 p.amplitudes[m].begin() + static_cast<long>((b + 1) * k));
      }
      one.sample.assign(p.sample.begin() + static_cast<long>(b * p.sp()),
                        p.sample.begin() + static_cast<long>((b + 1) * p.sp()));
      one.dprobs.resize(outs);
      const auto r = run_problem<T>(one, prog, {1, isa}, false);
      for (size_t c = 0; c < outs; ++c)
        EXPECT_NEAR(all.probs[b * outs + c], r.probs[c], 10 * kStateTol<T>) << "row " << b;
    }
    // Perturb sample 4 only.
    Problem q = p;
    const size_t k0 = size_t{1} << p.registers[0];
    q.amplitudes[0][4 * k0] += 0.3;
    for (auto& x : std::span(q.sample).subspan(4 * p.sp(), p.sp())) x += 0.7;
    const auto changed = run_problem<T>(q, prog, {2, isa}, false);
    for (size_t b = 0; b < p.batch; ++b)
      for (size_t c = 0; c < outs; ++c) {
        if (b == 4) continue;
        EXPECT_EQ(all.probs[b * outs + c], changed.probs[b * outs + c]) << "row " << b;
      }
    double moved = 0;
    for (size_t c = 0; c < outs; ++c)
      moved += std::abs(all.probs[4 * outs + c] - changed.probs[4 * outs + c]);
    EXPECT_GT(moved, 1e-6);
  }
}

}  // namespace
}  // namespace qmf
