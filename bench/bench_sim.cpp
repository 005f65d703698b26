// Simulator benchmarks: single gates, the default QMFNN circuit, the layered circuit of
// `qmf bench --circuit layers`, and a memory-bandwidth triad.
// Each benchmark checks its result is finite before timing.
#include <benchmark/benchmark.h>

#include <cmath>
#include <string>
#include <type_traits>

#include "grad/adjoint.h"
#include "model/circuit_bench.h"
#include "sim/isa.h"
#include "sim/simulator.h"

namespace qmf::bench {
namespace {

template <typename T>
void check_finite(const sim::BatchState<T>& s, benchmark::State& state) {
  if (!std::isfinite(std::abs(s.amplitude(0, 0)))) state.SkipWithError("non-finite state");
}

// One gate on the middle qubit (1q) or on the middle pair (2q) of an n-qubit batch, in the
// sample-lane layout (the kernel is called directly with the block's geometry).
template <typename T>
void BM_Gate(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const size_t batch = static_cast<size_t>(state.range(1));
  const bool two = state.range(2) == 2;
  sim::Circuit c(n);
  if (two)
    c.add(sim::GateKind::CRX, n / 2 - 1, n / 2, sim::Angle::shared(0));
  else
    c.add(sim::GateKind::RX, n / 2, sim::Angle::shared(0));
  auto prog = std::make_shared<const sim::Program>(c);
  sim::Simulator<T> sim(prog, {1, qmf::best_isa(), sim::LaneLayout::Samples});
  auto s = sim.make_state(batch);
  std::vector<sim::cplx> reg(batch << n, sim::cplx(std::pow(2.0, -n / 2.0)));
  const std::vector<double> theta{0.3};
  sim.forward({{n}, {reg}}, theta, {}, s);
  // The kernel alone, with the table and matrix layout the simulator uses for this state.
  const auto& block = prog->blocks()[0];
  const auto& ops = s.lanes() == 1 ? sim::scalar_ops<T>() : sim::kernel_ops<T>(sim.isa());
  const sim::MatrixC u = prog->block_matrix(block, theta.data(), nullptr);
  std::vector<T> u_re, u_im;
  for (Eigen::Index r = 0; r < u.rows(); ++r)
    for (Eigen::Index col = 0; col < u.cols(); ++col) {
      u_re.push_back(static_cast<T>(u(r, col).real()));
      u_im.push_back(static_cast<T>(u(r, col).imag()));
    }
  for (auto _ : state)
    for (size_t ch = 0; ch < s.chunks(); ++ch)
      ops.apply(block.geometry, {u_re.data(), u_im.data(), false}, s.chunk(ch), s.chunk(ch), 0,
                block.geometry.groups(n));
  check_finite(s, state);
  // Every amplitude is read and written once.
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations()) * 2 *
      static_cast<int64_t>(s.chunks() * s.lanes() * (size_t{2} << n) * sizeof(T)));
}

void gate_args(benchmark::internal::Benchmark* b) {
  for (int n = 4; n <= 20; n += 4)
    for (int batch : {1, 64, 256})
      for (int q : {1, 2})
        if ((int64_t{batch} << n) <= (int64_t{1} << 26)) b->Args({n, batch, q});
}
BENCHMARK(BM_Gate<double>)->Apply(gate_args);
BENCHMARK(BM_Gate<float>)->Apply(gate_args);

template <typename T>
void BM_DefaultForward(benchmark::State& state) {
  const size_t batch = static_cast<size_t>(state.range(0));
  const model::DefaultCircuitWorkload w(batch);
  sim::Simulator<T> sim(w.program, {static_cast<int>(state.range(1))});
  auto s = sim.make_state(batch);
  std::vector<double> probs(w.dprobs.size());
  for (auto _ : state) {
    sim.forward(w.input(), w.theta, {}, s);
    sim.marginal(s, w.readout, probs);
  }
  check_finite(s, state);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * batch));
}

template <typename T>
void BM_DefaultGradient(benchmark::State& state) {
  const size_t batch = static_cast<size_t>(state.range(0));
  const model::DefaultCircuitWorkload w(batch);
  sim::Simulator<T> sim(w.program, {static_cast<int>(state.range(1))});
  auto s = sim.make_state(batch);
  std::vector<double> probs(w.dprobs.size());
  grad::Gradients g;
  for (auto _ : state) {
    sim.forward(w.input(), w.theta, {}, s, true);
    sim.marginal(s, w.readout, probs);
    grad::adjoint(sim, s, w.input(), w.readout, w.dprobs, g);
  }
  if (!std::isfinite(g.theta[0])) state.SkipWithError("non-finite gradient");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * batch));
}

void circuit_args(benchmark::internal::Benchmark* b) {
  for (int threads : {1, 2}) b->Args({64, threads});
  b->Args({256, 2});
  b->UseRealTime();
}
BENCHMARK(BM_DefaultForward<double>)->Apply(circuit_args);
BENCHMARK(BM_DefaultGradient<double>)->Apply(circuit_args);
BENCHMARK(BM_DefaultForward<float>)->Apply(circuit_args);
BENCHMARK(BM_DefaultGradient<float>)->Apply(circuit_args);

// Milliseconds per layer of RX on every qubit and a CNOT chain, one state (amplitude lanes).
template <typename T>
void BM_LayeredCircuit(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0)), threads = static_cast<int>(state.range(1));
  const std::string precision = std::is_same_v<T, double> ? "double" : "float";
  double ms = 0;
  for (auto _ : state) {
    const auto r = model::bench_layers(n, 1, threads, precision, 0.2);
    ms = r.ms_per_layer;
    state.SetIterationTime(ms / 1e3);
  }
  state.counters["ms_per_layer"] = ms;
}
BENCHMARK(BM_LayeredCircuit<float>)->Args({16, 1})->Args({20, 1})->Args({20, 2})->UseManualTime();
BENCHMARK(BM_LayeredCircuit<double>)->Args({16, 1})->Args({20, 1})->Args({20, 2})->UseManualTime();

// STREAM-style triad a = b + s c over arrays well beyond the last-level cache.
void BM_Triad(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  std::vector<double> a(n, 0.0), b(n, 1.0), c(n, 2.0);
  for (auto _ : state) {
    for (size_t i = 0; i < n; ++i) a[i] = b[i] + 3.0 * c[i];
    benchmark::ClobberMemory();
  }
  if (a[n / 2] != 7.0) state.SkipWithError("triad result wrong");
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * 3 * n * sizeof(double)));
}
BENCHMARK(BM_Triad)->Arg(1 << 24);

}  // namespace
}  // namespace qmf::bench

BENCHMARK_MAIN();
