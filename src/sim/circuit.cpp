#include "sim/circuit.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace qmf::sim {

bool Gate::per_sample() const {
  if (choices > 0) return true;
  const int p = info(kind).params;
  return std::any_of(angles.begin(), angles.begin() + p,
                     [](Angle a) { return a.source == Angle::Source::PerSample; });
}

Circuit::Circuit(int qubits) : qubits_(qubits) {
  if (qubits < 1 || qubits > kMaxQubits)
    throw Error(
        fmt::format("circuit: {} qubits requested; supported range is 1..{}", qubits, kMaxQubits));
}

void Circuit::add(GateKind kind, std::array<int, 3> qubits, std::array<Angle, 3> angles,
                  bool conjugated) {
  const GateInfo& gi = info(kind);
  const auto where = [&] { return fmt::format("circuit gate #{} ({})", gates_.size(), gi.name); };
  if (kind == GateKind::Unitary1 || kind == GateKind::Unitary2)
    throw Error(where() + ": fixed unitaries are added with add_unitary");
  for (int j = 0; j < gi.qubits; ++j) {
    if (qubits[j] < 0 || qubits[j] >= qubits_)
      throw Error(fmt::format("{}: qubit {} out of range 0..{}", where(), qubits[j], qubits_ - 1));
    for (int i = 0; i < j; ++i)
      if (qubits[i] == qubits[j])
        throw Error(
            fmt::format("{}: qubit {} used twice (control equal to target)", where(), qubits[j]));
  }
  Gate g{kind, qubits, angles, 0, conjugated};
  for (int p = 0; p < gi.params; ++p) {
    auto& count = angles[p].source == Angle::Source::Shared ? shared_ : sample_;
    count = std::max(count, angles[p].index + 1);
  }
  gates_.push_back(g);
}

void Circuit::add_unitary(const MatrixC& u, std::array<int, 3> qubits) {
  const int k = u.rows() == 2 ? 1 : u.rows() == 4 ? 2 : 0;
  if (k == 0 || u.cols() != u.rows())
    throw Error(fmt::format("circuit gate #{}: a fixed unitary must be 2x2 or 4x4, got {}x{}",
                            gates_.size(), u.rows(), u.cols()));
  if (!(u.adjoint() * u).isIdentity(1e-10))
    throw Error(fmt::format("circuit gate #{}: matrix is not unitary", gates_.size()));
  add_fixed(u, qubits);
}

void Circuit::add_linear_map(const MatrixC& m, std::array<int, 3> qubits) {
  if (m.rows() != 4 || m.cols() != 4)
    throw Error(fmt::format("circuit gate #{}: a linear map must be 4x4, got {}x{}", gates_.size(),
                            m.rows(), m.cols()));
  add_fixed(m, qubits);
  gates_.back().unitary = false;
  ++maps_;
}

void Circuit::add_choice(std::span<const MatrixC> options, std::array<int, 3> qubits,
                         uint32_t sample_index) {
  const Eigen::Index d = options.empty() ? 0 : options.front().rows();
  bool unitary = true;
  for (const MatrixC& m : options) {
    if ((d != 2 && d != 4) || m.rows() != d || m.cols() != d)
      throw Error(fmt::format("circuit gate #{}: choices must be 2x2 or 4x4, all of one size",
                              gates_.size()));
    unitary = unitary && (m.adjoint() * m).isIdentity(1e-10);
  }
  add_fixed(options.front(), qubits);  // the others follow it in fixed_
  fixed_.insert(fixed_.end(), options.begin() + 1, options.end());
  Gate& g = gates_.back();
  g.choices = static_cast<uint32_t>(options.size());
  g.angles[0] = Angle::sample(sample_index);
  g.unitary = unitary;
  maps_ += unitary ? 0 : 1;
  sample_ = std::max(sample_, sample_index + 1);
}

void Circuit::add_fixed(const MatrixC& u, std::array<int, 3> qubits) {
  const int k = u.rows() == 2 ? 1 : 2;
  const GateKind kind = k == 1 ? GateKind::Unitary1 : GateKind::Unitary2;
  // Reuse add()'s qubit checks through a stand-in kind of the same width.
  add(k == 1 ? GateKind::X : GateKind::SWAP, qubits);
  gates_.back().kind = kind;
  gates_.back().fixed = static_cast<uint32_t>(fixed_.size());
  fixed_.push_back(u);
}

std::array<double, 3> Circuit::angles_of(const Gate& g, const double* theta,
                                         const double* sample) const {
  std::array<double, 3> a{};
  for (int p = 0; p < info(g.kind).params; ++p)
    a[p] = g.angles[p].source == Angle::Source::Shared ? theta[g.angles[p].index]
                                                       : sample[g.angles[p].index];
  return a;
}

GateMatrix Circuit::matrix(const Gate& g, const double* theta, const double* sample) const {
  if (g.choices > 0) {
    const double x = sample[g.angles[0].index];
    QMF_CHECK(x >= 0 && x < g.choices && x == std::floor(x), "{}: choice {} of {}", describe(g), x,
              g.choices);
    return fixed_[g.fixed + static_cast<uint32_t>(x)];
  }
  if (g.kind == GateKind::Unitary1 || g.kind == GateKind::Unitary2) return fixed_[g.fixed];
  GateMatrix m = gate_matrix(g.kind, angles_of(g, theta, sample).data());
  if (g.conjugated) m = m.conjugate().eval();
  return m;
}

GateMatrix Circuit::derivative(const Gate& g, const double* theta, const double* sample,
                               int p) const {
  // The angles are real, so the derivative of the conjugate is the conjugate derivative.
  GateMatrix d = gate_derivative(g.kind, angles_of(g, theta, sample).data(), p);
  if (g.conjugated) d = d.conjugate().eval();
  return d;
}

std::string Circuit::describe(const Gate& g) const {
  const GateInfo& gi = info(g.kind);
  std::string s = fmt::format("{}{}(q{}", gi.name, g.conjugated ? "*" : "", g.qubits[0]);
  for (int j = 1; j < gi.qubits; ++j) s += fmt::format(",q{}", g.qubits[j]);
  for (int p = 0; p < gi.params; ++p)
    s += fmt::format("; {}[{}]", g.angles[p].source == Angle::Source::Shared ? "theta" : "x",
                     g.angles[p].index);
  return s + ")";
}

}  // namespace qmf::sim
