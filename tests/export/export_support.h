#pragma once
// Helpers for the export tests: running a numeric circuit from |0...0> through the simulator,
// comparing states exactly and up to a global phase, and random numeric circuits that use every
// gate kind the exporter writes.
#include <gtest/gtest.h>

#include <complex>
#include <memory>
#include <vector>

#include "export/numeric_circuit.h"
#include "support/sim_support.h"

namespace qmf::testing {

// The final state of `c` started from |0...0>, by the simulator on a batch of one.
inline std::vector<cplx> simulate(const exporter::NumericCircuit& c) {
  const int n = c.circuit.qubits();
  sim::Simulator<double> s(compile(c.circuit), {1, qmf::best_isa()});
  auto state = s.make_state(1);
  std::vector<cplx> zero(size_t{1} << n, 0.0);
  zero[0] = 1.0;
  const sim::ProductInput input{{n}, {zero}};
  s.forward(input, c.theta, {}, state);
  return state_values(state);
}

// max_i |a_i - e^{i phi} b_i| with the phase e^{i phi} = <b, a> / |<b, a>| that best aligns b.
inline double max_diff_up_to_phase(const std::vector<cplx>& a, const std::vector<cplx>& b) {
  EXPECT_EQ(a.size(), b.size());
  cplx overlap = 0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) overlap += std::conj(b[i]) * a[i];
  const cplx phase = std::abs(overlap) > 0 ? overlap / std::abs(overlap) : cplx(1.0);
  double m = 0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    m = std::max(m, std::abs(a[i] - phase * b[i]));
  return m;
}

inline std::vector<double> probabilities(const std::vector<cplx>& psi) {
  std::vector<double> p;
  for (cplx a : psi) p.push_back(std::norm(a));
  return p;
}

// A random circuit of every non-fixed kind (each at least once) with random angles, some of
// them special (0, -0, +-pi, tiny, large), and a random measured list (possibly empty).
inline exporter::NumericCircuit random_numeric_circuit(Rng& rng, int qubits, int gates) {
  CircuitSpec spec;
  spec.qubits = qubits;
  spec.gates = gates;
  spec.shared = 40;
  spec.fixed = false;
  const sim::Circuit shape = random_circuit(rng, spec);
  std::vector<double> theta(shape.shared_params());
  const double special[] = {0.0, -0.0, std::numbers::pi, -std::numbers::pi, 1e-17, -3e-9, 123.456};
  for (double& t : theta)
    t = rng.uniform() < 0.2 ? special[rng.below(std::size(special))] : 2 * random_angle(rng);
  std::vector<int> measured =
      random_qubits(rng, qubits, static_cast<int>(rng.below(static_cast<uint64_t>(qubits) + 1)));
  return exporter::to_numeric(shape, theta, {}, measured);
}

}  // namespace qmf::testing
