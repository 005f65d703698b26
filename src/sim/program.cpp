#include "sim/program.h"

#include <algorithm>
#include <optional>

#include "core/error.h"

namespace qmf::sim {
namespace {

bool gate_is_real(const Circuit& c, const Gate& g) {
  if (g.kind == GateKind::Unitary1 || g.kind == GateKind::Unitary2) {
    const auto& fixed = c.fixed_matrices();
    return std::all_of(fixed.begin() + g.fixed, fixed.begin() + g.fixed + std::max(g.choices, 1U),
                       [](const GateMatrix& m) { return m.imag().isZero(0.0); });
  }
  return info(g.kind).real;
}

Block single(const Circuit& c, uint32_t id) {
  const Gate& g = c.gates()[id];
  Block b;
  b.qubits.assign(g.qubits.begin(), g.qubits.begin() + info(g.kind).qubits);
  b.gates = {id};
  b.per_sample = g.per_sample();
  b.real = gate_is_real(c, g);
  b.unitary = g.unitary;
  return b;
}

// Greedy fusion: `open[q]` is the index (into `pending`) of the block that last touched q and may
// still grow. Blocks leave `pending` for the output in the order they are closed, which respects
// every dependency because an open block is always the latest on each of its qubits.
class Fuser {
 public:
  Fuser(const Circuit& c, int max_qubits)
      : c_(c), max_(max_qubits), open_(static_cast<size_t>(c.qubits())) {}

  std::vector<Block> run() {
    for (uint32_t id = 0; id < c_.gates().size(); ++id) add(id);
    for (auto& b : pending_)
      if (b) close(*b);
    return std::move(out_);
  }

 private:
  void add(uint32_t id) {
    Block g = single(c_, id);
    std::vector<size_t> touching;
    for (int q : g.qubits)
      if (open_[q] && std::find(touching.begin(), touching.end(), *open_[q]) == touching.end())
        touching.push_back(*open_[q]);
    const bool alone = g.per_sample || g.width() > max_ ||
                       std::any_of(touching.begin(), touching.end(),
                                   [&](size_t t) { return pending_[t]->per_sample; });
    if (alone) {
      for (size_t t : touching) close_pending(t);
      open_block(std::move(g));
      return;
    }
    std::vector<int> qubits = g.qubits;
    for (size_t t : touching)
      for (int q : pending_[t]->qubits)
        if (std::find(qubits.begin(), qubits.end(), q) == qubits.end()) qubits.push_back(q);
    if (static_cast<int>(qubits.size()) > max_) {
      // Too wide: close only the blocks reaching beyond the gate's qubits; the others merge.
      std::erase_if(touching, [&](size_t t) {
        const bool beyond =
            std::any_of(pending_[t]->qubits.begin(), pending_[t]->qubits.end(), [&](int q) {
              return std::find(g.qubits.begin(), g.qubits.end(), q) == g.qubits.end();
            });
        if (beyond) close_pending(t);
        return beyond;
      });
      qubits = g.qubits;
    }
    Block merged;
    std::sort(touching.begin(), touching.end());  // keep creation order among merged blocks
    for (size_t t : touching) {
      merged.gates.insert(merged.gates.end(), pending_[t]->gates.begin(), pending_[t]->gates.end());
      merged.real = merged.real && pending_[t]->real;
      merged.unitary = merged.unitary && pending_[t]->unitary;
      release(t);
    }
    merged.gates.push_back(id);
    merged.real = merged.real && g.real;
    merged.unitary = merged.unitary && g.unitary;
    merged.qubits = order_qubits(qubits);
    open_block(std::move(merged));
  }

  // Qubits of a block in ascending order: any fixed order works, ascending is easy to read.
  static std::vector<int> order_qubits(std::vector<int> q) {
    std::sort(q.begin(), q.end());
    return q;
  }

  void open_block(Block b) {
    const size_t idx = pending_.size();
    for (int q : b.qubits) open_[q] = idx;
    pending_.emplace_back(std::move(b));
  }
  void release(size_t t) {
    for (int q : pending_[t]->qubits) open_[q].reset();
    pending_[t].reset();
  }
  void close_pending(size_t t) {
    Block b = std::move(*pending_[t]);
    for (int q : b.qubits) open_[q].reset();
    pending_[t].reset();
    close(b);
  }
  void close(Block& b) {
    b.geometry = BlockGeometry(c_.qubits(), b.qubits.data(), b.width());
    out_.push_back(std::move(b));
  }

  const Circuit& c_;
  int max_;
  std::vector<std::optional<size_t>> open_;
  std::vector<std::optional<Block>> pending_;
  std::vector<Block> out_;
};

}  // namespace

Program::Program(Circuit circuit, int max_fused_qubits) : circuit_(std::move(circuit)) {
  QMF_CHECK(max_fused_qubits >= 0 && max_fused_qubits <= 2, "max_fused_qubits {} not in 0..2",
            max_fused_qubits);
  if (max_fused_qubits == 0) {
    for (uint32_t id = 0; id < circuit_.gates().size(); ++id) {
      Block b = single(circuit_, id);
      b.geometry = BlockGeometry(circuit_.qubits(), b.qubits.data(), b.width());
      blocks_.push_back(std::move(b));
    }
  } else {
    blocks_ = Fuser(circuit_, max_fused_qubits).run();
  }
}

GateMatrix Program::embedded(const Block& b, const Gate& g, const GateMatrix& m) const {
  const int k = b.width(), gk = info(g.kind).qubits;
  const int dim = 1 << k;
  // pos[j]: bit of the block-local index holding the gate's j-th qubit.
  int pos[3] = {0, 0, 0};
  for (int j = 0; j < gk; ++j) {
    const auto it = std::find(b.qubits.begin(), b.qubits.end(), g.qubits[j]);
    pos[j] = k - 1 - static_cast<int>(it - b.qubits.begin());
  }
  int gate_mask = 0;
  for (int j = 0; j < gk; ++j) gate_mask |= 1 << pos[j];
  const auto local = [&](int i) {
    int v = 0;
    for (int j = 0; j < gk; ++j) v = (v << 1) | ((i >> pos[j]) & 1);
    return v;
  };
  GateMatrix e = GateMatrix::Zero(dim, dim);
  for (int r = 0; r < dim; ++r)
    for (int c = 0; c < dim; ++c)
      if ((r & ~gate_mask) == (c & ~gate_mask)) e(r, c) = m(local(r), local(c));
  return e;
}

// The products below run on fixed-size matrices of the block's width, which Eigen unrolls: a
// batch builds every block's matrix and derivatives, and dynamic-size products cost more than the
// arithmetic.
template <int D>
using Fixed = Eigen::Matrix<cplx, D, D>;

template <int D>
GateMatrix Program::block_matrix_of(const Block& b, const double* theta,
                                    const double* sample) const {
  Fixed<D> u = Fixed<D>::Identity();
  for (uint32_t id : b.gates) {
    const Gate& g = circuit_.gates()[id];
    const Fixed<D> e = embedded(b, g, circuit_.matrix(g, theta, sample));
    u = (e * u).eval();
  }
  return u;
}

GateMatrix Program::block_matrix(const Block& b, const double* theta, const double* sample) const {
  switch (b.width()) {
    case 1:
      return block_matrix_of<2>(b, theta, sample);
    case 2:
      return block_matrix_of<4>(b, theta, sample);
    default:
      return block_matrix_of<8>(b, theta, sample);
  }
}

GateMatrix Program::block_derivative(const Block& b, const double* theta, const double* sample,
                                     size_t j, int p) const {
  GateMatrix u = GateMatrix::Identity(1 << b.width(), 1 << b.width());
  for (size_t i = 0; i < b.gates.size(); ++i) {
    const Gate& g = circuit_.gates()[b.gates[i]];
    const GateMatrix m =
        i == j ? circuit_.derivative(g, theta, sample, p) : circuit_.matrix(g, theta, sample);
    u = embedded(b, g, m) * u;
  }
  return u;
}

template <int D>
std::vector<GateMatrix> Program::block_derivatives_of(const Block& b, const double* theta,
                                                      const double* sample) const {
  const size_t count = b.gates.size();
  std::vector<Fixed<D>> gate(count);
  for (size_t j = 0; j < count; ++j) {
    const Gate& g = circuit_.gates()[b.gates[j]];
    gate[j] = embedded(b, g, circuit_.matrix(g, theta, sample));
  }
  // prefix[j] = G_{j-1} ... G_0, suffix[j] = G_{count-1} ... G_{j+1}
  std::vector<Fixed<D>> prefix(count + 1, Fixed<D>::Identity()), suffix = prefix;
  for (size_t j = 0; j < count; ++j) prefix[j + 1] = gate[j] * prefix[j];
  for (size_t j = count; j-- > 1;) suffix[j - 1] = suffix[j] * gate[j];
  std::vector<GateMatrix> out;
  for (size_t j = 0; j < count; ++j) {
    const Gate& g = circuit_.gates()[b.gates[j]];
    for (int p = 0; p < info(g.kind).params; ++p) {
      const Fixed<D> d = embedded(b, g, circuit_.derivative(g, theta, sample, p));
      out.emplace_back((suffix[j] * d * prefix[j]).eval());
    }
  }
  return out;
}

std::vector<GateMatrix> Program::block_derivatives(const Block& b, const double* theta,
                                                   const double* sample) const {
  switch (b.width()) {
    case 1:
      return block_derivatives_of<2>(b, theta, sample);
    case 2:
      return block_derivatives_of<4>(b, theta, sample);
    default:
      return block_derivatives_of<8>(b, theta, sample);
  }
}

}  // namespace qmf::sim
