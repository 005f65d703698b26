#include "nn/loss.h"

#include "core/error.h"

namespace qmf::nn {

void log_softmax(const Matrix& logits, Matrix& out) {
  QMF_CHECK(logits.cols() > 0, "log_softmax needs at least one class");
  const Vector row_max = logits.rowwise().maxCoeff();
  out = logits.colwise() - row_max;  // every row's largest entry is now 0: exp cannot overflow
  const Vector log_sum = out.array().exp().rowwise().sum().log();
  out.colwise() -= log_sum;
}

void log_softmax_backward(const Matrix& logp, const Matrix& dlogp, Matrix& dlogits) {
  QMF_CHECK(logp.rows() == dlogp.rows() && logp.cols() == dlogp.cols(),
            "log_softmax_backward: logp {} x {} but dlogp {} x {}", logp.rows(), logp.cols(),
            dlogp.rows(), dlogp.cols());
  const Vector row_sum = dlogp.rowwise().sum();
  dlogits = dlogp - (logp.array().exp().colwise() * row_sum.array()).matrix();
}

void softmax(const Matrix& logits, Matrix& probs) {
  log_softmax(logits, probs);
  probs = probs.array().exp().matrix();
}

double softmax_cross_entropy(const Matrix& logits, std::span<const int> labels, Matrix& dlogits) {
  const Index batch = logits.rows();
  const Index classes = logits.cols();
  QMF_CHECK(batch > 0, "cross-entropy of an empty batch");
  QMF_CHECK(static_cast<Index>(labels.size()) == batch, "{} labels for a batch of {}",
            labels.size(), batch);
  log_softmax(logits, dlogits);  // dlogits holds log-probabilities until the last lines
  double loss = 0.0;
  for (Index b = 0; b < batch; ++b) {
    const int y = labels[static_cast<size_t>(b)];
    QMF_CHECK(y >= 0 && y < classes, "label {} of sample {} outside [0, {})", y, b, classes);
    loss -= dlogits(b, y);
  }
  const double inv_batch = 1.0 / static_cast<double>(batch);
  dlogits = dlogits.array().exp().matrix();
  for (Index b = 0; b < batch; ++b) dlogits(b, labels[static_cast<size_t>(b)]) -= 1.0;
  dlogits *= inv_batch;
  return loss * inv_batch;
}

}  // namespace qmf::nn
