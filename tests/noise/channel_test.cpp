// Channels (docs/NOISE.md): every kind at several strengths is completely positive and trace
// preserving (Choi matrix), its Kraus operators are complete, its superoperator acts on vec(rho)
// as sum K rho K^dag does, p = 0 is the identity exactly, the conventions are the documented
// ones, and a user's bad strength names its key.
#include "noise/channel.h"

#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/rng.h"

namespace qmf::noise {
namespace {

using sim::cplx;
using sim::MatrixC;

constexpr double kStrengths[] = {0, 0.013, 0.5, 1};

int dimension(ChannelKind kind) { return channel_qubits(kind) == 2 ? 4 : 2; }

std::string label(const Channel& c) {
  return std::string(channel_name(c.kind)) + " p=" + std::to_string(c.p);
}

// A random full-rank density matrix: G G^dag / Tr, G with normal entries.
MatrixC random_density(int d, Rng& rng) {
  MatrixC g(d, d);
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < d; ++j) g(i, j) = cplx(rng.normal(), rng.normal());
  const MatrixC rho = g * g.adjoint();
  return rho / rho.trace();
}

// vec(rho) in the (row bits, column bits) order of superoperator(): index r * d + c.
Eigen::VectorXcd vec(const MatrixC& rho) {
  const Eigen::Index d = rho.rows();
  Eigen::VectorXcd v(d * d);
  for (Eigen::Index r = 0; r < d; ++r)
    for (Eigen::Index c = 0; c < d; ++c) v(r * d + c) = rho(r, c);
  return v;
}

MatrixC apply_kraus(const Channel& ch, const MatrixC& rho) {
  MatrixC out = MatrixC::Zero(rho.rows(), rho.cols());
  for (const MatrixC& k : kraus_operators(ch)) out += k * rho * k.adjoint();
  return out;
}

MatrixC apply_superoperator(const Channel& ch, const MatrixC& rho) {
  const Eigen::VectorXcd out = superoperator(ch) * vec(rho);
  const Eigen::Index d = rho.rows();
  MatrixC m(d, d);
  for (Eigen::Index r = 0; r < d; ++r)
    for (Eigen::Index c = 0; c < d; ++c) m(r, c) = out(r * d + c);
  return m;
}

double max_diff(const MatrixC& a, const MatrixC& b) { return (a - b).cwiseAbs().maxCoeff(); }

TEST(NoiseChannel, NamesAndQubitCounts) {
  EXPECT_EQ(channel_name(ChannelKind::depolarizing), "depolarizing");
  EXPECT_EQ(channel_name(ChannelKind::depolarizing2), "depolarizing2");
  EXPECT_EQ(channel_name(ChannelKind::amplitude_damping), "amplitude_damping");
  EXPECT_EQ(channel_name(ChannelKind::phase_damping), "phase_damping");
  EXPECT_EQ(channel_name(ChannelKind::bit_flip), "bit_flip");
  EXPECT_EQ(channel_name(ChannelKind::phase_flip), "phase_flip");
  for (const ChannelKind k : kChannelKinds)
    EXPECT_EQ(channel_qubits(k), k == ChannelKind::depolarizing2 ? 2 : 1) << channel_name(k);
}

TEST(NoiseChannel, KrausOperatorsAreComplete) {
  for (const ChannelKind kind : kChannelKinds)
    for (const double p : kStrengths) {
      const Channel c{kind, p};
      const int d = dimension(kind);
      MatrixC sum = MatrixC::Zero(d, d);
      for (const MatrixC& k : kraus_operators(c)) {
        ASSERT_EQ(k.rows(), d) << label(c);
        sum += k.adjoint() * k;
      }
      EXPECT_LT(max_diff(sum, MatrixC::Identity(d, d)), 1e-14) << label(c);
    }
}

TEST(NoiseChannel, ChoiMatrixIsPositiveAndTracePreserving) {
  for (const ChannelKind kind : kChannelKinds)
    for (const double p : kStrengths) {
      const Channel c{kind, p};
      const int d = dimension(kind);
      const MatrixC choi = choi_matrix(c);
      ASSERT_EQ(choi.rows(), d * d) << label(c);
      EXPECT_LT(max_diff(choi, choi.adjoint()), 1e-14) << label(c) << ": not Hermitian";
      const Eigen::SelfAdjointEigenSolver<MatrixC> eig(choi);
      EXPECT_GE(eig.eigenvalues().minCoeff(), -1e-12) << label(c) << ": not completely positive";
      // Tracing out the output leaves sum_a E(|i><j|)[a][a] = Tr E(|i><j|) = delta_ij.
      MatrixC traced = MatrixC::Zero(d, d);
      for (int i = 0; i < d; ++i)
        for (int j = 0; j < d; ++j)
          for (int a = 0; a < d; ++a) traced(i, j) += choi(i * d + a, j * d + a);
      EXPECT_LT(max_diff(traced, MatrixC::Identity(d, d)), 1e-14)
          << label(c) << ": not trace preserving";
    }
}

TEST(NoiseChannel, SuperoperatorActsAsTheKrausSumOnRandomDensityMatrices) {
  Rng rng(1801);
  for (const ChannelKind kind : kChannelKinds)
    for (const double p : kStrengths) {
      const Channel c{kind, p};
      for (int trial = 0; trial < 3; ++trial) {
        const MatrixC rho = random_density(dimension(kind), rng);
        const MatrixC out = apply_superoperator(c, rho);
        EXPECT_LT(max_diff(out, apply_kraus(c, rho)), 1e-14) << label(c);
        EXPECT_NEAR(out.trace().real(), 1.0, 1e-14) << label(c);
      }
    }
}

TEST(NoiseChannel, ChoiMatrixHoldsTheChannelsActionOnEachBasisOperator) {
  for (const ChannelKind kind : kChannelKinds) {
    const Channel c{kind, 0.3};
    const Eigen::Index d = dimension(kind);
    const MatrixC choi = choi_matrix(c);
    for (Eigen::Index i = 0; i < d; ++i)
      for (Eigen::Index j = 0; j < d; ++j) {
        MatrixC unit = MatrixC::Zero(d, d);
        unit(i, j) = 1;
        EXPECT_LT(max_diff(choi.block(i * d, j * d, d, d), apply_kraus(c, unit)), 1e-15)
            << label(c) << " block " << i << "," << j;
      }
  }
}

TEST(NoiseChannel, ZeroStrengthIsTheIdentityExactly) {
  for (const ChannelKind kind : kChannelKinds) {
    const Eigen::Index d = dimension(kind);
    EXPECT_EQ(superoperator({kind, 0}), MatrixC::Identity(d * d, d * d)) << channel_name(kind);
    ASSERT_EQ(kraus_operators({kind, 0}).size(), 1u) << channel_name(kind);
    EXPECT_EQ(kraus_operators({kind, 0})[0], MatrixC::Identity(d, d)) << channel_name(kind);
  }
}

// The conventions of channel.h, written out on states whose image is known by hand.
TEST(NoiseChannel, ConventionsAreTheDocumentedOnes) {
  const double p = 0.3;
  MatrixC zero = MatrixC::Zero(2, 2), one = MatrixC::Zero(2, 2), plus(2, 2);
  zero(0, 0) = 1;
  one(1, 1) = 1;
  plus << 0.5, 0.5, 0.5, 0.5;
  // depolarizing: X and Y flip |0>, each with probability p/3.
  EXPECT_NEAR(apply_kraus({ChannelKind::depolarizing, p}, zero)(1, 1).real(), 2 * p / 3, 1e-15);
  // amplitude damping: |1> decays to |0> with probability gamma = p.
  EXPECT_NEAR(apply_kraus({ChannelKind::amplitude_damping, p}, one)(0, 0).real(), p, 1e-15);
  // phase damping: populations kept, coherences times sqrt(1 - p).
  const MatrixC dephased = apply_kraus({ChannelKind::phase_damping, p}, plus);
  EXPECT_NEAR(dephased(0, 0).real(), 0.5, 1e-15);
  EXPECT_NEAR(dephased(0, 1).real(), 0.5 * std::sqrt(1 - p), 1e-15);
  // bit flip and phase flip: X or Z with probability p.
  EXPECT_NEAR(apply_kraus({ChannelKind::bit_flip, p}, zero)(1, 1).real(), p, 1e-15);
  EXPECT_NEAR(apply_kraus({ChannelKind::phase_flip, p}, plus)(0, 1).real(), 0.5 * (1 - 2 * p),
              1e-15);
  // depolarizing2 at p = 15/16 leaves the maximally mixed pair whatever came in.
  MatrixC pair = MatrixC::Zero(4, 4);
  pair(1, 1) = 1;  // |01>
  EXPECT_LT(max_diff(apply_kraus({ChannelKind::depolarizing2, 15.0 / 16}, pair),
                     MatrixC::Identity(4, 4) / 4),
            1e-15);
  // ... and at p it flips a given qubit pair state to each other basis state equally: |01> goes
  // to |00> by the 4 Paulis X or Y on the second qubit times I or Z on the first.
  EXPECT_NEAR(apply_kraus({ChannelKind::depolarizing2, p}, pair)(0, 0).real(), 4 * p / 15, 1e-15);
}

// vec(rho) puts the row bits first: for one qubit, index 2r + c.
TEST(NoiseChannel, SuperoperatorIndexesRowBitsBeforeColumnBits) {
  const double p = 0.25;
  const MatrixC s = superoperator({ChannelKind::amplitude_damping, p});
  EXPECT_NEAR(s(0, 3).real(), p, 1e-15);                 // rho[1][1] feeds rho[0][0]
  EXPECT_NEAR(s(1, 1).real(), std::sqrt(1 - p), 1e-15);  // rho[0][1] shrinks
  EXPECT_NEAR(s(3, 3).real(), 1 - p, 1e-15);             // rho[1][1] decays
  EXPECT_EQ(s(3, 0), cplx(0));                           // nothing climbs to |1>
  // On a pair, index (row a, row b, col a, col b): entry (0b0101, 0b0000) is E(|00><00|)[01][01],
  // an X or Y on the second qubit with I or Z on the first; entry (0b0110, 0) a coherence the
  // channel never makes.
  const MatrixC s2 = superoperator({ChannelKind::depolarizing2, p});
  ASSERT_EQ(s2.rows(), 16);
  EXPECT_NEAR(s2(0b0101, 0).real(), 4 * p / 15, 1e-15);
  EXPECT_EQ(s2(0b0110, 0), cplx(0));
}

TEST(NoiseChannel, CheckChannelNamesTheKey) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const double bad : {1.5, -0.1, nan}) {
    try {
      check_channel({ChannelKind::bit_flip, bad}, "noise.bit_flip");
      ADD_FAILURE() << "accepted " << bad;
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("noise.bit_flip must be a number in [0, 1]"),
                std::string::npos)
          << e.what();
    }
  }
  for (const double good : kStrengths)
    EXPECT_NO_THROW(check_channel({ChannelKind::bit_flip, good}, "noise.bit_flip"));
}

}  // namespace
}  // namespace qmf::noise
