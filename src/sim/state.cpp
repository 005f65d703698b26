#include "sim/state.h"

#include <unistd.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>

#include "core/error.h"

namespace qmf::sim {
namespace {

size_t available_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  size_t kib = 0;
  while (meminfo >> key >> kib)
    if (key == "MemAvailable:") return kib * 1024;
  return static_cast<size_t>(sysconf(_SC_AVPHYS_PAGES)) *
         static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace

void check_fits_in_memory(size_t bytes, const char* what) {
  const size_t free_bytes = available_bytes();
  if (bytes > free_bytes)
    throw Error(fmt::format("{} needs {:.2f} GiB but only {:.2f} GiB of memory is available", what,
                            static_cast<double>(bytes) / (1 << 30),
                            static_cast<double>(free_bytes) / (1 << 30)));
}

namespace {

int lane_bits_of(int qubits, int lanes, LaneLayout layout) {
  if (layout != LaneLayout::Amplitudes) return 0;
  const int w = std::countr_zero(static_cast<unsigned>(lanes));
  QMF_CHECK(lanes > 1 && lanes == 1 << w && w <= qubits, "bad amplitude-lane shape");
  return w;
}

}  // namespace

template <typename T>
BatchState<T>::BatchState(int qubits, size_t batch, int lanes, LaneLayout layout)
    : qubits_(qubits),
      batch_(batch),
      lanes_(lanes),
      lane_bits_(lane_bits_of(qubits, lanes, layout)),
      chunks_(lane_bits_ ? batch : (batch + lanes - 1) / lanes) {
  QMF_CHECK(qubits >= 1 && batch >= 1 && lanes >= 1, "bad state shape");
  // In floating point first: the exact size can overflow size_t for absurd requests.
  const long double estimate = static_cast<long double>(chunks_) * lanes * 2 *
                               std::pow(2.0L, qubits - lane_bits_) * sizeof(T);
  const std::string what = fmt::format("a state of {} qubits x {} samples", qubits, batch);
  if (qubits > 62 || estimate > static_cast<long double>(SIZE_MAX) / 2)
    throw Error(fmt::format("{} needs {:.3g} GiB: far more memory than any machine has", what,
                            static_cast<double>(estimate / (1 << 30))));
  const size_t bytes = chunks_ * chunk_size() * sizeof(T);
  check_fits_in_memory(bytes, what.c_str());
  const size_t rounded = (bytes + 63) / 64 * 64;
  T* p = static_cast<T*>(std::aligned_alloc(64, rounded));
  if (!p) throw Error(fmt::format("could not allocate {} bytes for the state", rounded));
  std::memset(p, 0, rounded);
  data_.reset(p);
}

template <typename T>
std::pair<T*, T*> BatchState<T>::locate(size_t b, size_t a) const {
  const size_t per = samples_per_chunk();
  const ChunkView<T> v = chunk(b / per);
  const size_t row = a >> lane_bits_;
  const size_t l = lane_bits_ ? a & (lanes_ - 1) : b % per;
  return {v.re(row) + l, v.im(row) + l};
}

template <typename T>
cplx BatchState<T>::amplitude(size_t b, size_t a) const {
  const auto [re, im] = locate(b, a);
  return {static_cast<double>(*re), static_cast<double>(*im)};
}

template <typename T>
void BatchState<T>::set_amplitude(size_t b, size_t a, cplx value) {
  const auto [re, im] = locate(b, a);
  *re = static_cast<T>(value.real());
  *im = static_cast<T>(value.imag());
}

template class BatchState<float>;
template class BatchState<double>;

}  // namespace qmf::sim
