// The body of one gemm variant (nn/gemm.h): included by gemm.cpp, gemm_avx2.cpp and
// gemm_avx512.cpp after each has named its Eigen namespace (QMF_GEMM_EIGEN) and its function
// (QMF_GEMM_NAME). No include guard: each file includes it once, for itself.
#include <Eigen/Core>

#include "nn/gemm.h"

namespace qmf::nn {

void QMF_GEMM_NAME(const GemmArgs& args) {
  namespace E = QMF_GEMM_EIGEN;
  using Rows = E::Matrix<double, E::Dynamic, E::Dynamic, E::RowMajor>;
  using View = E::Map<const Rows, 0, E::OuterStride<>>;
  const auto view = [](const GemmOperand& m) {
    return View(m.data, m.rows, m.cols, E::OuterStride<>(m.stride));
  };
  const GemmOperand& a = args.a;
  const GemmOperand& b = args.b;
  const std::ptrdiff_t rows = a.transposed ? a.cols : a.rows;
  const std::ptrdiff_t cols = b.transposed ? b.rows : b.cols;
  E::Map<Rows, 0, E::OuterStride<>> c(args.c, rows, cols, E::OuterStride<>(args.c_stride));
  const auto put = [&](const auto& product) {
    if (args.accumulate)
      c.noalias() += product;
    else
      c.noalias() = product;
  };
  if (!a.transposed && !b.transposed)
    put(view(a) * view(b));
  else if (a.transposed && !b.transposed)
    put(view(a).transpose() * view(b));
  else if (!a.transposed)
    put(view(a) * view(b).transpose());
  else
    put(view(a).transpose() * view(b).transpose());
}

}  // namespace qmf::nn
