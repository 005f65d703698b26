#include "data/features/corrupt.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/error.h"
#include "core/rng.h"

namespace qmf::data {

size_t corrupt(Split& split, const Corruption& c, uint64_t seed) {
  if (!c.active()) return 0;
  if (c.modality > split.x.size()) {
    throw UsageError(
        fmt::format("data.corrupt.modality: {} is outside [1, {}]", c.modality, split.x.size()));
  }
  const size_t n = split.size();
  const auto count = static_cast<size_t>(std::llround(c.fraction * static_cast<double>(n)));
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  Rng rng(mix_seed(seed, 0xC0220u));
  rng.shuffle(order);
  order.resize(count);
  std::sort(order.begin(), order.end());  // noise drawn in sample order: independent of shuffling
  Features& x = split.x[c.modality - 1];
  for (size_t i : order) {
    auto row = x.row(static_cast<Eigen::Index>(i));
    if (c.kind == CorruptKind::blank) {
      row.setZero();
      continue;
    }
    for (Eigen::Index f = 0; f < row.size(); ++f)
      row(f) += static_cast<float>(c.sigma * rng.normal());
  }
  return count;
}

}  // namespace qmf::data
