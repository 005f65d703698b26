#pragma once
// Fully connected layer y = x W^T + b over a batch (rows = samples).
// Parameters live in the arena as two blocks, "<name>.weight" (out x in, row-major) and
// "<name>.bias" (out); the layer keeps only their offsets.
#include <string>

#include "core/rng.h"
#include "nn/arena.h"
#include "nn/tensor.h"

namespace qmf::nn {

class Linear {
 public:
  Linear(ParameterArena& arena, const std::string& name, Index in, Index out);

  // Weights and biases uniform in (-1/sqrt(in), 1/sqrt(in)) (docs/MODEL.md), weight first, row by
  // row, then bias: the draw order is part of the seed's meaning.
  void init(Rng& rng);

  // x: B x in -> y: B x out (resized).
  void forward(const Matrix& x, Matrix& y) const;
  // x: B x in (the forward input), dy: B x out. Adds dW = dy^T x and db = sum_b dy to the
  // arena's gradients; writes dx = dy W (B x in) unless dx is null (first layer of a network).
  void backward(const Matrix& x, const Matrix& dy, Matrix* dx) const;

  Index in() const { return in_; }
  Index out() const { return out_; }
  size_t weight_offset() const { return weight_; }
  size_t bias_offset() const { return bias_; }
  size_t parameter_count() const { return static_cast<size_t>((in_ + 1) * out_); }

 private:
  ParameterArena* arena_;
  Index in_;
  Index out_;
  size_t weight_;
  size_t bias_;
};

}  // namespace qmf::nn
