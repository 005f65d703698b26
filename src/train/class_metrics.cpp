#include "train/class_metrics.h"

#include <algorithm>
#include <numeric>

#include "core/error.h"
#include "data/batch.h"
#include "nn/argmax.h"

namespace qmf::train {
namespace {

double ratio(int64_t num, int64_t den) {
  return den == 0 ? 0.0 : static_cast<double>(num) / static_cast<double>(den);
}

}  // namespace

Metrics class_metrics(const Confusion& confusion) {
  const size_t c = confusion.size();
  for (const auto& row : confusion)
    QMF_CHECK(row.size() == c, "confusion matrix is not square ({} rows, a row of {})", c,
              row.size());
  Metrics m;
  m.per_class.reserve(c);
  int64_t correct = 0, total = 0;
  for (size_t k = 0; k < c; ++k) {
    int64_t predicted_k = 0, true_k = 0;
    for (size_t i = 0; i < c; ++i) {
      predicted_k += confusion[i][k];
      true_k += confusion[k][i];
    }
    const int64_t tp = confusion[k][k];
    const int64_t fp = predicted_k - tp, fn = true_k - tp;
    m.per_class.push_back({.precision = ratio(tp, tp + fp),
                           .recall = ratio(tp, tp + fn),
                           .f1 = ratio(2 * tp, 2 * tp + fp + fn),
                           .support = true_k});
    correct += tp;
    total += true_k;
  }
  m.accuracy = ratio(correct, total);
  if (c > 0) {
    for (const ClassMetrics& k : m.per_class) {
      m.macro_precision += k.precision;
      m.macro_recall += k.recall;
      m.macro_f1 += k.f1;
    }
    m.macro_precision /= static_cast<double>(c);
    m.macro_recall /= static_cast<double>(c);
    m.macro_f1 /= static_cast<double>(c);
  }
  return m;
}

Confusion confusion_matrix(std::span<const int> truth, std::span<const int> predicted,
                           int classes) {
  QMF_CHECK(truth.size() == predicted.size(), "{} labels but {} predictions", truth.size(),
            predicted.size());
  const auto n = static_cast<size_t>(classes);
  Confusion confusion(n, std::vector<int64_t>(n, 0));
  for (size_t i = 0; i < truth.size(); ++i) {
    QMF_CHECK(truth[i] >= 0 && truth[i] < classes && predicted[i] >= 0 && predicted[i] < classes,
              "label {} or prediction {} outside [0, {})", truth[i], predicted[i], classes);
    ++confusion[static_cast<size_t>(truth[i])][static_cast<size_t>(predicted[i])];
  }
  return confusion;
}

Predictions predict(model::Model& model, const data::Split& split, size_t batch) {
  Predictions p;
  std::vector<size_t> idx;
  std::vector<nn::Matrix> x;
  std::vector<int> y;
  nn::Matrix probs;
  for (size_t start = 0; start < split.size(); start += batch) {
    idx.resize(std::min(batch, split.size() - start));
    std::iota(idx.begin(), idx.end(), start);
    data::gather(split, idx, x, y);
    model.place_draws(start);
    p.loss += model.forward(x, y, probs) * static_cast<double>(idx.size());
    if (p.probs.size() == 0) {
      p.predicted.reserve(split.size());
      p.probs.resize(static_cast<Eigen::Index>(split.size()), probs.cols());
    }
    p.probs.middleRows(static_cast<Eigen::Index>(start), probs.rows()) = probs;
    for (Eigen::Index r = 0; r < probs.rows(); ++r) p.predicted.push_back(nn::argmax(probs, r));
  }
  if (split.size() > 0) p.loss /= static_cast<double>(split.size());
  return p;
}

}  // namespace qmf::train
