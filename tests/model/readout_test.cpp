// The probs readout's loss floor (model/readout.h): exact marginals keep 1e-10; a marginal
// estimated from N shots counts a class it never saw as half a shot, 1/(2N), so one unseen label
// costs -log(1/(2N)) and a bounded gradient instead of 23 nats and a gradient of 1e10.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "model/readout.h"

namespace qmf::model {
namespace {

TEST(ProbsReadout, ExactMarginalsKeepTheTinyFloor) { EXPECT_EQ(prob_floor(0), kProbFloor); }

TEST(ProbsReadout, AClassUnseenInTheShotsCountsAsHalfAShot) {
  nn::Matrix p(1, 4);
  p << 0.0, 0.6, 0.4, 0.0;  // 10 shots: 6 and 4; the label, class 0, was never seen
  nn::Matrix probs, dp;
  const double loss = probs_readout(p, std::vector<int>{0}, 3, probs, &dp, prob_floor(10));
  EXPECT_NEAR(loss, -std::log(0.05), 1e-12);
  EXPECT_LE(dp.cwiseAbs().maxCoeff(), 1 / 0.05);
  const double tiny = probs_readout(p, std::vector<int>{0}, 3, probs, &dp);
  EXPECT_NEAR(tiny, -std::log(kProbFloor), 1e-9) << "the exact floor, for comparison";
  EXPECT_GT(dp.cwiseAbs().maxCoeff(), 1e9);
}

}  // namespace
}  // namespace qmf::model
