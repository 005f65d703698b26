#include "nn/mlp.h"

#include <utility>

#include "core/error.h"

namespace qmf::nn {

Mlp::Mlp(ParameterArena& arena, const std::string& name, const std::vector<Index>& sizes,
         Activation act)
    : act_(act) {
  QMF_CHECK(sizes.size() >= 2, "Mlp '{}' needs at least an input and an output size", name);
  const size_t depth = sizes.size() - 1;
  layers_.reserve(depth);
  for (size_t i = 0; i < depth; ++i)
    layers_.emplace_back(arena, name + "." + std::to_string(i), sizes[i], sizes[i + 1]);
  inputs_.resize(depth);
  pre_.resize(depth);
}

void Mlp::init(Rng& rng) {
  for (Linear& layer : layers_) layer.init(rng);
}

size_t Mlp::parameter_count() const {
  size_t n = 0;
  for (const Linear& layer : layers_) n += layer.parameter_count();
  return n;
}

const Matrix& Mlp::forward(const Matrix& x) {
  inputs_[0] = x;  // a copy: the caller may reuse its buffer before backward
  for (size_t i = 0; i < layers_.size(); ++i) {
    layers_[i].forward(inputs_[i], pre_[i]);
    if (i + 1 < layers_.size()) activation_forward(act_, pre_[i], inputs_[i + 1]);
  }
  return pre_.back();
}

void Mlp::backward(const Matrix& dy, Matrix* dx) {
  const Matrix& out = pre_.back();
  QMF_CHECK(out.size() > 0, "Mlp backward called before forward");
  QMF_CHECK(dy.rows() == out.rows() && dy.cols() == out.cols(),
            "Mlp backward: dy is {} x {}, the last output was {} x {}", dy.rows(), dy.cols(),
            out.rows(), out.cols());
  const Matrix* grad_out = &dy;
  for (size_t i = layers_.size(); i-- > 0;) {
    if (i + 1 < layers_.size()) {
      // grad_out is dL/d(inputs_[i+1]); take it back through the activation in place.
      activation_backward(act_, pre_[i], inputs_[i + 1], grad_a_, grad_a_);
      grad_out = &grad_a_;
    }
    Matrix* grad_in = i == 0 ? dx : &grad_b_;
    layers_[i].backward(inputs_[i], *grad_out, grad_in);
    if (i > 0) std::swap(grad_a_, grad_b_);
  }
}

}  // namespace qmf::nn
