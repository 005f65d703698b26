#pragma once
// B states of n qubits held as chunks (sim/layout.h): `lanes` samples each (the last padded with
// zero states, which every gate keeps at zero), or, in the amplitude-lane layout, one sample each
// with its w = log2(lanes) lowest amplitude bits in the lanes. A chunk is the unit of work of one
// thread: small states stay in L1/L2 for the whole circuit.
#include <complex>
#include <cstdlib>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "sim/layout.h"

namespace qmf::sim {

using cplx = std::complex<double>;

// Refuses, before allocating, a size that does not fit in the memory this machine has free.
void check_fits_in_memory(size_t bytes, const char* what);

template <typename T>
class BatchState {
 public:
  BatchState(int qubits, size_t batch, int lanes, LaneLayout layout = LaneLayout::Samples);

  int qubits() const { return qubits_; }
  size_t batch() const { return batch_; }
  int lanes() const { return lanes_; }
  LaneLayout layout() const { return lane_bits_ ? LaneLayout::Amplitudes : LaneLayout::Samples; }
  // The amplitude bits held in the lanes: log2(lanes) in the amplitude-lane layout, else 0.
  int lane_bits() const { return lane_bits_; }
  size_t samples_per_chunk() const { return lane_bits_ ? 1 : static_cast<size_t>(lanes_); }
  size_t chunks() const { return chunks_; }
  // The sample in lane l of chunk c (>= batch() for a padding lane).
  size_t sample_of(size_t c, size_t l) const { return lane_bits_ ? c : c * lanes_ + l; }
  // Rows of qubits() - lane_bits() bits, `lanes` columns.
  ChunkView<T> chunk(size_t c) const {
    return {data_.get() + c * chunk_size(), qubits_ - lane_bits_, lanes_};
  }

  // Amplitude a of sample b (for tests, explanations and export; not for hot loops).
  cplx amplitude(size_t b, size_t a) const;
  void set_amplitude(size_t b, size_t a, cplx v);

 private:
  std::pair<T*, T*> locate(size_t b, size_t a) const;
  size_t chunk_size() const { return 2 * (size_t{1} << (qubits_ - lane_bits_)) * lanes_; }
  struct Free {
    void operator()(T* p) const { std::free(p); }
  };
  int qubits_;
  size_t batch_;
  int lanes_;
  int lane_bits_;
  size_t chunks_;
  std::unique_ptr<T[], Free> data_;
};

// Per-sample product input (docs/MODEL.md): register m holds `qubits[m]` qubits, R_1 the most
// significant; `amplitudes[m]` has batch * 2^qubits[m] values, one row per sample.
struct ProductInput {
  std::vector<int> qubits;
  std::vector<std::span<const cplx>> amplitudes;
};

// The amplitude bit where register m's lowest qubit sits.
inline int register_shift(const ProductInput& in, size_t m) {
  int shift = 0;
  for (size_t j = m + 1; j < in.qubits.size(); ++j) shift += in.qubits[j];
  return shift;
}

}  // namespace qmf::sim
