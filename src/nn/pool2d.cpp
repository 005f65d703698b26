#include "nn/pool2d.h"

#include <fmt/format.h>

#include "core/error.h"

namespace qmf::nn {

namespace {
size_t pooled(size_t n, size_t window, size_t stride) { return (n - window) / stride + 1; }
}  // namespace

Pool2d::Pool2d(ImageShape in, Pooling kind, size_t window, size_t stride)
    : in_(in), kind_(kind), window_(window), stride_(stride) {
  QMF_CHECK(window > 0 && stride > 0, "Pool2d needs a positive window and stride, got {} and {}",
            window, stride);
  QMF_CHECK(in.channels > 0, "Pool2d needs at least one channel");
  if (window > in.rows || window > in.cols)
    throw UsageError(fmt::format("a {}x{} pooling window does not fit a {}x{} image", window,
                                 window, in.rows, in.cols));
  out_ = {pooled(in.rows, window, stride), pooled(in.cols, window, stride), in.channels};
}

void Pool2d::max_forward(const double* x, double* y, size_t* winners) const {
  for (size_t c = 0; c < in_.channels; ++c) {
    const size_t plane = c * in_.rows * in_.cols;
    for (size_t i = 0; i < out_.rows; ++i) {
      for (size_t j = 0; j < out_.cols; ++j) {
        size_t best = plane + i * stride_ * in_.cols + j * stride_;
        for (size_t u = 0; u < window_; ++u) {
          const size_t row = plane + (i * stride_ + u) * in_.cols + j * stride_;
          for (size_t v = 0; v < window_; ++v)
            if (x[row + v] > x[best]) best = row + v;  // strict: ties stay with the first
        }
        *winners++ = best;
        *y++ = x[best];
      }
    }
  }
}

void Pool2d::avg_forward(const double* x, double* y) const {
  const double scale = 1.0 / static_cast<double>(window_ * window_);
  for (size_t c = 0; c < in_.channels; ++c) {
    const size_t plane = c * in_.rows * in_.cols;
    for (size_t i = 0; i < out_.rows; ++i) {
      for (size_t j = 0; j < out_.cols; ++j) {
        double sum = 0.0;
        for (size_t u = 0; u < window_; ++u) {
          const size_t row = plane + (i * stride_ + u) * in_.cols + j * stride_;
          for (size_t v = 0; v < window_; ++v) sum += x[row + v];
        }
        *y++ = sum * scale;
      }
    }
  }
}

void Pool2d::forward(const Matrix& x, Matrix& y) {
  QMF_CHECK(static_cast<size_t>(x.cols()) == in_.size(), "Pool2d expects {} input columns, got {}",
            in_.size(), x.cols());
  QMF_CHECK(&x != &y, "Pool2d forward cannot write y over x");
  const auto out = static_cast<Index>(out_.size());
  y.resize(x.rows(), out);
  if (kind_ == Pooling::max) winners_.resize(static_cast<size_t>(x.rows() * out));
  for (Index b = 0; b < x.rows(); ++b) {
    if (kind_ == Pooling::max)
      max_forward(x.row(b).data(), y.row(b).data(), winners_.data() + b * out);
    else
      avg_forward(x.row(b).data(), y.row(b).data());
  }
}

void Pool2d::backward(const Matrix& dy, Matrix& dx) const {
  QMF_CHECK(static_cast<size_t>(dy.cols()) == out_.size(),
            "Pool2d backward expects {} columns, got {}", out_.size(), dy.cols());
  QMF_CHECK(&dx != &dy, "Pool2d backward cannot write dx over dy");
  dx.setZero(dy.rows(), static_cast<Index>(in_.size()));
  if (kind_ == Pooling::max) {
    QMF_CHECK(winners_.size() == static_cast<size_t>(dy.size()),
              "Pool2d backward: dy has {} rows, the last forward had {}", dy.rows(),
              winners_.size() / out_.size());
    for (Index b = 0; b < dy.rows(); ++b)
      for (Index o = 0; o < dy.cols(); ++o)
        dx(b, static_cast<Index>(winners_[static_cast<size_t>(b * dy.cols() + o)])) += dy(b, o);
    return;
  }
  for (Index b = 0; b < dy.rows(); ++b) avg_backward(dy.row(b).data(), dx.row(b).data());
}

void Pool2d::avg_backward(const double* dy, double* dx) const {
  const double scale = 1.0 / static_cast<double>(window_ * window_);
  for (size_t c = 0; c < in_.channels; ++c) {
    const size_t plane = c * in_.rows * in_.cols;
    for (size_t i = 0; i < out_.rows; ++i) {
      for (size_t j = 0; j < out_.cols; ++j) {
        const double share = *dy++ * scale;
        for (size_t u = 0; u < window_; ++u) {
          double* row = dx + plane + (i * stride_ + u) * in_.cols + j * stride_;
          for (size_t v = 0; v < window_; ++v) row[v] += share;
        }
      }
    }
  }
}

}  // namespace qmf::nn
