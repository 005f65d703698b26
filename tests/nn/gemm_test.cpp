// The layers' matrix products: every variant this CPU runs against a plain triple loop, for each
// transposition, assigned and accumulated, on strided views of larger matrices.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/cpu_isa.h"
#include "core/rng.h"
#include "nn/gemm.h"

namespace qmf::nn {
namespace {

struct Stored {
  std::vector<double> values;
  std::ptrdiff_t rows, cols, stride;
  double at(std::ptrdiff_t r, std::ptrdiff_t c) const { return values[r * stride + c]; }
};

// rows x cols inside a buffer with 3 spare columns per row, filled with uniform values.
Stored random_stored(Rng& rng, std::ptrdiff_t rows, std::ptrdiff_t cols) {
  Stored s{{}, rows, cols, cols + 3};
  s.values.resize(static_cast<size_t>(rows * s.stride));
  for (double& v : s.values) v = rng.uniform(-1, 1);
  return s;
}

TEST(Gemm, EveryVariantTheCpuRunsMatchesTheDefinition) {
  Rng rng(3);
  const std::ptrdiff_t m = 13, k = 37, n = 70;  // odd sizes: every kernel's edge cases
  int variants = 0;
  for (const Isa isa : {Isa::Scalar, Isa::Avx2, Isa::Avx512}) {
    if (!cpu_runs(isa)) continue;
    ++variants;
    for (const bool ta : {false, true})
      for (const bool tb : {false, true})
        for (const bool accumulate : {false, true}) {
          const Stored a = ta ? random_stored(rng, k, m) : random_stored(rng, m, k);
          const Stored b = tb ? random_stored(rng, n, k) : random_stored(rng, k, n);
          const std::ptrdiff_t c_stride = n + 5;
          std::vector<double> c(static_cast<size_t>(m * c_stride), 42.0);
          gemm({.a = {a.values.data(), a.rows, a.cols, a.stride, ta},
                .b = {b.values.data(), b.rows, b.cols, b.stride, tb},
                .c = c.data(),
                .c_stride = c_stride,
                .accumulate = accumulate},
               isa);
          for (std::ptrdiff_t i = 0; i < m; ++i) {
            for (std::ptrdiff_t j = 0; j < n; ++j) {
              double want = accumulate ? 42.0 : 0.0;
              for (std::ptrdiff_t p = 0; p < k; ++p)
                want += (ta ? a.at(p, i) : a.at(i, p)) * (tb ? b.at(j, p) : b.at(p, j));
              ASSERT_NEAR(c[i * c_stride + j], want, 1e-12 * k)
                  << isa_name(isa) << " ta " << ta << " tb " << tb << " accumulate " << accumulate
                  << " at " << i << "," << j;
            }
            for (std::ptrdiff_t j = n; j < c_stride; ++j)  // past the view: untouched
              ASSERT_EQ(c[i * c_stride + j], 42.0);
          }
        }
  }
  EXPECT_GE(variants, 1);
}

}  // namespace
}  // namespace qmf::nn
