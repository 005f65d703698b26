#pragma once
// Batched adjoint differentiation (Jones and Gacon, arXiv:2009.02823), written once against the
// state interface of sim/reverse_pass.h. The loss reaches the circuit through marginal
// probabilities: given dL/dP(c) per sample, the adjoint state starts as
// lambda = sum_c dL/dP(c) Pi_c psi and is walked back with the state itself, two working states
// per sample whatever the number of parameters.
//
// Per block (a fused product of gates, sim/program.h) one pass computes
//   phi <- U^dag phi,   K[r][c] = sum conj(lambda[r]) phi[c],   lambda <- U^dag lambda,
// and every angle inside the block then costs only a K x K product: dL/dt = 2 Re tr(dU/dt K^T).
// When the forward recorded each block's input (Simulator::forward's record_inputs, small
// states), phi is read from the record instead of undone: a third fewer multiply-adds.
// K is summed over the batch for shared angles and kept per sample for per-sample angles.
#include <memory>
#include <span>
#include <vector>

#include "grad/gradients.h"
#include "sim/simulator.h"

namespace qmf::grad {

// `state` must hold the result of the last sim.forward(input, ...); the sweep walks it back to
// the input state, or leaves it as it is when the forward recorded the block inputs. `dprobs`
// has batch * 2^|qubits| values, as sim.marginal() produces.
// An Adjoint keeps its working state (lambda) between calls of the same shape.
template <typename T>
class Adjoint {
 public:
  void run(const sim::Simulator<T>& sim, sim::BatchState<T>& state, const sim::ProductInput& input,
           std::span<const int> qubits, std::span<const double> dprobs, Gradients& out);

 private:
  std::unique_ptr<sim::BatchState<T>> lambda_;
  std::vector<double> k_;
};

// One-off form of Adjoint<T>::run.
template <typename T>
void adjoint(const sim::Simulator<T>& sim, sim::BatchState<T>& state,
             const sim::ProductInput& input, std::span<const int> qubits,
             std::span<const double> dprobs, Gradients& out);

}  // namespace qmf::grad
