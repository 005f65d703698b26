// The AVX-512 gemm (nn/gemm.h): Eigen compiled with -mavx512f -mfma, in a namespace of its own.
#define Eigen qmf_eigen_avx512
// On one thread, as use_threads() sets the project's own Eigen (core/parallel.h): the chunks of
// a convolution are the unit of parallel work, and threaded products would change the bits.
#define EIGEN_DONT_PARALLELIZE
// Always the blocked product, small ones too: Eigen's coefficient-wise product of small matrices
// splits its sums at the data's alignment, and a portable build aligns buffers to 16 bytes, not
// to this variant's registers, so the bits would follow where the allocator put the operands.
#define EIGEN_GEMM_TO_COEFFBASED_THRESHOLD 0
#define QMF_GEMM_EIGEN qmf_eigen_avx512
#define QMF_GEMM_NAME gemm_avx512
#include "nn/gemm_body.h"
