#pragma once
// The layers' matrix products, C = op(A) op(B) (or C += op(A) op(B)), built for every instruction
// set of core/cpu_isa.h and chosen at run time: Eigen's products are fast only when Eigen is
// compiled for the CPU, and a portable build is compiled for SSE2 (the AVX-512 product is
// about 3.5x faster in double). Each variant is Eigen's own product, compiled in a file of its own
// under a namespace of its own, so its inline code never merges at link time with the portable
// build's (which would run AVX-512 instructions on a CPU without them). This header names no Eigen
// type for the same reason.
#include <cstddef>

#include "core/cpu_isa.h"

namespace qmf::nn {

// A row-major matrix view: rows x cols, `stride` elements from one row's start to the next's,
// read as its transpose when `transposed`.
struct GemmOperand {
  const double* data;
  std::ptrdiff_t rows, cols, stride;
  bool transposed = false;
};

// C (row-major, op(A).rows x op(B).cols, row stride c_stride) = op(A) op(B), or += when
// `accumulate` (gradients sum over calls).
struct GemmArgs {
  GemmOperand a, b;
  double* c;
  std::ptrdiff_t c_stride;
  bool accumulate = false;
};

// With the fastest variant this CPU runs.
void gemm(const GemmArgs& args);
// With the variant for `isa` (tests run each the CPU can); the CPU must run it.
void gemm(const GemmArgs& args, Isa isa);

}  // namespace qmf::nn
