#include "model/circuit_bench.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>

#include "core/error.h"
#include "core/parallel.h"
#include "core/rng.h"
#include "grad/adjoint.h"
#include "model/qmf_circuit.h"
#include "noise/density.h"
#include "noise/shots.h"
#include "sim/isa.h"
#include "sim/simulator.h"

namespace qmf::model {
namespace {

using Clock = std::chrono::steady_clock;

// Runs `step` until `seconds` have passed (at least 3 times) and returns samples per second.
template <typename F>
double rate(size_t batch, double seconds, F&& step) {
  step();  // warm-up: first-touch allocations and caches
  const auto start = Clock::now();
  size_t runs = 0;
  double elapsed = 0;
  while (runs < 3 || elapsed < seconds) {
    step();
    ++runs;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  }
  return static_cast<double>(runs * batch) / elapsed;
}

// The default circuit on density matrices, depolarised after every gate.
template <typename T>
CircuitBenchResult run_noisy(size_t batch, int threads, double seconds, qmf::Isa isa,
                             double depolarizing) {
  const DefaultCircuitWorkload w(batch);
  const sim::ProductInput input = w.input();
  std::vector<double> probs(w.dprobs.size());
  noise::DensitySimulator<T> simulator(
      w.program->circuit(), noise::noise_model({.depolarizing = depolarizing}), {threads, isa});
  grad::Gradients grads;
  const auto forward = [&] {
    simulator.forward(input, w.theta, {});
    simulator.marginal(w.readout, probs);
  };
  CircuitBenchResult r;
  r.forward_samples_per_s = rate(batch, seconds, forward);
  r.gradient_samples_per_s = rate(batch, seconds, [&] {
    forward();
    simulator.adjoint(input, w.readout, w.dprobs, grads);
  });
  if (!std::isfinite(grads.theta[0])) throw Error("bench: the gradient is not finite");
  r.threads = ParallelFor(threads).threads();
  r.isa = std::string(qmf::isa_name(isa));
  r.batch = batch;
  return r;
}

template <typename T>
CircuitBenchResult run(size_t batch, int threads, double seconds, qmf::Isa isa, uint64_t shots) {
  const DefaultCircuitWorkload w(batch);
  const sim::ProductInput input = w.input();
  std::vector<double> probs(w.dprobs.size());
  sim::Simulator<T> simulator(w.program, {threads, isa});
  auto state = simulator.make_state(batch);
  grad::Adjoint<T> adjoint;
  grad::Gradients grads;
  uint64_t rows = 0;  // the next shot stream
  const auto forward = [&] {
    simulator.forward(input, w.theta, {}, state);
    simulator.marginal(state, w.readout, probs);
    if (shots > 0) {
      noise::sample_shots(probs, size_t{1} << w.readout.size(), shots, 0, rows, threads);
      rows += batch;
    }
  };
  CircuitBenchResult r;
  r.forward_samples_per_s = rate(batch, seconds, forward);
  r.gradient_samples_per_s = rate(batch, seconds, [&] {
    simulator.forward(input, w.theta, {}, state, true);
    simulator.marginal(state, w.readout, probs);
    adjoint.run(simulator, state, input, w.readout, w.dprobs, grads);
  });
  if (!std::isfinite(grads.theta[0])) throw Error("bench: the gradient is not finite");
  r.threads = simulator.threads();
  r.isa = std::string(qmf::isa_name(simulator.isa()));
  r.batch = batch;
  return r;
}

}  // namespace

DefaultCircuitWorkload::DefaultCircuitWorkload(size_t batch) {
  QmfCircuit qc = build_qmf_circuit({.k = {4, 4}}, 10);
  readout = qc.readout;
  program = std::make_shared<const sim::Program>(std::move(qc.circuit));
  Rng rng(7);
  theta.resize(program->circuit().shared_params());
  for (auto& t : theta) t = rng.uniform(-M_PI, M_PI);
  r1.resize(batch * 16), r2.resize(batch * 16);
  // Normalised registers, so the marginal is a distribution that shots can sample.
  for (auto* r : {&r1, &r2}) {
    for (auto& v : *r) v = rng.normal();
    for (size_t b = 0; b < batch; ++b) {
      double norm = 0;
      for (size_t i = 0; i < 16; ++i) norm += std::norm((*r)[b * 16 + i]);
      for (size_t i = 0; i < 16; ++i) (*r)[b * 16 + i] /= std::sqrt(norm);
    }
  }
  dprobs.resize(batch << readout.size());
  for (auto& g : dprobs) g = rng.normal();
}

CircuitBenchResult bench_default_circuit(size_t batch, int threads, const std::string& precision,
                                         double seconds, const std::string& isa,
                                         DeviceEffects device) {
  if (batch == 0) throw UsageError("bench: --batch must be at least 1");
  if (!(device.depolarizing >= 0 && device.depolarizing <= 1))
    throw UsageError(fmt::format("bench: --depolarizing {} is not in [0, 1]", device.depolarizing));
  if (device.depolarizing > 0 && device.shots > 0)
    throw UsageError("bench: --depolarizing and --shots are timed one at a time");
  const qmf::Isa chosen = qmf::parse_isa(isa);
  const bool noisy = device.depolarizing > 0;
  CircuitBenchResult r;
  if (precision == "double")
    r = noisy ? run_noisy<double>(batch, threads, seconds, chosen, device.depolarizing)
              : run<double>(batch, threads, seconds, chosen, device.shots);
  else if (precision == "float")
    r = noisy ? run_noisy<float>(batch, threads, seconds, chosen, device.depolarizing)
              : run<float>(batch, threads, seconds, chosen, device.shots);
  else
    throw UsageError(fmt::format("bench: precision '{}' (allowed: double, float)", precision));
  r.precision = precision;
  return r;
}

namespace {

std::shared_ptr<const sim::Program> layered_program(int qubits, int layers) {
  sim::Circuit c(qubits);
  uint32_t next = 0;
  for (int layer = 0; layer < layers; ++layer) {
    for (int q = 0; q < qubits; ++q) c.add(sim::GateKind::RX, q, sim::Angle::shared(next++));
    for (int q = 0; q + 1 < qubits; ++q) c.add(sim::GateKind::CNOT, q, q + 1);
  }
  return std::make_shared<const sim::Program>(std::move(c));
}

// Seconds per forward run of `layers` layers on `batch` states from |0...0>, the product of two
// registers of n/2 qubits. Makes `state` on first use.
template <typename T>
double forward_seconds(int qubits, size_t batch, int layers, const sim::SimOptions& options,
                       double seconds, std::unique_ptr<sim::BatchState<T>>& state) {
  const auto program = layered_program(qubits, layers);
  sim::Simulator<T> simulator(program, options);
  if (!state) state = std::make_unique<sim::BatchState<T>>(simulator.make_state(batch));
  const int half = qubits / 2;
  std::vector<sim::cplx> r1(batch << half), r2(batch << (qubits - half));
  for (size_t b = 0; b < batch; ++b) r1[b << half] = r2[b << (qubits - half)] = 1;
  const sim::ProductInput input{{half, qubits - half}, {r1, r2}};
  Rng rng(11);
  std::vector<double> theta(program->circuit().shared_params());
  for (auto& t : theta) t = rng.uniform(-M_PI, M_PI);
  return 1 / rate(1, seconds, [&] { simulator.forward(input, theta, {}, *state); });
}

template <typename T>
LayersBenchResult run_layers(int qubits, size_t batch, const sim::SimOptions& options,
                             double seconds, int layers) {
  std::unique_ptr<sim::BatchState<T>> state;  // one allocation, shared by both runs
  const double with = forward_seconds<T>(qubits, batch, layers, options, seconds, state);
  const double without = forward_seconds<T>(qubits, batch, 0, options, seconds, state);
  LayersBenchResult r;
  r.ms_per_layer = std::max(with - without, 0.0) / layers * 1e3;
  r.layout = std::string(sim::lane_layout_name(state->layout()));
  r.threads = ParallelFor(options.threads).threads();
  return r;
}

}  // namespace

LayersBenchResult bench_layers(int qubits, size_t batch, int threads, const std::string& precision,
                               double seconds, const std::string& isa, int layers,
                               sim::LaneLayout layout) {
  if (qubits < 2 || qubits > sim::kMaxQubits)
    throw UsageError(fmt::format("bench: --qubits {} (allowed: 2..{})", qubits, sim::kMaxQubits));
  if (batch == 0) throw UsageError("bench: --batch must be at least 1");
  if (layers < 1) throw UsageError("bench: --layers must be at least 1");
  const sim::SimOptions options{threads, qmf::parse_isa(isa), layout};
  LayersBenchResult r;
  if (precision == "double")
    r = run_layers<double>(qubits, batch, options, seconds, layers);
  else if (precision == "float")
    r = run_layers<float>(qubits, batch, options, seconds, layers);
  else
    throw UsageError(fmt::format("bench: precision '{}' (allowed: double, float)", precision));
  r.qubits = qubits;
  r.batch = batch;
  r.layers = layers;
  r.precision = precision;
  r.isa = std::string(qmf::isa_name(options.isa));
  return r;
}

}  // namespace qmf::model
