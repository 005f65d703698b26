#pragma once
// The random circuits the noisy simulators are tested on: 3n + 6 gates, a quarter of them with a
// per-sample angle, up to 3 registers and 3 readout qubits, small enough for dense references.
#include <cstdint>

#include "support/sim_support.h"

namespace qmf::testing {

inline Problem noisy_problem(uint64_t seed, int n, size_t batch) {
  Rng rng(seed);
  CircuitSpec spec{.qubits = n,
                   .gates = 3 * n + 6,
                   .shared = static_cast<uint32_t>(n + 3),
                   .sample = 2,
                   .sample_fraction = 0.25};
  return random_problem(rng, spec, batch, 3, 3);
}

}  // namespace qmf::testing
