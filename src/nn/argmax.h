#pragma once
// The predicted class of a row of class probabilities (or logits).
#include "nn/tensor.h"

namespace qmf::nn {

// The column of row `row`'s largest entry; the first such column on a tie (Eigen's maxCoeff).
inline int argmax(const Matrix& m, Index row) {
  Index best = 0;
  m.row(row).maxCoeff(&best);
  return static_cast<int>(best);
}

}  // namespace qmf::nn
