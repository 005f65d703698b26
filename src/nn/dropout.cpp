#include "nn/dropout.h"

#include "core/error.h"
#include "core/rng.h"

namespace qmf::nn {

Dropout::Dropout(double rate, uint64_t salt) : rate_(rate), seed_(mix_seed(kDropoutSeed, salt)) {
  QMF_CHECK(rate >= 0.0 && rate < 1.0, "Dropout needs a rate in [0, 1), got {}", rate);
}

void Dropout::forward(const Matrix& x, Matrix& y, bool training, uint64_t first_stream) {
  masked_ = training && rate_ > 0.0;
  if (!masked_) {
    y = x;
    return;
  }
  const double scale = 1.0 / (1.0 - rate_);
  mask_.resize(x.rows(), x.cols());
  for (Index b = 0; b < x.rows(); ++b) {
    StreamRng rng(mix_seed(seed_, first_stream + static_cast<uint64_t>(b)));
    for (Index i = 0; i < x.cols(); ++i) mask_(b, i) = rng.uniform() < rate_ ? 0.0 : scale;
  }
  y = x.cwiseProduct(mask_);
}

void Dropout::backward(const Matrix& dy, Matrix& dx) const {
  if (!masked_) {
    dx = dy;
    return;
  }
  QMF_CHECK(dy.rows() == mask_.rows() && dy.cols() == mask_.cols(),
            "Dropout backward: dy is {} x {}, the last output was {} x {}", dy.rows(), dy.cols(),
            mask_.rows(), mask_.cols());
  dx = dy.cwiseProduct(mask_);
}

}  // namespace qmf::nn
