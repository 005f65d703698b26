#include "nn/linear.h"

#include <cmath>
#include <utility>

#include "core/error.h"

namespace qmf::nn {

Linear::Linear(ParameterArena& arena, const std::string& name, Index in, Index out)
    : arena_(&arena), in_(in), out_(out) {
  QMF_CHECK(in > 0 && out > 0, "Linear '{}' needs positive sizes, got {} -> {}", name, in, out);
  weight_ = arena.add(name + ".weight", static_cast<size_t>(in * out), ParamKind::Classical);
  bias_ = arena.add(name + ".bias", static_cast<size_t>(out), ParamKind::Classical);
}

void Linear::init(Rng& rng) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(in_));
  for (double& w : arena_->values(weight_, parameter_count())) w = rng.uniform(-bound, bound);
}

void Linear::forward(const Matrix& x, Matrix& y) const {
  QMF_CHECK(x.cols() == in_, "Linear expects {} input columns, got {}", in_, x.cols());
  QMF_CHECK(&x != &y, "Linear forward cannot write y over x");
  const ConstMatrixMap w = std::as_const(*arena_).value_matrix(weight_, out_, in_);
  const ConstVectorMap b = std::as_const(*arena_).value_vector(bias_, out_);
  y.resize(x.rows(), out_);
  y.noalias() = x * w.transpose();
  y.rowwise() += b.transpose();
}

void Linear::backward(const Matrix& x, const Matrix& dy, Matrix* dx) const {
  QMF_CHECK(x.cols() == in_ && dy.cols() == out_ && x.rows() == dy.rows(),
            "Linear {} -> {} backward got x {} x {} and dy {} x {}", in_, out_, x.rows(), x.cols(),
            dy.rows(), dy.cols());
  arena_->grad_matrix(weight_, out_, in_).noalias() += dy.transpose() * x;
  arena_->grad_vector(bias_, out_) += dy.colwise().sum().transpose();
  if (dx == nullptr) return;
  QMF_CHECK(dx != &dy && dx != &x, "Linear backward cannot write dx over its inputs");
  const ConstMatrixMap w = std::as_const(*arena_).value_matrix(weight_, out_, in_);
  dx->resize(x.rows(), in_);
  dx->noalias() = dy * w;
}

}  // namespace qmf::nn
