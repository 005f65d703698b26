#pragma once
// The matrix types every classical layer speaks. Rows are samples, so a batch of B inputs of
// width D is a B x D matrix and one sample is one contiguous row (row-major).
#include <Eigen/Dense>

namespace qmf::nn {

using Index = Eigen::Index;
using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vector = Eigen::VectorXd;

// Views into the parameter arena (see arena.h); they never own memory.
using MatrixMap = Eigen::Map<Matrix>;
using ConstMatrixMap = Eigen::Map<const Matrix>;
using VectorMap = Eigen::Map<Vector>;
using ConstVectorMap = Eigen::Map<const Vector>;

}  // namespace qmf::nn
