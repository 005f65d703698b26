#include "dist/sum_timing.h"

#include <algorithm>
#include <chrono>
#include <vector>

namespace qmf::dist {

SumTiming time_sums(const Communicator& ranks, size_t doubles, int rounds, int per_round) {
  std::vector<double> values(doubles, 1.0);
  ranks.sum(values);  // the first sum sets up connections and buffers: not timed
  std::vector<double> us;
  for (int r = 0; r < rounds; ++r) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < per_round; ++i) ranks.sum(values);
    const std::chrono::duration<double, std::micro> took = std::chrono::steady_clock::now() - start;
    us.push_back(took.count() / per_round);
  }
  std::sort(us.begin(), us.end());
  return {.median_us = us[us.size() / 2],
          .min_us = us.front(),
          .doubles = doubles,
          .ranks = ranks.size(),
          .rounds = rounds,
          .per_round = per_round};
}

}  // namespace qmf::dist
