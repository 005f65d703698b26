// Training step (forward + backward) of each model kind with M = 2 or 4 modalities of 16
// features each: the per-modality layers are then tiny, so the time is the fusion part's.
// Args: kind index (see kKinds), M, k (qubits per register for qmfnn; fusion_dim 16 otherwise).
#include <benchmark/benchmark.h>

#include <cmath>

#include <fmt/format.h>

#include "core/rng.h"
#include "train/model_factory.h"

namespace qmf::bench {
namespace {

constexpr const char* kKinds[] = {"qmfnn", "tfn", "lmf", "late", "early"};

// Times forward + backward of `model`, initialised from seed 1, on one batch of 64 normal
// inputs of these widths with random labels of 10 classes.
void time_steps(benchmark::State& state, model::Model& model, const std::vector<size_t>& widths,
                model::Pass pass) {
  Rng rng(1);
  model.init(rng);
  const Eigen::Index batch = 64;
  std::vector<nn::Matrix> x;
  for (const size_t w : widths) {
    x.emplace_back(batch, static_cast<Eigen::Index>(w));
    for (Eigen::Index i = 0; i < x.back().size(); ++i) x.back().data()[i] = rng.normal();
  }
  std::vector<int> y(batch);
  for (auto& v : y) v = static_cast<int>(rng.below(10));
  nn::Matrix probs;
  double loss = 0;
  for (auto _ : state) {
    loss = model.forward(x, y, probs, pass);
    model.backward();
  }
  if (!std::isfinite(loss)) state.SkipWithError("non-finite loss");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * batch);
  state.counters["params_total"] = static_cast<double>(model.arena().counts().total);
}

void BM_ModelStep(benchmark::State& state) {
  const char* kind = kKinds[state.range(0)];
  const int modalities = static_cast<int>(state.range(1));
  Config c;
  c.model.kind = kind;
  c.model.k = {static_cast<int>(state.range(2))};
  c.train.threads = 1;
  data::Multimodal d;
  d.classes = 10;
  for (int m = 0; m < modalities; ++m) d.train.x.emplace_back(0, 16);
  time_steps(state, *train::make_model(c, d), std::vector<size_t>(modalities, 16),
             model::Pass::evaluate);
  state.SetLabel(fmt::format("{} M={}", kind, modalities));
}

BENCHMARK(BM_ModelStep)
    ->ArgsProduct({{0}, {2, 4}, {2, 4}})  // qmfnn: k = 2 and 4 per register
    ->ArgsProduct({{1, 2, 3, 4}, {2, 4}, {4}})
    ->Unit(benchmark::kMicrosecond);

// A training step (forward + backward) with convolutional front ends on cifar10/split-h2's shapes:
// two 32x16x3 halves, each through the default [16, 32] stack, then the model's own layers
// (late: MLP [128] per modality; qmfnn: FFN to a 4-qubit register each). Args: kind index into
// kCnnKinds, threads.
constexpr const char* kCnnKinds[] = {"late", "qmfnn", "early", "tfn", "lmf"};

void BM_CnnModelStep(benchmark::State& state) {
  const char* kind = kCnnKinds[state.range(0)];
  const int threads = static_cast<int>(state.range(1));
  Config c;
  c.model.kind = kind;
  c.model.frontend = Frontend::cnn;
  c.train.threads = threads;
  train::use_threads(c);
  data::Multimodal d;
  d.classes = 10;
  d.modality_names = {"left", "right"};
  d.image_shapes = {{32, 16, 3}, {32, 16, 3}};
  for (int m = 0; m < 2; ++m) d.train.x.emplace_back(0, 32 * 16 * 3);
  time_steps(state, *train::make_model(c, d), {32 * 16 * 3, 32 * 16 * 3}, model::Pass::train);
  state.SetLabel(fmt::format("{} cnn [16, 32] cifar10/split-h2, {} thread{}", kind, threads,
                             threads == 1 ? "" : "s"));
}

BENCHMARK(BM_CnnModelStep)
    ->ArgsProduct({{0, 1, 2, 3, 4}, {1, 2}})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

}  // namespace
}  // namespace qmf::bench
