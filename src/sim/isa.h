#pragma once
// The one place where the kernels are chosen: the instruction set from the CPU (core/cpu_isa.h),
// and the lane layout (sim/layout.h) from the state's size and the batch.
#include <cstddef>

#include "core/cpu_isa.h"
#include "sim/kernels.h"

namespace qmf::sim {

template <typename T>
const KernelOps<T>& kernel_ops(Isa isa) {
  switch (isa) {
    case Isa::Avx512:
      return avx512_ops<T>();
    case Isa::Avx2:
      return avx2_ops<T>();
    default:
      return scalar_ops<T>();
  }
}

// Samples fill the lanes when the batch does; otherwise the low amplitude bits do, where the
// state has as many qubits as a pack has lanes bits. One lane (scalar) when neither can.
// `requested` other than Auto forces a layout where it is possible (tests, benchmarks).
LaneLayout choose_layout(int qubits, size_t batch, int width, LaneLayout requested);

}  // namespace qmf::sim
