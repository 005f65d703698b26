#include "train/lr_schedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace qmf::train {

double lr_at(const LrSchedule& s, uint64_t step) {
  if (step < s.warmup_steps)
    return s.lr * static_cast<double>(step + 1) / static_cast<double>(s.warmup_steps);
  const uint64_t after = step - s.warmup_steps;
  switch (s.kind) {
    case LrScheduleKind::constant:
      return s.lr;
    case LrScheduleKind::step: {
      const uint64_t decays = after / std::max<uint64_t>(s.step_size, 1);  // whole step_sizes
      return s.lr * std::pow(s.factor, static_cast<double>(decays));
    }
    case LrScheduleKind::cosine: {
      // The last step of the run gets `floor`; a run no longer than its warm-up has no decay.
      const uint64_t span =
          s.total_steps > s.warmup_steps + 1 ? s.total_steps - s.warmup_steps - 1 : 0;
      if (span == 0) return s.lr;
      const double t = std::min(1.0, static_cast<double>(after) / static_cast<double>(span));
      return s.floor + (s.lr - s.floor) * 0.5 * (1.0 + std::cos(std::numbers::pi * t));
    }
  }
  return s.lr;
}

}  // namespace qmf::train
