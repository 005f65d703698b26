// The AVX-512 twin: 512-bit packs (8 doubles, 16 floats). Built with -mavx512f -mfma
// (src/CMakeLists.txt); called only after sim/isa.cpp has checked the CPU.
#pragma GCC optimize("fp-contract=fast")
#include "sim/kernels_impl.h"

namespace qmf::sim {

template <typename T>
const KernelOps<T>& avx512_ops() {
  return impl::Kernels<T, 64 / sizeof(T)>::ops();
}
template const KernelOps<float>& avx512_ops<float>();
template const KernelOps<double>& avx512_ops<double>();

}  // namespace qmf::sim
