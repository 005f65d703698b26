#pragma once
// Noise channels as data: a kind and a strength p in [0, 1], and the matrices the simulators
// need, built from the kind's Kraus operators (docs/NOISE.md, "Channels and noise models").
//
// Conventions, for a density matrix rho:
//   depolarizing       rho -> (1-p) rho + p/3 (X rho X + Y rho Y + Z rho Z); p is the
//                      probability of a Pauli error, so p = 3/4 is fully depolarising
//   depolarizing2      on a qubit pair, rho -> (1-p) rho + p/15 sum of P rho P over the 15
//                      two-qubit Paulis other than I(x)I; fully depolarising at p = 15/16
//   amplitude_damping  gamma = p: K0 = [[1, 0], [0, sqrt(1-p)]], K1 = [[0, sqrt(p)], [0, 0]]
//   phase_damping      lambda = p: K0 = diag(1, sqrt(1-p)), K1 = diag(0, sqrt(p)); the
//                      coherences rho01, rho10 are multiplied by sqrt(1-p)
//   bit_flip           X with probability p
//   phase_flip         Z with probability p
// Two-qubit matrices are big-endian over the pair, as gate matrices are (sim/gates.h): local
// index 2a + b for bits a (first qubit) and b (second).
#include <span>
#include <string_view>
#include <vector>

#include "sim/gates.h"

namespace qmf::noise {

enum class ChannelKind {
  depolarizing,
  depolarizing2,
  amplitude_damping,
  phase_damping,
  bit_flip,
  phase_flip
};

inline constexpr ChannelKind kChannelKinds[] = {
    ChannelKind::depolarizing,  ChannelKind::depolarizing2, ChannelKind::amplitude_damping,
    ChannelKind::phase_damping, ChannelKind::bit_flip,      ChannelKind::phase_flip};

struct Channel {
  ChannelKind kind{};
  double p = 0;  // the channel's strength in [0, 1]
  bool operator==(const Channel&) const = default;
};

int channel_qubits(ChannelKind kind);             // 2 for depolarizing2, else 1
std::string_view channel_name(ChannelKind kind);  // "depolarizing", "amplitude_damping", ...

// A user's strength: p outside [0, 1], or NaN, is a UsageError naming `key` (a config key).
void check_channel(const Channel& c, std::string_view key);
void check_probability(double p, std::string_view key);

// Kraus operators (2 x 2, or 4 x 4 over the pair), sum K^dag K = I. Operators of weight zero
// are left out, so p = 0 leaves the identity alone (and p = 1 drops the identity term).
std::vector<sim::MatrixC> kraus_operators(const Channel& c);

// The channel on vec(rho) in this project's convention: a density matrix of n qubits is held as
// a 2n-qubit vector whose index is (x << n) | y for rho[x][y] (row bits first). On a channel's
// own qubits the superoperator is indexed (row bits, column bits), big-endian:
//   S[r * d + c][r' * d + c'] = sum_i K_i[r][r'] conj(K_i[c][c'])
// with d = 2 (one qubit: local index 2r + c, 4 x 4) or d = 4 (a pair: local index over
// (row a, row b, col a, col b), 16 x 16).
sim::MatrixC superoperator(const Channel& c);
// The same for any Kraus operators: sum_i K_i (x) conj(K_i).
sim::MatrixC superoperator(std::span<const sim::MatrixC> kraus);

// The Choi matrix sum_{ij} |i><j| (x) E(|i><j|), indexed i * d + a (input, then output). The
// channel is completely positive when it is positive semidefinite, and trace preserving when
// its partial trace over the output is the identity.
sim::MatrixC choi_matrix(const Channel& c);

}  // namespace qmf::noise
