#include "nn/group_norm.h"

#include <cmath>
#include <utility>

#include "core/error.h"

namespace qmf::nn {

namespace {

// Sums in an order fixed by n alone: Eigen's vectorised reductions start their packets at the
// first aligned element, so their bits would change with where a sample's row lies in the batch.
// Four running sums (terms i mod 4) keep four additions in flight instead of one.
template <class Term>
double fixed_sum(Index n, const Term& term) {
  double lane[4] = {0.0, 0.0, 0.0, 0.0};
  Index i = 0;
  for (; i + 4 <= n; i += 4)
    for (Index l = 0; l < 4; ++l) lane[l] += term(i + l);
  for (; i < n; ++i) lane[i % 4] += term(i);
  return (lane[0] + lane[1]) + (lane[2] + lane[3]);
}

double sum(const double* v, Index n) {
  return fixed_sum(n, [v](Index i) { return v[i]; });
}

double dot(const double* a, const double* b, Index n) {
  return fixed_sum(n, [a, b](Index i) { return a[i] * b[i]; });
}

// The statistics of one group of one sample: its mean and 1 / sqrt(variance + eps).
struct Moments {
  double mean;
  double inv_std;
};

Moments moments(const double* v, Index n) {
  const double mean = sum(v, n) / static_cast<double>(n);
  const double squares = fixed_sum(n, [v, mean](Index i) { return (v[i] - mean) * (v[i] - mean); });
  return {mean, 1.0 / std::sqrt(squares / static_cast<double>(n) + GroupNorm::kEpsilon)};
}

}  // namespace

GroupNorm::GroupNorm(ParameterArena& arena, const std::string& name, ImageShape in, size_t groups)
    : arena_(&arena), shape_(in), groups_(groups) {
  QMF_CHECK(in.size() > 0, "GroupNorm '{}' needs a non-empty image", name);
  QMF_CHECK(groups > 0 && in.channels % groups == 0,
            "GroupNorm '{}': {} groups do not divide {} channels", name, groups, in.channels);
  gamma_ = arena.add(name + ".gamma", in.channels, ParamKind::Classical);
  beta_ = arena.add(name + ".beta", in.channels, ParamKind::Classical);
}

void GroupNorm::init(Rng& /*rng*/) {
  const auto channels = static_cast<Index>(shape_.channels);
  arena_->value_vector(gamma_, channels).setOnes();
  arena_->value_vector(beta_, channels).setZero();
}

void GroupNorm::forward(const Matrix& x, Matrix& y) {
  QMF_CHECK(static_cast<size_t>(x.cols()) == shape_.size(),
            "GroupNorm expects {} input columns, got {}", shape_.size(), x.cols());
  QMF_CHECK(&x != &y, "GroupNorm forward cannot write y over x");
  const auto groups = static_cast<Index>(groups_);
  const Index n = group_size();
  normalised_.resize(x.rows(), x.cols());
  inv_std_.resize(x.rows(), groups);
  for (Index b = 0; b < x.rows(); ++b) {
    for (Index g = 0; g < groups; ++g) {
      const Moments m = moments(x.row(b).data() + g * n, n);
      inv_std_(b, g) = m.inv_std;
      normalised_.row(b).segment(g * n, n).array() =
          (x.row(b).segment(g * n, n).array() - m.mean) * m.inv_std;
    }
  }
  const auto channels = static_cast<Index>(shape_.channels);
  const Index p = plane();
  const ConstVectorMap gamma = std::as_const(*arena_).value_vector(gamma_, channels);
  const ConstVectorMap beta = std::as_const(*arena_).value_vector(beta_, channels);
  y.resize(x.rows(), x.cols());
  for (Index b = 0; b < x.rows(); ++b)
    for (Index c = 0; c < channels; ++c)
      y.row(b).segment(c * p, p).array() =
          gamma(c) * normalised_.row(b).segment(c * p, p).array() + beta(c);
}

void GroupNorm::backward(const Matrix& dy, Matrix& dx) {
  QMF_CHECK(normalised_.size() > 0, "GroupNorm backward called before forward");
  QMF_CHECK(dy.rows() == normalised_.rows() && dy.cols() == normalised_.cols(),
            "GroupNorm backward: dy is {} x {}, the last output was {} x {}", dy.rows(), dy.cols(),
            normalised_.rows(), normalised_.cols());
  QMF_CHECK(&dx != &dy, "GroupNorm backward cannot write dx over dy");
  const auto channels = static_cast<Index>(shape_.channels);
  const Index p = plane();
  const ConstVectorMap gamma = std::as_const(*arena_).value_vector(gamma_, channels);
  VectorMap dgamma = arena_->grad_vector(gamma_, channels);
  VectorMap dbeta = arena_->grad_vector(beta_, channels);
  dx.resize(dy.rows(), dy.cols());
  for (Index b = 0; b < dy.rows(); ++b) {
    for (Index c = 0; c < channels; ++c) {
      const double* g = dy.row(b).data() + c * p;
      dgamma(c) += dot(g, normalised_.row(b).data() + c * p, p);
      dbeta(c) += sum(g, p);
      dx.row(b).segment(c * p, p) = dy.row(b).segment(c * p, p) * gamma(c);  // d loss / d xhat
    }
  }
  // Through the normalisation: dx = (d - mean(d) - xhat mean(d xhat)) / std per group, the
  // mean and the variance being functions of every value of the group.
  const Index n = group_size();
  for (Index b = 0; b < dy.rows(); ++b) {
    for (Index g = 0; g < static_cast<Index>(groups_); ++g) {
      double* d = dx.row(b).data() + g * n;
      const double* xhat = normalised_.row(b).data() + g * n;
      const double mean_d = sum(d, n) / static_cast<double>(n);
      const double mean_dx = dot(d, xhat, n) / static_cast<double>(n);
      for (Index i = 0; i < n; ++i) d[i] = inv_std_(b, g) * (d[i] - mean_d - xhat[i] * mean_dx);
    }
  }
}

}  // namespace qmf::nn
