#pragma once
// Whole-model gradient check: every parameter's analytic gradient against a central finite
// difference of the batch loss, with the thresholds of docs/MODEL.md (normwise relative error below
// 1e-7; elementwise below 1e-5 wherever the gradient exceeds 1e-5).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "model/model.h"

namespace qmf::testing {

inline void expect_model_gradients_match(model::Model& model, const std::vector<nn::Matrix>& x,
                                         const std::vector<int>& y) {
  nn::Matrix probs;
  auto& arena = model.arena();
  model.forward(x, y, probs, model::Pass::train);  // the training step's path
  model.backward();
  const std::vector<double> analytic(arena.grads().begin(), arena.grads().end());
  auto values = arena.values();
  const double h = 1e-6;
  double diff = 0, norm = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    const double keep = values[i];
    values[i] = keep + h;
    const double up = model.forward(x, y, probs);
    values[i] = keep - h;
    const double down = model.forward(x, y, probs);
    values[i] = keep;
    const double numeric = (up - down) / (2 * h);
    diff += (analytic[i] - numeric) * (analytic[i] - numeric);
    norm += numeric * numeric;
    if (std::abs(numeric) > 1e-5) {
      EXPECT_LT(std::abs(analytic[i] - numeric) / std::abs(numeric), 1e-5)
          << "parameter " << i << " (" << arena.block_at(i).name << ")";
    }
  }
  ASSERT_GT(norm, 0);
  EXPECT_LT(std::sqrt(diff / norm), 1e-7);
}

}  // namespace qmf::testing
