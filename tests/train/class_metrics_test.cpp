// Per-class metrics from a confusion matrix, worked out by hand here from the counts, the 0/0
// cases, and the confusion matrix of predictions against labels.
#include "train/class_metrics.h"

#include <gtest/gtest.h>

namespace qmf::train {
namespace {

TEST(ClassMetrics, PrecisionRecallF1AndSupportFollowTheCounts) {
  // true 0: 5 right, 1 as 1; true 1: 2 as 0, 3 right, 1 as 2; true 2: 4 right.
  const Confusion m = {{5, 1, 0}, {2, 3, 1}, {0, 0, 4}};
  const Metrics r = class_metrics(m);
  ASSERT_EQ(r.per_class.size(), 3u);
  EXPECT_DOUBLE_EQ(r.per_class[0].precision, 5.0 / 7.0);
  EXPECT_DOUBLE_EQ(r.per_class[0].recall, 5.0 / 6.0);
  EXPECT_DOUBLE_EQ(r.per_class[0].f1, 10.0 / 13.0);
  EXPECT_EQ(r.per_class[0].support, 6);
  EXPECT_DOUBLE_EQ(r.per_class[1].precision, 3.0 / 4.0);
  EXPECT_DOUBLE_EQ(r.per_class[1].recall, 3.0 / 6.0);
  EXPECT_DOUBLE_EQ(r.per_class[2].precision, 4.0 / 5.0);
  EXPECT_DOUBLE_EQ(r.per_class[2].recall, 1.0);
  EXPECT_EQ(r.per_class[2].support, 4);
  EXPECT_DOUBLE_EQ(r.accuracy, 12.0 / 16.0);
  EXPECT_DOUBLE_EQ(r.macro_recall, (5.0 / 6.0 + 0.5 + 1.0) / 3.0);
  EXPECT_DOUBLE_EQ(r.macro_precision, (5.0 / 7.0 + 0.75 + 0.8) / 3.0);
}

TEST(ClassMetrics, ZeroOverZeroIsZero) {
  // Class 1 has no samples and is never predicted; class 2 has samples but is never predicted.
  const Confusion m = {{3, 0, 0}, {0, 0, 0}, {2, 0, 0}};
  const Metrics r = class_metrics(m);
  EXPECT_EQ(r.per_class[1].precision, 0.0);
  EXPECT_EQ(r.per_class[1].recall, 0.0);
  EXPECT_EQ(r.per_class[1].f1, 0.0);
  EXPECT_EQ(r.per_class[1].support, 0);
  EXPECT_EQ(r.per_class[2].precision, 0.0);
  EXPECT_EQ(r.per_class[2].recall, 0.0);
  EXPECT_EQ(r.per_class[2].support, 2);
  EXPECT_DOUBLE_EQ(r.per_class[0].precision, 3.0 / 5.0);
  EXPECT_DOUBLE_EQ(r.per_class[0].recall, 1.0);
  EXPECT_DOUBLE_EQ(r.macro_recall, 1.0 / 3.0);
  EXPECT_EQ(class_metrics({}).accuracy, 0.0);
}

TEST(ClassMetrics, ConfusionMatrixCountsTruthAgainstPrediction) {
  const std::vector<int> truth = {0, 1, 2, 2, 1};
  const std::vector<int> predicted = {0, 2, 2, 0, 1};
  const Confusion m = confusion_matrix(truth, predicted, 3);
  EXPECT_EQ(m, (Confusion{{1, 0, 0}, {0, 1, 1}, {1, 0, 1}}));
}

}  // namespace
}  // namespace qmf::train
