#pragma once
// Throughput of the default QMFNN circuit (docs/MODEL.md) for `qmf bench`: forward (prepare, run,
// marginal) and forward + adjoint gradient, on random inputs, timed over at least `seconds`.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "sim/program.h"
#include "sim/state.h"

namespace qmf::model {

// The default QMFNN circuit of docs/MODEL.md (M = 2, k = 4, n = 8, two fusion layers,
// conv(8) pool(8->4) conv(4), probs readout) with random angles, register inputs and
// dLoss/dP for a batch: what `qmf bench` and the simulator benchmarks (bench/) time.
struct DefaultCircuitWorkload {
  explicit DefaultCircuitWorkload(size_t batch);
  sim::ProductInput input() const { return {{4, 4}, {r1, r2}}; }

  std::shared_ptr<const sim::Program> program;
  std::vector<int> readout;
  std::vector<double> theta;
  std::vector<sim::cplx> r1, r2;
  std::vector<double> dprobs;  // batch << readout.size() values
};

struct CircuitBenchResult {
  double forward_samples_per_s = 0;
  double gradient_samples_per_s = 0;
  int threads = 0;
  std::string precision, isa;
  size_t batch = 0;
};

CircuitBenchResult bench_default_circuit(size_t batch, int threads, const std::string& precision,
                                         double seconds);

}  // namespace qmf::model
