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
  auto model = train::make_model(c, d);
  Rng rng(1);
  model->init(rng);
  const Eigen::Index batch = 64;
  std::vector<nn::Matrix> x(modalities, nn::Matrix(batch, 16));
  for (auto& m : x)
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = rng.normal();
  std::vector<int> y(batch);
  for (auto& v : y) v = static_cast<int>(rng.below(10));
  nn::Matrix probs;
  double loss = 0;
  for (auto _ : state) {
    loss = model->forward(x, y, probs);
    model->backward();
  }
  if (!std::isfinite(loss)) state.SkipWithError("non-finite loss");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * batch);
  state.counters["params_total"] = static_cast<double>(model->arena().counts().total);
  state.SetLabel(fmt::format("{} M={}", kind, modalities));
}

BENCHMARK(BM_ModelStep)
    ->ArgsProduct({{0}, {2, 4}, {2, 4}})  // qmfnn: k = 2 and 4 per register
    ->ArgsProduct({{1, 2, 3, 4}, {2, 4}, {4}})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace qmf::bench
