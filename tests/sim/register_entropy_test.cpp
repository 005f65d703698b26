// The register entropy by the smaller side of the cut (what qmf explain reports) against the
// reduced density matrix's.
#include <cmath>
#include <complex>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "core/rng.h"
#include "sim/measure.h"

namespace qmf {
namespace {

// A random pure state of n qubits (one sample).
sim::BatchState<double> random_state(int n, uint64_t seed) {
  sim::BatchState<double> s(n, 1, 1);
  Rng rng(seed);
  double norm = 0;
  std::vector<sim::cplx> a(size_t{1} << n);
  for (auto& v : a) {
    v = {rng.uniform(-1, 1), rng.uniform(-1, 1)};
    norm += std::norm(v);
  }
  for (size_t i = 0; i < a.size(); ++i) s.set_amplitude(0, i, a[i] / std::sqrt(norm));
  return s;
}

// The entropy through the smaller side of the cut is the reduced density matrix's, whichever
// side is smaller: a 6-qubit register beside 2 qubits, the 2-qubit one, and one in the middle.
TEST(RegisterEntropy, RegisterEntropyBySmallerSideIsTheReducedStatesEntropy) {
  const int n = 8;
  const sim::BatchState<double> s = random_state(n, 5);
  for (const auto& [first, k] : {std::pair{0, 6}, {6, 2}, {2, 3}, {0, 4}}) {
    std::vector<int> qubits;
    for (int q = first; q < first + k; ++q) qubits.push_back(q);
    const double expected = sim::von_neumann_entropy(sim::reduced_density_matrix(s, 0, qubits));
    EXPECT_NEAR(sim::register_entropy(s, 0, first, k), expected, 1e-10)
        << "qubits [" << first << ", " << first + k << ")";
    EXPECT_GT(expected, 0.1);  // a random state is entangled across every cut
  }
}

}  // namespace
}  // namespace qmf
