#pragma once
// Max or average pooling over channels-first images (core/image_shape.h), one sample per row:
// each channel plane separately, a window x window square every `stride` pixels, no padding. An
// output side is floor((n - window) / stride) + 1, so a ragged edge is dropped.
//
// Max pooling remembers which input won each output (the first of equal values, in row-major
// order within the window), and backward() sends the gradient there alone. One Pool2d therefore
// serves one batch at a time.
#include <cstddef>
#include <span>
#include <vector>

#include "core/image_shape.h"
#include "core/options.h"
#include "nn/tensor.h"

namespace qmf::nn {

// Also a config value, spelled by the table below.
enum class Pooling { max, avg };
inline constexpr Spelling<Pooling> kPoolings[] = {{Pooling::max, "max"}, {Pooling::avg, "avg"}};
constexpr std::span<const Spelling<Pooling>> spellings(Pooling) { return kPoolings; }

class Pool2d {
 public:
  // window and stride positive (QMF_CHECK); a window larger than the image is a UsageError.
  Pool2d(ImageShape in, Pooling kind, size_t window, size_t stride);

  // x: B x in.size() -> y: B x out.size() (resized).
  void forward(const Matrix& x, Matrix& y);
  // dy: B x out.size(), the gradient w.r.t. the last forward's output -> dx: B x in.size()
  // (resized). Overlapping windows (stride < window) add up.
  void backward(const Matrix& dy, Matrix& dx) const;

  ImageShape in_shape() const { return in_; }
  ImageShape out_shape() const { return out_; }
  Pooling kind() const { return kind_; }
  size_t window() const { return window_; }
  size_t stride() const { return stride_; }

 private:
  void max_forward(const double* x, double* y, size_t* winners) const;
  void avg_forward(const double* x, double* y) const;
  void avg_backward(const double* dy, double* dx) const;  // adds into dx

  ImageShape in_;
  ImageShape out_;
  Pooling kind_;
  size_t window_;
  size_t stride_;
  // Max pooling, last forward: for output entry (b, o), the index within row b of its input.
  std::vector<size_t> winners_;
};

}  // namespace qmf::nn
