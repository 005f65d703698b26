#include "sim/isa.h"

#include "core/error.h"

namespace qmf::sim {

Isa best_isa() {
  static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return avx2 ? Isa::Avx2 : Isa::Scalar;
}

Isa parse_isa(std::string_view name) {
  if (name == "auto") return best_isa();
  if (name == "scalar") return Isa::Scalar;
  if (name == "avx2") {
    if (best_isa() != Isa::Avx2)
      throw UsageError("isa 'avx2' requested but this CPU lacks AVX2/FMA");
    return Isa::Avx2;
  }
  throw UsageError(fmt::format("unknown isa '{}' (allowed: auto, scalar, avx2)", name));
}

std::string_view isa_name(Isa isa) { return isa == Isa::Avx2 ? "avx2" : "scalar"; }

}  // namespace qmf::sim
