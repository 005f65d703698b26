#pragma once
// Parameter-shift gradients: an independent path to dL/dtheta and dL/d(per-sample angle) that
// only runs the circuit forward. Each gate occurrence is shifted on its own (a shared parameter's
// gradient is the sum over the gates that use it), with the two-term rule for generators whose
// eigenvalues differ by 1 and the four-term rule for controlled rotations (eigenvalues 0, +-1/2).
// Costs two or four circuit runs per angle: a reference for tests, not for training.
#include <span>

#include "grad/gradients.h"
#include "sim/simulator.h"

namespace qmf::grad {

// Fills out.theta and out.sample (out.registers is left empty) for the loss
// L = sum_b sum_c dprobs[b][c] P_b(c) on `qubits`, i.e. the gradient contracted with dprobs.
template <typename T>
void parameter_shift(const sim::Program& program, sim::SimOptions options,
                     const sim::ProductInput& input, std::span<const double> theta,
                     std::span<const double> sample_angles, std::span<const int> qubits,
                     std::span<const double> dprobs, Gradients& out);

}  // namespace qmf::grad
