// The walk policy of sim/traversal.h: which walk it picks, that both walks visit every segment
// once and reduce to the same bits, and that forward, marginal and the adjoint give the same bits
// whichever walk the simulator takes, at a size where the segment walk is taken.
#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "sim/traversal.h"
#include "support/sim_support.h"

namespace qmf {
namespace {

using namespace qmf::testing;
using sim::Traversal;

TEST(SimTraversal, SplitsOnlyLargeStatesWithFewerChunksThanThreads) {
  EXPECT_TRUE(Traversal(ParallelFor(2), 1, 14).splits_amplitudes());
  EXPECT_TRUE(Traversal(ParallelFor(4), 3, 20).splits_amplitudes());
  EXPECT_FALSE(Traversal(ParallelFor(2), 1, 13).splits_amplitudes()) << "too small to share";
  EXPECT_FALSE(Traversal(ParallelFor(2), 2, 14).splits_amplitudes()) << "a chunk per thread";
  EXPECT_FALSE(Traversal(ParallelFor(1), 1, 20).splits_amplitudes()) << "one thread";
}

TEST(SimTraversal, SegmentsDependOnTheRangeOnly) {
  EXPECT_EQ(Traversal::segment_size(100), 100u);
  EXPECT_EQ(Traversal::segments(100), 1u);
  EXPECT_EQ(Traversal::segment_size(size_t{1} << 14), Traversal::kSegment);
  EXPECT_EQ(Traversal::segments(size_t{1} << 14), (size_t{1} << 14) / Traversal::kSegment);
}

// Every (chunk, segment) once, and the segment walk's reduction equal bit for bit to the chunk
// walk's, with partial sums whose order matters in floating point.
TEST(SimTraversal, BothWalksVisitEverySegmentOnceAndReduceAlike) {
  const size_t chunks = 3, range = size_t{1} << 15, width = 2;
  const Traversal by_chunks(ParallelFor(1), chunks, 15), by_segments(ParallelFor(4), chunks, 15);
  ASSERT_FALSE(by_chunks.splits_amplitudes());
  ASSERT_TRUE(by_segments.splits_amplitudes());
  std::vector<std::vector<double>> sums;
  for (const Traversal* walk : {&by_chunks, &by_segments}) {
    std::vector<std::atomic<int>> visits(chunks * range);
    std::vector<double> sum(chunks * width, 0.0);
    walk->each_chunk(chunks, [&](size_t ch) {
      walk->each_segment(range, [&](size_t, size_t begin, size_t end) {
        for (size_t a = begin; a < end; ++a) ++visits[ch * range + a];
      });
      walk->reduce_segments(range, width, sum.data() + ch * width,
                            [&](size_t begin, size_t end, double* into) {
                              into[0] += 1.0 / static_cast<double>(begin + 3);
                              into[1] += 1e-17 * static_cast<double>(end) + 1.0 / 3.0;
                            });
    });
    for (size_t i = 0; i < visits.size(); ++i) ASSERT_EQ(visits[i].load(), 1) << "index " << i;
    sums.push_back(sum);
  }
  EXPECT_EQ(sums[0], sums[1]);
}

// Three samples of 15 qubits on one lane each: three chunks, so one thread walks chunks and four
// threads share segments; unfused, 1-qubit blocks span several segments of groups.
TEST(SimTraversal, ForwardMarginalAndAdjointAgreeBetweenTheWalks) {
  Rng rng(406);
  CircuitSpec spec{.qubits = 15, .gates = 24, .shared = 10, .sample = 2};
  const Problem p = random_problem(rng, spec, 3, 3);
  for (int fuse : {0, 2}) {
    const auto prog = compile(p.circuit, fuse);
    sim::Simulator<double> one(prog, {1, qmf::Isa::Scalar}), four(prog, {4, qmf::Isa::Scalar});
    const auto st = four.make_state(p.batch);
    ASSERT_EQ(st.chunks(), 3u);
    EXPECT_FALSE(one.traversal(st).splits_amplitudes());
    EXPECT_TRUE(four.traversal(st).splits_amplitudes());
    const auto a = run_problem<double>(p, prog, {1, qmf::Isa::Scalar});
    const auto b = run_problem<double>(p, prog, {4, qmf::Isa::Scalar});
    EXPECT_EQ(a.state, b.state) << "fuse " << fuse;
    EXPECT_EQ(a.probs, b.probs) << "fuse " << fuse;
    EXPECT_EQ(a.grads.theta, b.grads.theta) << "fuse " << fuse;
    EXPECT_EQ(a.grads.sample, b.grads.sample) << "fuse " << fuse;
    EXPECT_EQ(a.grads.registers, b.grads.registers) << "fuse " << fuse;
    const size_t amps = size_t{1} << spec.qubits, last = p.batch - 1;
    const VectorC ref = reference_state(p, last);
    double err = 0;
    for (size_t x = 0; x < amps; ++x)
      err = std::max(err, std::abs(b.state[last * amps + x] - ref(static_cast<Eigen::Index>(x))));
    EXPECT_LE(err, kStateTol<double>) << "the segment walk is right, not only reproducible";
  }
}

}  // namespace
}  // namespace qmf
