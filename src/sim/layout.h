#pragma once
// Memory layout of a chunk: `lanes` columns of amplitudes side by side,
//   row a, lane l:  re = data[(2a) * lanes + l],  im = data[(2a + 1) * lanes + l].
// Rows first and lanes last, real and imaginary parts apart, so a pack of lanes is one SIMD
// register. Qubit q is bit (n-1-q) of an amplitude index. The lanes are one of two things:
//  * samples (LaneLayout::Samples): lane l is sample l of the chunk, row a its amplitude a. Every
//    gate is the same small dense product on every lane, whatever qubits it touches; the layout
//    of a batch that fills the packs.
//  * amplitude bits (LaneLayout::Amplitudes): the chunk is one sample of n qubits, and lane l of
//    row a holds its amplitude (a << w) | l, w = log2(lanes): the w lowest bits live inside a
//    pack (qsim's way). A state too large, or a batch too small, to fill packs with samples still
//    fills them. A chunk then looks like a state of n - w qubits, and gates on the low qubits mix
//    lanes (kernels.h, LaneMixing).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

namespace qmf::sim {

enum class LaneLayout { Auto, Samples, Amplitudes };
LaneLayout parse_lane_layout(std::string_view name);  // auto | samples | amplitudes
std::string_view lane_layout_name(LaneLayout layout);

template <typename T>
struct ChunkView {
  T* data = nullptr;
  int qubits = 0;
  int lanes = 1;
  size_t amplitudes() const { return size_t{1} << qubits; }
  T* re(size_t a) const { return data + 2 * a * lanes; }
  T* im(size_t a) const { return data + (2 * a + 1) * lanes; }
};

inline constexpr uint64_t bit_of(int qubits, int q) { return uint64_t{1} << (qubits - 1 - q); }

// The index into a register whose lowest `lane_qubits` bits are lane bits from bit `shift` of
// lane l, the rest row bits i (sim/simulator.cpp's register lanes).
inline constexpr size_t register_index(size_t i, size_t l, int shift, int lane_qubits) {
  return (i << lane_qubits) | ((l >> shift) & ((size_t{1} << lane_qubits) - 1));
}

// Where a block of k qubits (k = 0..3) sits inside the amplitude index. Group g enumerates the
// 2^(n-k) assignments of the other qubits; offsets[i] adds the block's local index i (big-endian
// over the block's qubit list).
struct BlockGeometry {
  int k = 0;
  int sorted_bits[3] = {0, 0, 0};  // ascending bit positions, for expand()
  uint64_t offsets[8] = {};

  BlockGeometry() = default;
  BlockGeometry(int qubits, const int* block_qubits, int k_);
  size_t groups(int qubits) const { return size_t{1} << (qubits - k); }
  // Inserts a zero at each of the block's bit positions.
  uint64_t expand(uint64_t g) const {
    for (int j = 0; j < k; ++j) {
      const int p = sorted_bits[j];
      g = ((g >> p) << (p + 1)) | (g & ((uint64_t{1} << p) - 1));
    }
    return g;
  }
};

inline BlockGeometry::BlockGeometry(int qubits, const int* block_qubits, int k_) : k(k_) {
  for (int j = 0; j < k; ++j) sorted_bits[j] = qubits - 1 - block_qubits[j];
  for (int a = 1; a < k; ++a)  // insertion sort of at most three
    for (int b = a; b > 0 && sorted_bits[b - 1] > sorted_bits[b]; --b)
      std::swap(sorted_bits[b - 1], sorted_bits[b]);
  for (int i = 0; i < (1 << k); ++i) {
    uint64_t off = 0;
    for (int j = 0; j < k; ++j)
      if ((i >> (k - 1 - j)) & 1) off |= bit_of(qubits, block_qubits[j]);
    offsets[i] = off;
  }
}

}  // namespace qmf::sim
