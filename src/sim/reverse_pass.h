#pragma once
// The state interface a reverse-mode sweep (grad/adjoint.h) is written against: phi, the state
// the last forward left, and lambda, a companion state of the same shape, walked back to the
// input block by block. Lanes, packs, kernels and bound matrices stay behind it, so the sweep is
// written once in terms of chunks, blocks and the K each block accumulates, and the same sweep
// runs whichever way sim/traversal.h walks the state.
//
// Contract:
//  * When the forward recorded its block inputs (Simulator::forward), undo() reads them and
//    leaves phi as the forward left it; otherwise it undoes each block on phi too.
//  * The constructor checks that phi holds the last forward of `sim` (qubits, lane layout,
//    batch) and gives lambda phi's shape, reusing it when it already has it. The pass refers to
//    sim, phi and lambda until it is destroyed; sim must not run forward meanwhile.
//  * For each chunk, in this order: seed(), undo() of every block from the last to the first,
//    input_gradients(). Calls for different chunks touch disjoint memory, so each_chunk() may run
//    them concurrently; seed() and undo() share their segments among the threads when the walk
//    splits amplitudes instead. Every thread count gives the same bits.
#include <memory>
#include <span>
#include <vector>

#include "sim/simulator.h"

namespace qmf::sim {

template <typename T>
class ReversePass {
 public:
  ReversePass(const Simulator<T>& sim, BatchState<T>& phi, std::unique_ptr<BatchState<T>>& lambda);

  const Program& program() const { return sim_.program(); }
  size_t batch() const { return phi_.batch(); }
  size_t chunks() const { return phi_.chunks(); }
  // Sample b is in chunk b / samples_per_chunk(), at lane b % samples_per_chunk() unless its
  // lanes hold amplitudes (one sample per chunk).
  size_t samples_per_chunk() const { return phi_.samples_per_chunk(); }
  // The shared parameters the forward ran with.
  std::span<const double> theta() const { return sim_.theta_; }
  // The per-sample angles sample b ran with.
  const double* sample_angles(size_t b) const;

  // work(chunk) for every chunk, walked as the forward walked it.
  template <typename Work>
  void each_chunk(Work&& work) const {
    walk_.each_chunk(phi_.chunks(), work);
  }

  // lambda = sum_c dprobs[b][c] Pi_c phi for the chunk's samples b, where Pi_c projects onto
  // outcome c of `qubits` (big-endian over the list) and dprobs has 2^|qubits| values per sample:
  // the adjoint state of a loss that depends on the marginal probabilities.
  void seed(size_t chunk, std::span<const int> qubits, std::span<const double> dprobs) const;

  // Doubles of K that undo() adds into for the block: K*K real parts then, unless the block is
  // real, K*K imaginary parts; per sample for a per-sample block (entry e of the chunk's sample
  // s at e * samples_per_chunk() + s), summed over the chunk's samples otherwise.
  size_t k_size(size_t block) const;
  // phi <- U^dag phi and lambda <- U^dag lambda on the chunk, adding
  // K[r][c] += sum conj(lambda[r]) (U^dag phi)[c] into k (k_size(block) doubles).
  void undo(size_t block, size_t chunk, double* k) const;

  // With lambda back at the input: dL/d(register amplitudes) of the chunk's samples, written
  // into their rows of registers[m] (batch * 2^input.qubits[m] values each, sized by the caller).
  void input_gradients(size_t chunk, const ProductInput& input,
                       std::vector<std::vector<cplx>>& registers) const;

 private:
  static BatchState<T>& checked_companion(const Simulator<T>& sim, const BatchState<T>& phi,
                                          std::unique_ptr<BatchState<T>>& lambda);

  const Simulator<T>& sim_;
  BatchState<T>& phi_;
  BatchState<T>& lambda_;
  Traversal walk_;
};

}  // namespace qmf::sim
