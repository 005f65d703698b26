// Readout error on marginals (noise/readout_error.h): the confusion of each bit written out for
// one and two readout qubits, distributions kept, and the backward map the transpose of the
// forward one (<dQ, M P> = <M^T dQ, P> for random P and dQ).
#include <gtest/gtest.h>

#include <vector>

#include "core/rng.h"
#include "noise/readout_error.h"

namespace qmf {
namespace {

TEST(ReadoutError, FlipsEachBitWithItsOwnProbability) {
  const noise::ReadoutError e{0.1, 0.3};        // P(read 1 | 0), P(read 0 | 1)
  std::vector<double> one{1.0, 0.0, 0.0, 1.0};  // two rows of one qubit: |0>, then |1>
  noise::apply_readout_error(e, one, 2);
  EXPECT_DOUBLE_EQ(one[0], 0.9);
  EXPECT_DOUBLE_EQ(one[1], 0.1);
  EXPECT_DOUBLE_EQ(one[2], 0.3);
  EXPECT_DOUBLE_EQ(one[3], 0.7);
  std::vector<double> two{0.0, 1.0, 0.0, 0.0};  // two qubits in |01>
  noise::apply_readout_error(e, two, 4);
  EXPECT_NEAR(two[0], 0.9 * 0.3, 1e-15);  // first bit kept, second lost
  EXPECT_NEAR(two[1], 0.9 * 0.7, 1e-15);
  EXPECT_NEAR(two[2], 0.1 * 0.3, 1e-15);
  EXPECT_NEAR(two[3], 0.1 * 0.7, 1e-15);
}

TEST(ReadoutError, BackwardIsTheTransposeAndDistributionsStayDistributions) {
  Rng rng(2);
  const noise::ReadoutError e{0.07, 0.02};
  const size_t outcomes = 8;
  std::vector<double> p(3 * outcomes), dq(3 * outcomes);
  for (size_t row = 0; row < 3; ++row) {
    double sum = 0;
    for (size_t c = 0; c < outcomes; ++c) sum += p[row * outcomes + c] = rng.uniform();
    for (size_t c = 0; c < outcomes; ++c) p[row * outcomes + c] /= sum;
  }
  for (double& d : dq) d = rng.normal();
  std::vector<double> mp = p, mtdq = dq;
  noise::apply_readout_error(e, mp, outcomes);
  noise::readout_error_backward(e, mtdq, outcomes);
  double lhs = 0, rhs = 0;
  for (size_t i = 0; i < p.size(); ++i) lhs += dq[i] * mp[i], rhs += mtdq[i] * p[i];
  EXPECT_NEAR(lhs, rhs, 1e-13);
  for (size_t row = 0; row < 3; ++row) {
    double sum = 0;
    for (size_t c = 0; c < outcomes; ++c) sum += mp[row * outcomes + c];
    EXPECT_NEAR(sum, 1.0, 1e-14);
  }
  std::vector<double> untouched = p;
  noise::apply_readout_error({}, untouched, outcomes);
  EXPECT_EQ(untouched, p);
}

}  // namespace
}  // namespace qmf
