// `qmf explain`'s computation (explain/explanation.h) on 10,000 samples of the MNIST split-h2
// shape (two modalities of 392 features, random pixels in [0, 1]) through the default QMFNN
// freshly initialised: a trained one does the same work. Per sample: the fused pass, M uniform
// ablations, M * 2^k basis-state passes for the mixed ablation, and the register entropies after
// the fusion block and after the circuit. Arg: simulator threads.
#include <benchmark/benchmark.h>

#include <cmath>

#include "core/rng.h"
#include "data/batch.h"
#include "explain/explanation.h"
#include "model/qmfnn_probe.h"
#include "train/model_factory.h"

namespace qmf::bench {
namespace {

constexpr size_t kSamples = 10000, kFeatures = 392;

data::Multimodal random_split_h2(Rng& rng) {
  data::Multimodal d;
  d.view = "mnist/split-h2";
  d.classes = 10;
  for (int m = 0; m < 2; ++m) {
    d.train.x.emplace_back(0, kFeatures);
    data::Features x(kSamples, kFeatures);
    for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = static_cast<float>(rng.uniform(0, 1));
    d.test.x.push_back(std::move(x));
  }
  for (size_t i = 0; i < kSamples; ++i) d.test.y.push_back(static_cast<int>(rng.below(10)));
  return d;
}

// The explanation's fused probabilities must be the model's own.
bool fused_probabilities_match(model::Model& model, const explain::Explanation& e,
                               const data::Split& split) {
  std::vector<size_t> idx(e.samples());
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::vector<nn::Matrix> x;
  std::vector<int> y;
  data::gather(split, idx, x, y);
  nn::Matrix probs;
  model.forward(x, y, probs);
  return (probs - e.probs).cwiseAbs().maxCoeff() < 1e-12;
}

void BM_Explain(benchmark::State& state) {
  Config c;  // the default model
  c.train.threads = static_cast<int>(state.range(0));
  train::use_threads(c);  // as qmf explain does
  Rng rng(5);
  const data::Multimodal d = random_split_h2(rng);
  auto model = train::make_model(c, d);
  model->init(rng);
  auto& probe = *model->probe();

  data::Split head;
  for (const auto& x : d.test.x) head.x.push_back(x.topRows(300));
  head.y.assign(d.test.y.begin(), d.test.y.begin() + 300);
  if (!fused_probabilities_match(*model, explain::explain(probe, head), head)) {
    state.SkipWithError("explain's fused probabilities differ from the model's");
    return;
  }
  double attribution = 0;
  for (auto _ : state) {
    const explain::Explanation e = explain::explain(probe, d.test);
    attribution = e.attribution_mixed.sum();
  }
  if (!std::isfinite(attribution)) state.SkipWithError("non-finite attribution");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kSamples));
}

BENCHMARK(BM_Explain)->Arg(1)->Arg(2)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(2);

}  // namespace
}  // namespace qmf::bench
