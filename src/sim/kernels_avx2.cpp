// The AVX2 twin: 256-bit packs (4 doubles, 8 floats). Built with -mavx2 -mfma (src/CMakeLists.txt);
// called only after sim/isa.cpp has checked the CPU. Multiply-adds contract to FMA.
#pragma GCC optimize("fp-contract=fast")
#include "sim/kernels_impl.h"

namespace qmf::sim {

template <typename T>
const KernelOps<T>& avx2_ops() {
  return impl::Kernels<T, 32 / sizeof(T)>::ops();
}
template const KernelOps<float>& avx2_ops<float>();
template const KernelOps<double>& avx2_ops<double>();

}  // namespace qmf::sim
