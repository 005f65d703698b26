#pragma once
// B states of n qubits held as chunks of `lanes` samples each (sim/layout.h). A chunk is the unit
// of work of one thread: small states stay in L1/L2 for the whole circuit. The last chunk is
// padded with zero states, which every gate keeps at zero.
#include <complex>
#include <cstdlib>
#include <memory>
#include <span>
#include <vector>

#include "sim/layout.h"

namespace qmf::sim {

using cplx = std::complex<double>;

// Refuses, before allocating, a size that does not fit in the memory this machine has free.
void check_fits_in_memory(size_t bytes, const char* what);

template <typename T>
class BatchState {
 public:
  BatchState(int qubits, size_t batch, int lanes);

  int qubits() const { return qubits_; }
  size_t batch() const { return batch_; }
  int lanes() const { return lanes_; }
  size_t chunks() const { return chunks_; }
  ChunkView<T> chunk(size_t c) const { return {data_.get() + c * chunk_size(), qubits_, lanes_}; }

  // Amplitude a of sample b (for tests, explanations and export; not for hot loops).
  cplx amplitude(size_t b, size_t a) const;
  void set_amplitude(size_t b, size_t a, cplx v);

 private:
  size_t chunk_size() const { return 2 * (size_t{1} << qubits_) * lanes_; }
  struct Free {
    void operator()(T* p) const { std::free(p); }
  };
  int qubits_;
  size_t batch_;
  int lanes_;
  size_t chunks_;
  std::unique_ptr<T[], Free> data_;
};

// Per-sample product input (docs/MODEL.md): register m holds `qubits[m]` qubits, R_1 the most
// significant; `amplitudes[m]` has batch * 2^qubits[m] values, one row per sample.
struct ProductInput {
  std::vector<int> qubits;
  std::vector<std::span<const cplx>> amplitudes;
};

}  // namespace qmf::sim
