#include "noise/channel.h"

#include <cmath>

#include <fmt/format.h>
#include <unsupported/Eigen/KroneckerProduct>

#include "core/error.h"

namespace qmf::noise {
namespace {

using sim::cplx;
using sim::MatrixC;

// 0: I, 1: X, 2: Y, 3: Z.
MatrixC pauli(int which) {
  MatrixC m = MatrixC::Zero(2, 2);
  switch (which) {
    case 0:
      m << 1, 0, 0, 1;
      break;
    case 1:
      m << 0, 1, 1, 0;
      break;
    case 2:
      m << 0, cplx(0, -1), cplx(0, 1), 0;
      break;
    default:
      m << 1, 0, 0, -1;
      break;
  }
  return m;
}

// a (x) b with a on the first (high) bit: big-endian, as gate matrices are.
MatrixC kron(const MatrixC& a, const MatrixC& b) { return Eigen::kroneckerProduct(a, b).eval(); }

MatrixC from_rows(cplx a, cplx b, cplx c, cplx d) {
  MatrixC m(2, 2);
  m << a, b, c, d;
  return m;
}

// Each operator applied with probability `weight`: sqrt(weight) times it, if the weight is not
// zero.
void add_weighted(std::vector<MatrixC>& out, double weight, const MatrixC& op) {
  if (weight > 0) out.push_back(std::sqrt(weight) * op);
}

std::vector<MatrixC> depolarizing(double p) {
  std::vector<MatrixC> k;
  add_weighted(k, 1 - p, pauli(0));
  for (int a = 1; a < 4; ++a) add_weighted(k, p / 3, pauli(a));
  return k;
}

std::vector<MatrixC> depolarizing2(double p) {
  std::vector<MatrixC> k;
  add_weighted(k, 1 - p, MatrixC::Identity(4, 4));
  for (int a = 0; a < 4; ++a)
    for (int b = 0; b < 4; ++b)
      if (a != 0 || b != 0) add_weighted(k, p / 15, kron(pauli(a), pauli(b)));
  return k;
}

// Probability p of `op`, 1 - p of nothing.
std::vector<MatrixC> flip(double p, const MatrixC& op) {
  std::vector<MatrixC> k;
  add_weighted(k, 1 - p, pauli(0));
  add_weighted(k, p, op);
  return k;
}

// K0 keeps |0> and shrinks |1> by sqrt(1-p); K1 is what left |1>: to |0> (amplitude damping) or
// nowhere but a record of it (phase damping). K0 always stays, being the identity at p = 0.
std::vector<MatrixC> damping(double p, bool to_ground) {
  std::vector<MatrixC> k{from_rows(1, 0, 0, std::sqrt(1 - p))};
  const double s = std::sqrt(p);
  if (p > 0) k.push_back(to_ground ? from_rows(0, s, 0, 0) : from_rows(0, 0, 0, s));
  return k;
}

int dimension(const Channel& c) { return channel_qubits(c.kind) == 2 ? 4 : 2; }

}  // namespace

int channel_qubits(ChannelKind kind) { return kind == ChannelKind::depolarizing2 ? 2 : 1; }

std::string_view channel_name(ChannelKind kind) {
  switch (kind) {
    case ChannelKind::depolarizing:
      return "depolarizing";
    case ChannelKind::depolarizing2:
      return "depolarizing2";
    case ChannelKind::amplitude_damping:
      return "amplitude_damping";
    case ChannelKind::phase_damping:
      return "phase_damping";
    case ChannelKind::bit_flip:
      return "bit_flip";
    case ChannelKind::phase_flip:
      return "phase_flip";
  }
  return "?";
}

void check_probability(double p, std::string_view key) {
  // Written so that NaN fails too.
  if (!(p >= 0 && p <= 1))
    throw UsageError(fmt::format("{} must be a number in [0, 1], got {}", key, p));
}

void check_channel(const Channel& c, std::string_view key) { check_probability(c.p, key); }

std::vector<MatrixC> kraus_operators(const Channel& c) {
  QMF_CHECK(c.p >= 0 && c.p <= 1, "{} channel strength {} is outside [0, 1]", channel_name(c.kind),
            c.p);
  switch (c.kind) {
    case ChannelKind::depolarizing:
      return depolarizing(c.p);
    case ChannelKind::depolarizing2:
      return depolarizing2(c.p);
    case ChannelKind::amplitude_damping:
      return damping(c.p, true);
    case ChannelKind::phase_damping:
      return damping(c.p, false);
    case ChannelKind::bit_flip:
      return flip(c.p, pauli(1));
    case ChannelKind::phase_flip:
      return flip(c.p, pauli(3));
  }
  QMF_CHECK(false, "unknown channel kind {}", static_cast<int>(c.kind));
}

// rho -> K rho K^dag is vec(rho) -> (K (x) conj(K)) vec(rho) in the (row, column) index order.
MatrixC superoperator(std::span<const MatrixC> kraus) {
  QMF_CHECK(!kraus.empty(), "superoperator of no Kraus operators");
  const Eigen::Index d = kraus.front().rows();
  MatrixC s = MatrixC::Zero(d * d, d * d);
  for (const MatrixC& k : kraus) s += kron(k, k.conjugate());
  return s;
}

MatrixC superoperator(const Channel& c) { return superoperator(kraus_operators(c)); }

// Entry (i, a), (j, b) is E(|i><j|)[a][b] = sum_k K_k[a][i] conj(K_k[b][j]): each Kraus operator
// adds the outer product of its column-stacked copy with itself.
MatrixC choi_matrix(const Channel& c) {
  const Eigen::Index d = dimension(c);
  MatrixC choi = MatrixC::Zero(d * d, d * d);
  for (const MatrixC& k : kraus_operators(c)) {
    Eigen::VectorXcd v(d * d);
    for (Eigen::Index i = 0; i < d; ++i)
      for (Eigen::Index a = 0; a < d; ++a) v(i * d + a) = k(a, i);
    choi += v * v.adjoint();
  }
  return choi;
}

}  // namespace qmf::noise
