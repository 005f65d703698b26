// The tiled forward: at n = 16 every chunk spans several tiles (sim::kTileBytes), so runs of
// shared blocks go tile by tile while per-sample blocks, which end a run, go block by block.
// The states must match the dense reference in both lane layouts, on every ISA, and one and two
// threads must give the same bits (the two threads share the tiles of a lone chunk).
#include <gtest/gtest.h>

#include <string>

#include "support/sim_support.h"

namespace qmf {
namespace {

using namespace qmf::testing;

template <typename T>
class SimTiling : public ::testing::Test {};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(SimTiling, Precisions);

TYPED_TEST(SimTiling, TiledForwardMatchesTheReferenceInBothLayouts) {
  using T = TypeParam;
  Rng rng(407);
  const int n = 16;
  CircuitSpec spec{.qubits = n, .gates = 48, .shared = 16, .sample = 2};
  const size_t amps = size_t{1} << n;
  for (qmf::Isa isa : isas()) {
    const auto pack = static_cast<size_t>(sim::kernel_ops<T>(isa).width);
    for (size_t batch : {size_t{1}, pack}) {  // amplitude lanes (where W > 1), sample lanes
      const Problem p = random_problem(rng, spec, batch, 4);
      const auto prog = compile(p.circuit, 2);
      const std::string what = std::string(qmf::isa_name(isa)) + " batch " + std::to_string(batch);
      const auto serial = run_problem<T>(p, prog, {1, isa}, true, false);
      const auto parallel = run_problem<T>(p, prog, {2, isa}, true, false);
      ASSERT_EQ(serial.state, parallel.state) << what;
      EXPECT_EQ(serial.grads.theta, parallel.grads.theta) << what;
      for (size_t b : {size_t{0}, batch - 1}) {
        const VectorC ref = reference_state(p, b);
        double err = 0;
        for (size_t a = 0; a < amps; ++a)
          err = std::max(
              err, std::abs(parallel.state[b * amps + a] - ref(static_cast<Eigen::Index>(a))));
        EXPECT_LE(err, kStateTol<T>) << what << " sample " << b;
      }
    }
  }
}

}  // namespace
}  // namespace qmf
