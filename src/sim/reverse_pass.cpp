#include "sim/reverse_pass.h"

#include "core/error.h"

namespace qmf::sim {
// Checks before allocating, so a misused pass leaves the caller's lambda as it was.
template <typename T>
BatchState<T>& ReversePass<T>::checked_companion(const Simulator<T>& sim, const BatchState<T>& phi,
                                                 std::unique_ptr<BatchState<T>>& lambda) {
  QMF_CHECK(sim.bound_.size() == sim.program().blocks().size(), "adjoint before forward");
  sim.check_state(phi, "adjoint", true);
  if (!lambda || lambda->batch() != phi.batch() || lambda->lanes() != phi.lanes() ||
      lambda->qubits() != phi.qubits())
    lambda = std::make_unique<BatchState<T>>(phi.qubits(), phi.batch(), phi.lanes());
  return *lambda;
}

template <typename T>
ReversePass<T>::ReversePass(const Simulator<T>& sim, BatchState<T>& phi,
                            std::unique_ptr<BatchState<T>>& lambda)
    : sim_(sim),
      phi_(phi),
      lambda_(checked_companion(sim, phi, lambda)),
      walk_(sim.traversal(phi)) {}

template <typename T>
const double* ReversePass<T>::sample_angles(size_t b) const {
  return sim_.sample_.data() + b * sim_.program().circuit().sample_params();
}

template <typename T>
void ReversePass<T>::seed(size_t chunk, std::span<const int> qubits,
                          std::span<const double> dprobs) const {
  const size_t outcomes = size_t{1} << qubits.size(), lanes = this->lanes();
  std::vector<int> bits;
  for (int q : qubits) bits.push_back(phi_.qubits() - 1 - q);
  std::vector<T> w(outcomes * lanes, T(0));  // padding lanes: weight 0
  for (size_t l = 0; l < lanes; ++l) {
    const size_t b = chunk * lanes + l;
    if (b >= phi_.batch()) break;
    for (size_t c = 0; c < outcomes; ++c)
      w[c * lanes + l] = static_cast<T>(dprobs[b * outcomes + c]);
  }
  walk_.each_segment(size_t{1} << phi_.qubits(), [&](size_t, size_t a0, size_t a1) {
    sim_.ops(phi_).seed(phi_.chunk(chunk), lambda_.chunk(chunk), bits.data(),
                        static_cast<int>(bits.size()), w.data(), a0, a1);
  });
}

template <typename T>
size_t ReversePass<T>::k_size(size_t block) const {
  const Block& b = program().blocks()[block];
  const size_t kk = size_t{1} << (2 * b.width());
  return (b.real ? 1 : 2) * kk * (b.per_sample ? lanes() : 1);
}

template <typename T>
void ReversePass<T>::undo(size_t block, size_t chunk, double* k) const {
  const Block& b = program().blocks()[block];
  std::vector<T> lanes;
  const Matrices<T> udag = sim_.block_matrices(block, phi_, chunk, true, lanes);
  const size_t size = k_size(block), half = size / 2;
  walk_.reduce_segments(
      b.geometry.groups(phi_.qubits()), size, k, [&](size_t g0, size_t g1, double* into) {
        sim_.ops(phi_).adjoint(b.geometry, udag, phi_.chunk(chunk), lambda_.chunk(chunk), g0, g1,
                               b.per_sample, into, b.real ? nullptr : into + half);
      });
}

// A reduction over all amplitudes into small vectors: one sequential call per chunk, in either
// walk, so its sums never depend on the threads.
template <typename T>
void ReversePass<T>::input_gradients(size_t chunk, const ProductInput& input,
                                     std::vector<std::vector<cplx>>& registers) const {
  std::vector<T> regs_buf, grad_buf;
  const auto regs = sim_.register_lanes(input, phi_, chunk, regs_buf);
  const auto grads = sim_.register_lanes(input, phi_, chunk, grad_buf, true);
  sim_.ops(phi_).register_grad(regs, lambda_.chunk(chunk), grads, 0, size_t{1} << phi_.qubits());
  const size_t lanes = this->lanes();
  for (size_t m = 0; m < input.qubits.size(); ++m) {
    const size_t dim = size_t{1} << input.qubits[m];
    for (size_t l = 0; l < lanes; ++l) {
      const size_t b = chunk * lanes + l;
      if (b >= phi_.batch()) break;
      for (size_t i = 0; i < dim; ++i)
        registers[m][b * dim + i] = {static_cast<double>(grads.data[m][2 * i * lanes + l]),
                                     static_cast<double>(grads.data[m][(2 * i + 1) * lanes + l])};
    }
  }
}

template class ReversePass<float>;
template class ReversePass<double>;

}  // namespace qmf::sim
