// The aggregates of an explanation against sums over its per-sample rows, and the accuracy
// against the trainer's evaluation.
#include <gtest/gtest.h>

#include "explain/summary.h"
#include "explain_fixture.h"
#include "train/trainer.h"

namespace qmf {
namespace {

class ExplainSummary : public qmf::testing::ExplainFixture {};

TEST_F(ExplainSummary, AccuracyIsTheTrainersEvaluation) {
  const explain::Summary s = explain::summarise(explanation());
  const auto ev = train::evaluate(model(), test(), run().data.classes);
  EXPECT_NEAR(s.overall.accuracy, ev.accuracy, 1e-12);
  EXPECT_EQ(s.overall.count, test().size());
}

TEST_F(ExplainSummary, MeansOverAllAndPerClassMatchThePerSampleRows) {
  const auto& e = explanation();
  const explain::Summary s = explain::summarise(e);
  ASSERT_EQ(s.per_class.size(), static_cast<size_t>(e.classes));
  size_t counted = 0;
  for (int c = -1; c < e.classes; ++c) {  // -1: all samples
    const explain::GroupStats& g = c < 0 ? s.overall : s.per_class[static_cast<size_t>(c)];
    if (c >= 0) counted += g.count;
    for (size_t m = 0; m < e.modalities(); ++m) {
      const auto col = static_cast<nn::Index>(m);
      double n = 0, attribution = 0, mixed = 0, ablated = 0, ablated_mixed = 0, fusion = 0,
             circuit = 0, correct = 0;
      for (size_t i = 0; i < e.samples(); ++i) {
        if (c >= 0 && e.label[i] != c) continue;
        const auto row = static_cast<nn::Index>(i);
        n += 1;
        correct += e.prediction[i] == e.label[i];
        attribution += e.attribution_uniform(row, col);
        mixed += e.attribution_mixed(row, col);
        ablated += e.prediction_ablated(row, col) == e.label[i];
        ablated_mixed += e.prediction_mixed(row, col) == e.label[i];
        fusion += e.entropy_fusion(row, col);
        circuit += e.entropy_circuit(row, col);
      }
      ASSERT_GT(n, 0);
      EXPECT_EQ(g.count, static_cast<size_t>(n));
      EXPECT_NEAR(g.accuracy, correct / n, 1e-12);
      EXPECT_NEAR(g.modalities[m].attribution, attribution / n, 1e-12);
      EXPECT_NEAR(g.modalities[m].attribution_mixed, mixed / n, 1e-12);
      EXPECT_NEAR(g.modalities[m].accuracy_ablated, ablated / n, 1e-12);
      EXPECT_NEAR(g.modalities[m].accuracy_mixed, ablated_mixed / n, 1e-12);
      EXPECT_NEAR(g.modalities[m].entropy_fusion, fusion / n, 1e-12);
      EXPECT_NEAR(g.modalities[m].entropy_circuit, circuit / n, 1e-12);
    }
  }
  EXPECT_EQ(counted, e.samples());
}

TEST_F(ExplainSummary, HistogramsCountEverySampleOnceInTheRightBin) {
  const auto& e = explanation();
  const explain::EntropyHistograms h = explain::entropy_histograms(e, 10);
  ASSERT_EQ(h.edges.size(), 11u);
  EXPECT_EQ(h.edges.front(), 0.0);
  EXPECT_EQ(h.edges.back(), 3.0);  // k = 3
  for (const auto* stage : {&h.fusion, &h.circuit}) {
    ASSERT_EQ(stage->size(), e.modalities());
    for (const auto& bins : *stage) {
      size_t total = 0;
      for (size_t v : bins) total += v;
      EXPECT_EQ(total, e.samples());
    }
  }
  const double s = e.entropy_fusion(0, 0);
  size_t bin = 0;
  while (bin + 1 < 10 && s >= h.edges[bin + 1]) ++bin;
  EXPECT_GE(h.fusion[0][bin], 1u);
}

}  // namespace
}  // namespace qmf
