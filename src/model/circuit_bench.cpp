#include "model/circuit_bench.h"

#include <chrono>
#include <cmath>

#include "core/error.h"
#include "core/rng.h"
#include "grad/adjoint.h"
#include "model/qmf_circuit.h"

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

template <typename T>
CircuitBenchResult run(size_t batch, int threads, double seconds) {
  const DefaultCircuitWorkload w(batch);
  const sim::ProductInput input = w.input();
  std::vector<double> probs(w.dprobs.size());
  sim::Simulator<T> simulator(w.program, {threads});
  auto state = simulator.make_state(batch);
  grad::Adjoint<T> adjoint;
  grad::Gradients grads;
  const auto forward = [&] {
    simulator.forward(input, w.theta, {}, state);
    simulator.marginal(state, w.readout, probs);
  };
  CircuitBenchResult r;
  r.forward_samples_per_s = rate(batch, seconds, forward);
  r.gradient_samples_per_s = rate(batch, seconds, [&] {
    forward();
    adjoint.run(simulator, state, input, w.readout, w.dprobs, grads);
  });
  if (!std::isfinite(grads.theta[0])) throw Error("bench: the gradient is not finite");
  r.threads = simulator.threads();
  r.isa = std::string(sim::isa_name(simulator.isa()));
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
  for (auto* r : {&r1, &r2})
    for (auto& v : *r) v = rng.normal() / 4;
  dprobs.resize(batch << readout.size());
  for (auto& g : dprobs) g = rng.normal();
}

CircuitBenchResult bench_default_circuit(size_t batch, int threads, const std::string& precision,
                                         double seconds) {
  if (batch == 0) throw UsageError("bench: --batch must be at least 1");
  CircuitBenchResult r;
  if (precision == "double")
    r = run<double>(batch, threads, seconds);
  else if (precision == "float")
    r = run<float>(batch, threads, seconds);
  else
    throw UsageError(fmt::format("bench: precision '{}' (allowed: double, float)", precision));
  r.precision = precision;
  return r;
}

}  // namespace qmf::model
