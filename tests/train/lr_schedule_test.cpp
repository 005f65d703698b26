// Learning-rate schedules as functions of the global optimiser step (train/lr_schedule.h).
#include "train/lr_schedule.h"

#include <cmath>
#include <numbers>

#include <gtest/gtest.h>

namespace qmf::train {
namespace {

TEST(LrSchedule, ConstantIsTheBaseRate) {
  const LrSchedule s{.kind = LrScheduleKind::constant, .lr = 0.05};
  EXPECT_EQ(lr_at(s, 0), 0.05);
  EXPECT_EQ(lr_at(s, 123456), 0.05);
}

TEST(LrSchedule, WarmUpRisesLinearlyToTheBaseRate) {
  const LrSchedule s{.kind = LrScheduleKind::constant, .lr = 0.1, .warmup_steps = 4};
  EXPECT_DOUBLE_EQ(lr_at(s, 0), 0.025);
  EXPECT_DOUBLE_EQ(lr_at(s, 1), 0.05);
  EXPECT_DOUBLE_EQ(lr_at(s, 3), 0.1);
  EXPECT_DOUBLE_EQ(lr_at(s, 4), 0.1);
}

TEST(LrSchedule, StepDecaysByTheFactorEveryStepSizeAfterTheWarmUp) {
  const LrSchedule s{
      .kind = LrScheduleKind::step, .lr = 1.0, .warmup_steps = 2, .step_size = 3, .factor = 0.5};
  EXPECT_DOUBLE_EQ(lr_at(s, 0), 0.5);  // warm-up
  EXPECT_DOUBLE_EQ(lr_at(s, 2), 1.0);  // steps 2, 3, 4: full rate
  EXPECT_DOUBLE_EQ(lr_at(s, 4), 1.0);
  EXPECT_DOUBLE_EQ(lr_at(s, 5), 0.5);
  EXPECT_DOUBLE_EQ(lr_at(s, 7), 0.5);
  EXPECT_DOUBLE_EQ(lr_at(s, 8), 0.25);
  EXPECT_DOUBLE_EQ(lr_at(s, 2 + 3 * 10), std::pow(0.5, 10));
}

TEST(LrSchedule, CosineRunsFromTheRateToTheFloorOverTheRun) {
  const LrSchedule s{.kind = LrScheduleKind::cosine,
                     .lr = 0.2,
                     .warmup_steps = 5,
                     .floor = 0.02,
                     .total_steps = 105};
  EXPECT_DOUBLE_EQ(lr_at(s, 0), 0.04);
  EXPECT_DOUBLE_EQ(lr_at(s, 5), 0.2);     // first step after the warm-up
  EXPECT_DOUBLE_EQ(lr_at(s, 104), 0.02);  // the run's last step
  // Halfway through the decay (t = 1/2): midway between the rate and the floor.
  const LrSchedule even{.kind = LrScheduleKind::cosine, .lr = 1.0, .floor = 0.0, .total_steps = 11};
  EXPECT_NEAR(lr_at(even, 5), 0.5, 1e-15);
  EXPECT_NEAR(lr_at(even, 1), 0.5 * (1 + std::cos(std::numbers::pi / 10)), 1e-15);
  // Falling all the way, and never below the floor after the run's end.
  for (uint64_t step = 6; step < 105; ++step) EXPECT_LT(lr_at(s, step), lr_at(s, step - 1));
  EXPECT_DOUBLE_EQ(lr_at(s, 500), 0.02);
}

}  // namespace
}  // namespace qmf::train
