#pragma once
// The workloads of `qmf bench`, timed over at least `seconds`: the default QMFNN circuit
// (docs/MODEL.md), forward (prepare, run, marginal) and forward + adjoint gradient on random
// inputs; and a layered circuit on one large register, the peers' yardstick for big states.
#include <cstddef>
#include <cstdint>
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

// What a device adds to the default circuit's benchmark: depolarizing noise of this strength
// after every gate (density matrices), and the marginal estimated from this many shots.
struct DeviceEffects {
  double depolarizing = 0;
  uint64_t shots = 0;
};

struct CircuitBenchResult {
  double forward_samples_per_s = 0;
  double gradient_samples_per_s = 0;
  int threads = 0;
  std::string precision, isa;
  size_t batch = 0;
};

CircuitBenchResult bench_default_circuit(size_t batch, int threads, const std::string& precision,
                                         double seconds, const std::string& isa = "auto",
                                         DeviceEffects device = {});

// `layers` layers of RX (a shared random angle each) on every qubit followed by the CNOT chain
// 0->1->...->n-1, run forward from |0...0> on a batch. A layer's time is the difference between
// the forward with all layers and the forward with none (the state preparation), divided by
// the layers.
struct LayersBenchResult {
  double ms_per_layer = 0;  // the whole batch
  int qubits = 0, threads = 0, layers = 0;
  size_t batch = 0;
  std::string precision, isa, layout;
};

LayersBenchResult bench_layers(int qubits, size_t batch, int threads, const std::string& precision,
                               double seconds, const std::string& isa = "auto", int layers = 10,
                               sim::LaneLayout layout = sim::LaneLayout::Auto);

}  // namespace qmf::model
