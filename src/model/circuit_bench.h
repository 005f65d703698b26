#pragma once
// Throughput of the default QMFNN circuit (DESIGN §2) for `qmf bench`: forward (prepare, run,
// marginal) and forward + adjoint gradient, on random inputs, timed over at least `seconds`.
#include <cstddef>
#include <string>

namespace qmf::model {

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
