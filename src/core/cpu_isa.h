#pragma once
// The instruction sets our hot loops are built for, and which of them this CPU runs: the
// simulator's kernels (sim/isa.h) and the convolutions' matrix products (nn/gemm.h) are each
// compiled for every one and chosen here at run time.
#include <string_view>

namespace qmf {

enum class Isa { Scalar, Avx2, Avx512 };

Isa best_isa();                        // AVX-512F, else AVX2 with FMA, else scalar
Isa parse_isa(std::string_view name);  // auto | scalar | avx2 | avx512; throws UsageError
std::string_view isa_name(Isa isa);
bool cpu_runs(Isa isa);

}  // namespace qmf
