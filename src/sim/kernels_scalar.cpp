// The scalar twin: one lane per pack, portable flags.
#include "sim/kernels_impl.h"

namespace qmf::sim {

template <typename T>
const KernelOps<T>& scalar_ops() {
  return impl::Kernels<T, 1>::ops();
}
template const KernelOps<float>& scalar_ops<float>();
template const KernelOps<double>& scalar_ops<double>();

}  // namespace qmf::sim
