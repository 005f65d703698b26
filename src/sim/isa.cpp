#include "sim/isa.h"

#include <bit>

#include "core/error.h"

namespace qmf::sim {

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
