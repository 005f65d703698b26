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
      lambda->layout() != phi.layout() || lambda->qubits() != phi.qubits())
    lambda = std::make_unique<BatchState<T>>(phi.qubits(), phi.batch(), phi.lanes(), phi.layout());
  return *lambda;
}

template <typename T>
ReversePass<T>::ReversePass(const Simulator<T>& sim, BatchState<T>& phi,
                            std::unique_ptr<BatchState<T>>& lambda)
    : sim_(sim),
      phi_(phi),
      lambda_(checked_companion(sim, phi, lambda)),
      walk_(sim.traversal(phi)) {
  // The sweep undoes each block with its adjoint, which only a unitary inverts.
  if (!sim.program().circuit().unitary())
    throw Error(
        "adjoint: the circuit holds linear maps that are not unitary (a trajectory's Kraus "
        "operators); noise::DensitySimulator differentiates noisy circuits");
}

template <typename T>
const double* ReversePass<T>::sample_angles(size_t b) const {
  return sim_.sample_.data() + b * sim_.program().circuit().sample_params();
}

template <typename T>
void ReversePass<T>::seed(size_t chunk, std::span<const int> qubits,
                          std::span<const double> dprobs) const {
  const size_t outcomes = size_t{1} << qubits.size(), lanes = phi_.lanes();
  const auto bits = sim_.readout_bits(phi_, qubits);
  const size_t row_outcomes = size_t{1} << bits.rows.size();
  std::vector<T> w(row_outcomes * lanes, T(0));  // padding lanes: weight 0
  for (size_t l = 0; l < lanes; ++l) {
    const size_t b = phi_.sample_of(chunk, l);
    if (b >= phi_.batch()) break;
    for (size_t c = 0; c < row_outcomes; ++c)
      w[c * lanes + l] = static_cast<T>(dprobs[b * outcomes + bits.outcome[c * lanes + l]]);
  }
  walk_.each_segment(phi_.chunk(chunk).amplitudes(), [&](size_t, size_t a0, size_t a1) {
    sim_.ops(phi_).seed(phi_.chunk(chunk), lambda_.chunk(chunk), bits.rows.data(),
                        static_cast<int>(bits.rows.size()), w.data(), a0, a1);
  });
}

template <typename T>
size_t ReversePass<T>::k_size(size_t block) const {
  const Block& b = program().blocks()[block];
  const size_t kk = size_t{1} << (2 * b.width());
  return (b.real ? 1 : 2) * kk * (b.per_sample ? samples_per_chunk() : 1);
}

template <typename T>
void ReversePass<T>::undo(size_t block, size_t chunk, double* k) const {
  const Block& b = program().blocks()[block];
  const BlockGeometry& geo = sim_.geometry(block, phi_);
  const ChunkView<T> phi = phi_.chunk(chunk), lambda = lambda_.chunk(chunk);
  const size_t size = k_size(block), half = size / 2;
  double* const k_im_offset = b.real ? nullptr : k + half;
  std::vector<T> buffer;
  if (sim_.mixes_lanes(block, phi_)) {
    const LaneMixing<T> udag = sim_.block_mixing(block, chunk, true, buffer);
    walk_.reduce_segments(geo.groups(phi.qubits), size, k, [&](size_t g0, size_t g1, double* into) {
      sim_.ops(phi_).adjoint_mixing(geo, udag, phi, lambda, g0, g1, into,
                                    k_im_offset ? into + half : nullptr);
    });
    return;
  }
  const Matrices<T> udag = sim_.block_matrices(block, phi_, chunk, true, buffer);
  const bool per_lane_k = b.per_sample && phi_.lane_bits() == 0;
  const bool recorded = sim_.recorded_ && sim_.recorded_state_ == &phi_;
  const ChunkView<T> input = recorded ? sim_.recorded_input(phi_, chunk, block) : phi;
  walk_.reduce_segments(geo.groups(phi.qubits), size, k, [&](size_t g0, size_t g1, double* into) {
    sim_.ops(phi_).adjoint(geo, udag, input, lambda, g0, g1, per_lane_k, into,
                           k_im_offset ? into + half : nullptr, recorded);
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
  sim_.ops(phi_).register_grad(regs, lambda_.chunk(chunk), grads, 0,
                               phi_.chunk(chunk).amplitudes());
  // Lanes that hold the same register amplitude (amplitude lanes) add up, in lane order.
  const size_t lanes = phi_.lanes();
  for (size_t m = 0; m < input.qubits.size(); ++m) {
    const size_t dim = size_t{1} << input.qubits[m], rows = size_t{1} << grads.qubits[m];
    const int lane_qubits = input.qubits[m] - grads.qubits[m];
    const int shift = register_shift(input, m);
    for (size_t l = 0; l < lanes; ++l) {
      const size_t b = phi_.sample_of(chunk, l);
      if (b >= phi_.batch()) break;
      for (size_t i = 0; i < rows; ++i)
        registers[m][b * dim + register_index(i, l, shift, lane_qubits)] +=
            cplx{static_cast<double>(grads.data[m][2 * i * lanes + l]),
                 static_cast<double>(grads.data[m][(2 * i + 1) * lanes + l])};
    }
  }
}

template class ReversePass<float>;
template class ReversePass<double>;

}  // namespace qmf::sim
