#pragma once
// Per-class and averaged classification metrics from a confusion matrix, and the predictions of
// a model over a split (class probabilities per sample) that `qmf eval` and `qmf predict` report.
//
// Conventions (those of scikit-learn with zero_division=0): for class c with TP true positives,
// FP false positives and FN false negatives,
//   precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2 TP / (2 TP + FP + FN),
//   support = TP + FN (the samples whose true class is c),
// and each ratio is 0 when its denominator is 0 (a class never predicted has precision 0, a
// class with no samples recall 0). The macro averages are the plain means over every class of
// the model, empty ones included.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "data/dataset.h"
#include "model/model.h"
#include "nn/tensor.h"

namespace qmf::train {

using Confusion = std::vector<std::vector<int64_t>>;  // [true][predicted]

struct ClassMetrics {
  double precision = 0, recall = 0, f1 = 0;
  int64_t support = 0;
};

struct Metrics {
  std::vector<ClassMetrics> per_class;
  double accuracy = 0;  // the diagonal over the total; 0 for an empty matrix
  double macro_precision = 0, macro_recall = 0, macro_f1 = 0;
};

// `confusion` must be square.
Metrics class_metrics(const Confusion& confusion);

// The confusion matrix of `predicted` against `truth` (same length, labels in [0, classes)).
Confusion confusion_matrix(std::span<const int> truth, std::span<const int> predicted, int classes);

struct Predictions {
  nn::Matrix probs;            // one row per sample, one column per class; rows sum to 1
  std::vector<int> predicted;  // argmax of each row (the first on a tie)
  double loss = 0;             // mean cross-entropy against split.y; meaningless without labels
};

// The model's forward pass over every sample of `split`, in order, `batch` at a time. A split
// without labels may carry zeros in y: only the loss depends on them.
Predictions predict(model::Model& model, const data::Split& split, size_t batch = 1024);

}  // namespace qmf::train
