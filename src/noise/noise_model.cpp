#include "noise/noise_model.h"

#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.h"
#include "noise/presets.h"

namespace qmf::noise {
namespace {

void check_strengths(const NoiseSettings& s) {
  const std::pair<std::string_view, double> keys[] = {
      {"noise.depolarizing", s.depolarizing},
      {"noise.depolarizing2", s.depolarizing2},
      {"noise.amplitude_damping", s.amplitude_damping},
      {"noise.phase_damping", s.phase_damping},
      {"noise.bit_flip", s.bit_flip},
      {"noise.phase_flip", s.phase_flip},
      {"noise.readout", s.readout},
      {"noise.readout01", s.readout01},
      {"noise.readout10", s.readout10}};
  for (const auto& [key, p] : keys) check_probability(p, key);
}

void append(std::vector<Channel>& list, ChannelKind kind, double p) {
  if (p > 0) list.push_back({kind, p});
}

// The uniform keys' channels, after whatever the preset put there.
void add_uniform(NoiseModel& m, const NoiseSettings& s) {
  append(m.after_one_qubit, ChannelKind::depolarizing, s.depolarizing);
  append(m.after_two_qubit, ChannelKind::depolarizing2,
         s.depolarizing2 > 0 ? s.depolarizing2 : s.depolarizing);
  append(m.after_three_qubit, ChannelKind::depolarizing, s.depolarizing);
  const std::pair<ChannelKind, double> every_gate[] = {
      {ChannelKind::amplitude_damping, s.amplitude_damping},
      {ChannelKind::phase_damping, s.phase_damping},
      {ChannelKind::bit_flip, s.bit_flip},
      {ChannelKind::phase_flip, s.phase_flip}};
  for (const auto& [kind, p] : every_gate)
    for (auto* list : {&m.after_one_qubit, &m.after_two_qubit, &m.after_three_qubit})
      append(*list, kind, p);
}

ReadoutError keys_readout(const NoiseSettings& s) {
  return {.p01 = s.readout01 > 0 ? s.readout01 : s.readout,
          .p10 = s.readout10 > 0 ? s.readout10 : s.readout};
}

// Two independent readout flips, `first` then `second`: a 0 reads 1 when the first flips it and
// the second does not flip it back, or the other way round.
ReadoutError composed(const ReadoutError& first, const ReadoutError& second) {
  return {.p01 = first.p01 * (1 - second.p10) + (1 - first.p01) * second.p01,
          .p10 = first.p10 * (1 - second.p01) + (1 - first.p10) * second.p10};
}

bool any_noise(const std::vector<Channel>& list) {
  for (const Channel& c : list)
    if (c.p > 0) return true;
  return false;
}

bool one_qubit_only(const std::vector<Channel>& list) {
  for (const Channel& c : list)
    if (channel_qubits(c.kind) != 1) return false;
  return true;
}

}  // namespace

const std::vector<Channel>& channels_after(const NoiseModel& m, int gate_qubits) {
  return gate_qubits == 1   ? m.after_one_qubit
         : gate_qubits == 2 ? m.after_two_qubit
                            : m.after_three_qubit;
}

bool NoiseModel::noiseless() const {
  return !any_noise(after_one_qubit) && !any_noise(after_two_qubit) &&
         !any_noise(after_three_qubit) && readout.p01 == 0 && readout.p10 == 0;
}

std::span<const std::string_view> preset_names() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> v;
    for (const DeviceFigures& d : device_figures()) v.push_back(d.name);
    return v;
  }();
  return names;
}

void check_preset(std::string_view name, std::string_view key) {
  if (name.empty() || find_device(name) != nullptr) return;
  throw UsageError(fmt::format("{}: unknown preset '{}'; allowed: {} (or \"\" for none)", key,
                               quote_value(name), fmt::join(preset_names(), ", ")));
}

NoiseModel noise_model(const NoiseSettings& s) {
  check_preset(s.preset, "noise.preset");
  check_strengths(s);
  NoiseModel m = s.preset.empty() ? NoiseModel{} : device_model(*find_device(s.preset));
  add_uniform(m, s);
  m.readout = composed(m.readout, keys_readout(s));
  QMF_CHECK(one_qubit_only(m.after_one_qubit) && one_qubit_only(m.after_three_qubit),
            "a two-qubit channel after a one- or three-qubit gate");
  return m;
}

}  // namespace qmf::noise
