#pragma once
// Parameter-shift gradients: an independent path to dL/dtheta and dL/d(per-sample angle) that
// only runs the circuit forward. Each gate occurrence is shifted on its own (a shared parameter's
// gradient is the sum over the gates that use it), with the two-term rule for generators whose
// eigenvalues differ by 1 and the four-term rule for controlled rotations (eigenvalues 0, +-1/2).
// Costs two or four circuit runs per angle: a reference for tests, not for training.
#include <cmath>
#include <numbers>
#include <span>
#include <vector>

#include "grad/gradients.h"
#include "sim/simulator.h"

namespace qmf::grad {

// The parameter-shift rule on per-sample values: at(s) evaluates them with one angle moved by s.
// Two terms, [f(t+pi/2) - f(t-pi/2)] / 2, for generators whose eigenvalues differ by 1; four terms
// at +-pi/2 and +-3pi/2 for the controlled rotations (eigenvalues 0, +-1/2).
template <class Shifted>
std::vector<double> shift_rule(bool four_term, const Shifted& at) {
  constexpr double h = std::numbers::pi / 2;
  const std::vector<double> plus = at(h), minus = at(-h);
  std::vector<double> d(plus.size());
  if (!four_term) {
    for (size_t r = 0; r < d.size(); ++r) d[r] = (plus[r] - minus[r]) / 2;
    return d;
  }
  const double c1 = (std::sqrt(2.0) + 1) / (4 * std::sqrt(2.0));
  const double c2 = (std::sqrt(2.0) - 1) / (4 * std::sqrt(2.0));
  const std::vector<double> plus3 = at(3 * h), minus3 = at(-3 * h);
  for (size_t r = 0; r < d.size(); ++r)
    d[r] = c1 * (plus[r] - minus[r]) - c2 * (plus3[r] - minus3[r]);
  return d;
}

// Fills out.theta and out.sample (out.registers is left empty) for the loss
// L = sum_b sum_c dprobs[b][c] P_b(c) on `qubits`, i.e. the gradient contracted with dprobs.
template <typename T>
void parameter_shift(const sim::Program& program, sim::SimOptions options,
                     const sim::ProductInput& input, std::span<const double> theta,
                     std::span<const double> sample_angles, std::span<const int> qubits,
                     std::span<const double> dprobs, Gradients& out);

}  // namespace qmf::grad
