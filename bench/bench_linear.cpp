// A Linear layer's forward + backward (weight, bias and input gradients) at batch 64, one thread,
// on the widths of the late-fusion baselines' per-modality MLPs: the hidden layer of late-2048
// on a CIFAR-10 half's [16, 32, 64] features, late-512 on a colour plane's [16, 32] features and
// on a raw CIFAR-10 half (the MLP front end). Args: shape index (see kShapes).
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include "core/rng.h"
#include "nn/arena.h"
#include "nn/linear.h"

namespace qmf::bench {
namespace {

struct Widths {
  nn::Index in, out;
};
constexpr Widths kShapes[] = {{512, 2048}, {2048, 512}, {1536, 512}};
constexpr nn::Index kBatch = 64;

void BM_Linear(benchmark::State& state) {
  const Widths w = kShapes[state.range(0)];
  nn::ParameterArena arena;
  nn::Linear layer(arena, "lin", w.in, w.out);
  Rng rng(1);
  layer.init(rng);
  nn::Matrix x(kBatch, w.in);
  nn::Matrix dy(kBatch, w.out);
  for (nn::Index i = 0; i < x.size(); ++i) x.data()[i] = rng.normal();
  for (nn::Index i = 0; i < dy.size(); ++i) dy.data()[i] = rng.normal();
  nn::Matrix y;
  nn::Matrix dx;
  for (auto _ : state) {
    layer.forward(x, y);
    layer.backward(x, dy, &dx);
    benchmark::DoNotOptimize(dx.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kBatch);
  state.SetLabel(fmt::format("{} -> {}", w.in, w.out));
}

BENCHMARK(BM_Linear)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace qmf::bench
