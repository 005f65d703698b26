// Finite-shot readout (noise/shots.h): a batch of 64 marginals over 16 outcomes (a 4-qubit
// readout register) resampled at `shots` shots, as the noisy forward pass does once per batch.
// Each iteration restores the marginal first (a 1024-double copy, a few hundred nanoseconds).
// Arg: shots.
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "core/rng.h"
#include "noise/shots.h"

namespace qmf::bench {
namespace {

constexpr size_t kRows = 64, kOutcomes = 16;

void BM_SampleShots(benchmark::State& state) {
  const auto shots = static_cast<uint64_t>(state.range(0));
  // Exponential weights, normalised: a spread of large and small probabilities per row.
  Rng rng(3);
  std::vector<double> probs(kRows * kOutcomes);
  for (size_t b = 0; b < kRows; ++b) {
    double sum = 0;
    for (size_t c = 0; c < kOutcomes; ++c)
      sum += probs[b * kOutcomes + c] = -std::log(1 - rng.uniform());
    for (size_t c = 0; c < kOutcomes; ++c) probs[b * kOutcomes + c] /= sum;
  }
  std::vector<double> m(probs.size());
  uint64_t seed = 0;
  for (auto _ : state) {
    m = probs;
    noise::sample_shots(m, kOutcomes, shots, ++seed, 0);
    benchmark::DoNotOptimize(m.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kRows));  // rows
}
BENCHMARK(BM_SampleShots)->Arg(100)->Arg(1000)->Arg(100000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace qmf::bench
