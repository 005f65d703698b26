#pragma once
// Runs a compiled program on a batch: product-state preparation, the blocks, and marginal
// probabilities. Work is split over chunks of samples (each thread keeps its chunk in cache for
// the whole circuit) or, when there are fewer chunks than threads and the states are large, over
// fixed segments of the amplitude range — never both. Reductions always run over the same
// segments in the same order, so every thread count gives the same numbers.
#include <memory>
#include <span>
#include <vector>

#include "sim/isa.h"
#include "sim/parallel.h"
#include "sim/program.h"
#include "sim/state.h"

namespace qmf::sim {

struct SimOptions {
  int threads = 0;  // 0: all cores
  Isa isa = best_isa();
};

// A block's matrices at the current angles, in the simulator's precision.
template <typename T>
struct BoundBlock {
  std::vector<T> u_re, u_im;      // U (u_im empty when the block is real)
  std::vector<T> udag_re, udag_im;  // U^dagger
  Matrices<T> u() const { return {u_re.data(), u_im.empty() ? nullptr : u_im.data(), false}; }
  Matrices<T> udag() const {
    return {udag_re.data(), udag_im.empty() ? nullptr : udag_im.data(), false};
  }
};

template <typename T>
class Simulator {
 public:
  explicit Simulator(std::shared_ptr<const Program> program, SimOptions options = {});

  const Program& program() const { return *program_; }
  int threads() const { return par_.threads(); }
  Isa isa() const { return isa_; }
  BatchState<T> make_state(size_t batch) const;

  // Prepares the product input and applies the circuit with shared parameters `theta` and
  // `sample_angles` (batch rows of circuit().sample_params() values). Checks every size first.
  void forward(const ProductInput& input, std::span<const double> theta,
               std::span<const double> sample_angles, BatchState<T>& state);

  // out[b * 2^|qubits| + c] = P(c) on `qubits` (big-endian over the list) for every sample b.
  void marginal(const BatchState<T>& state, std::span<const int> qubits,
                std::span<double> out) const;

  // For the adjoint (grad/adjoint.h): the bound blocks of the last forward and the machinery.
  const std::vector<BoundBlock<T>>& bound() const { return bound_; }
  std::span<const double> theta() const { return theta_; }
  std::span<const double> sample_angles() const { return sample_; }
  const KernelOps<T>& ops(const BatchState<T>& s) const;
  const ParallelFor& parallel() const { return par_; }
  bool splits_amplitudes(const BatchState<T>& s) const;
  // One lane-matrix set (2 * K*K*lanes values: re then im) for a per-sample block in a chunk.
  std::vector<T> lane_matrices(const Block& b, const BatchState<T>& s, size_t chunk,
                               bool adjoint) const;
  static size_t segment_groups(size_t groups) { return std::min<size_t>(groups, 4096); }
  // The chunk's input registers in the kernels' lane-major layout, stored in `buffer` (zero
  // for padding lanes). With `zero`, the same layout filled with zeros (gradient accumulators).
  RegisterLanes<T> register_lanes(const ProductInput& input, const BatchState<T>& s, size_t chunk,
                                  std::vector<T>& buffer, bool zero = false) const;

 private:
  void bind(std::span<const double> theta);
  void check_input(const ProductInput& input, size_t batch) const;
 public:
  // Throws unless `s` has this program's qubits, this simulator's lane layout and, with
  // `same_batch`, the batch of the last forward.
  void check_state(const BatchState<T>& s, const char* who, bool same_batch) const;
 private:
  void apply_block(size_t i, const BatchState<T>& s, size_t chunk, const std::vector<T>& lanes,
                   size_t g0, size_t g1) const;

  std::shared_ptr<const Program> program_;
  Isa isa_;
  ParallelFor par_;
  std::vector<BoundBlock<T>> bound_;
  std::vector<double> theta_, sample_;
  size_t batch_ = 0;  // of the last forward
};

}  // namespace qmf::sim
