#include "data/batch.h"

namespace qmf::data {

void gather(const Split& split, std::span<const size_t> idx, std::vector<nn::Matrix>& x,
            std::vector<int>& y) {
  x.resize(split.x.size());
  const auto rows = static_cast<Eigen::Index>(idx.size());
  for (size_t m = 0; m < split.x.size(); ++m) {
    x[m].resize(rows, split.x[m].cols());
    for (Eigen::Index r = 0; r < rows; ++r)
      x[m].row(r) = split.x[m].row(static_cast<Eigen::Index>(idx[r])).cast<double>();
  }
  y.resize(idx.size());
  for (size_t r = 0; r < idx.size(); ++r) y[r] = split.y[idx[r]];
}

void prefetch(const Split& split, std::span<const size_t> idx) {
  constexpr Eigen::Index kLine = 64 / sizeof(float);
  for (const Features& f : split.x)
    for (size_t r : idx) {
      const float* row = f.row(static_cast<Eigen::Index>(r)).data();
      for (Eigen::Index at = 0; at < f.cols(); at += kLine) __builtin_prefetch(row + at);
    }
}

}  // namespace qmf::data
