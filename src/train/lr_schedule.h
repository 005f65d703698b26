#pragma once
// Learning-rate schedules, counted in optimiser steps: the rate of a step is a pure function of
// the run's global step index (the optimiser's step count, which checkpoints keep), so a resumed
// run, mid-epoch included, follows the schedule exactly where it left off.
#include <cstdint>

#include "core/options.h"

namespace qmf::train {

// train.lr_schedule.
enum class LrScheduleKind { constant, step, cosine };
inline constexpr Spelling<LrScheduleKind> kLrSchedules[] = {{LrScheduleKind::constant, "constant"},
                                                            {LrScheduleKind::step, "step"},
                                                            {LrScheduleKind::cosine, "cosine"}};
constexpr std::span<const Spelling<LrScheduleKind>> spellings(LrScheduleKind) {
  return kLrSchedules;
}

struct LrSchedule {
  LrScheduleKind kind = LrScheduleKind::constant;
  double lr = 0.01;           // the base rate (train.lr)
  uint64_t warmup_steps = 0;  // linear warm-up from lr/warmup_steps up to lr, then the schedule
  uint64_t step_size = 1;     // step: the rate is multiplied by `factor` every step_size steps
  double factor = 0.1;        //   (counted after the warm-up)
  double floor = 0;           // cosine: the rate it ends at
  uint64_t total_steps = 1;   // cosine: the run's steps, warm-up included (epochs x steps)
};

// The learning rate of step `step` (0 for the run's first optimiser step).
//   warm-up (step < w):  lr (step + 1) / w
//   constant:            lr
//   step:                lr factor^floor((step - w) / step_size)
//   cosine:              floor + (lr - floor) (1 + cos(pi t)) / 2, t = (step - w) / (total - w),
//                        so lr at the first step after the warm-up and `floor` at the last
double lr_at(const LrSchedule& schedule, uint64_t step);

}  // namespace qmf::train
