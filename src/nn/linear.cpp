#include "nn/linear.h"

#include <cmath>
#include <utility>

#include "core/error.h"
#include "nn/gemm.h"

namespace qmf::nn {
namespace {

// A dense row-major matrix as a gemm operand (nn/gemm.h): the backward products run in Eigen
// compiled for this CPU, where the project's own Eigen, in a portable build, is SSE2.
GemmOperand operand(const double* data, Index rows, Index cols, bool transposed = false) {
  return {data, rows, cols, cols, transposed};
}

}  // namespace

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
  // The project's own Eigen, not nn::gemm: a vectorised product rounds the rows at the edge of
  // its blocks apart, so a sample's output would depend on its place in the batch, and
  // evaluation batches, MPI shards and `qmf explain` cut batches anywhere. The backward
  // products end in sums over the batch, whose bits depend on the batch anyway.
  y.noalias() = x * w.transpose();
  y.rowwise() += b.transpose();
}

void Linear::backward(const Matrix& x, const Matrix& dy, Matrix* dx) const {
  QMF_CHECK(x.cols() == in_ && dy.cols() == out_ && x.rows() == dy.rows(),
            "Linear {} -> {} backward got x {} x {} and dy {} x {}", in_, out_, x.rows(), x.cols(),
            dy.rows(), dy.cols());
  gemm({.a = operand(dy.data(), dy.rows(), out_, true),
        .b = operand(x.data(), x.rows(), in_),
        .c = arena_->grad_matrix(weight_, out_, in_).data(),
        .c_stride = in_,
        .accumulate = true});
  arena_->grad_vector(bias_, out_) += dy.colwise().sum().transpose();
  if (dx == nullptr) return;
  QMF_CHECK(dx != &dy && dx != &x, "Linear backward cannot write dx over its inputs");
  const ConstMatrixMap w = std::as_const(*arena_).value_matrix(weight_, out_, in_);
  dx->resize(x.rows(), in_);
  gemm({.a = operand(dy.data(), dy.rows(), out_),
        .b = operand(w.data(), out_, in_),
        .c = dx->data(),
        .c_stride = in_});
}

}  // namespace qmf::nn
