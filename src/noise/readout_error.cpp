#include "noise/readout_error.h"

namespace qmf::noise {
namespace {

// Applies the 2 x 2 matrix m (row-major) to every bit of every row, one bit at a time.
void each_bit(const double (&m)[4], std::span<double> values, size_t outcomes) {
  for (size_t row = 0; row < values.size(); row += outcomes)
    for (size_t bit = 1; bit < outcomes; bit <<= 1)
      for (size_t c = 0; c < outcomes; ++c) {
        if (c & bit) continue;
        double& zero = values[row + c];
        double& one = values[row + (c | bit)];
        const double z = zero, o = one;
        zero = m[0] * z + m[1] * o;
        one = m[2] * z + m[3] * o;
      }
}

}  // namespace

void apply_readout_error(const ReadoutError& e, std::span<double> marginal, size_t outcomes) {
  if (e.p01 == 0 && e.p10 == 0) return;
  const double m[4] = {1 - e.p01, e.p10, e.p01, 1 - e.p10};
  each_bit(m, marginal, outcomes);
}

void readout_error_backward(const ReadoutError& e, std::span<double> dmarginal, size_t outcomes) {
  if (e.p01 == 0 && e.p10 == 0) return;
  const double transposed[4] = {1 - e.p01, e.p01, e.p10, 1 - e.p10};
  each_bit(transposed, dmarginal, outcomes);
}

}  // namespace qmf::noise
