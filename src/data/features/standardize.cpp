#include "data/features/standardize.h"

#include "core/error.h"

namespace qmf::data {
namespace {

struct ColumnStats {
  Eigen::RowVectorXf mean;
  Eigen::RowVectorXf scale;  // what to divide by: the std, or 1 for a constant feature
};

ColumnStats column_stats(const Features& x) {
  // Sums in double, row by row: float sums of 60000 terms lose digits, and a double copy of
  // the whole matrix would cost as much memory again.
  const auto n = static_cast<double>(x.rows());
  Eigen::RowVectorXd mean = Eigen::RowVectorXd::Zero(x.cols());
  for (Eigen::Index i = 0; i < x.rows(); ++i) mean += x.row(i).cast<double>();
  mean /= n;
  Eigen::RowVectorXd var = Eigen::RowVectorXd::Zero(x.cols());
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    var += (x.row(i).cast<double>() - mean).array().square().matrix();
  }
  var /= n;
  // A constant feature is detected exactly (max == min), not by a threshold on a std that
  // rounding may leave a hair above zero.
  const Eigen::RowVectorXf lo = x.colwise().minCoeff();
  const Eigen::RowVectorXf hi = x.colwise().maxCoeff();
  ColumnStats stats{.mean = mean.cast<float>(), .scale = var.cwiseSqrt().cast<float>()};
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    if (lo[j] == hi[j]) {
      stats.mean[j] = lo[j];
      stats.scale[j] = 1.0f;
    }
  }
  return stats;
}

void apply(Features& x, const ColumnStats& stats) {
  x = (x.rowwise() - stats.mean).array().rowwise() / stats.scale.array();
}

}  // namespace

void standardize(Split& train, std::initializer_list<Split*> others) {
  QMF_CHECK(train.size() > 0, "standardising needs training samples");
  for (size_t m = 0; m < train.x.size(); ++m) {
    const ColumnStats stats = column_stats(train.x[m]);
    apply(train.x[m], stats);
    for (Split* other : others)
      if (other->size() > 0) apply(other->x[m], stats);
  }
}

}  // namespace qmf::data
