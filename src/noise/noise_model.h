#pragma once
// Which channel follows which kind of gate, and the settings a user writes for it (the config
// table [noise], docs/NOISE.md "Channels and noise models").
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "noise/channel.h"

namespace qmf::noise {

struct ReadoutError {
  double p01 = 0;  // P(read 1 | state 0)
  double p10 = 0;  // P(read 0 | state 1)
  bool operator==(const ReadoutError&) const = default;
};

// Channels run in list order, right after the gate they follow.
struct NoiseModel {
  std::vector<Channel> after_one_qubit;    // one-qubit channels, on the gate's qubit
  std::vector<Channel> after_two_qubit;    // two-qubit channels on the gate's pair; one-qubit
                                           // channels on each of its qubits
  std::vector<Channel> after_three_qubit;  // (Toffoli) one-qubit channels only, on each qubit
  ReadoutError readout;
  bool noiseless() const;  // no channel with p > 0 and no readout error
  bool operator==(const NoiseModel&) const = default;
};

// The channels that follow a gate on `gate_qubits` qubits (1, 2 or 3).
const std::vector<Channel>& channels_after(const NoiseModel& m, int gate_qubits);

// The settings as a user writes them (config keys noise.*). Every strength is in [0, 1].
struct NoiseSettings {
  std::string preset;  // "" (none) or one of preset_names()
  // One-qubit depolarizing(p) after every one-qubit gate and on each qubit of a three-qubit
  // gate, and two-qubit depolarizing2(p) after every two-qubit gate.
  double depolarizing = 0;
  double depolarizing2 = 0;  // when > 0, replaces depolarizing's strength after two-qubit gates
  // After every gate, on each of its qubits.
  double amplitude_damping = 0, phase_damping = 0, bit_flip = 0, phase_flip = 0;
  double readout = 0;  // symmetric readout error: P(1|0) = P(0|1) = readout
  // When > 0, replaces readout's value for that direction: P(1|0), P(0|1).
  double readout01 = 0, readout10 = 0;
  bool operator==(const NoiseSettings&) const = default;
};

// The model the settings describe: the preset's channels (if any), then the uniform keys'
// channels appended after them, and the keys' readout error applied after the preset's (two
// independent flips composed). Keys at 0 add nothing, so NoiseSettings{} is noiseless. A bad
// value throws UsageError naming its key: noise.preset (listing the presets), noise.depolarizing,
// ... (a strength outside [0, 1] or NaN).
NoiseModel noise_model(const NoiseSettings& s);

// The preset names, in table order (noise/presets.h has the figures behind them).
std::span<const std::string_view> preset_names();

// UsageError naming `key` and listing the presets unless `name` is "" or one of them.
void check_preset(std::string_view name, std::string_view key);

}  // namespace qmf::noise
