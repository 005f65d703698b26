// The portable gemm, which is the project's own Eigen, and the choice among the variants.
#define QMF_GEMM_EIGEN Eigen
#define QMF_GEMM_NAME gemm_portable
#include "nn/gemm_body.h"

#include "core/error.h"

namespace qmf::nn {

void gemm_avx2(const GemmArgs& args);
void gemm_avx512(const GemmArgs& args);

void gemm(const GemmArgs& args, Isa isa) {
  QMF_CHECK(cpu_runs(isa), "gemm: this CPU does not run {}", isa_name(isa));
  switch (isa) {
    case Isa::Avx512:
      return gemm_avx512(args);
    case Isa::Avx2:
      return gemm_avx2(args);
    default:
      return gemm_portable(args);
  }
}

void gemm(const GemmArgs& args) {
  static const Isa best = best_isa();
  gemm(args, best);
}

}  // namespace qmf::nn
