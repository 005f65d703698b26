// Z, ZZ, reduced density matrices and entropies against dense computations.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "core/rng.h"
#include "sim/measure.h"
#include "support/dense_reference.h"

namespace qmf {
namespace {

using sim::cplx;

struct Random4 {
  std::shared_ptr<const sim::Program> prog;
  sim::Simulator<double> sim;
  sim::BatchState<double> state;
  std::vector<cplx> amps;
  explicit Random4(uint64_t seed)
      : prog(std::make_shared<const sim::Program>(sim::Circuit(4))),
        sim(prog, {1}),
        state(sim.make_state(3)) {
    Rng rng(seed);
    amps.resize(3 * 16);
    for (size_t b = 0; b < 3; ++b) {
      double norm = 0;
      for (size_t a = 0; a < 16; ++a)
        norm += std::norm(amps[b * 16 + a] = {rng.normal(), rng.normal()});
      for (size_t a = 0; a < 16; ++a) amps[b * 16 + a] /= std::sqrt(norm);
    }
    sim.forward({{4}, {amps}}, {}, {}, state);
  }
  double bit(size_t a, int q) const { return (a >> (3 - q)) & 1 ? -1.0 : 1.0; }
};

TEST(SimMeasure, ZAndZzMatchDenseSums) {
  Random4 r(5);
  const std::vector<int> qs{2, 0, 3};
  const auto z = sim::z_expectations(r.sim, r.state, qs);
  const std::vector<std::pair<int, int>> pairs{{0, 1}, {3, 1}};
  const auto zz = sim::zz_expectations(r.sim, r.state, pairs);
  for (size_t b = 0; b < 3; ++b) {
    for (size_t j = 0; j < qs.size(); ++j) {
      double want = 0;
      for (size_t a = 0; a < 16; ++a) want += r.bit(a, qs[j]) * std::norm(r.amps[b * 16 + a]);
      EXPECT_NEAR(z[b * qs.size() + j], want, 1e-12);
    }
    for (size_t p = 0; p < pairs.size(); ++p) {
      double want = 0;
      for (size_t a = 0; a < 16; ++a)
        want +=
            r.bit(a, pairs[p].first) * r.bit(a, pairs[p].second) * std::norm(r.amps[b * 16 + a]);
      EXPECT_NEAR(zz[b * pairs.size() + p], want, 1e-12);
    }
  }
}

TEST(SimMeasure, ReducedDensityMatrixMatchesPartialTrace) {
  Random4 r(6);
  const std::vector<int> qs{3, 1};
  for (size_t b = 0; b < 3; ++b) {
    const auto rho = sim::reduced_density_matrix(r.state, b, qs);
    // Dense partial trace: rho_ij = sum over a, a' equal outside qs with a|qs = i, a'|qs = j.
    sim::MatrixC want = sim::MatrixC::Zero(4, 4);
    for (size_t a = 0; a < 16; ++a)
      for (size_t c = 0; c < 16; ++c) {
        if (((a ^ c) & 0b1010) != 0) continue;  // qubits 0 and 2 (bits 3 and 1) must agree
        const auto i = static_cast<Eigen::Index>(((a >> 0) & 1) << 1 | ((a >> 2) & 1));
        const auto j = static_cast<Eigen::Index>(((c >> 0) & 1) << 1 | ((c >> 2) & 1));
        want(i, j) += r.amps[b * 16 + a] * std::conj(r.amps[b * 16 + c]);
      }
    EXPECT_LT((rho - want).cwiseAbs().maxCoeff(), 1e-12);
    EXPECT_NEAR(rho.trace().real(), 1.0, 1e-12);
  }
}

TEST(SimMeasure, EntropyOfProductBellAndMixedStates) {
  // Product state: zero entropy; Bell pair: one bit per half.
  sim::Circuit c(2);
  c.add(sim::GateKind::H, 0);
  c.add(sim::GateKind::CNOT, 0, 1);
  auto prog = std::make_shared<const sim::Program>(c);
  sim::Simulator<double> s(prog, {1});
  auto st = s.make_state(1);
  const std::vector<cplx> zero{1, 0};
  s.forward({{1, 1}, {zero, zero}}, {}, {}, st);
  const int q0[1] = {0};
  EXPECT_NEAR(sim::von_neumann_entropy(sim::reduced_density_matrix(st, 0, q0)), 1.0, 1e-12);
  const int both[2] = {0, 1};
  EXPECT_NEAR(sim::von_neumann_entropy(sim::reduced_density_matrix(st, 0, both)), 0.0, 1e-12);
  EXPECT_NEAR(sim::von_neumann_entropy(sim::MatrixC::Identity(4, 4) / 4.0), 2.0, 1e-12);
}

TEST(SimMeasure, BadArgumentsAreRejected) {
  Random4 r(7);
  const std::vector<int> twice{1, 1}, out_of_range{4};
  EXPECT_THROW(sim::reduced_density_matrix(r.state, 0, twice), Error);
  EXPECT_THROW(sim::reduced_density_matrix(r.state, 0, out_of_range), Error);
  EXPECT_THROW(sim::reduced_density_matrix(r.state, 9, std::vector<int>{0}), Error);
  const std::vector<std::pair<int, int>> self{{2, 2}};
  EXPECT_THROW(sim::zz_expectations(r.sim, r.state, self), Error);
}

}  // namespace
}  // namespace qmf
