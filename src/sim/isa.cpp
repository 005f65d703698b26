#include "sim/isa.h"

#include <bit>

#include "core/error.h"

namespace qmf::sim {

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

LaneLayout choose_layout(int qubits, size_t batch, int width, LaneLayout requested) {
  const bool amplitudes_fit = width > 1 && std::countr_zero(static_cast<unsigned>(width)) <= qubits;
  switch (requested) {
    case LaneLayout::Samples:
      return LaneLayout::Samples;
    case LaneLayout::Amplitudes:
      return amplitudes_fit ? LaneLayout::Amplitudes : LaneLayout::Samples;
    default:
      return batch < static_cast<size_t>(width) && amplitudes_fit ? LaneLayout::Amplitudes
                                                                  : LaneLayout::Samples;
  }
}

LaneLayout parse_lane_layout(std::string_view name) {
  for (LaneLayout l : {LaneLayout::Auto, LaneLayout::Samples, LaneLayout::Amplitudes})
    if (name == lane_layout_name(l)) return l;
  throw UsageError(fmt::format("unknown layout '{}' (allowed: auto, samples, amplitudes)", name));
}

std::string_view lane_layout_name(LaneLayout layout) {
  switch (layout) {
    case LaneLayout::Samples:
      return "samples";
    case LaneLayout::Amplitudes:
      return "amplitudes";
    default:
      return "auto";
  }
}

}  // namespace qmf::sim
