#include "core/cpu_isa.h"

#include "core/error.h"

namespace qmf {

bool cpu_runs(Isa isa) {
  static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  static const bool avx512 = avx2 && __builtin_cpu_supports("avx512f");
  switch (isa) {
    case Isa::Avx512:
      return avx512;
    case Isa::Avx2:
      return avx2;
    default:
      return true;
  }
}

Isa best_isa() {
  if (cpu_runs(Isa::Avx512)) return Isa::Avx512;
  return cpu_runs(Isa::Avx2) ? Isa::Avx2 : Isa::Scalar;
}

Isa parse_isa(std::string_view name) {
  if (name == "auto") return best_isa();
  for (Isa isa : {Isa::Scalar, Isa::Avx2, Isa::Avx512})
    if (name == isa_name(isa)) {
      if (!cpu_runs(isa))
        throw UsageError(fmt::format("isa '{}' requested but this CPU lacks it", name));
      return isa;
    }
  throw UsageError(fmt::format("unknown isa '{}' (allowed: auto, scalar, avx2, avx512)", name));
}

std::string_view isa_name(Isa isa) {
  switch (isa) {
    case Isa::Avx512:
      return "avx512";
    case Isa::Avx2:
      return "avx2";
    default:
      return "scalar";
  }
}

}  // namespace qmf
