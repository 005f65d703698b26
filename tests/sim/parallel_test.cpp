// Serial against parallel: one and two threads give identical numbers, bit for bit (EXPECT_EQ on
// doubles), for states, marginals and every gradient: over chunks of samples and, at n = 14 with
// batch 1, over segments of the amplitude range (the amplitude-split path).
#include <gtest/gtest.h>

#include <vector>

#include "support/sim_support.h"

namespace qmf {
namespace {

using namespace qmf::testing;

void expect_identical(const RunResult& a, const RunResult& b, const std::string& what) {
  ASSERT_EQ(a.state.size(), b.state.size()) << what;
  size_t bad = 0;
  for (size_t i = 0; i < a.state.size(); ++i) bad += a.state[i] != b.state[i];
  EXPECT_EQ(bad, 0u) << what << ": amplitudes differ";
  ASSERT_EQ(a.probs.size(), b.probs.size());
  for (size_t i = 0; i < a.probs.size(); ++i)
    EXPECT_EQ(a.probs[i], b.probs[i]) << what << " prob " << i;
  ASSERT_EQ(a.grads.theta.size(), b.grads.theta.size());
  for (size_t i = 0; i < a.grads.theta.size(); ++i)
    EXPECT_EQ(a.grads.theta[i], b.grads.theta[i]) << what << " theta " << i;
  ASSERT_EQ(a.grads.sample.size(), b.grads.sample.size());
  for (size_t i = 0; i < a.grads.sample.size(); ++i)
    EXPECT_EQ(a.grads.sample[i], b.grads.sample[i]) << what << " sample " << i;
  ASSERT_EQ(a.grads.registers.size(), b.grads.registers.size());
  for (size_t m = 0; m < a.grads.registers.size(); ++m) {
    ASSERT_EQ(a.grads.registers[m].size(), b.grads.registers[m].size());
    size_t diff = 0;
    for (size_t i = 0; i < a.grads.registers[m].size(); ++i)
      diff += a.grads.registers[m][i] != b.grads.registers[m][i];
    EXPECT_EQ(diff, 0u) << what << " register " << m;
  }
}

template <typename T>
class SimParallel : public ::testing::Test {};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(SimParallel, Precisions);

// Chunk-split path: batches of several chunks, both ISAs, fused and unfused.
TYPED_TEST(SimParallel, ThreadsOverChunksAreBitIdentical) {
  using T = TypeParam;
  Rng rng(401);
  for (int n : {3, 6, 9}) {
    CircuitSpec spec{.qubits = n, .gates = 4 * n, .shared = 8, .sample = 3};
    for (size_t batch : {size_t{3}, size_t{9}, size_t{17}}) {
      const Problem p = random_problem(rng, spec, batch);
      for (qmf::Isa isa : isas())
        for (int fuse : {0, 2}) {
          const auto prog = compile(p.circuit, fuse);
          const auto serial = run_problem<T>(p, prog, {1, isa});
          const auto parallel = run_problem<T>(p, prog, {2, isa});
          expect_identical(serial, parallel,
                           "n=" + std::to_string(n) + " batch=" + std::to_string(batch) + " " +
                               std::string(qmf::isa_name(isa)) + " fuse=" + std::to_string(fuse));
        }
    }
  }
}

// Amplitude-split path: n = 14, batch 1, two threads (one chunk, fewer than the threads). The
// states also match the reference, so the split path is right, not only reproducible.
TYPED_TEST(SimParallel, AmplitudeSplitIsBitIdenticalAndCorrect) {
  using T = TypeParam;
  Rng rng(402);
  const int n = 14;
  CircuitSpec spec{.qubits = n, .gates = 30, .shared = 12, .sample = 2};
  const Problem p = random_problem(rng, spec, 1, 5);
  const VectorC ref = reference_state(p, 0);
  for (qmf::Isa isa : isas()) {
    const auto prog = compile(p.circuit, 2);
    {
      sim::Simulator<T> s1(prog, {1, isa}), s2(prog, {2, isa});
      const auto st = s2.make_state(1);
      EXPECT_FALSE(s1.traversal(st).splits_amplitudes());
      EXPECT_TRUE(s2.traversal(st).splits_amplitudes())
          << "n=14, batch 1, 2 threads must split amplitudes";
    }
    const auto serial = run_problem<T>(p, prog, {1, isa});
    const auto parallel = run_problem<T>(p, prog, {2, isa});
    expect_identical(serial, parallel, std::string("n=14 ") + std::string(qmf::isa_name(isa)));
    double err = 0;
    for (Eigen::Index a = 0; a < ref.size(); ++a)
      err = std::max(err, std::abs(parallel.state[static_cast<size_t>(a)] - ref(a)));
    EXPECT_LE(err, kStateTol<T>);
    const auto marg = reference_marginal(n, ref, p.readout);
    for (size_t o = 0; o < marg.size(); ++o)
      EXPECT_NEAR(parallel.probs[o], marg[o], 10 * kStateTol<T>);
  }
}

// The split path with full packs (one chunk of the best ISA's pack, per-lane K for per-sample
// angles) and with several chunks fewer than the threads (4 threads on 3 chunks).
TYPED_TEST(SimParallel, AmplitudeSplitWithPacksAndSeveralChunks) {
  using T = TypeParam;
  if (qmf::best_isa() == qmf::Isa::Scalar) GTEST_SKIP() << "needs SIMD packs";
  Rng rng(405);
  const int n = 14;
  CircuitSpec spec{.qubits = n, .gates = 12, .shared = 8, .sample = 2};
  const auto pack = static_cast<size_t>(sim::kernel_ops<T>(qmf::best_isa()).width);
  const Problem base = random_problem(rng, spec, 9, 4);
  for (auto [batch, threads] : {std::pair{pack, 2}, std::pair{2 * pack + 1, 4}}) {
    Problem p = base;
    p.batch = batch;
    for (size_t m = 0; m < p.registers.size(); ++m) p.amplitudes[m].resize(batch << p.registers[m]);
    p.sample.resize(batch * p.sp());
    p.dprobs.resize(batch * p.outcomes());
    const auto prog = compile(p.circuit);
    sim::Simulator<T> s(prog, {threads, qmf::best_isa()});
    const auto st = s.make_state(batch);
    EXPECT_TRUE(s.traversal(st).splits_amplitudes()) << "batch " << batch << " threads " << threads;
    const auto serial = run_problem<T>(p, prog, {1, qmf::best_isa()});
    const auto parallel = run_problem<T>(p, prog, {threads, qmf::best_isa()});
    expect_identical(serial, parallel,
                     "batch " + std::to_string(batch) + " threads " + std::to_string(threads));
    const size_t amps = size_t{1} << n;
    for (size_t b : {size_t{0}, batch - 1}) {
      const VectorC ref = reference_state(p, b);
      double err = 0;
      for (size_t a = 0; a < amps; ++a)
        err = std::max(err,
                       std::abs(parallel.state[b * amps + a] - ref(static_cast<Eigen::Index>(a))));
      EXPECT_LE(err, kStateTol<T>) << "sample " << b;
    }
  }
}

// Gradients on the split path against the unsplit path of a fused/unfused pair (double).
TEST(SimParallelSplit, SplitGradientsMatchUnfusedSerialGradients) {
  Rng rng(403);
  CircuitSpec spec{.qubits = 14, .gates = 20, .shared = 10, .sample = 2};
  const Problem p = random_problem(rng, spec, 1, 3);
  const auto a = run_problem<double>(p, compile(p.circuit, 2), {2, qmf::best_isa()});
  const auto b = run_problem<double>(p, compile(p.circuit, 0), {1, qmf::Isa::Scalar});
  EXPECT_LE(max_abs_diff(a.state, b.state), 1e-12);
  EXPECT_LE(max_abs_diff(a.grads.theta, b.grads.theta), 1e-11);
  EXPECT_LE(max_abs_diff(a.grads.sample, b.grads.sample), 1e-11);
  EXPECT_LE(max_abs_diff(flatten(a.grads.registers), flatten(b.grads.registers)), 1e-11);
}

// Running twice gives the same bits (no hidden state between runs of one simulator).
TEST(SimParallelSplit, RepeatedRunsAreBitIdentical) {
  Rng rng(404);
  CircuitSpec spec{.qubits = 7, .gates = 30, .shared = 8, .sample = 2};
  const Problem p = random_problem(rng, spec, 9);
  const auto prog = compile(p.circuit);
  const auto a = run_problem<double>(p, prog, {2, qmf::best_isa()});
  const auto b = run_problem<double>(p, prog, {2, qmf::best_isa()});
  expect_identical(a, b, "repeat");
}

}  // namespace
}  // namespace qmf
