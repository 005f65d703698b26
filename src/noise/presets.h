#pragma once
// Device presets: noise models built from a device's published figures (the sources and the
// numbers are in presets.cpp and docs/NOISE.md). Internal to the noise layer and its tests; a
// user names a preset by noise.preset.
#include <span>
#include <string_view>

#include "noise/noise_model.h"

namespace qmf::noise {

// What a preset is built from. Times in seconds.
struct DeviceFigures {
  std::string_view name;
  double gate_error_1q;  // average gate infidelity r = 1 - F_avg of a one-qubit gate
  double gate_error_2q;  // the same of the native two-qubit gate
  double t1, t2;
  double gate_time_1q;  // 0: not published, and no relaxation is modelled after one-qubit gates
  double gate_time_2q;
  ReadoutError readout;
};

std::span<const DeviceFigures> device_figures();

// nullptr for a name that is not a preset.
const DeviceFigures* find_device(std::string_view name);

// After a gate of duration t every qubit it touches relaxes: amplitude damping with
// gamma = 1 - exp(-t/T1), then phase damping with lambda = 1 - exp(-2t/T_phi), 1/T_phi =
// 1/T2 - 1/(2 T1), so that the coherences decay by exp(-t/T2) in all. A depolarizing channel
// (first in the list) carries the rest of the published gate error: its p is chosen so that the
// composed channel's average gate infidelity is the published r (without relaxation, p = 3r/2
// for one qubit and 5r/4 for two); p = 0 when relaxation alone exceeds r. A three-qubit gate is
// charged as the six two-qubit gates of its standard decomposition (Nielsen & Chuang, Fig.
// 4.9): relaxation over six two-qubit gate times, and one-qubit depolarizing with
// 1 - p3 = (1 - p2)^2 on each qubit, so that the three qubits are free of Pauli errors as often
// as after six two-qubit depolarizing channels of strength p2.
NoiseModel device_model(const DeviceFigures& d);

// The average gate infidelity 1 - F_avg of the channels that follow a gate on `qubits` (1 or 2)
// qubits, composed in list order as NoiseModel applies them: with two qubits, two-qubit
// channels act on the pair and one-qubit channels on each qubit. From the composed
// superoperator S (D = 2^qubits): F_avg = (Tr S / D + 1) / (D + 1).
double average_infidelity(std::span<const Channel> channels, int qubits);

}  // namespace qmf::noise
