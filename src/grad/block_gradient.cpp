#include "grad/block_gradient.h"

namespace qmf::grad {

double contract(const sim::GateMatrix& d, const double* k_re, const double* k_im, size_t stride) {
  const auto dim = d.rows();
  double s = 0;
  for (Eigen::Index r = 0; r < dim; ++r)
    for (Eigen::Index c = 0; c < dim; ++c) {
      const size_t e = static_cast<size_t>(r * dim + c) * stride;
      s += d(r, c).real() * k_re[e];
      if (k_im) s -= d(r, c).imag() * k_im[e];
    }
  return 2 * s;
}

void add_shared_block_gradient(const sim::Program& prog, std::span<const double> theta, size_t i,
                               std::span<const double> k, Gradients& out) {
  const sim::Block& b = prog.blocks()[i];
  const size_t half = k.size() / 2;
  const std::vector<sim::GateMatrix> d = prog.block_derivatives(b, theta.data(), nullptr);
  size_t next = 0;
  for (uint32_t id : b.gates) {
    const sim::Gate& g = prog.circuit().gates()[id];
    for (int p = 0; p < sim::info(g.kind).params; ++p)
      out.theta[g.angles[p].index] +=
          contract(d[next++], k.data(), b.real ? nullptr : k.data() + half, 1);
  }
}

}  // namespace qmf::grad
