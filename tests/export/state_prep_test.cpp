// State preparation (export/state_prep.h): the RY/CNOT circuit must take |0...0> to the given
// real amplitudes, signs and zeros included, exactly as the simulator computes it; its gate
// counts are the closed forms of the Gray-code decomposition; bad requests are refused.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "export/state_prep.h"
#include "export_support.h"

namespace qmf {
namespace {

using namespace qmf::testing;
using exporter::NumericCircuit;

enum class Signs { Any, NonNegative };

// A random unit vector of 2^k reals; about a quarter of its entries, and sometimes a whole
// aligned block of them (an empty subtree of the angle tree), are exactly zero.
std::vector<double> random_real_state(Rng& rng, int k, Signs signs) {
  std::vector<double> a(size_t{1} << k);
  for (double& x : a) {
    x = rng.normal();
    if (signs == Signs::NonNegative) x = std::abs(x);
    if (rng.uniform() < 0.25) x = 0;
  }
  if (k >= 2 && rng.uniform() < 0.5) {
    const size_t block = a.size() >> (1 + rng.below(static_cast<uint64_t>(k - 1)));
    const size_t start = block * rng.below(a.size() / block);
    for (size_t i = start; i < start + block; ++i) a[i] = 0;
  }
  double norm = 0;
  for (double x : a) norm += x * x;
  if (norm == 0) a[rng.below(a.size())] = 1, norm = 1;
  for (double& x : a) x /= std::sqrt(norm);
  return a;
}

// The state that preparing `a` on qubits first..first+k-1 of an n-qubit |0...0> should give.
std::vector<cplx> embedded(const std::vector<double>& a, int n, int first, int k) {
  std::vector<cplx> psi(size_t{1} << n, 0.0);
  const int shift = n - first - k;  // qubits after the register are the low bits
  for (size_t i = 0; i < a.size(); ++i) psi[i << shift] = a[i];
  return psi;
}

// Prepares `a` on a register placed inside a larger circuit and returns the largest deviation
// from the expected state (exact, no phase freedom).
double preparation_error(const std::vector<double>& a, int k, int first, int n) {
  NumericCircuit c{sim::Circuit(n), {}, {}};
  exporter::append_state_prep(c, first, k, a);
  return max_abs_diff(simulate(c), embedded(a, n, first, k));
}

void check_random_states(Signs signs, uint64_t seed) {
  Rng rng(seed);
  for (int k = 1; k <= 10; ++k) {
    const int trials = k <= 8 ? 12 : 2;
    for (int trial = 0; trial < trials; ++trial) {
      const auto a = random_real_state(rng, k, signs);
      const int first = static_cast<int>(rng.below(3));
      const int n = k + first + static_cast<int>(rng.below(2));
      EXPECT_LE(preparation_error(a, k, first, n), 1e-12) << "k " << k << " trial " << trial;
    }
  }
}

TEST(StatePrep, ReproducesSignedRealVectors) { check_random_states(Signs::Any, 601); }

TEST(StatePrep, ReproducesNonNegativeVectors) { check_random_states(Signs::NonNegative, 602); }

// Belief encoding's states: sqrt(softmax(h)), strictly positive and summing to one in square.
TEST(StatePrep, ReproducesBeliefStates) {
  Rng rng(603);
  for (int k = 1; k <= 8; ++k) {
    std::vector<double> a(size_t{1} << k);
    double z = 0;
    for (double& x : a) z += x = std::exp(3 * rng.normal());
    for (double& x : a) x = std::sqrt(x / z);
    EXPECT_LE(preparation_error(a, k, 0, k), 1e-12) << "k " << k;
  }
}

// Every signed basis state: all angles but one path's are 0 or +-pi, and 2pi at a leaf gives -1.
TEST(StatePrep, ReproducesSignedBasisStates) {
  for (int k = 1; k <= 4; ++k)
    for (size_t i = 0; i < (size_t{1} << k); ++i)
      for (double sign : {1.0, -1.0}) {
        std::vector<double> a(size_t{1} << k, 0.0);
        a[i] = sign;
        EXPECT_LE(preparation_error(a, k, 0, k), 1e-15) << "k " << k << " index " << i;
      }
}

TEST(StatePrep, UsesOnlyRyAndCnotWithTheGrayCodeCounts) {
  Rng rng(604);
  for (int k = 1; k <= 10; ++k) {
    NumericCircuit c{sim::Circuit(k), {}, {}};
    exporter::append_state_prep(c, 0, k, random_real_state(rng, k, Signs::Any));
    size_t ry = 0, cnot = 0;
    for (const sim::Gate& g : c.circuit.gates()) {
      ASSERT_TRUE(g.kind == GateKind::RY || g.kind == GateKind::CNOT) << c.circuit.describe(g);
      (g.kind == GateKind::RY ? ry : cnot) += 1;
    }
    EXPECT_EQ(ry, (size_t{1} << k) - 1) << "k " << k;
    EXPECT_EQ(cnot, (size_t{1} << k) - 2) << "k " << k;
    EXPECT_EQ(c.theta.size(), ry);
    EXPECT_EQ(c.circuit.sample_params(), 0u);
  }
}

// Gates are appended: what the circuit already holds stays, and the register can sit anywhere.
TEST(StatePrep, AppendsAfterExistingGates) {
  Rng rng(605);
  NumericCircuit c{sim::Circuit(4), {}, {}};
  exporter::add_numeric(c, GateKind::X, {0, 0, 0});
  const auto a = random_real_state(rng, 3, Signs::Any);
  exporter::append_state_prep(c, 1, 3, a);
  auto want = embedded(a, 4, 1, 3);
  std::rotate(want.begin(), want.begin() + 8, want.end());  // qubit 0 flipped: upper half
  EXPECT_LE(max_abs_diff(simulate(c), want), 1e-12);
}

// Norms within 1e-9 of one are accepted and normalised away.
TEST(StatePrep, NormalisesWithinTheTolerance) {
  Rng rng(606);
  auto a = random_real_state(rng, 5, Signs::Any);
  const auto unit = a;
  for (double& x : a) x *= 1 + 0.9e-9;
  NumericCircuit c{sim::Circuit(5), {}, {}};
  exporter::append_state_prep(c, 0, 5, a);
  EXPECT_LE(max_abs_diff(simulate(c), embedded(unit, 5, 0, 5)), 1e-12);
}

TEST(StatePrep, RejectsBadRequests) {
  NumericCircuit c{sim::Circuit(3), {}, {}};
  const std::vector<double> two{std::sqrt(0.5), -std::sqrt(0.5)};
  QMF_EXPECT_ERROR(exporter::append_state_prep(c, 0, 2, two), "2 qubits need 4 amplitudes, got 2");
  QMF_EXPECT_ERROR(exporter::append_state_prep(c, 3, 1, two), "qubits 3..3 do not fit");
  QMF_EXPECT_ERROR(exporter::append_state_prep(c, -1, 1, two), "do not fit in the 3-qubit");
  QMF_EXPECT_ERROR(exporter::append_state_prep(c, 0, 0, std::vector<double>{1.0}), "do not fit");
  QMF_EXPECT_ERROR(exporter::append_state_prep(c, 0, 1, std::vector<double>{1.0, 1e-4}),
                   "expected 1 (to 1e-9)");
  QMF_EXPECT_ERROR(exporter::append_state_prep(c, 0, 1, std::vector<double>{1.0 + 2e-9, 0.0}),
                   "norm");
  QMF_EXPECT_ERROR(exporter::append_state_prep(c, 0, 1, std::vector<double>{NAN, 0.0}),
                   "amplitude 0 is not finite");
  QMF_EXPECT_ERROR(exporter::append_state_prep(c, 0, 1, std::vector<double>{0.0, 0.0}), "norm 0");
  EXPECT_TRUE(c.circuit.gates().empty());
  EXPECT_TRUE(c.theta.empty());
}

}  // namespace
}  // namespace qmf
