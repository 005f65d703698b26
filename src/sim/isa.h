#pragma once
// The one place where the kernel instruction set is chosen.
#include <string_view>

#include "sim/kernels.h"

namespace qmf::sim {

enum class Isa { Scalar, Avx2 };

Isa best_isa();                        // AVX2 when the CPU has AVX2 and FMA, else scalar
Isa parse_isa(std::string_view name);  // "auto" | "scalar" | "avx2"; throws UsageError
std::string_view isa_name(Isa isa);

template <typename T>
const KernelOps<T>& kernel_ops(Isa isa) {
  return isa == Isa::Avx2 ? avx2_ops<T>() : scalar_ops<T>();
}

}  // namespace qmf::sim
